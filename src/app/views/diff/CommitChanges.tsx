import { useMemo, useState } from 'react';
import type { CombinedFileInfo, DiffFileInfo, DiffStatus } from '../../../protocol/diff.ts';
import { Link, OidLink } from '../../components/Link.tsx';
import { formatCount, shortOid } from '../../lib/format.ts';
import { DiffView } from './DiffView.tsx';
import { StatusBadge } from './FileHeader.tsx';
import { useCombinedFiles, useDiffFiles } from './useDiffList.ts';

/** Parents offered as buttons; more than this are offered in a list box (an octopus, a hostile commit). */
const PARENT_BUTTONS = 6;

/**
 * "What this commit changed": against its first parent (a root commit against the empty tree),
 * and for a merge a choice of each parent or git's combined view (the files that differ from
 * every parent). Works the same for any commit id, reachable or not.
 */
export function CommitChanges({ oid, parents, parentCount }: { oid: string; parents: string[]; parentCount: number }) {
  const [choice, setChoice] = useState<number | 'combined'>(parentCount === 0 ? 0 : 1);
  const merge = parentCount > 1;
  return (
    <section className="commit-changes" aria-label="Changes" data-testid="commit-changes">
      <div className="commit-changes-head">
        <h2>Changes</h2>
        {parentCount === 0 && <span className="muted">a root commit: every file is new</span>}
        {parentCount === 1 && (
          <span className="muted">
            against the parent <OidLink oid={parents[0]} />
          </span>
        )}
        {merge && <ParentChoice parents={parents} parentCount={parentCount} choice={choice} onChoose={setChoice} />}
        <span className="spacer" />
        <Link
          to={{ view: 'compare', a: typeof choice === 'number' && choice > 0 ? parents[choice - 1] : (parents[0] ?? oid), b: oid }}
          className="small-link"
          title="Compare this commit with any other commit, tree, ref or blob"
        >
          Compare with…
        </Link>
      </div>
      {choice === 'combined' ? <CombinedChanges key={`${oid}-combined`} rev={oid} parents={parents} /> : <ParentChanges key={`${oid}-${choice}`} rev={oid} parent={choice} />}
    </section>
  );
}

function ParentChoice({ parents, parentCount, choice, onChoose }: { parents: string[]; parentCount: number; choice: number | 'combined'; onChoose: (c: number | 'combined') => void }) {
  if (parents.length > PARENT_BUTTONS) {
    return (
      <label className="df-parent-select">
        <span className="muted">Compare with </span>
        <select value={String(choice)} onChange={(e) => onChoose(e.target.value === 'combined' ? 'combined' : Number(e.target.value))} data-testid="parent-select">
          {parents.map((p, i) => (
            <option key={`${p}-${i}`} value={i + 1}>
              parent {i + 1}: {shortOid(p)}
            </option>
          ))}
          <option value="combined">all parents (combined)</option>
        </select>
        {parentCount > parents.length && (
          <span className="muted">
            {' '}
            (the first {formatCount(parents.length)} of {formatCount(parentCount)} parents)
          </span>
        )}
      </label>
    );
  }
  return (
    <div className="df-parents" role="group" aria-label="Compare with" data-testid="parent-choice">
      {parents.map((p, i) => (
        <button key={`${p}-${i}`} type="button" className="small" aria-pressed={choice === i + 1} onClick={() => onChoose(i + 1)} title={`What changed against parent ${i + 1}, ${p}`}>
          Parent {i + 1} <span className="mono">{p.slice(0, 7)}</span>
        </button>
      ))}
      <button
        type="button"
        className="small"
        aria-pressed={choice === 'combined'}
        onClick={() => onChoose('combined')}
        title="The files that differ from every parent, as git diff --cc shows them: one column per parent"
        data-testid="parent-combined"
      >
        Combined
      </button>
    </div>
  );
}

function ParentChanges({ rev, parent }: { rev: string; parent: number }) {
  const target = useMemo(() => ({ kind: 'commit' as const, rev, parent }), [rev, parent]);
  const list = useDiffFiles(target);
  return <DiffView list={list} diffKey={`${rev}^${parent}`} />;
}

/** The combined view's letter for a file: deleted by the merge, added (new against every parent), else modified. */
function combinedStatus(file: CombinedFileInfo): DiffStatus {
  if (/^0+$/.test(file.oid)) return 'D';
  if (file.parents.every((p) => p.status === 'A')) return 'A';
  return 'M';
}

/**
 * git's combined view of a merge: the files that differ from every parent (the ones a merge
 * resolved or changed on its own), each drawn as `git diff --cc` draws it: one marker column per
 * parent. `--cc` (the default) keeps the hunks where the merge did more than take one parent's
 * lines; `-c` keeps every combined hunk.
 */
function CombinedChanges({ rev, parents }: { rev: string; parents: string[] }) {
  const [dense, setDense] = useState(true);
  const combined = useCombinedFiles(rev, dense);
  const { items, byIndex } = useMemo(() => {
    const byIndex = new Map<number, CombinedFileInfo>();
    const items = combined.files.map((f): DiffFileInfo => {
      byIndex.set(f.index, f);
      const first = f.parents[0];
      return {
        index: f.index,
        status: combinedStatus(f),
        old: { path: first?.path ?? f.path, mode: first?.mode ?? '000000', oid: first?.oid ?? f.oid },
        new: { path: f.path, ...(f.quoted !== undefined ? { quoted: f.quoted } : {}), mode: f.mode, oid: f.oid },
        binary: false,
      };
    });
    return { items, byIndex };
  }, [combined.files]);
  const source = useMemo(() => ({ dense, files: byIndex }), [dense, byIndex]);
  const list = { ...combined, files: items };
  return (
    <DiffView
      list={list}
      diffKey={`${rev}-combined-${dense ? 'cc' : 'c'}`}
      combined={source}
      controls={
        <div className="df-layout" role="group" aria-label="Combined hunks" data-testid="combined-mode">
          <button
            type="button"
            className="small"
            aria-pressed={dense}
            onClick={() => setDense(true)}
            title="git diff --cc: only the hunks where the merge did more than take one parent's lines"
            data-testid="combined-dense"
          >
            Merge's own (--cc)
          </button>
          <button type="button" className="small" aria-pressed={!dense} onClick={() => setDense(false)} title="git diff -c: every hunk that differs from all parents" data-testid="combined-all">
            All hunks (-c)
          </button>
        </div>
      }
      summary={
        <span data-testid="combined-summary">
          <strong>{formatCount(combined.total)}</strong>
          {combined.truncated ? '+' : ''} {combined.total === 1 ? 'file differs' : 'files differ'} from every parent
          {combined.total === 0
            ? dense
              ? ' with changes of the merge’s own (every change came from one parent)'
              : ' (the merge took each file from one of its parents)'
            : `, as git diff ${dense ? '--cc' : '-c'} shows ${combined.total === 1 ? 'it' : 'them'}: one column per parent`}
        </span>
      }
      fileLabel={(f) => {
        const file = byIndex.get(f.index);
        if (!file) return null;
        return (
          <span className="df-combined-statuses" title="git's letter against each parent">
            {file.parents.map((p, i) => (
              <span key={i} className="df-combined-parent" data-testid="combined-label" title={`Against parent ${i + 1}, ${parents[i] ?? ''}`}>
                <StatusBadge status={p.status} />
              </span>
            ))}
          </span>
        );
      }}
    />
  );
}
