import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ByteSource } from '../src/core/bytes/source.ts';
import { portableHasher } from '../src/core/hash/hasher.ts';
import { discoverRepository } from '../src/core/repo/discover.ts';
import { buildFindingsReport, reportFileName, reportJson, type ReportInput } from '../src/core/report/build.ts';
import { collectEvidence } from '../src/core/report/collect.ts';
import { escapeHtml } from '../src/core/report/escape.ts';
import { EVIDENCE_CHUNK, EvidenceHasher, type EvidenceSource } from '../src/core/report/evidence.ts';
import { reportHtml } from '../src/core/report/html.ts';
import { CHECKS, REPORT_SCHEMA, type FindingsReport } from '../src/core/report/schema.ts';
import type { Finding } from '../src/core/verify/findings.ts';
import { fsDirectoryReader } from '../src/cli/node-host.ts';
import type { EvidenceResult, VerifyRunState } from '../src/protocol/verify.ts';
import { verifyHandlers } from '../src/worker/forensics/verify-handlers.ts';
import { Session } from '../src/worker/session.ts';
import { setSession } from '../src/worker/state.ts';
import { BUILD } from './support/cli.ts';

/** The findings report: schema, escaping of hostile text, evidence hashes against node:crypto, ordering. */

const VARIED_GITDIR = join(BUILD, 'varied/repo/.git');
const BIG_PACK_DIR = join(BUILD, 'big/repo.git/objects/pack');

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A ByteSource over a file on disk that records the longest single read. */
function recordingSource(path: string, name: string): ByteSource & { longestRead: number } {
  const bytes = readFileSync(path);
  const src = {
    name,
    size: bytes.length,
    longestRead: 0,
    read(offset: number, length: number) {
      src.longestRead = Math.max(src.longestRead, length);
      return bytes.subarray(offset, offset + length);
    },
  };
  return src;
}

function hashAll(files: EvidenceSource[]): EvidenceHasher {
  const hasher = new EvidenceHasher(files, portableHasher);
  let slices = 0;
  while (!hasher.step(5)) slices++;
  expect(slices).toBeLessThan(100_000);
  return hasher;
}

const sampleFindings: Finding[] = [
  { severity: 'warning', check: 'midx', kind: 'Mismatch', file: 'objects/pack/multi-pack-index', message: 'pack order differs' },
  { severity: 'error', check: 'crc', kind: 'Mismatch', file: 'objects/pack/pack-b.pack', offset: 0x1f3a, oid: 'bb'.repeat(20), message: 'CRC32 differs from the idx' },
  { severity: 'error', check: 'trailer', kind: 'BadChecksum', file: 'objects/pack/pack-a.pack', offset: 59237, message: 'pack checksum does not match' },
  { severity: 'info', check: 'refs', kind: 'NotFound', file: 'refs/heads/x', message: 'noted' },
  { severity: 'error', check: 'object', kind: 'CorruptObject', file: 'objects/pack/pack-b.pack', offset: 12, oid: 'aa'.repeat(20), message: 'zlib stream ends early' },
];

function input(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    title: 'case-42',
    rootKind: 'gitdir',
    hashAlgorithm: 'sha1',
    startedAtMs: Date.UTC(2024, 0, 2, 3, 4, 5),
    durationMs: 1234.4,
    complete: true,
    findings: sampleFindings,
    counts: { files: 3, bytesHashed: 65000, objects: 120, packs: 2, looseObjects: 1 },
    evidence: [
      { path: 'objects/pack/pack-b.pack', size: 10, mtime: '2024-01-01T00:00:00.000Z', mtimeMs: 1704067200000, sha256: 'ab'.repeat(32), error: null },
      { path: 'HEAD', size: 23, mtime: null, mtimeMs: null, sha256: 'cd'.repeat(32), error: null },
    ],
    evidenceSkipped: [],
    openProblems: [],
    generatedAtMs: Date.UTC(2024, 0, 2, 3, 5, 0),
    ...overrides,
  };
}

