/** The first page: what packscope is and what it will open. The browser views come next. */
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '4rem auto', padding: '0 1rem', lineHeight: 1.5 }}>
      <h1>packscope</h1>
      <p>
        Opens a git repository&apos;s object store — a <code>.git/objects/pack</code> folder or a whole <code>.git</code> — and
        shows everything inside, with nothing uploaded and no network.
      </p>
      <p>
        The engine is in place and proven against git on the command line (<code>npm run cli -- cat-file --batch-all-objects --batch-check &lt;path&gt;</code>).
        The browser views arrive with the next milestone.
      </p>
    </main>
  );
}
