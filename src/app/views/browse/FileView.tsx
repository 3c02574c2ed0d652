import { BlobViewer } from '../../components/blob/BlobViewer.tsx';
import { Markdown } from '../../components/blob/Markdown.tsx';
import { isMarkdownName } from '../../highlight/languages.ts';
import { hashFor, navigate, parseHash, useHref, type LineRange } from '../../lib/route.ts';
import { CopyButton } from '../object/CopyButton.tsx';
import './reading.css';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { Link, OidLink } from '../../components/Link.tsx';
import { MarkedText } from '../../components/MarkedText.tsx';
import { useWorkerRequest } from '../../lib/request.ts';
import { EntryIcon } from './EntryIcon.tsx';

/** The folder path a relative symlink target points at, or undefined when it leaves the tree. */
export function resolveLink(folder: string[], target: string): string[] | undefined {
  if (target.startsWith('/') || target === '') return undefined;
  const out = [...folder];
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out;
}

/** A file of the browsed tree: its contents, a symlink's target, or a submodule's commit. */
export function FileView({ rev, commit, path, oid, mode, lines }: { rev: string; commit: string; path: string[]; oid: string; mode: string; lines?: LineRange | undefined }) {
  if (mode === '160000') {
    return (
      <div className="special-file" tabIndex={-1} data-testid="submodule">
        <EntryIcon kind="submodule" />
        <div>
          <p className="special-title">
            <span className="mono">
              <MarkedText text={path.join('/')} />
            </span>{' '}
            is a submodule at{' '}
            <span className="mono" title={oid}>
              {oid}
            </span>
          </p>
          <p className="muted">The commit is not in this repository: a submodule records only the id of a commit in another repository.</p>
        </div>
      </div>
    );
  }
  return <BlobFile key={oid} rev={rev} commit={commit} path={path} oid={oid} mode={mode} lines={lines} />;
}

/** The address of this file at the commit itself (not a branch that moves), with the selected lines. */
export function permalinkOf(commit: string, path: string[], lines: LineRange | undefined): string {
  const repo = parseHash(window.location.hash).repo;
  const hash = hashFor(repo, { view: 'browse', rev: commit, path, ...(lines ? { lines } : {}) });
  return `${window.location.origin}${window.location.pathname}${window.location.search}${hash}`;
}

function BlobFile({ rev, commit, path, oid, mode, lines }: { rev: string; commit: string; path: string[]; oid: string; mode: string; lines?: LineRange | undefined }) {
  const href = useHref();
  const req = useWorkerRequest('Reading the file', 'object', { oid }, [oid]);
  const name = path[path.length - 1] ?? oid;
  if (req.status === 'loading' || req.status === 'idle') return <p className="muted">Reading {name}…</p>;
  if (req.status === 'cancelled') {
    return (
      <p className="notice">
        Reading {name} was cancelled.{' '}
        <button type="button" className="small" onClick={req.retry}>
          Read it again
        </button>
      </p>
    );
  }
  if (req.status === 'error') return <ErrorBox error={req.error} title={`${name} could not be read`} />;
  const detail = req.data;
  const content = detail.content;
  if (content?.kind !== 'blob') {
    return (
      <>
        {detail.error && <ErrorBox error={detail.error} title={`${name} could not be read`} />}
        {content && (
          <p className="warn">
            The tree says {name} is a file, but object <OidLink oid={oid} /> is a {content.kind}.
          </p>
        )}
      </>
    );
  }
  if (mode === '120000' && content.text !== undefined) {
    const target = content.text;
    const resolved = resolveLink(path.slice(0, -1), target);
    return (
      <div className="special-file" tabIndex={-1} data-testid="symlink">
        <EntryIcon kind="symlink" />
        <div>
          <p className="special-title">
            <span className="mono">
              <MarkedText text={path.join('/')} />
            </span>{' '}
            is a symbolic link to{' '}
            <code className="symlink-target" data-testid="symlink-target">
              <MarkedText text={target} />
            </code>
          </p>
          <p className="muted">
            {resolved ? (
              <>
                Inside this tree that is <Link to={{ view: 'browse', rev, path: resolved }}>{resolved.length ? <MarkedText text={resolved.join('/')} /> : 'the root folder'}</Link>.{' '}
              </>
            ) : (
              <>The target is outside this tree. </>
            )}
            The link itself is blob <OidLink oid={oid} />.
          </p>
        </div>
      </div>
    );
  }
  // A click on a line number selects it; Shift extends from the line selected first. The URL
  // holds the selection (replacing, not adding, a history entry per click).
  const selectLine = (line: number, extend: boolean) => {
    const anchor = lines ? lines.from : line;
    const range = extend && lines ? { from: Math.min(anchor, line), to: Math.max(anchor, line) } : { from: line, to: line };
    navigate({ view: 'browse', rev, path, lines: range }, { replace: true });
  };
  return (
    <>
      {detail.error && <ErrorBox error={detail.error} title={`Part of ${name} could not be read`} />}
      <BlobViewer
        oid={oid}
        content={content}
        name={name}
        selection={lines}
        onLineClick={selectLine}
        lineHref={(line) => href({ view: 'browse', rev, path, lines: { from: line, to: line } })}
        renderText={isMarkdownName(name) ? (text) => <Markdown text={text} rev={rev} folder={path.slice(0, -1)} /> : undefined}
        actions={
          <span className="file-actions">
            {commit && (
              <>
                <a
                  href={href({ view: 'browse', rev: commit, path, ...(lines ? { lines } : {}) })}
                  className="small"
                  data-testid="permalink"
                  title="This file at the commit itself, which a branch moving on does not change"
                >
                  Permalink
                </a>
                <CopyButton text={permalinkOf(commit, path, lines)} label={lines ? 'Copy permalink to lines' : 'Copy permalink'} />
              </>
            )}
            {commit && (
              <>
                <a href={href({ view: 'path-history', rev, path, follow: true })} className="small" data-testid="file-history-link" title="The commits that changed this file (git log --follow)">
                  History
                </a>
                <a href={href({ view: 'blame', rev, path })} className="small" data-testid="file-blame-link" title="Who last changed each line (git blame)">
                  Blame
                </a>
              </>
            )}
          </span>
        }
        title={
          <>
            <span className="file-path">
              <MarkedText text={path.join('/')} />
            </span>{' '}
            <Link to={{ view: 'object', oid, ...(commit ? { at: { commit, path } } : {}) }} className="oid" title={oid}>
              {oid.slice(0, 12)}
            </Link>
          </>
        }
      />
    </>
  );
}
