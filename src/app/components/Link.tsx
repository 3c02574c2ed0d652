import type { ReactNode } from 'react';
import { useHref, type Route } from '../lib/route.ts';

/** An in-app link: a real <a href="#…">, so middle-click, copy link and back/forward work. */
export function Link({ to, children, className, title }: { to: Route; children: ReactNode; className?: string; title?: string }) {
  const href = useHref();
  return (
    <a href={href(to)} className={className} title={title}>
      {children}
    </a>
  );
}

/** A link to an object page, showing the short id. */
export function OidLink({ oid, full }: { oid: string; full?: boolean }) {
  return (
    <Link to={{ view: 'object', oid }} className="oid" title={oid}>
      {full ? oid : oid.slice(0, 12)}
    </Link>
  );
}
