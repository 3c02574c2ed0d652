#!/usr/bin/env node
// Times the app in a real browser on a real repository: the same steps a person takes.
//
//   node bench/browser.mjs <repository>        (npm run bench:browser -- <repository>)
//
// <repository>: a work tree, a .git folder, a bare repository, an objects folder or a pack folder.
// The built app (dist/, made with `npm run build` when missing) is served with `vite preview`
// and driven in Debian's Chromium (/usr/bin/chromium) through Playwright's library; nothing is
// downloaded. Steps, each with its own timeout (a step that runs out is reported as "> N s" and
// the run goes on):
//   open        choose the folder (the <input webkitdirectory>, as e2e/support/open.ts does:
//               the browser reads the files from disk) → the overview URL, then → the overview's
//               object count shown. With BENCH_BROWSER_VIA=picker the folder is first copied
//               into the origin-private file system (timed apart, as "copy into OPFS") and
//               opened with "Open folder…" (showDirectoryPicker resolving to the OPFS folder).
//   objects     #/<repo>/objects → the total shown (the whole list is known), the first row,
//               then End/scrolling until the last row is rendered with git's last id.
//   filter      #/<repo>/objects?type=<BENCH_BROWSER_FILTER, default tag> → its total shown.
//   verify      Forensics → Verify: the run button → the verdict.
//   unreachable Forensics → Unreachable → the counts.
//   search      text in blobs for BENCH_BROWSER_WORD (default "deprecated") → state done.
// Memory is sampled every 500 ms: the page's JS heap (CDP Performance.getMetrics, main thread
// only: the engine's worker is not in it) and, from /proc, the RSS of every Chromium process
// (pids from CDP SystemInfo.getProcessInfo); the renderer holds the page and its workers.
//
// Environment:
//   BENCH_BROWSER_STEP_TIMEOUT_S  per step (default 300)
//   BENCH_BROWSER_OPEN            gitdir (default: the .git / bare repository, so refs are roots
//                                 for Unreachable) | objects (the objects folder only) | given
//   BENCH_BROWSER_VIA             input (default) | picker (copy into OPFS first, timed apart)
//   BENCH_BROWSER_FILTER          type for the filter step (default tag)
//   BENCH_BROWSER_WORD            the blob-text search (default deprecated)
//   BENCH_BROWSER_STEPS           which steps after open, comma-separated (default all):
//                                 objects,filter,verify,unreachable,search
//   BENCH_BROWSER_JSON            where the results go (default bench/build/browser-last.json)
//   BENCH_PORT                    port for vite preview (default: a free one)
//   BENCH_DIST                    the built app to serve (default: dist/)
//   CHROMIUM                      the browser (default /usr/bin/chromium)
// Exit status: 0 when every step finished (timeouts included), 1 when one failed, 2 usage.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(ROOT, 'dist');
const STEP_TIMEOUT_S = Number(process.env.BENCH_BROWSER_STEP_TIMEOUT_S || 300);
const OPEN = process.env.BENCH_BROWSER_OPEN || 'gitdir';
const VIA = process.env.BENCH_BROWSER_VIA || 'input';
const FILTER = process.env.BENCH_BROWSER_FILTER || 'tag';
const WORD = process.env.BENCH_BROWSER_WORD || 'deprecated';
const JSON_OUT = process.env.BENCH_BROWSER_JSON || path.join(ROOT, 'bench', 'build', 'browser-last.json');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ALL_STEPS = ['objects', 'filter', 'verify', 'unreachable', 'search'];
const STEPS = new Set(
  (process.env.BENCH_BROWSER_STEPS || ALL_STEPS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const SAMPLE_MS = 500;

function usage(msg) {
  if (msg) process.stderr.write(`bench:browser: ${msg}\n`);
  process.stderr.write('usage: node bench/browser.mjs <repository>   (see the header of bench/browser.mjs)\n');
  process.exit(2);
}
const args = process.argv.slice(2);
if (args.length !== 1 || args[0] === '-h' || args[0] === '--help') usage();
if (!['gitdir', 'objects', 'given'].includes(OPEN)) usage(`bad BENCH_BROWSER_OPEN=${OPEN}`);
if (!['input', 'picker'].includes(VIA)) usage(`bad BENCH_BROWSER_VIA=${VIA}`);
if (!['commit', 'tree', 'blob', 'tag'].includes(FILTER)) usage(`bad BENCH_BROWSER_FILTER=${FILTER}`);
if (!(STEP_TIMEOUT_S > 0)) usage('bad BENCH_BROWSER_STEP_TIMEOUT_S');
for (const s of STEPS) if (!ALL_STEPS.includes(s)) usage(`bad step "${s}" in BENCH_BROWSER_STEPS (${ALL_STEPS.join(', ')})`);

const fmtInt = (n) => (n == null ? '-' : n.toLocaleString('en-US'));
const fmtS = (ms) => (ms == null ? '-' : (ms / 1000).toFixed(ms < 10_000 ? 2 : 1));
const fmtMB = (kib) => (kib == null ? '-' : (kib / 1024).toFixed(0));
const numbersIn = (text) => [...text.matchAll(/\d{1,3}(?:[,'\u00a0\u202f\u2009]\d{3})+(?!\d)|\d+/g)].map((m) => Number(m[0].replace(/\D/g, '')));
const tryRun = (cmd, argv, opts = {}) => {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', ...opts });
  return r.status === 0 ? r.stdout.trim() : null;
};

// ---- the repository: what to open, and git's answers to check the screen against --------------
function resolveRepo(p) {
  const abs = path.resolve(p);
  if (!fs.existsSync(abs)) usage(`no such path: ${p}`);
  const entries = fs.readdirSync(abs);
  const isPackDir = entries.some((e) => e.endsWith('.idx') || e.endsWith('.pack'));
  const isObjectsDir = !isPackDir && !entries.includes('HEAD') && fs.existsSync(path.join(abs, 'pack'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'packscope-bench-browser-'));
  process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  if (isPackDir || isObjectsDir) {
    const empty = path.join(tmp, 'empty.git');
    spawnSync('git', ['init', '-q', '--bare', empty]);
    let objects = abs;
    if (isPackDir) {
      objects = path.join(tmp, 'objects');
      fs.mkdirSync(path.join(objects, 'pack'), { recursive: true });
      for (const e of entries) if (/\.(pack|idx|rev|bitmap|keep|promisor|mtimes)$/.test(e) || e === 'multi-pack-index') fs.symlinkSync(path.join(abs, e), path.join(objects, 'pack', e));
    }
    return { folder: abs, gitArgs: [`--git-dir=${empty}`], gitEnv: { ...process.env, GIT_OBJECT_DIRECTORY: objects } };
  }
  const gitdir = tryRun('git', ['-C', abs, 'rev-parse', '--absolute-git-dir']);
  if (!gitdir) usage(`not a git repository, objects folder or pack folder: ${p}`);
  const objects = path.join(gitdir, 'objects');
  const folder = OPEN === 'objects' ? objects : OPEN === 'gitdir' ? gitdir : abs;
  return {
    folder,
    gitArgs: [`--git-dir=${gitdir}`],
    gitEnv: OPEN === 'objects' ? { ...process.env, GIT_OBJECT_DIRECTORY: objects, GIT_DIR: path.join(tmp, 'none') } : process.env,
    objectsOnly: OPEN === 'objects',
    tmp,
  };
}
function gitFacts(repo) {
  // For an objects folder git gets an empty repository whose object directory is that folder.
  let gitArgs = repo.gitArgs;
  let env = repo.gitEnv;
  if (repo.objectsOnly) {
    const empty = path.join(repo.tmp, 'empty.git');
    spawnSync('git', ['init', '-q', '--bare', empty]);
    gitArgs = [`--git-dir=${empty}`];
    env = { ...process.env, GIT_OBJECT_DIRECTORY: repo.folder };
  }
  const r = spawnSync('git', [...gitArgs, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)'], { env, encoding: 'latin1', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git could not list the objects: ${r.stderr}`);
  const lines = r.stdout.split('\n').filter(Boolean);
  const types = { commit: 0, tree: 0, blob: 0, tag: 0 };
  for (const l of lines) types[l.slice(l.indexOf(' ') + 1)]++;
  return { objects: lines.length, lastOid: lines.length ? lines[lines.length - 1].split(' ')[0] : null, firstOid: lines.length ? lines[0].split(' ')[0] : null, types };
}
function folderBytes(dir) {
  let n = 0;
  let files = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else {
        n += fs.statSync(f).size;
        files++;
      }
    }
  };
  walk(dir);
  return { bytes: n, files };
}

// ---- the server -------------------------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
function ensureBuilt() {
  if (fs.existsSync(path.join(DIST, 'index.html'))) return;
  process.stderr.write('bench:browser: dist/ is missing; running npm run build ...\n');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    // npm run build is the type check, then vite build. A type error elsewhere in the checkout
    // (tests/ being edited, say) says nothing about the app's speed: bundle it anyway, and say so.
    process.stderr.write('bench:browser: npm run build failed (above); bundling with vite build alone (no type check) ...\n');
    spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    process.stderr.write('bench:browser: the app could not be built; build it (npm run build) and run again\n');
    process.exit(1);
  }
}
async function startServer(port) {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'preview', '--outDir', DIST, '--port', String(port), '--strictPort'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c) => {
    if (err.length < 4000) err += c;
  });
  process.on('exit', () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  });
  const url = `http://localhost:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited (${child.exitCode}): ${err}`);
    try {
      if ((await fetch(url)).ok) return { child, url };
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`vite preview did not answer on ${url} within 60 s: ${err}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ---- memory -----------------------------------------------------------------------------------
function procKiB(pid, field) {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
/** Whether a renderer runs a dedicated worker (a thread named "DedicatedWorker…"): the page's renderer, once the engine worker has started. */
function hasDedicatedWorker(pid) {
  try {
    return fs.readdirSync(`/proc/${pid}/task`).some((t) => {
      try {
        return fs.readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').startsWith('DedicatedWorker');
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}
const isWebUiRenderer = (pid) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--top-chrome-webui');
  } catch {
    return false;
  }
};
class MemorySampler {
  constructor(pageCdp, browserCdp) {
    this.pageCdp = pageCdp;
    this.browserCdp = browserCdp;
    this.samples = [];
    this.peaks = { heapUsed: 0, workerHeapUsed: 0, rendererRss: 0, browserRss: 0, totalRss: 0 };
    // The page's dedicated workers (the engine), attached to in the old non-flat mode so that this
    // session can ask each one for its heap (Runtime.getHeapUsage answers even while the worker
    // runs a long synchronous loop).
    this.workers = new Map();
    this.pending = new Map();
    this.nextId = 1;
    pageCdp.on('Target.attachedToTarget', (e) => {
      if (e.targetInfo.type === 'worker') this.workers.set(e.sessionId, e.targetInfo.title || e.targetInfo.url);
    });
    pageCdp.on('Target.detachedFromTarget', (e) => this.workers.delete(e.sessionId));
    pageCdp.on('Target.receivedMessageFromTarget', (e) => {
      let m;
      try {
        m = JSON.parse(e.message);
      } catch {
        return;
      }
      const done = this.pending.get(m.id);
      if (done) {
        this.pending.delete(m.id);
        done(m.result ?? null);
      }
    });
    this.stepPeaks = null;
    this.rendererPids = new Set();
    this.pagePid = null; // the renderer with the page's worker, once known
    this.busy = false;
  }
  async start() {
    await this.pageCdp.send('Performance.enable');
    await this.pageCdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false }).catch(() => undefined);
    this.timer = setInterval(() => void this.sample(), SAMPLE_MS);
    await this.sample();
  }
  workerHeap(sessionId) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(null);
      }, 400);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r ? r.usedSize : null);
      });
      this.pageCdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) }).catch(() => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(null);
      });
    });
  }
  async sample() {
    if (this.busy) return; // the page did not answer the last one yet
    this.busy = true;
    try {
      const t = Date.now();
      const [metrics, info, ...workerHeaps] = await Promise.all([
        this.pageCdp.send('Performance.getMetrics').catch(() => null),
        this.browserCdp.send('SystemInfo.getProcessInfo').catch(() => null),
        ...[...this.workers.keys()].map((sid) => this.workerHeap(sid)),
      ]);
      const known = workerHeaps.filter((x) => x != null);
      const workerHeapUsed = known.length ? known.reduce((a, b) => a + b, 0) : null;
      const heapUsed = metrics?.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? null;
      let rendererRss = null;
      let browserRss = null;
      let totalRss = 0;
      // The page's renderer: the one running a dedicated worker; until there is one, the biggest
      // renderer that is not Chromium's own UI.
      const renderers = (info?.processInfo ?? []).filter((p) => p.type === 'renderer' && !isWebUiRenderer(p.id)).map((p) => p.id);
      if (this.pagePid == null || !renderers.includes(this.pagePid)) this.pagePid = renderers.find(hasDedicatedWorker) ?? null;
      for (const p of info?.processInfo ?? []) {
        const rss = procKiB(p.id, 'VmRSS');
        if (rss == null) continue;
        totalRss += rss;
        if (p.type === 'browser') browserRss = rss;
      }
      if (this.pagePid != null) rendererRss = procKiB(this.pagePid, 'VmRSS');
      else for (const pid of renderers) rendererRss = Math.max(rendererRss ?? 0, procKiB(pid, 'VmRSS') ?? 0);
      if (this.pagePid != null) this.rendererPids.add(this.pagePid);
      const s = {
        t,
        heapUsedKiB: heapUsed == null ? null : heapUsed / 1024,
        workerHeapUsedKiB: workerHeapUsed == null ? null : workerHeapUsed / 1024,
        workers: this.workers.size,
        rendererRssKiB: rendererRss,
        browserRssKiB: browserRss,
        totalRssKiB: totalRss || null,
      };
      this.samples.push(s);
      for (const target of [this.peaks, this.stepPeaks].filter(Boolean)) {
        target.heapUsed = Math.max(target.heapUsed, s.heapUsedKiB ?? 0);
        target.workerHeapUsed = Math.max(target.workerHeapUsed, s.workerHeapUsedKiB ?? 0);
        target.rendererRss = Math.max(target.rendererRss, s.rendererRssKiB ?? 0);
        target.browserRss = Math.max(target.browserRss, s.browserRssKiB ?? 0);
        target.totalRss = Math.max(target.totalRss, s.totalRssKiB ?? 0);
      }
    } finally {
      this.busy = false;
    }
  }
  beginStep() {
    this.stepPeaks = { heapUsed: 0, workerHeapUsed: 0, rendererRss: 0, browserRss: 0, totalRss: 0 };
  }
  endStep() {
    const p = this.stepPeaks;
    this.stepPeaks = null;
    return p;
  }
  /** The kernel's high-water mark of the page's renderer (catches peaks between samples). */
  rendererHwmKiB() {
    return Math.max(0, ...[...this.rendererPids].map((pid) => procKiB(pid, 'VmHWM') ?? 0)) || null;
  }
  stop() {
    clearInterval(this.timer);
  }
}

// ---- steps ------------------------------------------------------------------------------------
class StepTimeout extends Error {}
const results = [];
let memory = null;
/**
 * Runs one step: `fn(deadline)` resolves to `{ marks: {name: ms from the step's start}, note }`.
 * A step past the timeout is recorded as timed out (with `onTimeout` run to stop the work), an
 * exception as failed; either way the run goes on.
 */
async function step(name, fn, onTimeout) {
  process.stderr.write(`  ${name} ...`);
  memory?.beginStep();
  const started = Date.now();
  const deadline = started + STEP_TIMEOUT_S * 1000;
  const r = { step: name, ms: null, marks: {}, note: '', status: 'ok' };
  let timer;
  try {
    const out = await Promise.race([
      fn(deadline, r.marks, started),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new StepTimeout()), STEP_TIMEOUT_S * 1000 + 2000);
      }),
    ]);
    r.ms = Date.now() - started;
    if (out?.note) r.note = out.note;
  } catch (e) {
    if (e instanceof StepTimeout || e?.name === 'TimeoutError') {
      r.status = 'timeout';
      // What the view says about its progress, then stop the work so the next step is not queued behind it.
      const progress = onTimeout ? await onTimeout().catch(() => null) : null;
      r.note = `> ${STEP_TIMEOUT_S} s${progress ? `; by then: ${String(progress).replace(/\s+/g, ' ').trim().slice(0, 140)}` : ''}`;
    } else {
      r.status = 'failed';
      r.note = String(e?.message ?? e)
        .split('\n')[0]
        .slice(0, 300);
    }
  } finally {
    clearTimeout(timer);
  }
  await memory?.sample();
  r.peak = memory?.endStep() ?? null;
  results.push(r);
  process.stderr.write(` ${r.status === 'ok' ? `${fmtS(r.ms)} s` : r.status}${r.note ? ` (${r.note})` : ''}\n`);
  return r;
}
const left = (deadline) => Math.max(1, deadline - Date.now());

