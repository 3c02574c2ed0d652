import type { SearchKind } from '../lib/route.ts';

/** Being built (issue 5). */
export function SearchView({ kind, q }: { kind: SearchKind; q: string }) {
  return (
    <h1>
      Search {kind} {q}
    </h1>
  );
}
