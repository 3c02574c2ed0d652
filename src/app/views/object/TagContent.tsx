import type { ObjectContent } from '../../../protocol/messages.ts';
import { Link, OidLink } from '../../components/Link.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import { Message, OtherHeaders } from './CommitContent.tsx';
import { Person } from './Person.tsx';

type Tag = Extract<ObjectContent, { kind: 'tag' }>;

/** An annotated tag: what it points at, its name, who tagged it and when, its message, any other headers. */
export function TagContent({ tag, onShowRaw }: { tag: Tag; onShowRaw: () => void }) {
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
          <MarkedText text={tag.name} />
        </dd>
        <dt>Target</dt>
        <dd>
          <span className={`type-${tag.targetType}`}>{tag.targetType}</span> <OidLink oid={tag.object} full />
        </dd>
        <dt>Tagger</dt>
        <dd>{tag.tagger ? <Person who={tag.tagger} /> : <span className="muted">none recorded</span>}</dd>
      </dl>
      <Message text={tag.message} bytes={tag.messageBytes} testId="tag-message" onShowRaw={onShowRaw} />
      {tag.headerCount > 0 && <OtherHeaders headers={tag.headers} count={tag.headerCount} onShowRaw={onShowRaw} />}
    </div>
  );
}