describe('findings report schema', () => {
  it('writes every documented field, offsets as number and hex, and a summary over every severity and check', () => {
    const report = JSON.parse(reportJson(buildFindingsReport(input()))) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['schema', 'tool', 'generatedAt', 'folder', 'hashAlgorithm', 'verification', 'evidence', 'evidenceSkipped', 'counts', 'findings', 'openProblems', 'summary']);
    expect(report.schema).toBe(REPORT_SCHEMA);
    expect(report.tool).toEqual({ name: 'packscope', version: '0.1.0' });
    expect(report.generatedAt).toBe('2024-01-02T03:05:00.000Z');
    expect(report.folder).toEqual({ title: 'case-42', rootKind: 'gitdir' });
    expect(report.verification).toEqual({ startedAt: '2024-01-02T03:04:05.000Z', durationMs: 1234, complete: true });
    const findings = report.findings as Record<string, unknown>[];
    expect(findings).toHaveLength(5);
    const crc = findings.find((f) => f.check === 'crc');
    expect(crc).toEqual({
      severity: 'error',
      check: 'crc',
      kind: 'Mismatch',
      file: 'objects/pack/pack-b.pack',
      offset: 7994,
      offsetHex: '0x1f3a',
      oid: 'bb'.repeat(20),
      message: 'CRC32 differs from the idx',
      cause: null,
    });
    // Absent values are null, never missing.
    expect(findings.find((f) => f.check === 'midx')).toMatchObject({ offset: null, offsetHex: null, oid: null });
    const summary = report.summary as { total: number; verdict: string; bySeverity: Record<string, number>; byCheck: Record<string, number> };
    expect(summary.total).toBe(5);
    expect(summary.verdict).toBe('problems');
    expect(summary.bySeverity).toEqual({ error: 3, warning: 1, info: 1 });
    expect(Object.keys(summary.byCheck)).toEqual([...CHECKS]);
    expect(summary.byCheck).toMatchObject({ crc: 1, trailer: 1, object: 1, midx: 1, refs: 1, oid: 0, count: 0 });
  });

  it('is clean only with no errors, warnings, open problems or unhashed files', () => {
    expect(buildFindingsReport(input({ findings: [sampleFindings[3]] })).summary.verdict).toBe('clean');
    expect(buildFindingsReport(input({ findings: [], openProblems: [{ kind: 'Truncated', message: 'Truncated at x.idx: short', detail: 'short', file: 'x.idx' }] })).summary.verdict).toBe('problems');
    const unreadable = { path: 'x', size: 1, mtime: null, mtimeMs: null, sha256: null, error: 'could not be read at offset 0: gone' };
    expect(buildFindingsReport(input({ findings: [], evidence: [unreadable] })).summary.verdict).toBe('problems');
  });

  it('orders findings worst first, then by file and offset, and evidence by path, whatever the input order', () => {
    const a = buildFindingsReport(input());
    expect(a.findings.map((f) => `${f.severity} ${f.file} ${f.offsetHex}`)).toEqual([
      'error objects/pack/pack-a.pack 0xe765',
      'error objects/pack/pack-b.pack 0xc',
      'error objects/pack/pack-b.pack 0x1f3a',
      'warning objects/pack/multi-pack-index null',
      'info refs/heads/x null',
    ]);
    expect(a.evidence.map((e) => e.path)).toEqual(['HEAD', 'objects/pack/pack-b.pack']);
    const shuffled = buildFindingsReport(input({ findings: [...sampleFindings].reverse(), evidence: [...input().evidence].reverse() }));
    expect(reportJson(shuffled)).toBe(reportJson(a));
    expect(reportHtml(shuffled)).toBe(reportHtml(a));
  });

  it('names the file after the folder, reduced to safe characters', () => {
    const report = buildFindingsReport(input({ title: '../evil <name>\u202e.exe' }));
    expect(reportFileName(report, 'html')).toBe('packscope-report-evil_name_.exe-2024-01-02T030500Z.html');
  });
});

