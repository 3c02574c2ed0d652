/** Placeholder until the view lands (helper in progress). */
export function OverviewView(_props: Record<string, unknown>) {
  return <p>Overview</p>;
}
