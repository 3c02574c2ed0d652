import type { ReactNode } from 'react';
import type { DeltaStepDetail } from '../../../protocol/anatomy.ts';

type Instruction = NonNullable<DeltaStepDetail['instructions']>[number];

/** More runs than this are drawn as buckets (each coloured by how much of it was inserted). */
const MAX_RUNS = 1200;
const BUCKETS = 600;

/**
 * The result of a delta drawn to scale: which ranges were copied from the base and which were
 * inserted from the delta itself. Instructions not listed (past the cap) are drawn hatched.
 */
export function ResultBar({ step }: { step: DeltaStepDetail }) {
  const size = step.resultSize ?? 0;
  const list = step.instructions ?? [];
  if (size === 0) return null;
  // Merge neighbours of the same kind.
  const runs: { op: Instruction['op']; at: number; length: number }[] = [];
  for (const ins of list) {
    const last = runs[runs.length - 1];
    if (last && last.op === ins.op && last.at + last.length === ins.at) last.length += ins.length;
    else runs.push({ op: ins.op, at: ins.at, length: ins.length });
  }
  const listedEnd = list.length ? list[list.length - 1].at + list[list.length - 1].length : 0;
  const copied = step.copiedBytes ?? 0;
  const inserted = step.insertedBytes ?? 0;
  const label = `Result of ${size} bytes: ${Math.round((copied / size) * 100)}% copied from the base, ${Math.round((inserted / size) * 100)}% inserted from the delta${listedEnd < size ? '; the end is not listed' : ''}`;
  const x = (n: number) => (n / size) * 1000;
  let shapes: ReactNode[];
  if (runs.length <= MAX_RUNS) {
    shapes = runs.map((r, i) => <rect key={i} x={x(r.at)} width={Math.max(x(r.length), 0.6)} y={0} height={1} className={r.op === 'copy' ? 'hx-dbar-copy' : 'hx-dbar-insert'} />);
  } else {
    // Too many runs for one pixel each: buckets, coloured by the share inserted.
    const insertedIn = new Float64Array(BUCKETS);
    const width = size / BUCKETS;
    for (const r of runs) {
      if (r.op !== 'insert') continue;
      let at = r.at;
      const end = r.at + r.length;
      while (at < end) {
        const b = Math.min(BUCKETS - 1, Math.floor(at / width));
        const bEnd = (b + 1) * width;
        const take = Math.min(end, bEnd) - at;
        insertedIn[b] += take;
        at += take;
      }
    }
    const limit = Math.min(BUCKETS, Math.ceil(listedEnd / width));
    shapes = [];
    for (let b = 0; b < limit; b++) {
      shapes.push(<rect key={`c${b}`} x={(b * 1000) / BUCKETS} width={1000 / BUCKETS + 0.3} y={0} height={1} className="hx-dbar-copy" />);
      const share = Math.min(1, insertedIn[b] / width);
      if (share > 0) shapes.push(<rect key={`i${b}`} x={(b * 1000) / BUCKETS} width={1000 / BUCKETS + 0.3} y={0} height={1} className="hx-dbar-insert" opacity={0.25 + 0.75 * share} />);
    }
  }
  return (
    <svg className="hx-dbar" viewBox="0 0 1000 1" preserveAspectRatio="none" role="img" aria-label={label}>
      <title>{label}</title>
      {listedEnd < size && <rect x={x(listedEnd)} width={x(size - listedEnd)} y={0} height={1} className="hx-dbar-rest" />}
      {shapes}
    </svg>
  );
}
