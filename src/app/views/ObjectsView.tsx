/** Placeholder until the view lands (helper in progress). */
export function ObjectsView(_props: Record<string, unknown>) {
  return <p>Objects</p>;
}
