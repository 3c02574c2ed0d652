import { useEffect, useRef, useState } from 'react';
import type { ObjectDetail } from '../../protocol/messages.ts';
import { BlobViewer } from '../components/blob/BlobViewer.tsx';
import { Markdown } from '../components/blob/Markdown.tsx';
import { isMarkdownName } from '../highlight/languages.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { OidLink } from '../components/Link.tsx';
import { navigate, type BlobPlaceRef } from '../lib/route.ts';
import { BlobPlacesLinks } from './browse/BlobPlacesLinks.tsx';
import { useRepo } from '../stores/repo.ts';
import { ExportMenu } from './export/ExportMenu.tsx';
import { CommitContent } from './object/CommitContent.tsx';
import { CopyButton } from './object/CopyButton.tsx';
import { DeltaChain, ObjectFacts, typeKnown } from './object/ObjectFacts.tsx';
import { TagContent } from './object/TagContent.tsx';
import { RawObject } from './object/RawObject.tsx';
import { TreeTable } from './object/TreeTable.tsx';
import { useWorkerRequest } from '../lib/request.ts';
import './object/object.css';
import { RequestStatus } from '../components/RequestStatus.tsx';

/** One object: where and how it is stored (pack, offset, delta chain), then what it says. */
export function ObjectView({ oid, at }: { oid: string; at?: BlobPlaceRef | undefined }) {
  const algo = useRepo((s) => s.summary?.hashAlgo);
  const full = oid.length === (algo === 'sha256' ? 64 : 40) && /^[0-9a-fA-F]+$/.test(oid);
  // A new page per object: nothing of the previous object lingers while the next loads.
  return full ? <ObjectPage key={oid} oid={oid.toLowerCase()} at={at} /> : <ResolveName key={oid} name={oid} />;
}

/** A short id or a ref name in the URL: find the object, then show it under its full id. */
function ResolveName({ name }: { name: string }) {
  const req = useWorkerRequest('Looking up the name', 'resolve', { name }, [name]);
  const result = req.status === 'done' ? req.data : undefined;
  useEffect(() => {
    if (result?.kind === 'found') navigate({ view: 'object', oid: result.oid }, { replace: true });
  }, [result]);
  return (
    <div className="object-page">
      <header className="object-title">
        <h1>
          <span className="mono object-oid">{name}</span>
        </h1>
      </header>
      {req.status === 'loading' && <p className="muted">Looking up {name}…</p>}
      {req.status === 'error' && (
        <div data-testid="object-error">
          <ErrorBox error={req.error} title={`"${name}" could not be looked up`} />
        </div>
      )}
      {result?.kind === 'missing' && (
        <div data-testid="object-error">
          <ErrorBox error={{ kind: 'NotFound', message: result.reason, detail: result.reason }} title={`No object is named "${name}"`} />
        </div>
      )}
      {result?.kind === 'ambiguous' && (
        <div className="notice" data-testid="ambiguous">
          <p>
            <strong>{name}</strong> is the start of {result.candidates.length} object ids. Which one?
          </p>
          <ul className="object-candidates">
            {result.candidates.map((c) => (
              <li key={c}>
                <OidLink oid={c} full />
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function ObjectPage({ oid, at }: { oid: string; at?: BlobPlaceRef | undefined }) {
  const req = useWorkerRequest('Reading the object', 'object', { oid }, [oid]);
  const detail = req.data;
  return (
    <div className="object-page" data-testid="object-view">
      <header className="object-title">
        <h1>
          {detail && <span className={`type-${typeKnown(detail) ? detail.type : 'unknown'} object-type`}>{typeKnown(detail) ? detail.type : 'object'}</span>}
          <span className="mono object-oid">{oid}</span>
        </h1>
        <CopyButton text={oid} />
        {detail && <ExportMenu oid={oid} type={typeKnown(detail) ? detail.type : undefined} zipRev={tagTarget(detail)} />}
      </header>
      <RequestStatus req={req} loading="Reading the object…" />
      {req.status === 'error' && (
        <div data-testid="object-error">
          <ErrorBox error={req.error} title="This object could not be opened" />
        </div>
      )}
      {detail && <ObjectBody detail={detail} at={at} />}
    </div>
  );
}

/** A tag that names a commit or tree can be archived through it (git archive peels tags). */
function tagTarget(detail: ObjectDetail): string | undefined {
  const c = detail.content;
  return c?.kind === 'tag' && (c.targetType === 'commit' || c.targetType === 'tree' || c.targetType === 'tag') ? detail.oid : undefined;
}

function ObjectBody({ detail, at }: { detail: ObjectDetail; at?: BlobPlaceRef | undefined }) {
  const content = detail.content;
  // The raw object: what a cut message, the parents or headers past the first, are read in.
  const [raw, setRaw] = useState(false);
  const rawBox = useRef<HTMLDivElement>(null);
  const showRaw = () => {
    setRaw(true);
    requestAnimationFrame(() => rawBox.current?.scrollIntoView({ block: 'start', behavior: 'smooth' }));
  };
  return (
    <>
      <div className={detail.chain.length > 1 ? 'object-storage with-chain' : 'object-storage'}>
        <section className="storage-facts" aria-label="Storage">
          <ObjectFacts detail={detail} />
        </section>
        {detail.chain.length > 1 && <DeltaChain chain={detail.chain} />}
      </div>
      {detail.error && (
        <div data-testid="object-error">
          <ErrorBox error={detail.error} title={content ? 'Part of this object could not be read' : 'The content of this object could not be read'} />
        </div>
      )}
      {content?.kind === 'commit' && <CommitContent oid={detail.oid} commit={content} onShowRaw={showRaw} />}
      {content?.kind === 'tag' && <TagContent tag={content} onShowRaw={showRaw} />}
      {content?.kind === 'tree' && <TreeTable oid={detail.oid} entries={content.entries} total={content.total} />}
      {content?.kind === 'blob' && <BlobPlacesLinks oid={detail.oid} at={at} />}
      {content?.kind === 'blob' && (
        <BlobViewer
          oid={detail.oid}
          content={content}
          name={at?.path[at.path.length - 1]}
          renderText={at && isMarkdownName(at.path[at.path.length - 1] ?? '') ? (text) => <Markdown text={text} rev={at.commit} folder={at.path.slice(0, -1)} /> : undefined}
          sourceFirst
        />
      )}
      {content && content.kind !== 'blob' && (
        <div ref={rawBox}>
          <RawObject oid={detail.oid} type={content.kind} size={detail.size} open={raw} onOpen={() => setRaw(true)} />
        </div>
      )}
    </>
  );
}
