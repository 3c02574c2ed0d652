import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { hasHidden } from '../../core/text/hidden.ts';
import type { DiffEnds } from '../../protocol/diff.ts';
import { OidLink } from '../components/Link.tsx';
import { MarkedText } from '../components/MarkedText.tsx';
import { navigate } from '../lib/route.ts';
import { useRepo } from '../stores/repo.ts';
import { DiffView } from './diff/DiffView.tsx';
import { useDiffFiles } from './diff/useDiffList.ts';

/**
 * Compare any two names: commits, trees, refs, tags or blobs (`main..topic`, `v1.0..v2.0`,
 * `<blob>..<blob>`, `HEAD:README.md..topic:README.md`), with the same diff views as a commit page.
 */
export function CompareView({ a, b }: { a: string; b: string }) {
  const [from, setFrom] = useState(a);
  const [to, setTo] = useState(b);
  useEffect(() => {
    setFrom(a);
    setTo(b);
  }, [a, b]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (from.trim() !== '' && to.trim() !== '') navigate({ view: 'compare', a: from.trim(), b: to.trim() });
  };
  const ready = a !== '' && b !== '';
  // The repository's refs, offered as the inputs are typed in (a datalist: the browser filters it).
  // The browser draws a datalist itself, where hidden characters cannot be marked: such names are left out.
  const refs = useRepo((s) => s.summary?.refs);
  const names = useMemo(
    () =>
      (refs ?? [])
        .slice(0, 5000)
        .map((r) => r.name.replace(/^refs\/(heads|tags)\//, ''))
        .filter((n) => !hasHidden(n)),
    [refs],
  );
  return (
    <div className="compare-page" data-testid="compare-view">
      <h1>Compare</h1>
      <form className="compare-form" onSubmit={submit} data-testid="compare-form">
        <label>
          From (old)
          <input
            type="text"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            placeholder="main~1, v1.0, a commit, tree or blob id"
            spellCheck={false}
            autoComplete="off"
            list="compare-names"
            data-testid="compare-from"
          />
        </label>
        <button
          type="button"
          className="small"
          title="Swap the two sides"
          aria-label="Swap the two sides"
          onClick={() => {
            setFrom(to);
            setTo(from);
          }}
        >
          ⇄
        </button>
        <label>
          To (new)
          <input
            type="text"
            value={to}
            onChange={(e) => setTo(e.target.value)}
            placeholder="main, v2.0, rev:path"
            spellCheck={false}
            autoComplete="off"
            list="compare-names"
            data-testid="compare-to"
          />
        </label>
        <button type="submit" className="primary" disabled={from.trim() === '' || to.trim() === ''}>
          Compare
        </button>
        <span className="muted compare-help">Commits, trees, refs, tags, blobs, or rev:path.</span>
        <datalist id="compare-names">
          {names.map((n, i) => (
            <option key={`${n}-${i}`} value={n} />
          ))}
        </datalist>
      </form>
      {ready ? <Comparison key={`${a}\u0000${b}`} a={a} b={b} /> : <p className="muted">Name the two sides to compare.</p>}
    </div>
  );
}

function Comparison({ a, b }: { a: string; b: string }) {
  const target = useMemo(() => ({ kind: 'pair' as const, from: a, to: b }), [a, b]);
  const list = useDiffFiles(target);
  return (
    <>
      {list.ends && <Ends ends={list.ends} a={a} b={b} />}
      <DiffView list={list} diffKey={`${a}..${b}`} />
    </>
  );
}

/** What the two names turned out to be. */
function Ends({ ends, a, b }: { ends: DiffEnds; a: string; b: string }) {
  const side = (name: string, commit: string | undefined, tree: string | undefined, blob: string | undefined) => (
    <span>
      {/* A full id names itself: only a ref, a short id or rev:path is said again. */}
      {name !== (commit ?? blob ?? tree) && (
        <>
          <span className="mono">
            <MarkedText text={name} />
          </span>{' '}
          <span className="muted">is</span>{' '}
        </>
      )}
      {commit ? (
        <>
          commit <OidLink oid={commit} />
        </>
      ) : blob ? (
        <>
          blob <OidLink oid={blob} />
        </>
      ) : tree ? (
        <>
          tree <OidLink oid={tree} />
        </>
      ) : (
        '?'
      )}
    </span>
  );
  return (
    <div className="compare-ends" data-testid="compare-ends">
      {side(a, ends.fromCommit, ends.fromTree, ends.blobs?.from)}
      <span className="muted">→</span>
      {side(b, ends.toCommit, ends.toTree, ends.blobs?.to)}
    </div>
  );
}
