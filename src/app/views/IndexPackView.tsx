/** Being built (issue 5). */
export function IndexPackView({ name }: { name: string }) {
  return <h1>Index {name}</h1>;
}
