/** Placeholder until the view lands (helper in progress). */
export function HistoryView(_props: Record<string, unknown>) {
  return <p>History</p>;
}
