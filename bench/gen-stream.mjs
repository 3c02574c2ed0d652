#!/usr/bin/env node
// Writes a deterministic `git fast-import` stream to stdout: a synthetic project history
// with a few hundred files in nested folders, ~20k commits (1-3 file changes each),
// short topic branches merged back with --no-ff style merges, and annotated tags.
//
// Everything (names, dates, contents) comes from one seeded PRNG, so the same script always
// produces the same object ids. Contents are shaped to give git realistic deltas: source-like
// text edited a few lines at a time, some 10-100 KB documents and data tables, a few
// binary files that are patched in place or occasionally replaced wholesale.
//
// Usage: node bench/gen-stream.mjs | git fast-import --quiet
// The shape is fixed by the constants below; make-repo.sh caches on this file's hash.

const COMMITS = 20000; // ordinary commits (main and topic branches); merges come on top
const SEED = 0x5eed1e55;
const START_DATE = 1420070400; // 2015-01-01T00:00:00Z
const TARGET_FILES = 340; // the tree grows towards this many files
const MERGE_EVERY = 320; // one topic branch (2-6 commits) roughly this often
const TAG_EVERY = 700; // one annotated tag this often

// ---- PRNG (mulberry32): small, fast, and identical on every platform ------------------------
let prngState = SEED >>> 0;
function rand() {
  prngState = (prngState + 0x6d2b79f5) | 0;
  let t = Math.imul(prngState ^ (prngState >>> 15), 1 | prngState);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)); // [lo, hi]
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
const chance = (p) => rand() < p;

// ---- vocabulary ------------------------------------------------------------------------------
const WORDS = (
  'buffer offset length index object pack tree commit entry header cache window delta base chain ' +
  'size count stream reader writer hash table node list map key value result error state config ' +
  'path name mode flag option parse read write open close find lookup insert remove update check ' +
  'verify load store emit flush init reset next prev first last begin end start stop limit total ' +
  'chunk block page slot item record field column row span range token symbol scope frame stack ' +
  'queue heap pool arena region segment track signal event handler callback listener worker thread ' +
  'task job batch group member owner parent child sibling root leaf edge vertex graph route host ' +
  'port socket packet message request response session user account policy rule filter matcher ' +
  'pattern format encode decode compress inflate deflate checksum digest signature version revision ' +
  'label branch merge rebase diff patch hunk line cursor budget counter peak miss hit evict fanout'
).split(' ');
const PROSE = (
  'the a an of to in for on with by from that this which when while if then but and or not is are ' +
  'was be can may must should will each every any all some most few more less only also just still ' +
  'data file files format reader layout bytes value values object objects request requests cache ' +
  'memory budget entry entries window windows delta deltas chain chains stream pack index header ' +
  'handled returned stored written read checked verified parsed decoded encoded compressed copied ' +
  'because so until unless after before during without within between across against under over ' +
  'fast slow large small empty full valid broken damaged missing sorted unsorted newest oldest'
).split(' ');
const TYPES_C = ['int', 'size_t', 'uint32_t', 'uint64_t', 'off_t', 'const char *', 'struct entry *', 'unsigned', 'bool'];
const TYPES_TS = ['number', 'string', 'Uint8Array', 'boolean', 'bigint', 'ObjectId', 'PackEntry', 'ByteSource'];
const OPS = ['+', '-', '*', '<<', '&', '|', '>>', '%'];
const CMPS = ['<', '>', '<=', '>=', '==', '!='];

const cap = (w) => w[0].toUpperCase() + w.slice(1);
function ident(style) {
  const n = int(1, 3);
  const parts = [];
  for (let i = 0; i < n; i++) parts.push(pick(WORDS));
  if (style === 'snake') return parts.join('_');
  return parts[0] + parts.slice(1).map(cap).join('');
}
function sentence(minWords, maxWords) {
  const n = int(minWords, maxWords);
  const w = [];
  for (let i = 0; i < n; i++) w.push(chance(0.25) ? pick(WORDS) : pick(PROSE));
  w[0] = cap(w[0]);
  return w.join(' ') + '.';
}
function number() {
  const r = rand();
  if (r < 0.5) return String(int(0, 16));
  if (r < 0.8) return String(int(17, 4096));
  return '0x' + int(0, 0xffffff).toString(16).padStart(6, '0');
}