async function goHash(page, repoKey, rest) {
  const hash = `#/${encodeURIComponent(repoKey)}/${rest}`;
  await page.evaluate((h) => {
    window.location.hash = h;
  }, hash);
  await page.waitForFunction((h) => window.location.hash === h, hash);
}

/** Writes one file into OPFS <root>/<rel> in 4 MiB base64 pieces (as e2e/support/open.ts's writeOpfs). */
async function writeOpfs(page, root, rel, abs) {
  const CHUNK = 4 * 1024 * 1024;
  const size = fs.statSync(abs).size;
  const fd = fs.openSync(abs, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  try {
    for (let at = 0; at === 0 || at < size; at += CHUNK) {
      const n = fs.readSync(fd, buf, 0, CHUNK, at);
      await page.evaluate(
        async ({ root, rel, b64, append }) => {
          let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(root, { create: true });
          const parts = rel.split('/');
          for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create: true });
          const file = await dir.getFileHandle(parts[parts.length - 1], { create: true });
          const writable = await file.createWritable({ keepExistingData: append });
          if (append) await writable.seek((await file.getFile()).size);
          const bin = atob(b64);
          const chunk = new Uint8Array(bin.length);
          for (let i = 0; i < bin.length; i++) chunk[i] = bin.charCodeAt(i);
          await writable.write(chunk);
          await writable.close();
        },
        { root, rel, b64: buf.subarray(0, n).toString('base64'), append: at > 0 },
      );
    }
  } finally {
    fs.closeSync(fd);
  }
}

