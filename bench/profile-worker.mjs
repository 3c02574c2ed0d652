#!/usr/bin/env node
// A CPU profile of the app's engine worker while one view does its work, in Debian's Chromium:
// where the time goes in the browser (Blob reads, inflate, hashing), which the CLI's profile
// cannot show.
//
//   node bench/profile-worker.mjs <repository> <view> [out.cpuprofile]
//
// <view>: open (choosing the folder until the overview's object count; worker and page),
// objects[?type=<type>] (the object list, or its type filter, until its total is shown),
// verify (runs Verify, until the verdict), unreachable (until the counts),
// pack/pack-<hash> (the pack page, until its byte map is drawn), or search?kind=text&q=<word> (until the
// search ends, at most 10 minutes). The built app (dist/,
// `npm run build`) is served with vite preview; the folder is given to the folder input as
// bench/browser.mjs does. The profile is written (default bench/build/worker.cpuprofile; open it
// in Chromium's DevTools) and the functions with the most self time are printed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [repo, view, out = path.join(ROOT, 'bench', 'build', 'worker.cpuprofile')] = process.argv.slice(2);
if (!repo || !view) {
  process.stderr.write('usage: node bench/profile-worker.mjs <repository> verify|unreachable|pack/pack-<hash>|search?kind=text&q=<word> [out.cpuprofile]\n');
  process.exit(2);
}
const DIST = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(ROOT, 'dist');
if (!fs.existsSync(path.join(DIST, 'index.html'))) {
  process.stderr.write(`profile-worker: ${DIST} is missing: run npm run build first (or set BENCH_DIST)\n`);
  process.exit(2);
}

/** The functions with the most self time. */
function printSelfTime(profile, count) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    const dt = profile.timeDeltas[i] || 0;
    self.set(name, (self.get(name) || 0) + dt);
    total += dt;
  });
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(`${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
}

const port = await new Promise((resolve) => {
  const server = net.createServer().listen(0, () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const server = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'preview', '--outDir', DIST, '--port', String(port), '--strictPort'], {
  cwd: ROOT,
  stdio: 'ignore',
  detached: true,
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  page.on('crash', () => console.log(`the page crashed (the renderer died: out of memory?) after ${((Date.now() - (globalThis.profileStarted ?? Date.now())) / 1000).toFixed(1)} s of the view`));
  page.on('console', (m) => m.type() === 'error' && console.log(`console error: ${m.text().slice(0, 300)}`));
  for (let tries = 0; ; tries++) {
    try {
      await page.goto(`http://localhost:${port}/`);
      break;
    } catch (err) {
      if (tries > 60) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  // The worker is reached through the page's session (Target.sendMessageToTarget): Playwright
  // does not hand out sessions for workers.
  const cdp = await page.context().newCDPSession(page);
  let workerSession;
  const pending = new Map();
  let nextId = 1;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker' && !workerSession) workerSession = e.sessionId;
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    if (m.id && pending.has(m.id)) {
      pending.get(m.id)(m);
      pending.delete(m.id);
    }
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      cdp.send('Target.sendMessageToTarget', { sessionId: workerSession, message: JSON.stringify({ id, method, params }) });
    });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  if (view === 'open') {
    // Opening itself: the engine worker starts with the page; profile it, and the page's main
    // thread, from the folder's choice until the overview shows its object count.
    for (let i = 0; i < 100 && !workerSession; i++) await new Promise((r) => setTimeout(r, 50));
    if (!workerSession) throw new Error('no engine worker attached');
    await send('Profiler.enable');
    await send('Profiler.setSamplingInterval', { interval: 200 });
    await send('Profiler.start');
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const started = Date.now();
    await page.getByTestId('folder-input').setInputFiles(repo);
    await page.getByTestId('overview-object-entries').waitFor({ timeout: 120_000 });
    console.log(`open: ${((Date.now() - started) / 1000).toFixed(2)} s`);
    for (const [who, profile] of [
      ['worker', (await send('Profiler.stop')).result.profile],
      ['page', (await cdp.send('Profiler.stop')).profile],
    ]) {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out.replace(/\.cpuprofile$/, `-${who}.cpuprofile`), JSON.stringify(profile));
      console.log(`-- ${who}`);
      printSelfTime(profile, 12);
    }
    process.exit(0);
  }
  await page.getByTestId('folder-input').setInputFiles(repo);
  await page.waitForFunction(() => /^#\/[^/]+\/overview/.test(window.location.hash), null, { timeout: 120_000 });
  const key = /^#\/([^/?]+)/.exec(new URL(page.url()).hash)[1];
  await page.getByTestId('overview-object-entries').waitFor({ timeout: 120_000 });
  if (!workerSession) throw new Error('no engine worker attached');

  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 1000 });
  await send('Profiler.start');
  const started = Date.now();
  globalThis.profileStarted = started;
  await page.evaluate((h) => {
    window.location.hash = h;
  }, `#/${key}/${view}`);
  if (view === 'verify') {
    await page.getByTestId('verify-run').click();
    await page.waitForFunction(() => !!document.querySelector('[data-testid=verify-verdict]') && !document.querySelector('[data-testid=verify-progress]'), null, { timeout: 1_800_000, polling: 200 });
  } else if (view === 'unreachable') {
    await page.getByTestId('reach-counts').waitFor({ timeout: 1_800_000 });
  } else if (view.startsWith('objects')) {
    // The object list (with ?type=<type>: the type filter) until its total is known.
    await page.waitForFunction(() => !!document.querySelector('[data-testid=objects-total]'), null, { timeout: 1_800_000, polling: 50 });
  } else if (view.startsWith('pack/')) {
    await page.waitForFunction(() => !!document.querySelector('[data-testid=byte-map][data-bytes-per-px]'), null, { timeout: 1_800_000, polling: 100 });
  } else {
    await page
      .waitForFunction(() => ['done', 'error', 'cancelled'].includes(document.querySelector('[data-testid=search-status]')?.getAttribute('data-state') ?? ''), null, { timeout: 600_000, polling: 200 })
      .catch(() => console.log('(the search had not ended after 10 minutes: profiled until then)'));
  }
  console.log(`${view}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const profile = (await send('Profiler.stop')).result.profile;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(profile));

  printSelfTime(profile, 20);
  console.log(`profile written to ${out}`);
} finally {
  await browser.close();
  process.kill(-server.pid);
}
