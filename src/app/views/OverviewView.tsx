import type { ReactNode } from 'react';
import type { RepoSummary, WireError } from '../../protocol/messages.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { Link } from '../components/Link.tsx';
import { formatBytes, formatCount } from '../lib/format.ts';
import { useRepo } from '../stores/repo.ts';
import { MidxCard } from './overview/MidxCard.tsx';
import { CommitGraphCard } from './overview/CommitGraphCard.tsx';
import { PacksTable } from './overview/PacksTable.tsx';
import { RefsTable } from './overview/RefsTable.tsx';
import { PacksWithoutIdx } from './index-pack/PacksWithoutIdx.tsx';
import './overview/overview.css';

const ROOT_KINDS: Record<RepoSummary['rootKind'], { label: string; note: string }> = {
  worktree: { label: 'Working tree', note: 'a repository folder with .git inside' },
  gitdir: { label: '.git folder', note: 'objects, refs and HEAD' },
  objects: { label: 'objects folder', note: 'objects only: no refs, no HEAD' },
  pack: { label: 'Pack files', note: 'packs and indexes only: no refs, no loose objects' },
};

/** A heading for each problem, by kind; the box below it says what, where and what to do. */
const PROBLEM_TITLES: Partial<Record<WireError['kind'], string>> = {
  Truncated: 'A file is cut short',
  BadSignature: 'A file is not what its name says',
  UnsupportedVersion: 'A format version packscope does not read',
  BadFanout: 'A damaged fanout table',
  BadSize: 'A file size that does not fit its contents',
  Mismatch: 'Two files disagree',
  OutOfRange: 'An offset outside its file',
  BadChunk: 'A damaged multi-pack-index',
  BadChecksum: 'A checksum that does not match',
  NotFound: 'Something is missing',
  Io: 'A file could not be read',
};

function Stat({ label, value, note, testId }: { label: string; value: ReactNode; note?: ReactNode; testId?: string }) {
  return (
    <div className="card stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
      {note !== undefined && <div className="stat-note">{note}</div>}
    </div>
  );
}

/** The repository at a glance: what was opened, its packs, the multi-pack-index, refs and problems. */
export function OverviewView() {
  const summary = useRepo((s) => s.summary);
  const openedInMs = useRepo((s) => s.openedInMs);
  if (!summary) return null;
  const kind = ROOT_KINDS[summary.rootKind];
  const packBytes = summary.packs.reduce((s, p) => s + p.packBytes, 0);
  // How objectEntries adds up, as the engine counts it: the midx's objects, then packs it does not cover, then loose.
  const uncovered = summary.midx ? summary.packs.filter((p) => !p.coveredByMidx) : summary.packs;
  const uncoveredEntries = uncovered.reduce((s, p) => s + p.objects, 0);
  const entriesNote = [
    summary.midx ? `${formatCount(summary.midx.objects)} in the multi-pack-index` : '',
    uncovered.length ? `${formatCount(uncoveredEntries)} in ${uncovered.length} ${summary.midx ? 'other ' : ''}${uncovered.length === 1 ? 'pack' : 'packs'}` : '',
    `${formatCount(summary.looseObjects)} loose`,
  ]
    .filter(Boolean)
    .join(', ');
  const problems = summary.problems;
  // A multi-pack-index that is present but failed to load shows up only as a problem.
  const midxFailure = summary.midx ? undefined : problems.find((p) => p.file !== undefined && /(^|\/)multi-pack-index/.test(p.file))?.file;
  return (
    <div className="overview">
      <header className="overview-head">
        <div className="overview-title">
          <h1>{summary.title}</h1>
          <nav className="overview-links" aria-label="Explore">
            <Link to={{ view: 'objects', filter: 'all' }}>All objects</Link>
            {summary.head?.oid !== undefined && (
              <>
                <Link to={{ view: 'browse', rev: 'HEAD', path: [] }}>Browse HEAD</Link>
                <Link to={{ view: 'history', rev: 'HEAD', mode: 'first-parent' }}>History</Link>
              </>
            )}
          </nav>
        </div>
        <p className="muted">
          {kind.label} — {kind.note}
        </p>
      </header>

      <div className="cards stats">
        <Stat
          label="Object entries"
          value={formatCount(summary.objectEntries)}
          testId="overview-object-entries"
          note={<span title="Copies of one object in several packs count once each; the objects list counts each object once">{entriesNote}</span>}
        />
        <Stat label="Packs" value={formatCount(summary.packs.length)} note={summary.packs.length ? `${formatBytes(packBytes)} of pack data` : 'no packs'} />
        <Stat label="Loose objects" value={formatCount(summary.looseObjects)} note={summary.rootKind === 'pack' ? 'not looked for in pack files' : 'one zlib file each'} />
        <Stat
          label="Multi-pack-index"
          value={summary.midx ? summary.midx.kind === 'chain' ? `chain of ${summary.midx.layers}` : `v${summary.midx.version}` : midxFailure ? <span className="warn">not loaded</span> : 'none'}
          note={
            summary.midx
              ? `${formatCount(summary.midx.objects)} objects in ${summary.midx.packs.length} packs`
              : midxFailure
                ? 'damaged; packs searched through their .idx'
                : 'packs searched through their .idx'
          }
        />
        <Stat label="Hash" value={summary.hashAlgo === 'sha256' ? 'SHA-256' : 'SHA-1'} note={`${summary.hashAlgo === 'sha256' ? 64 : 40} hex digits per id`} />
        <Stat label="Time to open" value={openedInMs !== undefined ? `${formatCount(openedInMs)} ms` : '—'} note={`engine ${formatCount(summary.openMs)} ms; headers and fanouts only`} />
      </div>

      {problems.length > 0 && (
        <section className="problems" aria-labelledby="problems-heading">
          <h2 id="problems-heading" className="problems-heading">
            {problems.length === 1 ? '1 problem found while opening' : `${formatCount(problems.length)} problems found while opening`}
          </h2>
          <p className="muted">Everything else was opened: objects outside the damaged or missing files stay readable.</p>
          {problems.map((p, i) => (
            <div key={i} data-testid="problem">
              <ErrorBox error={p} title={PROBLEM_TITLES[p.kind] ?? 'Something could not be read'} />
            </div>
          ))}
        </section>
      )}

      <section aria-labelledby="packs-heading">
        <h2 id="packs-heading">Packs</h2>
        <PacksTable packs={summary.packs} hasMidx={summary.midx !== undefined} withoutIdx={(summary.packsWithoutIdx ?? []).filter((p) => !p.indexedInMemory).length} />
      </section>

      <PacksWithoutIdx packs={summary.packsWithoutIdx} />

      <section aria-labelledby="midx-heading">
        <h2 id="midx-heading">Multi-pack-index</h2>
        <MidxCard midx={summary.midx} failedFile={midxFailure} />
      </section>

      {summary.commitGraph && (
        <section aria-labelledby="commit-graph-heading">
          <h2 id="commit-graph-heading">Commit-graph</h2>
          <CommitGraphCard commitGraph={summary.commitGraph} />
        </section>
      )}

      <section aria-labelledby="refs-heading">
        <h2 id="refs-heading">HEAD and refs</h2>
        <RefsTable head={summary.head} refs={summary.refs} />
      </section>
    </div>
  );
}