describe('HTML report escaping', () => {
  const hostileFile = 'objects/pack/<script>alert(1)</script>"\'&.pack';
  const hostileMessage = 'name with \u001b[31mescape\u0007, bidi \u202eexe.txt, zero\u200bwidth, new\nline and </td></tr></table><img src=x onerror=alert(1)>';
  const report = buildFindingsReport(
    input({
      title: '<b>folder</b>',
      findings: [{ severity: 'error', check: 'object', kind: 'CorruptObject', file: hostileFile, offset: 5, message: hostileMessage }],
      evidence: [{ path: 'refs/heads/"><script>x</script>', size: 1, mtime: null, mtimeMs: null, sha256: '00'.repeat(32), error: null }],
      openProblems: [{ kind: 'Io', message: 'Io at <i>x</i>: cannot open', detail: 'cannot open', file: '<i>x</i>' }],
    }),
  );
  const html = reportHtml(report);

  it('lets no markup from the repository through', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('<b>folder');
    expect(html).not.toContain('<i>x');
    expect(html).toContain('objects/pack/&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;.pack');
    expect(html).toContain('&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;img src=x onerror=alert(1)&gt;');
    // Only the tags the report itself writes appear.
    const tags = new Set([...html.matchAll(/<\/?([!a-zA-Z0-9]+)/g)].map((m) => m[1].toLowerCase()));
    for (const t of tags)
      expect([
        'body',
        'br',
        'code',
        'dd',
        'div',
        'dl',
        'dt',
        'footer',
        'h1',
        'h2',
        'head',
        'header',
        'html',
        'meta',
        'p',
        'span',
        'strong',
        'style',
        'table',
        'tbody',
        'td',
        'th',
        'thead',
        'title',
        'tr',
        'li',
        'ul',
        '!doctype',
      ]).toContain(t);
  });

  it('shows control, bidi and invisible characters as visible escapes and writes none of them raw', () => {
    expect(html).toContain('<span class="ctl">\\x1b</span>[31mescape<span class="ctl">\\x07</span>');
    expect(html).toContain('bidi <span class="ctl">\\u202e</span>exe.txt');
    expect(html).toContain('zero<span class="ctl">\\u200b</span>width');
    expect(html).toContain('new<span class="ctl">\\x0a</span>line');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test asserts no raw control character reaches the report.
    const rawHidden = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;
    expect(html).not.toMatch(rawHidden);
    expect(escapeHtml('a\ud800b')).toBe('a<span class="ctl">\\ud800</span>b');
    expect(escapeHtml('\ud83d\ude00')).toBe('\ud83d\ude00');
  });

  it('is self-contained: no script, no external resource, a policy forbidding both', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?[a-z]+:/i);
    expect(html).not.toMatch(/url\(|@import/);
  });

  it('keeps hostile strings exactly in the JSON', () => {
    const parsed = JSON.parse(reportJson(report)) as { findings: { file: string; message: string }[]; folder: { title: string } };
    expect(parsed.findings[0].file).toBe(hostileFile);
    expect(parsed.findings[0].message).toBe(hostileMessage);
    expect(parsed.folder.title).toBe('<b>folder</b>');
  });
});

