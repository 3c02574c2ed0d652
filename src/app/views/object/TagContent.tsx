import type { ObjectContent } from '../../../protocol/messages.ts';
import { Link, OidLink } from '../../components/Link.tsx';
import { Person } from './Person.tsx';

type Tag = Extract<ObjectContent, { kind: 'tag' }>;

/** An annotated tag: what it points at, its name, who tagged it and when, its message. */
export function TagContent({ tag }: { tag: Tag }) {
  return (
    <div className="tag-content">
      {tag.targetType === 'tree' && (
        <div className="object-actions">
          <Link to={{ view: 'browse', rev: tag.object, path: [] }} className="button">
            Browse this tree
          </Link>
        </div>
      )}
      {tag.targetType === 'commit' && (
        <div className="object-actions">
          <Link to={{ view: 'browse', rev: tag.object, path: [] }} className="button">
            Browse files
          </Link>
          <Link to={{ view: 'history', rev: tag.object, mode: 'first-parent' }} className="button">
            History
          </Link>
        </div>
      )}
      <dl className="facts">
        <dt>Tag name</dt>
        <dd className="mono" data-testid="tag-name">
          {tag.name}
        </dd>
        <dt>Target</dt>
        <dd>
          <span className={`type-${tag.targetType}`}>{tag.targetType}</span> <OidLink oid={tag.object} full />
        </dd>
        <dt>Tagger</dt>
        <dd>{tag.tagger ? <Person who={tag.tagger} /> : <span className="muted">none recorded</span>}</dd>
      </dl>
      <pre className={tag.message === '' ? 'object-message empty' : 'object-message'} data-testid="tag-message">
        {tag.message}
      </pre>
    </div>
  );
}
