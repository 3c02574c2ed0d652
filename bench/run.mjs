#!/usr/bin/env node
// Benchmarks packscope's CLI against git on the same repositories, in the same run.
//
//   node bench/run.mjs [repo-path ...]      (default: bench/build/repo-100k, built on demand)
//
// For each repository it times, alternating git and ours (git, ours, git, ours, ...):
//   listing      cat-file --batch-all-objects --batch-check   (5 rounds)
//   batch        cat-file --batch-all-objects --batch         (every object's contents; 3 rounds)
//   startup      ours --version, and cat-file -t <oid> on both sides (20 rounds)
//   random       cat-file --batch over 20,000 ids drawn from git's listing with a seeded PRNG,
//                the same names file on stdin of both (3 rounds)
//   verify-pack  verify-pack -v <largest pack>.idx                       (slow: 1 round)
//   fsck         fsck --no-reflogs (stdout compared; stderr only reported) (slow: 1 round)
//   index-pack   index-pack -o <tmp>/{a,b}.idx <largest pack>.pack; the .idx files compared (slow: 1 round)
// Default rows: listing,batch,startup,random; BENCH_ONLY=all adds the slow ones.
// Each child's stdout goes to a sink that counts and sha256-hashes the bytes (nothing is kept
// in memory, except that the slow rows and random keep one output per side in a temp file to
// show the first difference), so the run also reports whether our output equals git's. Wall
// time is taken around the child (spawn to exit and end of output); peak RSS comes from GNU
// time's %M (the kernel's ru_maxrss via wait4), or from the fallbacks described in
// bench/README.md. A child running longer than BENCH_TIMEOUT_S is killed (its whole process
// group) and reported as "> N s".
//
// Environment:
//   BENCH_ROUNDS=N | L,B   rounds for the listing and the full batch (default 5,3); start-up uses
//                          BENCH_STARTUP_ROUNDS (default 20)
//   BENCH_ROUNDS_RANDOM=N  rounds for random (default 3)
//   BENCH_ROUNDS_SLOW=N    rounds for verify-pack, fsck, index-pack (default 1)
//   BENCH_TIMEOUT_S=N      per-command timeout in seconds (default 900)
//   BENCH_RANDOM_N=N       how many ids random reads (default 20000); BENCH_SEED=N its seed (default 7)
//   BENCH_OURS="cmd ..."   replace our command; {gitdir}, {path} and {root} are substituted, and
//                          when {gitdir} or {path} appears the path is not appended.
//                          Example (git against itself): BENCH_OURS="git --git-dir={gitdir}"
//   BENCH_RSS=auto|time|python|poll   how peak RSS is measured (default auto: the first that works)
//   BENCH_ONLY=listing,batch,startup,random,verify-pack,fsck,index-pack | all   run a subset
//   BENCH_DIFF=0           on a difference, skip the search for the first differing byte
//   BENCH_JSON=path        where to write the results (default bench/build/bench-last.json)
// Exit status: 0 when every output was identical and nothing failed, 1 otherwise, 2 usage.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = path.join(ROOT, 'bench', 'build');
const CLI = path.join(ROOT, 'dist-cli', 'packscope.mjs');
const DEFAULT_REPO = path.join(BUILD, 'repo-100k');

// ---- configuration ---------------------------------------------------------------------------
function parseRounds() {
  const v = (process.env.BENCH_ROUNDS || '').trim();
  if (!v) return { listing: 5, batch: 3 };
  const parts = v.split(',').map((s) => Number.parseInt(s, 10));
  if (parts.some((n) => !Number.isInteger(n) || n < 1) || parts.length > 2) usage(`bad BENCH_ROUNDS=${v}`);
  return { listing: parts[0], batch: parts[1] ?? parts[0] };
}
function usage(msg) {
  if (msg) process.stderr.write(`bench: ${msg}\n`);
  process.stderr.write('usage: node bench/run.mjs [repo-path ...]   (see the header of bench/run.mjs)\n');
  process.exit(2);
}
const args = process.argv.slice(2);
if (args.includes('-h') || args.includes('--help')) usage();
const ROUNDS = parseRounds();
const STARTUP_ROUNDS = Number.parseInt(process.env.BENCH_STARTUP_ROUNDS || '20', 10);
const ALL_ROWS = ['listing', 'batch', 'startup', 'random', 'verify-pack', 'fsck', 'index-pack'];
const ONLY = new Set(
  (process.env.BENCH_ONLY || 'listing,batch,startup,random')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .flatMap((s) => (s === 'all' ? ALL_ROWS : [s])),
);
for (const r of ONLY) if (!ALL_ROWS.includes(r)) usage(`unknown row in BENCH_ONLY: ${r} (rows: ${ALL_ROWS.join(', ')}, or all)`);
function positiveInt(name, fallback) {
  const v = (process.env[name] || '').trim();
  if (!v) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) usage(`bad ${name}=${v}`);
  return n;
}
const RANDOM_ROUNDS = positiveInt('BENCH_ROUNDS_RANDOM', 3);
const SLOW_ROUNDS = positiveInt('BENCH_ROUNDS_SLOW', 1);
const TIMEOUT_S = positiveInt('BENCH_TIMEOUT_S', 900);
const RANDOM_N = positiveInt('BENCH_RANDOM_N', 20000);
const SEED = positiveInt('BENCH_SEED', 7);
const DIFF = process.env.BENCH_DIFF !== '0';
const JSON_OUT = process.env.BENCH_JSON || path.join(BUILD, 'bench-last.json');
const OURS_TEMPLATE = process.env.BENCH_OURS ? process.env.BENCH_OURS.trim().split(/\s+/) : null;