describe('evidence hashes', () => {
  it('equals node:crypto SHA-256 for every file of a fixture .git, read in pieces of at most 1 MiB', async () => {
    const files = await discoverRepository(fsDirectoryReader(VARIED_GITDIR));
    const collected = await collectEvidence(files, fsDirectoryReader(VARIED_GITDIR));
    expect(collected.skipped).toEqual([]);
    // Every regular file under the git dir, no more, no less.
    const onDisk: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.isFile()) onDisk.push(relative(VARIED_GITDIR, join(dir, e.name)));
      }
    };
    walk(VARIED_GITDIR);
    expect(collected.files.map((f) => f.path)).toEqual(onDisk.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const hasher = hashAll(collected.files);
    expect(hasher.results).toHaveLength(onDisk.length);
    for (const r of hasher.results) {
      const full = join(VARIED_GITDIR, r.path);
      expect(r.sha256, r.path).toBe(sha256(readFileSync(full)));
      expect(r.size).toBe(statSync(full).size);
      expect(r.mtimeMs).toBe(statSync(full).mtimeMs);
      expect(r.error).toBeNull();
    }
  });

  it('hashes multi-MiB packs incrementally and keeps going past a file that cannot be read', () => {
    const names = readdirSync(BIG_PACK_DIR).filter((n) => n.endsWith('.pack') || n.endsWith('.idx'));
    const sources = names.map((n) => recordingSource(join(BIG_PACK_DIR, n), n));
    const broken: ByteSource = {
      name: 'gone.pack',
      size: 3 * EVIDENCE_CHUNK,
      read(offset) {
        if (offset >= EVIDENCE_CHUNK) throw new Error('the file changed on disk');
        return new Uint8Array(EVIDENCE_CHUNK);
      },
    };
    const files: EvidenceSource[] = [{ path: 'gone.pack', source: broken, mtimeMs: 0 }, ...sources.map((s) => ({ path: s.name, source: s, mtimeMs: 1 }))];
    const started = performance.now();
    const hasher = hashAll(files);
    const ms = performance.now() - started;
    expect(hasher.doneBytes).toBe(hasher.totalBytes);
    expect(hasher.results[0]).toMatchObject({ path: 'gone.pack', sha256: null, mtime: null });
    expect(hasher.results[0].error).toContain(`offset ${EVIDENCE_CHUNK}`);
    expect(hasher.results[0].error).toContain('the file changed on disk');
    for (let i = 0; i < sources.length; i++) {
      expect(hasher.results[i + 1].sha256).toBe(sha256(readFileSync(join(BIG_PACK_DIR, names[i]))));
      expect(sources[i].longestRead).toBeLessThanOrEqual(EVIDENCE_CHUNK);
    }
    expect(sources.some((s) => s.size > 4 * EVIDENCE_CHUNK)).toBe(true);
    console.log(`evidence: ${(hasher.totalBytes / 2 ** 20).toFixed(1)} MiB hashed (portable SHA-256) in ${ms.toFixed(0)} ms`);
  });
});

