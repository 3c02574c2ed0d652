import type { RepoSummary, TypeFilter } from '../../protocol/messages.ts';
import { useRepo } from '../stores/repo.ts';
import { ObjectsPanel } from './objects/ObjectsPanel.tsx';
import './objects/objects.css';

/** A number per summary, so a reload (a new summary) starts a fresh list. */
const generations = new WeakMap<RepoSummary, number>();
let nextGeneration = 1;

function generationOf(summary: RepoSummary): number {
  let g = generations.get(summary);
  if (g === undefined) generations.set(summary, (g = nextGeneration++));
  return g;
}

/** Every object of the repository, sorted by id, filtered by type; millions of rows, virtualized. */
export function ObjectsView({ filter, at }: { filter: TypeFilter; at?: string }) {
  const summary = useRepo((s) => s.summary);
  if (!summary) return null;
  return <ObjectsPanel key={`${generationOf(summary)}:${filter}`} filter={filter} at={at} hexLength={summary.hashAlgo === 'sha256' ? 64 : 40} />;
}