// ---- text generators: each returns an array of lines (without newlines) ------------------------
// `lang` decides comment, block and declaration syntax; `depth` is the starting indent level.
function expr(lang) {
  const style = lang === 'py' || lang === 'c' ? 'snake' : 'camel';
  const r = rand();
  if (r < 0.3) return ident(style);
  if (r < 0.45) return number();
  if (r < 0.75) {
    const args = [];
    for (let i = int(0, 3); i > 0; i--) args.push(chance(0.7) ? ident(style) : number());
    return `${ident(style)}(${args.join(', ')})`;
  }
  return `${ident(style)} ${pick(OPS)} ${chance(0.5) ? ident(style) : number()}`;
}
function codeBlock(lang, depth, budget) {
  const out = [];
  const style = lang === 'py' || lang === 'c' ? 'snake' : 'camel';
  const ind = lang === 'py' ? '    '.repeat(depth) : lang === 'c' ? '\t'.repeat(depth) : '  '.repeat(depth);
  while (budget.n > 0) {
    budget.n--;
    const r = rand();
    const cond = () => `${ident(style)} ${pick(CMPS)} ${expr(lang)}`;
    if (r < 0.12 && depth < 4 && budget.n > 3) {
      const head = lang === 'py' ? `${ind}if ${cond()}:` : `${ind}if (${cond()}) {`;
      out.push(head);
      const inner = { n: Math.min(budget.n, int(1, 6)) };
      budget.n -= inner.n;
      out.push(...codeBlock(lang, depth + 1, inner));
      if (lang !== 'py') out.push(`${ind}}`);
    } else if (r < 0.18 && depth < 4 && budget.n > 3) {
      const v = 'i';
      const head =
        lang === 'py'
          ? `${ind}for ${v} in range(${expr(lang)}):`
          : lang === 'c'
            ? `${ind}for (${v} = 0; ${v} < ${ident(style)}; ${v}++) {`
            : `${ind}for (let ${v} = 0; ${v} < ${ident(style)}.length; ${v}++) {`;
      out.push(head);
      const inner = { n: Math.min(budget.n, int(1, 5)) };
      budget.n -= inner.n;
      out.push(...codeBlock(lang, depth + 1, inner));
      if (lang !== 'py') out.push(`${ind}}`);
    } else if (r < 0.28) {
      out.push(`${ind}${lang === 'py' ? '#' : '//'} ${sentence(3, 12)}`);
    } else if (r < 0.33) {
      out.push('');
    } else if (r < 0.4) {
      out.push(lang === 'py' ? `${ind}return ${expr(lang)}` : `${ind}return ${expr(lang)};`);
    } else if (r < 0.65) {
      if (lang === 'py') out.push(`${ind}${ident(style)} = ${expr(lang)}`);
      else if (lang === 'c') out.push(`${ind}${pick(TYPES_C)} ${ident(style)} = ${expr(lang)};`);
      else out.push(`${ind}const ${ident(style)}: ${pick(TYPES_TS)} = ${expr(lang)};`);
    } else {
      out.push(lang === 'py' ? `${ind}${ident(style)} = ${expr(lang)}` : `${ind}${ident(style)} = ${expr(lang)};`);
    }
  }
  return out;
}
function codeUnit(lang) {
  const style = lang === 'py' || lang === 'c' ? 'snake' : 'camel';
  const out = [];
  const name = ident(style);
  const params = [];
  for (let i = int(0, 4); i > 0; i--) params.push(ident(style));
  if (chance(0.6)) {
    if (lang === 'py') out.push(`# ${sentence(4, 14)}`);
    else {
      out.push('/**');
      for (let i = int(1, 3); i > 0; i--) out.push(` * ${sentence(4, 12)}`);
      out.push(' */');
    }
  }
  if (lang === 'py') out.push(`def ${name}(${params.join(', ')}):`);
  else if (lang === 'c') out.push(`static ${pick(TYPES_C)} ${name}(${params.map((p) => `${pick(TYPES_C)} ${p}`).join(', ') || 'void'})`, '{');
  else out.push(`export function ${name}(${params.map((p) => `${p}: ${pick(TYPES_TS)}`).join(', ')}): ${pick(TYPES_TS)} {`);
  out.push(...codeBlock(lang, 1, { n: int(3, 22) }));
  if (lang !== 'py') out.push('}');
  out.push('');
  return out;
}
function proseUnit() {
  const out = [];
  if (chance(0.3)) out.push(`## ${cap(pick(WORDS))} ${pick(WORDS)} ${pick(WORDS)}`, '');
  if (chance(0.3)) {
    for (let i = int(2, 6); i > 0; i--) out.push(`- ${sentence(4, 14)}`);
  } else {
    let line = '';
    for (let i = int(2, 7); i > 0; i--) {
      const s = sentence(6, 22);
      for (const w of s.split(' ')) {
        if (line.length + w.length + 1 > 78) {
          out.push(line);
          line = w;
        } else line = line ? `${line} ${w}` : w;
      }
    }
    if (line) out.push(line);
  }
  out.push('');
  return out;
}
function csvUnit() {
  const out = [];
  for (let i = int(3, 12); i > 0; i--) {
    out.push([int(1, 999999), ident('snake'), (rand() * 1000).toFixed(int(0, 5)), int(0, 65535), pick(['ok', 'warn', 'fail', 'skip']), pick(WORDS)].join(','));
  }
  return out;
}
const UNIT = { c: () => codeUnit('c'), h: () => codeUnit('c'), ts: () => codeUnit('ts'), py: () => codeUnit('py'), md: proseUnit, csv: csvUnit };

