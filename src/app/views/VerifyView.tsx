/** Being built (issue 5). */
export function VerifyView() {
  return <h1>Verify</h1>;
}
