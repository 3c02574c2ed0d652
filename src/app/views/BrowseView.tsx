/** Placeholder until the view lands (helper in progress). */
export function BrowseView(_props: Record<string, unknown>) {
  return <p>Browse</p>;
}
