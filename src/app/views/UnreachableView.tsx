/** Being built (issue 5). */
export function UnreachableView() {
  return <h1>Unreachable</h1>;
}