// ---- small helpers ---------------------------------------------------------------------------
const fmtInt = (n) => (n == null ? '-' : n.toLocaleString('en-US'));
const fmtS = (ms) => (ms == null ? '-' : (ms / 1000).toFixed(ms < 100 ? 4 : 3));
const fmtMB = (kib) => (kib == null ? '-' : (kib / 1024).toFixed(1));
const fmtBytes = (n) => (n >= 1 << 20 ? `${(n / 1048576).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
function median(xs) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const min = (xs) => (xs.length ? Math.min(...xs) : null);
const max = (xs) => (xs.length ? Math.max(...xs) : null);
function tryRun(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', ...opts });
  return r.status === 0 ? r.stdout.trim() : null;
}
function shellQuote(argv) {
  return argv.map((a) => (/^[\w@%+=:,./{}-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

// ---- peak RSS: choose a method ---------------------------------------------------------------
// time:   GNU time's %M is ru_maxrss of the waited-for child, in KiB (exact; ~1 ms overhead).
// python: a tiny fork/exec/wait4 wrapper reporting ru_maxrss and its own elapsed time
//         (exact RSS; the wall time excludes the interpreter's start).
// poll:   read /proc/<pid>/status VmHWM every 20 ms while the child runs (a lower bound: growth
//         in the last interval before exit is missed, and very short runs may show nothing).
const PY_WRAPPER = `
import os, sys, time
out = sys.argv[1]
t = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
el = time.monotonic() - t
with open(out, 'w') as f:
    f.write('%d %.6f %.3f %.3f\\n' % (ru.ru_maxrss, el, ru.ru_utime, ru.ru_stime))
sys.exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
`;
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'packscope-bench-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130)); // still clean up
let tmpSeq = 0;

function wrap(method, argv) {
  const file = path.join(TMP, `rusage-${++tmpSeq}`);
  if (method === 'time') return { argv: ['/usr/bin/time', '-f', '%M %e %U %S', '-o', file, ...argv], file };
  if (method === 'python') return { argv: ['python3', '-c', PY_WRAPPER, file, ...argv], file };
  return { argv, file: null };
}
function readRusage(method, file) {
  if (!file) return null;
  let text;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
  // GNU time prefixes "Command exited with non-zero status N" when the child fails.
  const last = text.split('\n').pop().trim().split(/\s+/).map(Number);
  if (!last.length || !Number.isFinite(last[0])) return null;
  return method === 'python' ? { rssKiB: last[0], wrapperElapsedMs: last[1] * 1000, userS: last[2], sysS: last[3] } : { rssKiB: last[0], userS: last[2], sysS: last[3] };
}

// Children run in their own process group (detached), so a timeout kills the RSS wrapper and
// the command under it (and anything the command spawned, such as verify-pack's index-pack).
const LIVE_GROUPS = new Set();
process.on('exit', () => {
  for (const pid of LIVE_GROUPS)
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
});
/** The largest VmHWM (KiB) among the live processes of a process group (read from /proc), or null. */
function groupHwmKiB(pgid) {
  let best = null;
  let pids;
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (Number(fields[2]) !== pgid) continue;
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) best = Math.max(best ?? 0, Number(m[1]));
    } catch {
      /* exited */
    }
  }
  return best;
}

/**
 * Runs one child with stdout hashed and counted. Returns wall time, peak RSS and the output's
 * size, sha256, and (if asked) line count and first line. `stdin`: a file fed to the child's
 * stdin; `keep`: a file that receives a copy of stdout; `timeoutMs`: kill the child's process
 * group after that long (the result then has `timedOut: true` and, from /proc, a lower bound
 * of its peak RSS).
 */
function measure(argv, { env, method, lines = false, firstLine = false, stdin = null, keep = null, timeoutMs = TIMEOUT_S * 1000 }) {
  return new Promise((resolve) => {
    const w = wrap(method, argv);
    const hash = createHash('sha256');
    const errHash = createHash('sha256');
    let bytes = 0;
    let errBytes = 0;
    let nl = 0;
    let head = firstLine ? Buffer.alloc(0) : null;
    let stderr = '';
    let hwm = 0;
    let samples = 0;
    const inFd = stdin ? fs.openSync(stdin, 'r') : null;
    const keepFd = keep ? fs.openSync(keep, 'w') : null;
    const t0 = process.hrtime.bigint();
    const child = spawn(w.argv[0], w.argv.slice(1), { env, detached: true, stdio: [inFd ?? 'ignore', 'pipe', 'pipe'] });
    if (inFd !== null) fs.closeSync(inFd);
    if (child.pid) LIVE_GROUPS.add(child.pid);
    let poller = null;
    if (method === 'poll') {
      const statusFile = `/proc/${child.pid}/status`;
      const sample = () => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(statusFile, 'utf8'));
          if (m) {
            hwm = Math.max(hwm, Number(m[1]));
            samples++;
          }
        } catch {
          /* exited between samples */
        }
      };
      sample();
      poller = setInterval(sample, 20);
    }
    let timedOut = false;
    let timeoutHwm = null;
    const timer = setTimeout(() => {
      timedOut = true;
      timeoutHwm = groupHwmKiB(child.pid);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
      if (keepFd !== null) fs.writeSync(keepFd, chunk);
      if (lines) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) nl++;
      if (head && head.length < 4096 && head.indexOf(10) === -1) head = Buffer.concat([head, chunk.subarray(0, 4096)]);
    });
    child.stderr.on('data', (chunk) => {
      errHash.update(chunk);
      errBytes += chunk.length;
      if (stderr.length < 4000) stderr += chunk.toString('utf8');
    });
    let spawnError = null;
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      clearTimeout(timer);
      LIVE_GROUPS.delete(child.pid);
      if (keepFd !== null) fs.closeSync(keepFd);
      if (poller) clearInterval(poller);
      const ru = timedOut ? null : readRusage(method, w.file);
      resolve({
        wallMs: ru && ru.wrapperElapsedMs != null ? ru.wrapperElapsedMs : wallMs,
        // The first sample is taken right after exec; a figure needs at least one more.
        rssKiB: timedOut ? timeoutHwm : ru ? ru.rssKiB : method === 'poll' && samples > 1 ? hwm : null,
        userS: ru ? ru.userS : null,
        sysS: ru ? ru.sysS : null,
        bytes,
        sha256: hash.digest('hex'),
        stderrBytes: errBytes,
        stderrSha256: errHash.digest('hex'),
        lines: lines ? nl : null,
        firstLine: head ? head.subarray(0, Math.max(0, head.indexOf(10))).toString('latin1') : null,
        code: spawnError ? 127 : timedOut ? null : code,
        signal: timedOut ? 'SIGKILL (timeout)' : signal,
        timedOut,
        stderr: spawnError ? String(spawnError.message) : stderr,
      });
    });
  });
}

async function chooseRssMethod() {
  const wanted = (process.env.BENCH_RSS || 'auto').trim();
  const candidates = wanted === 'auto' ? ['time', 'python', 'poll'] : [wanted];
  // Self-test: a node child that touches 256 MiB and lingers 150 ms must report 256-600 MiB.
  const probe = [process.execPath, '-e', 'const b = Buffer.alloc(256 << 20, 1); setTimeout(() => b.length, 150);'];
  for (const m of candidates) {
    if (!['time', 'python', 'poll'].includes(m)) usage(`bad BENCH_RSS=${m}`);
    if (m === 'time' && !fs.existsSync('/usr/bin/time')) continue;
    if (m === 'python' && tryRun('python3', ['-c', 'import os; os.wait4']) === null) continue;
    if (m === 'poll' && !fs.existsSync(`/proc/${process.pid}/status`)) continue;
    const r = await measure(probe, { env: process.env, method: m });
    const mib = r.rssKiB == null ? null : r.rssKiB / 1024;
    if (r.code === 0 && mib != null && mib >= 256 && mib <= 600) {
      // Wrapper overhead, so a reader knows what a start-up time includes.
      // The floor: what `true` reports. ru_maxrss survives exec, so the wrapper's own memory
      // before it execs the command is a lower bound on every figure.
      const direct = [];
      const wrapped = [];
      const floor = [];
      for (let i = 0; i < 11; i++) {
        direct.push((await measure(['true'], { env: process.env, method: 'none' })).wallMs);
        const t = await measure(['true'], { env: process.env, method: m });
        wrapped.push(t.wallMs);
        if (t.rssKiB != null) floor.push(t.rssKiB);
      }
      return { method: m, probeMiB: mib, floorMiB: floor.length ? max(floor) / 1024 : null, overheadMs: Math.max(0, median(wrapped) - median(direct)), spawnMs: median(direct) };
    }
    process.stderr.write(`bench: RSS method '${m}' failed its self-test (reported ${mib == null ? 'nothing' : mib.toFixed(0) + ' MiB'} for a 256 MiB child)\n`);
  }
  process.stderr.write('bench: no working way to measure peak RSS; RSS columns will be empty\n');
  const direct = [];
  for (let i = 0; i < 5; i++) direct.push((await measure(['true'], { env: process.env, method: 'none' })).wallMs);
  return { method: 'none', probeMiB: null, floorMiB: null, overheadMs: 0, spawnMs: median(direct) };
}
const RSS_DESCRIPTION = {
  time: '/usr/bin/time -f %M (ru_maxrss from wait4; exact)',
  python: 'python3 fork/exec/wait4 wrapper (ru_maxrss; exact; wall time from the wrapper)',
  poll: 'polling /proc/<pid>/status VmHWM every 20 ms (lower bound)',
  none: 'not measured',
};

// ---- the repository under test ---------------------------------------------------------------
// git needs a repository; ours takes the path as given. For an objects folder or a lone pack
// folder, git gets an empty bare repository whose object directory points at the same data.
function emptyGitDir() {
  const d = path.join(TMP, 'empty.git');
  if (!fs.existsSync(d)) spawnSync('git', ['init', '-q', '--bare', d], { stdio: 'ignore' });
  return d;
}
function resolveTarget(p) {
  const abs = path.resolve(p);
  if (!fs.existsSync(abs)) usage(`no such path: ${p}`);
  const entries = fs.readdirSync(abs);
  const isPackDir = entries.some((e) => e.endsWith('.idx') || e.endsWith('.pack'));
  const isObjectsDir = !isPackDir && !entries.includes('HEAD') && fs.existsSync(path.join(abs, 'pack')) && fs.statSync(path.join(abs, 'pack')).isDirectory();
  if (isPackDir || isObjectsDir) {
    let objects = abs;
    if (isPackDir) {
      // Link exactly this folder's pack files, so git sees what ours sees and nothing else.
      objects = path.join(TMP, `objects-${++tmpSeq}`);
      fs.mkdirSync(path.join(objects, 'pack'), { recursive: true });
      for (const e of entries) if (/\.(pack|idx|rev|bitmap|keep|promisor|mtimes)$/.test(e) || e === 'multi-pack-index') fs.symlinkSync(path.join(abs, e), path.join(objects, 'pack', e));
    }
    const gitdir = emptyGitDir();
    return {
      path: abs,
      gitdir,
      objectsDir: objects,
      label: abs,
      gitArgs: [`--git-dir=${gitdir}`],
      gitEnv: { ...process.env, GIT_OBJECT_DIRECTORY: objects },
    };
  }
  const gitdir = tryRun('git', ['-C', abs, 'rev-parse', '--absolute-git-dir']);
  if (!gitdir) usage(`not a git repository, objects folder or pack folder: ${p}`);
  const objects = tryRun('git', [`--git-dir=${gitdir}`, 'rev-parse', '--git-path', 'objects'], { cwd: abs }) || path.join(gitdir, 'objects');
  return { path: abs, gitdir, objectsDir: path.resolve(abs, objects), label: abs, gitArgs: [`--git-dir=${gitdir}`], gitEnv: process.env };
}
function storeFacts(objectsDir) {
  const packDir = path.join(objectsDir, 'pack');
  let packs = 0;
  let packBytes = 0;
  let idxBytes = 0;
  let loose = 0;
  let largestPack = null; // the biggest .pack that has an .idx
  try {
    const entries = fs.readdirSync(packDir);
    for (const e of entries) {
      if (e.endsWith('.pack')) {
        const size = fs.statSync(path.join(packDir, e)).size;
        packs++;
        packBytes += size;
        const idx = `${e.slice(0, -5)}.idx`;
        if (entries.includes(idx) && (!largestPack || size > largestPack.bytes)) largestPack = { pack: path.join(packDir, e), idx: path.join(packDir, idx), bytes: size };
      }
      if (e.endsWith('.idx')) idxBytes += fs.statSync(path.join(packDir, e)).size;
    }
  } catch {
    /* no pack folder */
  }
  try {
    for (const d of fs.readdirSync(objectsDir)) if (/^[0-9a-f]{2}$/.test(d)) loose += fs.readdirSync(path.join(objectsDir, d)).length;
  } catch {
    /* unreadable */
  }
  return { packs, packBytes, idxBytes, loose, largestPack };
}
// The names file for the random row: `n` ids drawn without replacement from git's listing
// (sorted by id) with a seeded PRNG (mulberry32), in the drawn order, one per line. The same
// seed and listing always give the same file.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function randomNames(target, git, n, seed) {
  const argv = git('cat-file', '--batch-all-objects', '--batch-check=%(objectname)');
  const r = spawnSync(argv[0], argv.slice(1), { env: target.gitEnv, maxBuffer: 1 << 30, encoding: 'latin1' });
  if (r.status !== 0) return null;
  const ids = r.stdout.split('\n').filter(Boolean);
  const count = Math.min(n, ids.length);
  // A partial Fisher-Yates shuffle: the first `count` slots are the draw.
  const order = new Uint32Array(ids.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const rand = mulberry32(seed);
  const out = [];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rand() * (order.length - i));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
    out.push(ids[order[i]]);
  }
  const text = out.join('\n') + (out.length ? '\n' : '');
  const file = path.join(TMP, `random-${seed}-${count}.txt`);
  fs.writeFileSync(file, text);
  return { file, count, total: ids.length, sha256: createHash('sha256').update(text).digest('hex') };
}

// Read every object file once so the first timed round does not pay for the disk.
function warmPageCache(objectsDir) {
  const buf = Buffer.allocUnsafe(1 << 20);
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else if (e.isFile() || e.isSymbolicLink()) {
        try {
          const fd = fs.openSync(f, 'r');
          while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
          fs.closeSync(fd);
        } catch {
          /* ignore */
        }
      }
    }
  };
  walk(objectsDir);
}

// ---- our command -----------------------------------------------------------------------------
// Ours runs from a copy of dist-cli taken at start-up, so a rebuild during the run (others work
// in the same checkout) cannot change the program between rounds.
let cliRun = CLI;
function snapshotCli() {
  const dir = path.join(TMP, 'dist-cli');
  fs.cpSync(path.dirname(CLI), dir, { recursive: true });
  cliRun = path.join(dir, path.basename(CLI));
  return createHash('sha256').update(fs.readFileSync(cliRun)).digest('hex').slice(0, 16);
}
function oursArgv(target, cmdArgs, appendPath = true) {
  const tail = appendPath ? [target.path] : [];
  if (!OURS_TEMPLATE) return [process.execPath, cliRun, ...cmdArgs, ...tail];
  const sub = (s) => s.replaceAll('{gitdir}', target.gitdir).replaceAll('{path}', target.path).replaceAll('{root}', ROOT);
  const usesPath = OURS_TEMPLATE.some((t) => t.includes('{gitdir}') || t.includes('{path}'));
  const argv = OURS_TEMPLATE.map(sub);
  return usesPath ? [...argv, ...cmdArgs] : [...argv, ...cmdArgs, ...tail];
}
// A template that names the git dir is a stand-in for git, so it gets git's environment too.
const oursEnv = (target) => (OURS_TEMPLATE?.some((t) => t.includes('{gitdir}')) ? target.gitEnv : process.env);

// ---- first difference between two outputs, streamed (nothing beyond a few MiB in memory) ----
// Follows git's --batch framing ("<oid> <type> <size>\n<content>\n", or "<name> missing\n")
// over the common prefix, so a difference can be pinned to an object.
function batchTracker() {
  let inHeader = true;
  let header = '';
  let remaining = 0;
  let size = 0;
  let index = 0; // objects completed
  let previous = '';
  return {
    feed(buf) {
      let i = 0;
      while (i < buf.length) {
        if (inHeader) {
          const nl = buf.indexOf(10, i);
          header += buf.toString('latin1', i, nl === -1 ? buf.length : nl);
          if (header.length > 512) header = header.slice(0, 512);
          if (nl === -1) return;
          i = nl + 1;
          const m = /^\S+ \S+ (\d+)$/.exec(header);
          if (m) {
            inHeader = false;
            size = Number(m[1]);
            remaining = size + 1;
          } else {
            index++;
            previous = header;
            header = '';
          }
        } else {
          const n = Math.min(remaining, buf.length - i);
          i += n;
          remaining -= n;
          if (remaining === 0) {
            inHeader = true;
            index++;
            previous = header;
            header = '';
          }
        }
      }
    },
    where() {
      if (inHeader) {
        return `in the header line of object #${fmtInt(index + 1)}` + (header ? ` (so far ${JSON.stringify(header)})` : '') + (previous ? `; the previous object was ${JSON.stringify(previous)}` : '');
      }
      const at = size + 1 - remaining;
      return `in object #${fmtInt(index + 1)} ${JSON.stringify(header)}, ` + (at === size ? 'at the newline after its content' : `at content byte ${fmtInt(at)} of ${fmtInt(size)}`);
    },
  };
}
function firstDifference(a, b, tracker = null) {
  return new Promise((resolve) => {
    const sides = [a, b].map((s) => ({ ...s, q: [], qBytes: 0, ended: false, child: null, after: Buffer.alloc(0) }));
    let offset = 0; // bytes known equal
    let lineNo = 1;
    let tail = Buffer.alloc(0); // last bytes of the common prefix, for context
    let diffAt = -1;
    let done = false;
    const finish = (result) => {
      if (done) return;
      done = true;
      for (const s of sides) if (s.child && s.child.exitCode === null) s.child.kill('SIGKILL');
      resolve(result);
    };
    const context = () => {
      // The line where they part, from its start (at most 80 bytes back) to its newline
      // (at most 80 bytes on; a newline is shown, so a missing one is visible).
      let prefix = tail.subarray(tail.lastIndexOf(10) + 1);
      const clipped = prefix.length > 80;
      if (clipped) prefix = prefix.subarray(-80);
      const show = (s) => {
        const rest = s.after.subarray(0, 80);
        const nl = rest.indexOf(10);
        const cut = nl === -1 ? rest : rest.subarray(0, nl + 1);
        return (
          (clipped ? '… ' : '') +
          JSON.stringify(Buffer.concat([prefix, cut]).toString('latin1')) +
          (nl === -1 && s.after.length > cut.length ? ' …' : '') +
          (s.ended && s.after.length === cut.length && nl === -1 ? ' (end of output)' : '')
        );
      };
      return { offset: diffAt, line: lineNo, where: tracker ? tracker.where() : null, [sides[0].name]: show(sides[0]), [sides[1].name]: show(sides[1]) };
    };
    const pump = () => {
      if (diffAt >= 0) {
        for (const s of sides) {
          while (s.q.length) {
            s.after = Buffer.concat([s.after, s.q.shift()]);
          }
        }
        if (sides.every((s) => s.after.length >= 80 || s.ended)) finish(context());
        return;
      }
      while (sides[0].q.length && sides[1].q.length) {
        const x = sides[0].q[0];
        const y = sides[1].q[0];
        const n = Math.min(x.length, y.length);
        const xs = x.subarray(0, n);
        const ys = y.subarray(0, n);
        if (!xs.equals(ys)) {
          let i = 0;
          while (xs[i] === ys[i]) i++;
          for (let k = xs.indexOf(10); k !== -1 && k < i; k = xs.indexOf(10, k + 1)) lineNo++;
          tail = Buffer.concat([tail, xs.subarray(0, i)]).subarray(-4096);
          if (tracker) tracker.feed(xs.subarray(0, i));
          diffAt = offset + i;
          sides[0].q[0] = x.subarray(i);
          sides[1].q[0] = y.subarray(i);
          pump();
          return;
        }
        for (let k = xs.indexOf(10); k !== -1; k = xs.indexOf(10, k + 1)) lineNo++;
        tail = Buffer.concat([tail, xs]).subarray(-4096);
        if (tracker) tracker.feed(xs);
        offset += n;
        for (const [s, buf] of [
          [sides[0], x],
          [sides[1], y],
        ]) {
          if (n === buf.length) s.q.shift();
          else s.q[0] = buf.subarray(n);
          s.qBytes -= n;
          if (s.qBytes < 1 << 20) s.child.stdout.resume();
        }
      }
      const [p, q] = sides;
      if ((p.ended && !p.q.length && q.q.length) || (q.ended && !q.q.length && p.q.length)) {
        diffAt = offset; // one output is a prefix of the other
        pump();
      } else if (p.ended && q.ended && !p.q.length && !q.q.length) {
        finish(null); // identical this time (the difference was not reproducible)
      }
    };
    for (const s of sides) {
      s.child = spawn(s.argv[0], s.argv.slice(1), { env: s.env, stdio: ['ignore', 'pipe', 'ignore'] });
      s.child.on('error', () => {
        s.ended = true;
        pump();
      });
      s.child.stdout.on('data', (c) => {
        s.q.push(c);
        s.qBytes += c.length;
        if (s.qBytes > 8 << 20) s.child.stdout.pause(); // let the slower side catch up
        pump();
      });
      s.child.stdout.on('end', () => {
        s.ended = true;
        pump();
      });
    }
  });
}