// ---- binary contents ----------------------------------------------------------------------
function randomBytes(n) {
  const b = Buffer.allocUnsafe(n);
  let i = 0;
  for (; i + 4 <= n; i += 4) b.writeUInt32LE((rand() * 4294967296) >>> 0, i);
  for (; i < n; i++) b[i] = (rand() * 256) | 0;
  return b;
}
// Mostly incompressible (like a PNG) but with a structured header and some repetitive runs.
function binaryContent(size) {
  const parts = [Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\rIHDR', 'latin1')];
  let n = parts[0].length;
  while (n < size) {
    const len = Math.min(size - n, int(256, 4096));
    parts.push(chance(0.2) ? Buffer.alloc(len, int(0, 255)) : randomBytes(len));
    n += len;
  }
  return Buffer.concat(parts);
}

// ---- the tree --------------------------------------------------------------------------------
// Folder -> extensions used there. Depth goes up to 4 below the root.
const DIRS = [
  ['', ['md']],
  ['src', ['ts']],
  ['src/core', ['ts']],
  ['src/core/bytes', ['ts']],
  ['src/core/hash', ['ts']],
  ['src/core/format', ['ts']],
  ['src/core/format/idx', ['ts']],
  ['src/core/format/pack', ['ts']],
  ['src/core/format/midx', ['ts']],
  ['src/core/odb', ['ts']],
  ['src/core/odb/cache', ['ts']],
  ['src/core/verify', ['ts']],
  ['src/cli', ['ts']],
  ['src/cli/commands', ['ts']],
  ['src/app', ['ts']],
  ['src/app/views', ['ts']],
  ['src/app/views/tree', ['ts']],
  ['src/app/views/pack', ['ts']],
  ['src/app/stores', ['ts']],
  ['lib', ['c', 'h']],
  ['lib/zlib', ['c', 'h']],
  ['lib/util', ['c', 'h']],
  ['lib/util/compat', ['c', 'h']],
  ['include', ['h']],
  ['include/packscope', ['h']],
  ['include/packscope/internal', ['h']],
  ['docs', ['md']],
  ['docs/guide', ['md']],
  ['docs/api', ['md']],
  ['docs/api/v1', ['md']],
  ['docs/api/v2', ['md']],
  ['tests', ['ts', 'py']],
  ['tests/unit', ['ts']],
  ['tests/unit/format', ['ts']],
  ['tests/unit/odb', ['ts']],
  ['tests/e2e', ['ts']],
  ['tests/fixtures', ['py']],
  ['tests/fixtures/data', ['csv']],
  ['tools', ['py']],
  ['tools/release', ['py']],
  ['scripts', ['py']],
  ['data', ['csv']],
  ['data/tables', ['csv']],
];
const BINARY_PATHS = [
  'assets/icons/app.png',
  'assets/icons/folder.png',
  'assets/icons/pack.png',
  'assets/img/logo.png',
  'assets/img/screenshot-tree.png',
  'assets/img/screenshot-pack.png',
  'docs/guide/diagram.png',
  'tests/fixtures/data/sample.bin',
];

/** @typedef {{path: string, kind: 'text'|'binary', lang?: string, lines?: string[], bytes?: Buffer, target: number, weight: number, mark: number}} File */
/** @type {Map<string, File>} */
const files = new Map();
let fileOrder = []; // paths in insertion order, for deterministic iteration

function textSize(lines) {
  let n = 0;
  for (const l of lines) n += l.length + 1;
  return n;
}
function genLines(lang, target) {
  const lines = [];
  let n = 0;
  while (n < target) {
    for (const l of UNIT[lang]()) {
      lines.push(l);
      n += l.length + 1;
    }
  }
  return lines;
}
function newTextFile(medium) {
  let dir, lang;
  for (;;) {
    const d = pick(DIRS);
    dir = d[0];
    lang = pick(d[1]);
    if (!medium || lang === 'md' || lang === 'csv' || chance(0.3)) break;
  }
  let path;
  do {
    const base = lang === 'md' ? ident('snake').toUpperCase().replace(/_/g, '-') : ident(lang === 'ts' ? 'camel' : 'snake');
    path = (dir ? dir + '/' : '') + base + '.' + lang;
  } while (files.has(path));
  const target = medium ? Math.round(10000 * 10 ** rand()) : Math.round(300 * 2 ** (rand() * 5.5));
  const lines = genLines(lang, target * (0.6 + 0.4 * rand()));
  // Hot files change often, most files rarely (roughly a power law).
  const weight = rand() ** 3 * (medium ? 0.4 : 1) + 0.01;
  return { path, kind: 'text', lang, lines, target, weight, mark: 0 };
}
function newBinaryFile(path) {
  const target = path.endsWith('.bin') ? int(20000, 60000) : int(2000, 24000);
  return { path, kind: 'binary', bytes: binaryContent(target), target, weight: 0.02, mark: 0 };
}

const CODE = new Set(['c', 'h', 'ts', 'py']);
/** A few lines shaped like what surrounds them: statements for code, a unit for prose and tables. */
function snippet(lang, ind, max) {
  const lines = CODE.has(lang) ? codeBlock(lang === 'h' ? 'c' : lang, 0, { n: int(1, max) }) : UNIT[lang]().slice(0, max);
  return lines.map((l) => (l ? ind + l : l));
}
function editText(f) {
  const lines = f.lines;
  const size = textSize(lines);
  for (let ops = int(1, 3); ops > 0; ops--) {
    const r = rand();
    const grow = size < f.target ? 0.45 : 0.2;
    // Data tables tend to grow at the end; elsewhere an edit lands anywhere.
    let at = f.lang === 'csv' && chance(0.5) ? lines.length : int(0, Math.max(0, lines.length - 1));
    const ind = ((lines[at] || '').match(/^\s*/) || [''])[0];
    if (r < grow) {
      if (chance(0.35)) {
        // A whole new function or section, placed after the next blank line.
        while (at < lines.length && lines[at] !== '') at++;
        lines.splice(Math.min(at + 1, lines.length), 0, ...UNIT[f.lang]());
      } else {
        lines.splice(at, 0, ...snippet(f.lang, ind, 8));
      }
    } else if (r < grow + 0.25 && lines.length > 20) {
      lines.splice(at, int(1, 10));
    } else {
      const n = int(1, 5);
      for (let i = 0; i < n && at + i < lines.length; i++) {
        const old = lines[at + i];
        if (!old.trim()) continue;
        const oind = old.match(/^\s*/)[0];
        // Change one token most of the time, rewrite the line otherwise.
        if (chance(0.6) || f.lang === 'csv') {
          const sep = f.lang === 'csv' ? ',' : ' ';
          const toks = old.trim().split(sep);
          toks[int(0, toks.length - 1)] = chance(0.5) ? pick(WORDS) : number();
          lines[at + i] = oind + toks.join(sep);
        } else {
          const repl = snippet(f.lang, oind, 1).find((l) => l.trim());
          if (repl !== undefined) lines[at + i] = repl;
        }
      }
    }
  }
  // Files drift larger over the years, like real ones.
  if (chance(0.05)) f.target = Math.round(f.target * 1.05);
}
function editBinary(f) {
  if (chance(0.2)) {
    f.bytes = binaryContent(f.target);
    return;
  }
  const b = Buffer.from(f.bytes);
  for (let i = int(1, 3); i > 0; i--) {
    const len = int(16, 512);
    const at = int(0, Math.max(0, b.length - len));
    randomBytes(len).copy(b, at);
  }
  f.bytes = chance(0.1) ? Buffer.concat([b, randomBytes(int(64, 1024))]) : b;
}
function content(f) {
  return f.kind === 'binary' ? f.bytes : Buffer.from(f.lines.join('\n') + '\n', 'utf8');
}

// ---- stream output with backpressure --------------------------------------------------------
let pending = [];
let pendingBytes = 0;
async function out(chunk) {
  const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  pending.push(b);
  pendingBytes += b.length;
  if (pendingBytes >= 1 << 20) await flush();
}
async function flush() {
  if (!pending.length) return;
  const b = Buffer.concat(pending);
  pending = [];
  pendingBytes = 0;
  if (!process.stdout.write(b)) await new Promise((r) => process.stdout.once('drain', r));
}
async function data(buf) {
  await out(`data ${buf.length}\n`);
  await out(buf);
  await out('\n');
}

// ---- people, dates, messages ------------------------------------------------------------------
const PEOPLE = [
  ['Ada Lindqvist', 'ada@example.org', '+0100'],
  ['Bram Okafor', 'bram@example.com', '+0000'],
  ['Chen Wei', 'chen.wei@example.net', '+0800'],
  ['Dana Kowalski', 'dana@example.org', '+0200'],
  ['Emeka Nwosu', 'emeka@example.com', '+0100'],
  ['Farah Haddad', 'farah@example.net', '+0300'],
  ['Gustavo Lima', 'gustavo@example.org', '-0300'],
  ['Hana Sato', 'hana@example.jp', '+0900'],
  ['Ivan Petrov', 'ivan@example.com', '+0300'],
  ['Jo Turner', 'jo@example.co.uk', '+0000'],
  ['Kavya Rao', 'kavya@example.in', '+0530'],
  ["Liam O'Brien", 'liam@example.ie', '+0000'],
  ['Maria Gonzalez', 'maria@example.es', '+0100'],
  ['Noah Fischer', 'noah@example.de', '+0100'],
  ['Olivia Brown', 'olivia@example.com', '-0500'],
  ['Pat Kim', 'pat@example.com', '-0800'],
];
let now = START_DATE;
function who(p, t) {
  return `${p[0]} <${p[1]}> ${t} ${p[2]}`;
}
function message(paths) {
  const area = paths[0]
    .split('/')
    .slice(0, paths[0].startsWith('src/') ? 2 : 1)
    .join('/')
    .replace(/\.[a-z]+$/, '');
  const verb = pick(['fix', 'add', 'remove', 'rename', 'speed up', 'simplify', 'document', 'test', 'handle', 'refactor', 'check']);
  let msg = `${area}: ${verb} ${pick(WORDS)} ${pick(WORDS)}${chance(0.3) ? ' ' + pick(PROSE) + ' ' + pick(WORDS) : ''}\n`;
  if (chance(0.7)) {
    msg += '\n';
    let line = '';
    for (let i = int(1, 5); i > 0; i--) {
      for (const w of sentence(5, 18).split(' ')) {
        if (line.length + w.length + 1 > 72) {
          msg += line + '\n';
          line = w;
        } else line = line ? `${line} ${w}` : w;
      }
    }
    msg += line + '\n';
    if (chance(0.3)) msg += `\nSigned-off-by: ${pick(PEOPLE).slice(0, 2).join(' <')}>\n`;
  }
  return Buffer.from(msg, 'utf8');
}

// ---- history ---------------------------------------------------------------------------------
let nextMark = 1;
let mainTip = 0;
let commitsMade = 0;
let tagsMade = 0;
let mergesMade = 0;

function weightedFile() {
  let total = 0;
  for (const p of fileOrder) total += files.get(p).weight;
  let r = rand() * total;
  for (const p of fileOrder) {
    r -= files.get(p).weight;
    if (r <= 0) return files.get(p);
  }
  return files.get(fileOrder[fileOrder.length - 1]);
}
async function emitBlob(f) {
  f.mark = nextMark++;
  await out(`blob\nmark :${f.mark}\n`);
  await data(content(f));
}
function targetFiles(i) {
  return Math.min(TARGET_FILES, 60 + Math.floor(i / 20));
}

/** One ordinary commit: 1-3 changes (edit, add, or occasionally delete). Returns touched paths. */
async function changeSet(i) {
  const changes = [];
  const touched = new Set();
  const n = pick([1, 1, 1, 2, 2, 3]);
  for (let k = 0; k < n; k++) {
    const r = rand();
    if ((fileOrder.length < targetFiles(i) && r < 0.5) || r < 0.015) {
      const f = newTextFile(chance(0.07));
      files.set(f.path, f);
      fileOrder.push(f.path);
      await emitBlob(f);
      changes.push(`M 100644 :${f.mark} ${f.path}\n`);
      touched.add(f.path);
    } else if (r < 0.03 && fileOrder.length > 200) {
      const f = weightedFile();
      if (touched.has(f.path) || f.kind === 'binary' || f.path === 'README.md' || f.path === 'ChangeLog.md') continue;
      files.delete(f.path);
      fileOrder = fileOrder.filter((p) => p !== f.path);
      changes.push(`D ${f.path}\n`);
      touched.add(f.path);
    } else {
      const f = weightedFile();
      if (touched.has(f.path)) continue;
      if (f.kind === 'binary') editBinary(f);
      else editText(f);
      await emitBlob(f);
      changes.push(`M 100644 :${f.mark} ${f.path}\n`);
      touched.add(f.path);
    }
  }
  if (!changes.length) {
    // every commit changes something
    const f = weightedFile();
    if (f.kind === 'binary') editBinary(f);
    else editText(f);
    await emitBlob(f);
    changes.push(`M 100644 :${f.mark} ${f.path}\n`);
    touched.add(f.path);
  }
  return { changes, touched: [...touched] };
}
async function commit(ref, from, merge, changes, paths, msg) {
  now += int(60, 3 * 3600) + (chance(0.05) ? int(0, 2 * 86400) : 0);
  const author = pick(PEOPLE);
  const committer = chance(0.8) ? author : pick(PEOPLE);
  const mark = nextMark++;
  await out(`commit ${ref}\nmark :${mark}\nauthor ${who(author, now - (author === committer ? 0 : int(0, 86400)))}\ncommitter ${who(committer, now)}\n`);
  await data(msg || message(paths));
  if (from) await out(`from :${from}\n`);
  if (merge) await out(`merge :${merge}\n`);
  for (const c of changes) await out(c);
  await out('\n');
  commitsMade++;
  return mark;
}

async function main() {
  process.stdout.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(1);
  });
  // Initial import: a README, the binary assets and a first handful of files.
  const initial = [];
  const readme = { path: 'README.md', kind: 'text', lang: 'md', lines: genLines('md', 3000), target: 4000, weight: 0.3, mark: 0 };
  const changelog = { path: 'ChangeLog.md', kind: 'text', lang: 'md', lines: genLines('md', 20000), target: 90000, weight: 0.15, mark: 0 };
  for (const f of [readme, changelog]) {
    files.set(f.path, f);
    fileOrder.push(f.path);
  }
  for (const p of BINARY_PATHS) {
    const f = newBinaryFile(p);
    files.set(p, f);
    fileOrder.push(p);
  }
  while (fileOrder.length < 60) {
    const f = newTextFile(chance(0.07));
    files.set(f.path, f);
    fileOrder.push(f.path);
  }
  for (const p of fileOrder) {
    const f = files.get(p);
    await emitBlob(f);
    initial.push(`M 100644 :${f.mark} ${p}\n`);
  }
  mainTip = await commit('refs/heads/main', 0, 0, initial, ['initial'], Buffer.from('Initial import\n'));

  let i = 1;
  while (i < COMMITS) {
    if (i % MERGE_EVERY === 0 && i + 8 < COMMITS) {
      // A topic branch from main's tip, then a merge commit whose tree equals the topic's.
      const name = `refs/heads/topic/${String(mergesMade + 1).padStart(3, '0')}-${pick(WORDS)}`;
      const allTouched = new Map();
      let tip = 0;
      for (let k = int(2, 6); k > 0; k--, i++) {
        const { changes, touched } = await changeSet(i);
        for (const p of touched) allTouched.set(p, true);
        tip = await commit(name, tip ? 0 : mainTip, 0, changes, touched);
      }
      const mergeChanges = [];
      for (const p of allTouched.keys()) {
        const f = files.get(p);
        mergeChanges.push(f ? `M 100644 :${f.mark} ${p}\n` : `D ${p}\n`);
      }
      mergesMade++;
      mainTip = await commit('refs/heads/main', mainTip, tip, mergeChanges, [], Buffer.from(`Merge branch '${name.slice(11)}'\n`));
      continue;
    }
    const { changes, touched } = await changeSet(i);
    mainTip = await commit('refs/heads/main', 0, 0, changes, touched);
    i++;
    if (i % TAG_EVERY === 0) {
      tagsMade++;
      const p = pick(PEOPLE);
      await out(`tag v${Math.floor(tagsMade / 4)}.${tagsMade % 4}.0\nfrom :${mainTip}\ntagger ${who(p, now + 60)}\n`);
      await data(Buffer.from(`Release ${Math.floor(tagsMade / 4)}.${tagsMade % 4}.0\n\n${sentence(8, 20)}\n`));
    }
  }
  await out('done\n'); // with `fast-import --done`, a truncated stream is an error
  await flush();
  process.stderr.write(`gen-stream: ${commitsMade} commits (${mergesMade} merges), ${tagsMade} tags, ${fileOrder.length} files at the tip\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
