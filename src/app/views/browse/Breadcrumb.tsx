import { MarkedText } from '../../components/MarkedText.tsx';
import { useHref } from '../../lib/route.ts';

/** Where in the tree we are: the root, then each folder, each a link (hidden characters marked). */
export function Breadcrumb({ rev, path, root }: { rev: string; path: string[]; root: string }) {
  const href = useHref();
  return (
    <nav className="browse-crumbs" aria-label="Path" data-testid="breadcrumb">
      <ol>
        <li>
          <a href={href({ view: 'browse', rev, path: [] })} aria-current={path.length === 0 ? 'page' : undefined} className="browse-crumb-root">
            {root}
          </a>
        </li>
        {path.map((segment, i) => (
          <li key={i}>
            <span className="browse-crumb-sep" aria-hidden="true">
              /
            </span>
            <a href={href({ view: 'browse', rev, path: path.slice(0, i + 1) })} aria-current={i === path.length - 1 ? 'page' : undefined}>
              <MarkedText text={segment} />
            </a>
          </li>
        ))}
      </ol>
    </nav>
  );
}