async function main() {
  const repo = resolveRepo(args[0]);
  process.stderr.write(`bench:browser: asking git about ${repo.folder} ...\n`);
  const facts = gitFacts(repo);
  const size = folderBytes(repo.folder);
  ensureBuilt();
  const port = process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : await freePort();
  const server = await startServer(port);
  const chromiumVersion = tryRun(CHROMIUM, ['--version']);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.url });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && consoleErrors.length < 20) consoleErrors.push(m.text().slice(0, 300));
  });
  page.on('pageerror', (e) => {
    if (consoleErrors.length < 20) consoleErrors.push(`pageerror: ${String(e.message).slice(0, 300)}`);
  });
  memory = new MemorySampler(await context.newCDPSession(page), await browser.newBrowserCDPSession());
  await memory.start();

  const env = {
    date: new Date().toISOString(),
    node: process.version,
    chromium: chromiumVersion,
    git: tryRun('git', ['--version']),
    cpu: `${os.cpus()[0]?.model ?? '?'} x${os.availableParallelism?.() ?? os.cpus().length}`,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    packscope: tryRun('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
    distBuilt: fs.statSync(path.join(DIST, 'index.html')).mtime.toISOString(),
    stepTimeoutS: STEP_TIMEOUT_S,
    open: OPEN,
    via: VIA,
    filter: FILTER,
    word: WORD,
  };
  console.log(`packscope browser bench  ${env.date}`);
  console.log(`  ${chromiumVersion}, node ${env.node}, ${env.cpu}, ${env.memGiB} GiB RAM, packscope ${env.packscope} (dist built ${env.distBuilt})`);
  console.log(
    `  folder ${repo.folder} (${fmtInt(size.files)} files, ${(size.bytes / 1048576).toFixed(1)} MiB) via ${VIA === 'input' ? 'the folder <input webkitdirectory>' : 'OPFS + Open folder…'}; git lists ${fmtInt(facts.objects)} objects (${Object.entries(
      facts.types,
    )
      .map(([t, n]) => `${fmtInt(n)} ${t}s`)
      .join(', ')})`,
  );
  console.log(`  step timeout ${STEP_TIMEOUT_S} s; memory sampled every ${SAMPLE_MS} ms\n`);

  await page.goto('/');
  await page.getByTestId('folder-input').waitFor({ state: 'attached' });
  let repoKey = null;

  if (VIA === 'picker') {
    const root = `bench-${path.basename(repo.folder)}`;
    await step('copy into OPFS (not the app: the harness)', async () => {
      await page.evaluate(async (root) => {
        const opfs = await navigator.storage.getDirectory();
        await opfs.removeEntry(root, { recursive: true }).catch(() => undefined);
        await opfs.getDirectoryHandle(root, { create: true });
      }, root);
      const walk = (d) =>
        fs
          .readdirSync(d, { withFileTypes: true })
          .sort((a, b) => a.name.localeCompare(b.name))
          .flatMap((e) => {
            const f = path.join(d, e.name);
            const rel = path.relative(repo.folder, f).split(path.sep).join('/');
            if (/^(index|hooks|logs)(\/|$)/.test(rel)) return [];
            return e.isDirectory() ? walk(f) : [{ rel, abs: f }];
          });
      for (const f of walk(repo.folder)) await writeOpfs(page, root, f.rel, f.abs);
      await page.evaluate(async (root) => {
        const handle = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
        window.showDirectoryPicker = async () => handle;
      }, root);
      return { note: `${(size.bytes / 1048576).toFixed(1)} MiB` };
    });
  }

  const open = await step('open: choice → overview', async (deadline, marks, started) => {
    if (VIA === 'picker') {
      const button = page.getByRole('button', { name: 'Open folder…' });
      await button.waitFor({ state: 'visible', timeout: left(deadline) });
      marks.chosen = Date.now() - started;
      await button.click();
    } else {
      const input = page.getByTestId('folder-input');
      marks.chosen = Date.now() - started;
      await input.setInputFiles(repo.folder, { timeout: left(deadline) });
      marks.filesSet = Date.now() - started;
    }
    await page.waitForFunction(() => /^#\/[^/]+\/overview/.test(window.location.hash) || !!document.querySelector('.error-box'), null, { timeout: left(deadline), polling: 20 });
    if (await page.locator('.error-box').count()) throw new Error(`the app could not open the folder: ${(await page.locator('.error-box').first().innerText()).replace(/\s+/g, ' ')}`);
    marks.url = Date.now() - started;
    repoKey = decodeURIComponent(/^#\/([^/?]+)/.exec(new URL(page.url()).hash)[1]);
    const entries = page.getByTestId('overview-object-entries');
    await entries.waitFor({ state: 'visible', timeout: left(deadline) });
    marks.overview = Date.now() - started;
    return { note: `URL after ${fmtS(marks.url - marks.chosen)} s; overview says ${(await entries.textContent()).replace(/\s+/g, ' ').trim()} object entries` };
  });
  if (open.status !== 'ok') {
    console.log('the folder could not be opened; nothing else to measure');
  } else {
    // Objects: the total, the first row, then the last row.
    if (STEPS.has('objects'))
      await step('objects: total known', async (deadline, marks, started) => {
        await goHash(page, repoKey, 'objects');
        const total = page.getByTestId('objects-total');
        await total.waitFor({ state: 'visible', timeout: left(deadline) });
        const shown = numbersIn((await total.textContent()) ?? '')[0];
        marks.total = Date.now() - started;
        await page.locator('[data-testid=object-row][data-index="0"]').waitFor({ state: 'visible', timeout: left(deadline) });
        marks.firstRow = Date.now() - started;
        return { note: `${fmtInt(shown)} shown${shown === facts.objects ? ' (= git)' : `, git ${fmtInt(facts.objects)}`}; first row at ${fmtS(marks.firstRow)} s` };
      });
    if (STEPS.has('objects'))
      await step('objects: scrolled to the last row', async (deadline) => {
        const lastRow = page.locator(`[data-testid=object-row][data-index="${facts.objects - 1}"]`);
        await page
          .locator('[data-testid=object-row][data-index="0"]')
          .click({ position: { x: 5, y: 5 }, timeout: left(deadline) })
          .catch(() => undefined);
        await page.keyboard.press('End');
        while (!(await lastRow.count())) {
          if (Date.now() > deadline) throw new StepTimeout();
          await page
            .getByRole('grid')
            .evaluate((grid) => {
              for (const el of [grid, ...grid.querySelectorAll('*')]) if (el.scrollHeight > el.clientHeight + 1) el.scrollTop = el.scrollHeight;
            })
            .catch(() => undefined);
          await page.waitForTimeout(100);
        }
        await page.waitForFunction(
          (oid) => {
            const rows = document.querySelectorAll('[data-testid=object-row]');
            return [...rows].some((r) => r.getAttribute('data-oid') === oid);
          },
          facts.lastOid,
          { timeout: left(deadline) },
        );
        return { note: `row ${fmtInt(facts.objects - 1)} = git's last id` };
      });
    if (STEPS.has('filter'))
      await step(`filter: type=${FILTER} total known`, async (deadline) => {
        await goHash(page, repoKey, `objects?type=${FILTER}`);
        const want = facts.types[FILTER];
        // The old list's total may stay on screen for a frame; wait for git's count (or report what is shown).
        try {
          await page.waitForFunction(
            (want) => {
              const el = document.querySelector('[data-testid=objects-total]');
              return el && Number((el.textContent ?? '').replace(/\D/g, '')) === want;
            },
            want,
            { timeout: left(deadline), polling: 50 },
          );
        } catch (e) {
          const shown = await page
            .getByTestId('objects-total')
            .textContent({ timeout: 1000 })
            .catch(() => null);
          throw Object.assign(e, { message: `${e.message}; shown ${shown}, git ${want}` });
        }
        return { note: `${fmtInt(want)} ${FILTER}s (= git)` };
      });
    if (STEPS.has('verify'))
      await step(
        'Forensics → Verify',
        async (deadline) => {
          await goHash(page, repoKey, 'verify');
          const run = page.getByTestId('verify-run');
          await run.waitFor({ state: 'visible', timeout: left(deadline) });
          await run.click();
          await page.waitForFunction(() => !!document.querySelector('[data-testid=verify-verdict]') && !document.querySelector('[data-testid=verify-progress]'), null, {
            timeout: left(deadline),
            polling: 100,
          });
          return {
            note: (
              (await page
                .locator('[data-testid=verify-verdict] .vf-verdict-text')
                .first()
                .textContent()
                .catch(() => null)) ??
              (await page.getByTestId('verify-verdict').textContent()) ??
              ''
            )
              .replace(/\s+/g, ' ')
              .trim()
              .slice(0, 160),
          };
        },
        async () => {
          const text = await page
            .getByTestId('verify-progress')
            .textContent({ timeout: 2000 })
            .catch(() => null);
          await page
            .getByTestId('verify-cancel')
            .click({ timeout: 5000 })
            .catch(() => undefined);
          return text;
        },
      );
    if (STEPS.has('unreachable'))
      await step(
        'Forensics → Unreachable',
        async (deadline) => {
          await goHash(page, repoKey, 'unreachable');
          await page.waitForFunction(() => !!document.querySelector('[data-testid=reach-counts]') || !!document.querySelector('[data-testid=unreachable-view] .error-box'), null, {
            timeout: left(deadline),
            polling: 100,
          });
          if (!(await page.getByTestId('reach-counts').count()))
            throw new Error(`failed: ${(await page.locator('[data-testid=unreachable-view] .error-box').first().innerText()).replace(/\s+/g, ' ')}`);
          const u = await page.getByTestId('reach-unreachable-count').textContent();
          const d = await page.getByTestId('reach-dangling-count').textContent();
          return { note: `${u} unreachable, ${d} dangling` };
        },
        async () => {
          const text = await page
            .getByTestId('unreachable-view')
            .textContent({ timeout: 2000 })
            .catch(() => null);
          await page
            .getByRole('button', { name: /cancel/i })
            .first()
            .click({ timeout: 5000 })
            .catch(() => undefined);
          return text;
        },
      );
    if (STEPS.has('search'))
      await step(
        `search: text "${WORD}"`,
        async (deadline) => {
          await goHash(page, repoKey, `search?kind=text&q=${encodeURIComponent(WORD)}`);
          await page.waitForFunction(
            () => {
              const s = document.querySelector('[data-testid=search-status]');
              return (s && ['done', 'error', 'cancelled'].includes(s.getAttribute('data-state') ?? '')) || !!document.querySelector('[data-testid=search-view] .error-box');
            },
            null,
            { timeout: left(deadline), polling: 100 },
          );
          const state = await page
            .getByTestId('search-status')
            .getAttribute('data-state')
            .catch(() => null);
          const text = (
            (await page
              .getByTestId('search-count')
              .first()
              .textContent()
              .catch(() => '')) ?? ''
          )
            .replace(/\s+/g, ' ')
            .trim();
          if (state !== 'done') throw new Error(`search ended ${state}: ${text}`);
          return { note: text.slice(0, 160) };
        },
        async () => {
          const text = await page
            .getByTestId('search-status')
            .textContent({ timeout: 2000 })
            .catch(() => null);
          await page
            .getByTestId('search-cancel')
            .click({ timeout: 5000 })
            .catch(() => undefined);
          return text;
        },
      );
  }

  await memory.sample();
  memory.stop();
  const rendererHwm = memory.rendererHwmKiB();
  const peaks = memory.peaks;
  // ---- report ----
  console.log('');
  const head = ['step', 'seconds', 'renderer RSS MB', 'page heap MB', 'worker heap MB', 'note'];
  const body = results.map((r) => [
    r.step,
    r.status === 'ok' ? fmtS(r.ms) : r.status === 'timeout' ? `> ${STEP_TIMEOUT_S}` : 'FAILED',
    fmtMB(r.peak?.rendererRss),
    fmtMB(r.peak?.heapUsed),
    fmtMB(r.peak?.workerHeapUsed),
    r.note,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) =>
    '  ' +
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(line(head));
  console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
  console.log(
    `\n  peak memory (sampled every ${SAMPLE_MS} ms; per step above is the peak during that step): renderer RSS ${fmtMB(peaks.rendererRss)} MB ` +
      `(its VmHWM says ${fmtMB(rendererHwm)} MB; the kernel may miss pages V8 returned), JS heap used: page ${fmtMB(peaks.heapUsed)} MB, workers ${fmtMB(peaks.workerHeapUsed)} MB; browser process ${fmtMB(peaks.browserRss)} MB, all Chromium processes ${fmtMB(peaks.totalRss)} MB (a sum: shared pages counted in each)`,
  );
  if (consoleErrors.length) console.log(`  console errors (${consoleErrors.length}): ${consoleErrors.slice(0, 5).join(' | ')}`);
  const failed = results.filter((r) => r.status === 'failed');
  const timedOut = results.filter((r) => r.status === 'timeout');
  const get = (prefix) => results.find((r) => r.step.startsWith(prefix));
  const label = {
    open: 'open',
    'objects: total': 'objects total',
    'objects: scrolled': 'last row',
    filter: 'filter',
    'Forensics → Verify': 'verify',
    'Forensics → Unreachable': 'unreachable',
    search: 'search',
  };
  const sum = (prefix) => {
    const r = get(prefix);
    return r ? `${label[prefix]} ${r.status === 'ok' ? `${fmtS(r.ms)} s` : r.status === 'timeout' ? `> ${STEP_TIMEOUT_S} s` : 'FAILED'}` : null;
  };
  console.log(
    `\nsummary ${repo.folder}: ${fmtInt(facts.objects)} objects; ${['open', 'objects: total', 'objects: scrolled', 'filter', 'Forensics → Verify', 'Forensics → Unreachable', 'search'].map(sum).filter(Boolean).join(', ')}; ` +
      `peak renderer ${fmtMB(Math.max(peaks.rendererRss, rendererHwm ?? 0))} MB` +
      (failed.length ? `; ${failed.length} STEP(S) FAILED` : '') +
      (timedOut.length ? `; ${timedOut.length} step(s) timed out` : ''),
  );

  fs.mkdirSync(path.dirname(JSON_OUT), { recursive: true });
  fs.writeFileSync(
    JSON_OUT,
    JSON.stringify(
      {
        env,
        repo: { path: path.resolve(args[0]), folder: repo.folder, ...size, git: facts },
        steps: results,
        peaks: { ...peaks, rendererHwmKiB: rendererHwm, unit: 'KiB' },
        consoleErrors,
        samples: memory.samples,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`results written to ${path.relative(process.cwd(), JSON_OUT) || JSON_OUT}`);
  await browser.close();
  try {
    process.kill(-server.child.pid, 'SIGTERM');
  } catch {
    /* gone */
  }
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
