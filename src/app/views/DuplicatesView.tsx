/** Being built (issue 5). */
export function DuplicatesView() {
  return <h1>Duplicates</h1>;
}