describe('the verify requests in the worker, on a damaged copy of a fixture', () => {
  /** A HandlerContext that yields like the worker's and counts progress reports. */
  function context() {
    const ctx = {
      reports: 0,
      labels: new Set<string>(),
      progress(_done: number, _total: number, label: string) {
        ctx.reports++;
        ctx.labels.add(label);
      },
      checkCancelled() {},
      pause: () => new Promise<void>((r) => setImmediate(r)),
      transfer() {},
    };
    return ctx;
  }

  it('streams findings while running, reports the damage by file and offset, and writes a report with the evidence hashes', async () => {
    const work = mkdtempSync(join(tmpdir(), 'report-'));
    const gitdir = join(work, 'repo.git');
    cpSync(VARIED_GITDIR, gitdir, { recursive: true });
    const packDir = join(gitdir, 'objects/pack');
    const idxName = readdirSync(packDir).find((n) => n.endsWith('.idx')) as string;
    const idxPath = join(packDir, idxName);
    // idx v2: 8-byte header, 256 fanout words, N ids, N CRC32s, N offsets, trailer.
    const idx = Buffer.from(readFileSync(idxPath));
    const count = idx.readUInt32BE(8 + 255 * 4);
    const crcAt = 8 + 1024 + count * 20 + 3 * 4;
    const offset3 = idx.readUInt32BE(8 + 1024 + count * 24 + 3 * 4);
    idx[crcAt] ^= 0xff;
    chmodSync(idxPath, 0o644);
    writeFileSync(idxPath, idx);

    const session = await Session.open('varied-damaged', fsDirectoryReader(gitdir));
    setSession(session);
    const ctx = context();
    const seenWhileRunning: number[] = [];
    let finished = false;
    const running = (verifyHandlers.verify({ mode: 'fresh' }, ctx) as Promise<VerifyRunState>).then((s) => {
      finished = true;
      return s;
    });
    let since = 0;
    const streamed: Finding[] = [];
    while (!finished) {
      const { state, findings } = (await verifyHandlers.verifyStatus({ since }, ctx)) as { state: VerifyRunState; findings: Finding[] };
      if (state.status === 'running') seenWhileRunning.push(state.progress.done);
      streamed.push(...findings);
      since += findings.length;
      await new Promise((r) => setImmediate(r));
    }
    const final = await running;
    const rest = (await verifyHandlers.verifyStatus({ since }, ctx)) as { findings: Finding[] };
    streamed.push(...rest.findings);
    expect(final.status).toBe('done');
    expect(final.findingCount).toBe(streamed.length);
    expect(seenWhileRunning.length).toBeGreaterThan(0);
    expect(ctx.reports).toBeGreaterThan(0);

    const packFile = `objects/pack/${idxName.replace(/\.idx$/, '.pack')}`;
    expect(streamed).toContainEqual(expect.objectContaining({ severity: 'error', check: 'crc', kind: 'Mismatch', file: packFile, offset: offset3 }));
    expect(streamed).toContainEqual(expect.objectContaining({ check: 'trailer', kind: 'BadChecksum', file: `objects/pack/${idxName}` }));

    const evidence = (await verifyHandlers.evidenceFiles({}, ctx)) as EvidenceResult;
    const idxEvidence = evidence.files.find((f) => f.path === `objects/pack/${idxName}`);
    expect(idxEvidence?.sha256).toBe(sha256(idx));

    const { bytes, fileName, verdict } = (await verifyHandlers.findingsReport({ format: 'json' }, ctx)) as { bytes: Uint8Array; fileName: string; verdict: string };
    expect(fileName).toMatch(/^packscope-report-varied-damaged-.*\.json$/);
    expect(verdict).toBe('problems');
    const report = JSON.parse(new TextDecoder().decode(bytes)) as FindingsReport;
    expect(report.findings.length).toBe(streamed.length);
    expect(report.findings).toContainEqual(expect.objectContaining({ check: 'crc', file: packFile, offset: offset3, offsetHex: `0x${offset3.toString(16)}` }));
    expect(report.evidence.map((e) => e.path)).toContain(packFile);
    for (const e of report.evidence) expect(e.sha256, e.path).toBe(sha256(readFileSync(join(gitdir, e.path))));
    expect(report.counts.packs).toBe(1);
    rmSync(work, { recursive: true, force: true });
  });
});

describe('findings that follow from one damaged place', () => {
  it('stand as one row of the HTML table, are listed in full under their cause, and keep their cause in the JSON', () => {
    const base = {
      severity: 'error' as const,
      check: 'object' as const,
      kind: 'CorruptObject' as const,
      file: 'objects/pack/pack-b.pack',
      offset: 4096,
      oid: 'cc'.repeat(20),
      message: 'zlib stream is corrupt',
    };
    const caused = Array.from({ length: 12 }, (_, i) => ({
      severity: 'error' as const,
      check: 'delta' as const,
      kind: 'CorruptObject' as const,
      file: 'objects/pack/pack-b.pack',
      offset: 5000 + i * 100,
      oid: (10 + i).toString(16).padStart(2, '0').repeat(20),
      message: `cannot be rebuilt (its delta chain reaches the damaged entry at offset 4096)`,
      cause: { file: 'objects/pack/pack-b.pack', offset: 4096 },
    }));
    const report = buildFindingsReport(input({ findings: [base, ...caused] }));
    const json = JSON.parse(reportJson(report)) as { findings: { cause: unknown }[] };
    expect(json.findings.filter((f) => f.cause !== null)).toHaveLength(12);
    expect(json.findings.find((f) => f.cause !== null)?.cause).toEqual({ file: 'objects/pack/pack-b.pack', offset: 4096, offsetHex: '0x1000' });
    const html = reportHtml(report);
    expect(html.match(/class="cause-row"/g)).toHaveLength(1);
    expect(html).toContain('12 findings follow from the damage at objects/pack/pack-b.pack 0x1000');
    const details = html.slice(html.indexOf('<details class="cause-group">'));
    expect(details.match(/<tr><td class="num">/g)).toHaveLength(12);
  });
});