// ---- one benchmark row -------------------------------------------------------------------------
// With `directTiming`, the timed runs are spawned without the RSS wrapper (whose start costs a
// millisecond or more, a lot for a 5 ms command) and one extra wrapped run per side gives the RSS.
// `stdin`: a file both sides read on stdin. `okExit`: which exit codes count as a run (default 0
// only; fsck accepts any code it exits with by itself). `keepOutput`: keep the first stdout of each
// side in a temp file, so a difference is shown from the files instead of running both again.
// `outFile`: {git, ours} paths the commands write (index-pack's .idx): removed before each run,
// and the file, not stdout, is what is hashed and compared. `stderrToo`: also say whether stderr
// matched (reported, never a failure). A side that times out is not run again.
async function benchRow({
  title,
  rounds,
  gitArgv,
  gitEnv,
  oursArgv: ourArgv,
  oursEnv: ourEnv,
  method,
  countLines = false,
  firstLine = false,
  compare = true,
  directTiming = false,
  stdin = null,
  okExit = (code) => code === 0,
  keepOutput = false,
  outFile = null,
  stderrToo = false,
  tracker = null,
}) {
  const sides = {
    git: { argv: gitArgv, env: gitEnv, runs: [], failed: null, timedOut: null, kept: null, keptOut: null },
    ours: { argv: ourArgv, env: ourEnv, runs: [], failed: null, timedOut: null, kept: null, keptOut: null },
  };
  process.stderr.write(`  ${title}: `);
  const timing = directTiming ? 'none' : method;
  const runSide = async (name, r) => {
    const s = sides[name];
    if (s.timedOut || (name === 'ours' && s.failed)) return;
    const out = outFile ? outFile[name] : null;
    if (out) fs.rmSync(out, { force: true });
    const keep = keepOutput && !s.kept ? path.join(TMP, `keep-${++tmpSeq}-${name}`) : null;
    const m = await measure(s.argv, { env: s.env, method: timing, lines: countLines && name === 'git', firstLine: firstLine && name === 'git', stdin, keep });
    m.round = r;
    if (out && !m.timedOut && okExit(m.code)) {
      m.stdoutSha256 = m.sha256;
      m.stdoutBytes = m.bytes;
      if (fs.existsSync(out)) {
        const data = fs.readFileSync(out);
        m.sha256 = createHash('sha256').update(data).digest('hex');
        m.bytes = data.length;
        if (!s.keptOut) {
          s.keptOut = `${out}.kept`;
          fs.renameSync(out, s.keptOut);
        } else fs.rmSync(out, { force: true });
      } else {
        m.sha256 = '(no file written)';
        m.bytes = 0;
      }
    }
    if (m.timedOut) {
      s.timedOut = m;
      process.stderr.write('T');
      return;
    }
    if (!okExit(m.code)) {
      s.failed ??= m;
      process.stderr.write('X');
      if (keep) fs.rmSync(keep, { force: true });
      return;
    }
    if (keep) s.kept = keep;
    s.runs.push(m);
    process.stderr.write(name === 'git' ? 'g' : 'o');
  };
  for (let r = 0; r < rounds; r++) {
    await runSide('git', r);
    await runSide('ours', r);
  }
  const git = sides.git.runs;
  const ours = sides.ours.runs;
  if (directTiming && method !== 'none') {
    const g = await measure(gitArgv, { env: gitEnv, method, stdin });
    if (git.length && g.code === 0) git[0].rssKiB = g.rssKiB;
    if (ours.length) {
      const o = await measure(ourArgv, { env: ourEnv, method, stdin });
      if (o.code === 0) ours[0].rssKiB = o.rssKiB;
    }
  }
  process.stderr.write('\n');
  const timedOut = (m) => (m ? { afterS: TIMEOUT_S, rssKiBAtLeast: m.rssKiB, stderr: m.stderr.trim().split('\n').slice(-3).join('\n') } : null);
  const row = {
    title,
    rounds,
    git: summarize(git),
    ours: summarize(ours),
    gitFailed: failure(sides.git.failed),
    oursFailed: failure(sides.ours.failed),
    gitTimedOut: timedOut(sides.git.timedOut),
    oursTimedOut: timedOut(sides.ours.timedOut),
    gitCmd: shellQuote(gitArgv),
    oursCmd: shellQuote(ourArgv),
    lines: git[0]?.lines ?? null,
    firstLine: git[0]?.firstLine ?? null,
    exitCodes: { git: [...new Set(git.map((x) => x.code))], ours: [...new Set(ours.map((x) => x.code))] },
  };
  if (stdin) row.stdin = stdin;
  row.ratio = row.git.medianMs && row.ours.medianMs ? row.ours.medianMs / row.git.medianMs : null;
  // A side that timed out: the ratio is a bound.
  if (row.ratio == null && row.oursTimedOut && row.git.medianMs) row.ratioAtLeast = (TIMEOUT_S * 1000) / row.git.medianMs;
  if (row.ratio == null && row.gitTimedOut && row.ours.medianMs) row.ratioAtMost = row.ours.medianMs / (TIMEOUT_S * 1000);
  if (compare && git.length && ours.length) {
    const gh = new Set(git.map((x) => x.sha256));
    const oh = new Set(ours.map((x) => x.sha256));
    row.identical = gh.size === 1 && oh.size === 1 && git[0].sha256 === ours[0].sha256;
    row.gitBytes = git[0].bytes;
    row.oursBytes = ours[0].bytes;
    row.gitSha = git[0].sha256;
    row.oursSha = ours[0].sha256;
    row.oursVaries = oh.size > 1;
    row.gitVaries = gh.size > 1;
    if (outFile) row.compared = 'output file';
    if (stderrToo) {
      row.stderrIdentical = git[0].stderrSha256 === ours[0].stderrSha256;
      row.stderrBytes = { git: git[0].stderrBytes, ours: ours[0].stderrBytes };
    }
    if (!row.identical && DIFF && !row.oursVaries && !row.gitVaries) {
      process.stderr.write(`  ${title}: outputs differ; finding the first difference ...\n`);
      const g = outFile ? sides.git.keptOut : sides.git.kept;
      const o = outFile ? sides.ours.keptOut : sides.ours.kept;
      row.firstDifference =
        g && o
          ? await firstDifference({ name: 'git', argv: ['cat', g], env: process.env }, { name: 'ours', argv: ['cat', o], env: process.env }, outFile ? null : tracker)
          : stdin || outFile
            ? undefined // cannot be run again without its input
            : await firstDifference({ name: 'git', argv: gitArgv, env: gitEnv }, { name: 'ours', argv: ourArgv, env: ourEnv }, tracker);
    }
    // Text outputs kept in files (fsck, verify-pack): the same lines in another order?
    if (!row.identical && !outFile && sides.git.kept && sides.ours.kept && git[0].bytes === ours[0].bytes && git[0].bytes < 256 << 20) {
      const sorted = (f) => fs.readFileSync(f, 'latin1').split('\n').sort().join('\n');
      row.sameLinesOtherOrder = sorted(sides.git.kept) === sorted(sides.ours.kept);
    }
  }
  for (const s of Object.values(sides)) for (const f of [s.kept, s.keptOut]) if (f) fs.rmSync(f, { force: true });
  return row;
}
function summarize(runs) {
  const wall = runs.map((r) => r.wallMs);
  const rss = runs.map((r) => r.rssKiB).filter((x) => x != null);
  const cpu = runs.filter((r) => r.userS != null).map((r) => (r.userS + r.sysS) * 1000);
  return { n: runs.length, medianMs: median(wall), minMs: min(wall), peakRssKiB: max(rss), medianCpuMs: median(cpu), wallMs: wall };
}
function failure(r) {
  if (!r) return null;
  return { code: r.code, signal: r.signal, stderr: r.stderr.trim().split('\n').slice(0, 5).join('\n') };
}

