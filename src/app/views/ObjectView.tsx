/** Placeholder until the view lands (helper in progress). */
export function ObjectView(_props: Record<string, unknown>) {
  return <p>Object</p>;
}
