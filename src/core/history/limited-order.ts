/**
 * git's sort_in_topological_order with REV_SORT_IN_GRAPH_ORDER (commit.c) over a limited list:
 * what `git log --graph` orders when the walk was limited first (limit_list), as it is for a
 * pathspec or date limits without generation numbers. The list is the commits in the order the
 * walk took them; only edges between commits of the list count.
 *
 * Every commit counts its children in the list. The commits no child names are the tips, taken
 * first in list order; a commit comes off a stack and is output, and each parent that has then
 * output all its children is pushed, in parent order, so the last parent pushed comes next.
 *
 * `parentsOf(i)` gives the parents of list entry `i` as list positions (-1 or anything out of
 * range for a parent outside the list). Returns list positions in graph order.
 */
export function limitedGraphOrder(count: number, parentsOf: (i: number) => readonly number[]): Int32Array {
  // 1 + children in the list not yet output.
  const indegree = new Int32Array(count).fill(1);
  const inList = (p: number) => p >= 0 && p < count;
  for (let i = 0; i < count; i++) for (const p of parentsOf(i)) if (inList(p)) indegree[p]++;
  const stack: number[] = [];
  for (let i = count - 1; i >= 0; i--) if (indegree[i] === 1) stack.push(i);
  const out = new Int32Array(count);
  let k = 0;
  while (stack.length > 0) {
    const n = stack.pop() as number;
    for (const p of parentsOf(n)) {
      if (!inList(p) || indegree[p] === 0) continue;
      if (--indegree[p] === 1) stack.push(p);
    }
    indegree[n] = 0;
    out[k++] = n;
  }
  return k === count ? out : out.slice(0, k);
}