// ---- report -----------------------------------------------------------------------------------
function printTable(rows, objects) {
  const head = ['command', 'rounds', 'git med s', 'git min s', 'ours med s', 'ours min s', 'ours/git', 'git RSS MB', 'ours RSS MB', 'objects'];
  const side = (r, name) => {
    const sum = r[name];
    const failed = r[`${name}Failed`];
    const timedOut = r[`${name}TimedOut`];
    if (!sum.n && timedOut) return [`> ${TIMEOUT_S}`, '', timedOut.rssKiBAtLeast == null ? '-' : `>${fmtMB(timedOut.rssKiBAtLeast)}`];
    if (!sum.n && failed) return ['FAILED', '', '-'];
    return [fmtS(sum.medianMs), fmtS(sum.minMs), fmtMB(sum.peakRssKiB)];
  };
  const body = rows.map((r) => {
    const [gm, gn, gr] = side(r, 'git');
    const [om, on, or] = side(r, 'ours');
    const ratio = r.ratio != null ? `${r.ratio.toFixed(2)}x` : r.ratioAtLeast != null ? `> ${r.ratioAtLeast.toFixed(2)}x` : r.ratioAtMost != null ? `< ${r.ratioAtMost.toFixed(2)}x` : '-';
    return [r.title, String(r.rounds), gm, gn, om, on, ratio, gr, or, r.count != null ? fmtInt(r.count) : r.objects ? fmtInt(objects) : ''];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(head));
  console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}
function printOutputs(rows) {
  for (const r of rows) {
    for (const name of ['git', 'ours']) {
      const t = r[`${name}TimedOut`];
      if (t)
        console.log(
          `  ${r.title}: ${name} TIMED OUT after ${TIMEOUT_S} s (killed${t.rssKiBAtLeast == null ? '' : `; RSS was ${fmtMB(t.rssKiBAtLeast)} MB by then`})${t.stderr ? `: ${t.stderr}` : ''}\n      ${r[`${name}Cmd`]}`,
        );
    }
    if (r.gitFailed) console.log(`  ${r.title}: git FAILED (exit ${r.gitFailed.code}${r.gitFailed.signal ? `, ${r.gitFailed.signal}` : ''}): ${r.gitFailed.stderr}`);
    if (r.oursFailed)
      console.log(`  ${r.title}: ours FAILED (exit ${r.oursFailed.code}${r.oursFailed.signal ? `, ${r.oursFailed.signal}` : ''}): ${r.oursFailed.stderr || '(no stderr)'}\n      ${r.oursCmd}`);
    if (r.identical === undefined) continue;
    const what = r.compared ? `${r.compared}` : 'output';
    if (r.identical) {
      console.log(`  ${r.title}: ${what}: identical (${fmtInt(r.gitBytes)} bytes, sha256 ${r.gitSha.slice(0, 16)})`);
    } else {
      console.log(
        `  ${r.title}: ${what}: DIFFERS (ours ${fmtInt(r.oursBytes)} bytes, git ${fmtInt(r.gitBytes)} bytes)` +
          (r.oursVaries ? '; ours is not the same from one round to the next' : '') +
          (r.gitVaries ? '; git is not the same from one round to the next' : ''),
      );
      const d = r.firstDifference;
      if (d) {
        console.log(`      first difference at byte ${fmtInt(d.offset)} (line ${fmtInt(d.line)})${d.where ? `, ${d.where}` : ''}:`);
        console.log(`        git : ${d.git}\n        ours: ${d.ours}`);
      } else if (d === null) console.log('      (a second run of both produced identical output: the difference is not reproducible)');
      if (r.sameLinesOtherOrder) console.log('      the same lines in another order (sorted, the outputs are equal)');
    }
    if (r.stderrIdentical === false) console.log(`      stderr differs (not counted): git ${fmtInt(r.stderrBytes.git)} bytes, ours ${fmtInt(r.stderrBytes.ours)} bytes`);
    const [gc, oc] = [r.exitCodes.git.join('/'), r.exitCodes.ours.join('/')];
    if (gc !== oc) console.log(`      exit status differs: git ${gc}, ours ${oc}`);
  }
}
const LISTING = 'cat-file --batch-all-objects --batch-check';
const BATCH = 'cat-file --batch-all-objects --batch';

async function main() {
  const repos = args.length ? args : [DEFAULT_REPO];
  if (!args.length) {
    const r = spawnSync('bash', [path.join(ROOT, 'bench', 'make-repo.sh')], { stdio: 'inherit' });
    if (r.status !== 0) {
      process.stderr.write('bench: bench/make-repo.sh failed\n');
      process.exit(1);
    }
  }
  if (!OURS_TEMPLATE && !fs.existsSync(CLI)) {
    process.stderr.write(`bench: ${path.relative(ROOT, CLI)} not found; build it (node scripts/build-cli.mjs) or set BENCH_OURS\n`);
    process.exit(1);
  }
  const cliSha = OURS_TEMPLATE ? null : snapshotCli();
  const rss = await chooseRssMethod();
  const env = {
    date: new Date().toISOString(),
    node: process.version,
    git: tryRun('git', ['--version']),
    cpu: `${os.cpus()[0]?.model ?? '?'} x${os.availableParallelism?.() ?? os.cpus().length}`,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    packscope: tryRun('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']) ?? '(no commit)',
    rss: rss.method,
    rssProbeMiB: rss.probeMiB,
    rssFloorMiB: rss.floorMiB,
    wrapperOverheadMs: rss.overheadMs,
    spawnMs: rss.spawnMs,
    ours: OURS_TEMPLATE ? OURS_TEMPLATE.join(' ') : `node ${path.relative(ROOT, CLI)}`,
    oursSha256: cliSha,
    timeoutS: TIMEOUT_S,
    rows: [...ONLY],
  };
  console.log(`packscope bench  ${env.date}`);
  console.log(`  ${env.git}, node ${env.node}, ${env.cpu}, ${env.memGiB} GiB RAM, packscope ${env.packscope}`);
  console.log(`  ours: ${env.ours}${OURS_TEMPLATE ? '   (BENCH_OURS override)' : `   (a copy taken at start, sha256 ${cliSha})`}`);
  console.log(
    `  peak RSS: ${RSS_DESCRIPTION[rss.method]}${rss.probeMiB ? `; self-test ${rss.probeMiB.toFixed(0)} MiB for a 256 MiB child` : ''}${rss.floorMiB == null ? '' : `, ${rss.floorMiB.toFixed(1)} MiB for \`true\` (floor)`}`,
  );
  console.log(
    `  spawning \`true\` takes ${rss.spawnMs.toFixed(1)} ms; the RSS wrapper adds ${rss.overheadMs.toFixed(1)} ms (both included in listing and batch times; start-up rows are timed without the wrapper)`,
  );
  console.log(
    `  rounds: listing ${ROUNDS.listing}, batch ${ROUNDS.batch}, start-up ${STARTUP_ROUNDS}, random ${RANDOM_ROUNDS} (${fmtInt(RANDOM_N)} ids, seed ${SEED}), verify-pack/fsck/index-pack ${SLOW_ROUNDS}; order git, ours, git, ours, ...`,
  );
  console.log(`  rows: ${[...ONLY].join(', ')}; timeout ${TIMEOUT_S} s per command`);

  const results = { env, repos: [] };
  let ok = true;
  for (const repo of repos) {
    const target = resolveTarget(repo);
    const facts = storeFacts(target.objectsDir);
    console.log(`\nrepo ${target.label}`);
    console.log(`  git dir ${target.gitdir}${target.gitEnv.GIT_OBJECT_DIRECTORY ? ` (objects ${target.gitEnv.GIT_OBJECT_DIRECTORY})` : ''}`);
    process.stderr.write(`  warming the page cache (${fmtBytes(facts.packBytes + facts.idxBytes)} in ${facts.packs} pack(s), ${fmtInt(facts.loose)} loose) ...\n`);
    warmPageCache(target.objectsDir);

    const git = (...a) => ['git', ...target.gitArgs, ...a];
    const rows = [];
    const common = { gitEnv: target.gitEnv, oursEnv: oursEnv(target), method: rss.method };
    let objects = null;
    let someOid = null;
    if (!ONLY.has('listing') && ONLY.has('startup')) {
      // Only an object id is needed: one git listing.
      const g = await measure(git('cat-file', '--batch-all-objects', '--batch-check'), { env: target.gitEnv, method: 'none', lines: true, firstLine: true });
      objects = g.code === 0 ? g.lines : null;
      someOid = g.firstLine ? g.firstLine.split(' ')[0] : null;
    }
    if (ONLY.has('listing')) {
      const a = ['cat-file', '--batch-all-objects', '--batch-check'];
      const row = await benchRow({ ...common, title: LISTING, rounds: ROUNDS.listing, gitArgv: git(...a), oursArgv: oursArgv(target, a), countLines: true, firstLine: true });
      row.objects = true;
      objects = row.lines;
      someOid = row.firstLine ? row.firstLine.split(' ')[0] : null;
      rows.push(row);
    }
    if (ONLY.has('batch')) {
      const a = ['cat-file', '--batch-all-objects', '--batch'];
      const row = await benchRow({ ...common, title: BATCH, rounds: ROUNDS.batch, gitArgv: git(...a), oursArgv: oursArgv(target, a), tracker: batchTracker() });
      row.objects = true;
      rows.push(row);
    }
    if (ONLY.has('startup') && someOid) {
      // Start-up alone: does ours answer --version? If so, time it against git's cheapest real work.
      const versionArgv = oursArgv(target, ['--version'], false);
      const v = await measure(versionArgv, { env: common.oursEnv, method: 'none' });
      const gitT = git('cat-file', '-t', someOid);
      if (v.code === 0 && v.bytes > 0) {
        rows.push(
          await benchRow({ ...common, title: 'start-up: ours --version vs git cat-file -t', rounds: STARTUP_ROUNDS, gitArgv: gitT, oursArgv: versionArgv, compare: false, directTiming: true }),
        );
      } else {
        console.log(`  (ours --version is not supported: exit ${v.code}; start-up is measured with cat-file -t only)`);
      }
      rows.push(
        await benchRow({ ...common, title: `cat-file -t ${someOid.slice(0, 12)}`, rounds: STARTUP_ROUNDS, gitArgv: gitT, oursArgv: oursArgv(target, ['cat-file', '-t', someOid]), directTiming: true }),
      );
    }
    if (ONLY.has('random')) {
      const names = randomNames(target, git, RANDOM_N, SEED);
      if (names) {
        objects ??= names.total;
        const a = ['cat-file', '--batch'];
        const row = await benchRow({
          ...common,
          title: `cat-file --batch (${fmtInt(names.count)} random ids)`,
          rounds: RANDOM_ROUNDS,
          gitArgv: git(...a),
          oursArgv: oursArgv(target, a),
          stdin: names.file,
          keepOutput: true,
          tracker: batchTracker(),
        });
        row.count = names.count;
        row.seed = SEED;
        row.namesSha256 = names.sha256;
        rows.push(row);
      } else {
        console.log('  (random: git could not list the objects; row skipped)');
      }
    }
    // verify-pack and index-pack read one pack, outside any repository (git gets an empty one),
    // as git does for a lone pack: inside the repository that holds the pack, git's index-pack
    // would also compare every object with the copy already stored (its collision check).
    const lone = ['git', `--git-dir=${emptyGitDir()}`];
    const loneEnv = { ...process.env };
    delete loneEnv.GIT_OBJECT_DIRECTORY;
    delete loneEnv.GIT_DIR;
    const largest = facts.largestPack;
    if ((ONLY.has('verify-pack') || ONLY.has('index-pack')) && !largest) console.log('  (no .pack with an .idx: verify-pack and index-pack skipped)');
    if (ONLY.has('verify-pack') && largest) {
      const row = await benchRow({
        ...common,
        title: `verify-pack -v ${path.basename(largest.idx).slice(0, 17)}….idx`,
        rounds: SLOW_ROUNDS,
        gitArgv: [...lone, 'verify-pack', '-v', largest.idx],
        gitEnv: loneEnv,
        oursArgv: oursArgv(target, ['verify-pack', '-v', largest.idx], false),
        keepOutput: true,
      });
      row.pack = largest.pack;
      rows.push(row);
    }
    if (ONLY.has('fsck')) {
      const a = ['fsck', '--no-reflogs'];
      rows.push(
        await benchRow({
          ...common,
          title: 'fsck --no-reflogs',
          rounds: SLOW_ROUNDS,
          gitArgv: git(...a),
          oursArgv: oursArgv(target, a),
          okExit: (code) => code !== null && code < 128,
          keepOutput: true,
          stderrToo: true,
        }),
      );
    }
    if (ONLY.has('index-pack') && largest) {
      const outFile = { git: path.join(TMP, 'a.idx'), ours: path.join(TMP, 'b.idx') };
      const row = await benchRow({
        ...common,
        title: `index-pack -o X.idx ${path.basename(largest.pack).slice(0, 17)}….pack`,
        rounds: SLOW_ROUNDS,
        gitArgv: [...lone, 'index-pack', '-o', outFile.git, largest.pack],
        gitEnv: loneEnv,
        oursArgv: oursArgv(target, ['index-pack', '-o', outFile.ours, largest.pack], false),
        outFile,
      });
      row.pack = largest.pack;
      rows.push(row);
    }
    console.log(`  ${fmtInt(objects)} objects (${facts.packs} pack(s), ${fmtInt(facts.loose)} loose), pack data ${fmtBytes(facts.packBytes)}, idx ${fmtBytes(facts.idxBytes)}\n`);
    printTable(rows, objects);
    console.log('');
    printOutputs(rows);

    const listing = rows.find((r) => r.title === LISTING);
    const batch = rows.find((r) => r.title === BATCH);
    const all = rows.filter((r) => r.identical !== undefined || r.oursFailed || r.gitFailed);
    const identical = all.every((r) => r.identical === true);
    const failed = rows.some((r) => r.oursFailed || r.gitFailed);
    const timedOut = rows.some((r) => r.oursTimedOut || r.gitTimedOut);
    // Peak RSS; a figure from a run killed at the timeout is a lower bound (">").
    const peak = (name) => {
      const done = max(rows.map((r) => r[name].peakRssKiB).filter((x) => x != null));
      const killed = max(rows.map((r) => r[`${name}TimedOut`]?.rssKiBAtLeast).filter((x) => x != null));
      return killed != null && (done == null || killed > done) ? `>${fmtMB(killed)}` : fmtMB(done);
    };
    const compared = rows.some((r) => r.identical !== undefined);
    const part = (name, r) => (r ? `${name} ${r.ratio == null ? 'n/a' : r.ratio.toFixed(2) + 'x'} (${fmtS(r.ours.medianMs)} s vs ${fmtS(r.git.medianMs)} s)` : null);
    const startup = rows.find((r) => r.title.startsWith('start-up'));
    const slowPart = (name, r) => {
      if (!r) return null;
      if (r.ratio != null) return part(name, r);
      if (r.ratioAtLeast != null) return `${name} > ${r.ratioAtLeast.toFixed(2)}x (> ${TIMEOUT_S} s vs ${fmtS(r.git.medianMs)} s)`;
      if (r.ratioAtMost != null) return `${name} < ${r.ratioAtMost.toFixed(2)}x (${fmtS(r.ours.medianMs)} s vs > ${TIMEOUT_S} s)`;
      return `${name} n/a`;
    };
    const rowStarting = (prefix) => rows.find((r) => r.title.startsWith(prefix));
    const summary = [
      `${fmtInt(objects)} objects`,
      [
        part('listing', listing),
        part('batch', batch),
        part('start-up', startup),
        slowPart('random', rowStarting('cat-file --batch (')),
        slowPart('verify-pack', rowStarting('verify-pack')),
        slowPart('fsck', rowStarting('fsck')),
        slowPart('index-pack', rowStarting('index-pack')),
      ]
        .filter(Boolean)
        .join(', '),
      `peak RSS ours ${peak('ours')} MB vs git ${peak('git')} MB`,
      failed ? 'SOME COMMANDS FAILED' : !compared ? 'no output compared' : identical ? 'outputs identical' : 'OUTPUTS DIFFER',
      timedOut ? `SOME COMMANDS TIMED OUT (> ${TIMEOUT_S} s)` : null,
    ].filter(Boolean);
    console.log(`\nsummary ${path.relative(process.cwd(), target.label) || '.'}: ${summary.join('; ')}`);
    if (failed || !identical) ok = false;
    results.repos.push({ repo: target.label, gitdir: target.gitdir, objects, ...facts, rows });
  }
  fs.mkdirSync(path.dirname(JSON_OUT), { recursive: true });
  fs.writeFileSync(JSON_OUT, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nresults written to ${path.relative(process.cwd(), JSON_OUT) || JSON_OUT}`);
  process.exitCode = ok ? 0 : 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
