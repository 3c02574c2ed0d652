import type { CheckId, Severity } from '../verify/findings.ts';
import { formatBytes, formatCount } from '../text/units.ts';
import { escapeAttribute, escapeHtml } from './escape.ts';
import { CHECKS, SEVERITIES, type FindingsReport, type ReportFinding } from './schema.ts';

/**
 * The findings report as one self-contained HTML page: inline CSS, no script, no external
 * resource (a Content-Security-Policy in the page forbids them anyway, should a string ever
 * slip through), readable on screen in light and dark, and printable (colours dropped, rows
 * kept whole, long ids wrapped). Every string that came from the repository is escaped with
 * `escapeHtml`; numbers are formatted here.
 */

/** What each check looks at, in words, for the summary table. */
export const CHECK_TITLES: Record<CheckId, string> = {
  open: 'Files that could not be opened or parsed',
  trailer: 'Trailing checksum of every file',
  'idx-pack-checksum': "Each idx's copy of its pack's checksum",
  count: 'Object counts (idx, pack header, entries, midx)',
  crc: 'CRC32 of every entry against the idx',
  oid: 'Every object id recomputed from its content',
  object: 'Every object readable (zlib, headers, deltas)',
  delta: 'Delta bases in range and acyclic',
  midx: 'Multi-pack-index against the idx files',
  'cross-check': 'Pack walked entry by entry vs idx, .rev and midx',
  loose: 'Loose object files',
  refs: 'Refs naming objects that exist',
};

const SEVERITY_LABEL: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Info' };

const CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --bg2: #f5f6f8; --muted: #5b6470; --border: #d6dae0; --error: #c62828; --warn: #9a6700; --ok: #1a7f37; --info: #0b63ce; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ee; --bg: #0f1216; --bg2: #171b21; --muted: #9aa4b2; --border: #2f3742; --error: #ff7b72; --warn: #e3b341; --ok: #56d364; --info: #79c0ff; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 1.5rem; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.6rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 0.5rem; border-top: 1px solid var(--border); padding-top: 1rem; }
.muted { color: var(--muted); }
.mono, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace; font-size: 0.92em; }
.verdict { font-size: 1.1rem; font-weight: 650; padding: 0.6rem 0.9rem; border: 1px solid; border-radius: 8px; margin: 1rem 0; }
.verdict.clean { color: var(--ok); border-color: var(--ok); }
.verdict.problems { color: var(--error); border-color: var(--error); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0.5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--border); vertical-align: top; }
th { color: var(--muted); font-size: 0.85rem; background: var(--bg2); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.wrap { overflow-wrap: anywhere; word-break: break-all; }
td.nowrap { white-space: nowrap; }
tr.zero td { color: var(--muted); }
.sev { font-weight: 650; white-space: nowrap; }
.sev-error { color: var(--error); }
.cause-row td { background: var(--bg-2, #f5f6f8); }
details.cause-group { margin: 0.75rem 0; }
details.cause-group summary { cursor: pointer; font-weight: 600; }
.sev-warning { color: var(--warn); }
.sev-info { color: var(--info); }
.ctl { color: var(--error); border: 1px solid currentColor; border-radius: 3px; padding: 0 0.15em; font-family: ui-monospace, monospace; font-size: 0.85em; }
footer { margin-top: 2rem; font-size: 0.85rem; }
@media print {
  :root { --fg: #000; --bg: #fff; --bg2: #fff; --muted: #444; --border: #999; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  tr, .verdict, dl.facts { break-inside: avoid; }
  thead { display: table-header-group; }
  h2 { break-after: avoid; }
}
`;

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function offsetCell(offset: number | null, hex: string | null): string {
  return offset === null || hex === null ? '<td class="num muted">—</td>' : `<td class="num mono">${escapeHtml(hex)}<br><span class="muted">${formatCount(offset)}</span></td>`;
}

/** The report as a complete HTML document. */
export function reportHtml(report: FindingsReport): string {
  const s = report.summary;
  const title = `packscope findings report — ${report.folder.title}`;
  const verdict =
    s.verdict === 'clean'
      ? `No problems found: ${formatCount(report.counts.objects)} objects checked, ${formatCount(report.counts.files)} files checksummed (${formatBytes(report.counts.bytesHashed)} hashed) in ${seconds(report.verification.durationMs)}.`
      : `${formatCount(s.bySeverity.error)} error${s.bySeverity.error === 1 ? '' : 's'}, ${formatCount(s.bySeverity.warning)} warning${s.bySeverity.warning === 1 ? '' : 's'}${report.openProblems.length ? `, ${formatCount(report.openProblems.length)} problem${report.openProblems.length === 1 ? '' : 's'} opening the folder` : ''}.`;
  const out: string[] = [];
  out.push(
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="${escapeAttribute(`${report.tool.name} ${report.tool.version}`)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    '<h1>Findings report</h1>',
    `<div class="mono">${escapeHtml(report.folder.title)}</div>`,
    '</header>',
    `<p class="verdict ${s.verdict}">${report.verification.complete ? '' : 'Incomplete (the verification was cancelled): '}${escapeHtml(verdict)}</p>`,
    '<dl class="facts">',
    `<dt>Folder</dt><dd class="mono">${escapeHtml(report.folder.title)} (${escapeHtml(report.folder.rootKind)})</dd>`,
    `<dt>Object ids</dt><dd>${escapeHtml(report.hashAlgorithm.toUpperCase())}</dd>`,
    `<dt>Verification</dt><dd>started ${escapeHtml(report.verification.startedAt)}, took ${seconds(report.verification.durationMs)}${report.verification.complete ? '' : ', <strong>cancelled before the end</strong>'}</dd>`,
    `<dt>Checked</dt><dd>${formatCount(report.counts.files)} files checksummed (${formatBytes(report.counts.bytesHashed)} hashed), ${formatCount(report.counts.packs)} packs, ${formatCount(report.counts.objects)} objects, ${formatCount(report.counts.looseObjects)} loose</dd>`,
    `<dt>Evidence</dt><dd>${formatCount(report.evidence.length)} files, ${formatBytes(report.evidence.reduce((t, e) => t + e.size, 0))}, SHA-256 of each below</dd>`,
    `<dt>Report written</dt><dd>${escapeHtml(report.generatedAt)} by ${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)}</dd>`,
    '</dl>',
  );

  out.push('<h2>Summary</h2>', '<table class="summary"><thead><tr><th>Check</th><th>What it looks at</th><th class="num">Findings</th></tr></thead><tbody>');
  for (const check of CHECKS) {
    const n = s.byCheck[check] ?? 0;
    out.push(`<tr${n === 0 ? ' class="zero"' : ''}><td class="mono">${check}</td><td>${escapeHtml(CHECK_TITLES[check])}</td><td class="num">${formatCount(n)}</td></tr>`);
  }
  for (const sev of SEVERITIES) {
    out.push(`<tr><td colspan="2" class="sev sev-${sev}">${SEVERITY_LABEL[sev]}s</td><td class="num">${formatCount(s.bySeverity[sev])}</td></tr>`);
  }
  out.push('</tbody></table>');

  out.push(`<h2>Findings (${formatCount(report.findings.length)})</h2>`);
  if (report.findings.length === 0) out.push('<p class="muted">None.</p>');
  else {
    // Findings that follow from one damaged place (two or more) stand as one row in the table,
    // and are listed in full after it, each group under its cause.
    const causeKey = (f: ReportFinding): string | undefined => (f.cause ? `${f.cause.file}@${f.cause.offset}` : undefined);
    const groups = new Map<string, { cause: NonNullable<ReportFinding['cause']>; members: { f: ReportFinding; n: number }[] }>();
    report.findings.forEach((f, i) => {
      const key = causeKey(f);
      if (key === undefined || !f.cause) return;
      const group = groups.get(key) ?? { cause: f.cause, members: [] };
      group.members.push({ f, n: i + 1 });
      groups.set(key, group);
    });
    const grouped = (f: ReportFinding): boolean => (groups.get(causeKey(f) ?? '')?.members.length ?? 0) >= 2;
    const head =
      '<table class="findings"><thead><tr><th class="num">#</th><th>Severity</th><th>Check</th><th>Kind</th><th>File</th><th class="num">Offset</th><th>Object</th><th>Message</th></tr></thead><tbody>';
    const row = (f: ReportFinding, n: number): string =>
      `<tr><td class="num">${n}</td><td class="sev sev-${f.severity}">${SEVERITY_LABEL[f.severity]}</td><td class="mono">${escapeHtml(f.check)}</td><td class="mono">${escapeHtml(f.kind)}</td><td class="mono wrap">${escapeHtml(f.file)}</td>${offsetCell(f.offset, f.offsetHex)}<td class="mono wrap">${f.oid === null ? '<span class="muted">—</span>' : escapeHtml(f.oid)}</td><td class="wrap">${escapeHtml(f.message)}</td></tr>`;
    const groupTitle = (g: { cause: NonNullable<ReportFinding['cause']>; members: unknown[] }): string =>
      `${formatCount(g.members.length)} findings follow from the damage at ${escapeHtml(g.cause.file)} ${escapeHtml(g.cause.offsetHex)}`;
    out.push(head);
    const summarised = new Set<string>();
    report.findings.forEach((f, i) => {
      if (!grouped(f)) {
        out.push(row(f, i + 1));
        return;
      }
      const key = causeKey(f) as string;
      if (summarised.has(key)) return;
      summarised.add(key);
      out.push(
        `<tr class="cause-row"><td class="num">…</td><td colspan="7">${groupTitle(groups.get(key) as { cause: NonNullable<ReportFinding['cause']>; members: unknown[] })} (listed below)</td></tr>`,
      );
    });
    out.push('</tbody></table>');
    for (const group of groups.values()) {
      if (group.members.length < 2) continue;
      out.push(`<details class="cause-group"><summary>${groupTitle(group)}</summary>`, head);
      for (const { f, n } of group.members) out.push(row(f, n));
      out.push('</tbody></table></details>');
    }
  }

  if (report.openProblems.length > 0) {
    out.push(
      `<h2>Problems opening the folder (${formatCount(report.openProblems.length)})</h2>`,
      '<table class="problems"><thead><tr><th>Kind</th><th>File</th><th class="num">Offset</th><th>Message</th></tr></thead><tbody>',
    );
    for (const p of report.openProblems) {
      out.push(
        `<tr><td class="mono">${escapeHtml(p.kind)}</td><td class="mono wrap">${p.file === null ? '—' : escapeHtml(p.file)}</td>${offsetCell(p.offset, p.offsetHex)}<td class="wrap">${escapeHtml(p.message)}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }

  out.push(
    `<h2>Evidence (${formatCount(report.evidence.length)} files)</h2>`,
    '<table class="evidence"><thead><tr><th>File</th><th class="num">Size (bytes)</th><th>Modified (UTC)</th><th>SHA-256</th></tr></thead><tbody>',
  );
  for (const e of report.evidence) {
    const hash = e.sha256 !== null ? `<td class="mono wrap">${escapeHtml(e.sha256)}</td>` : `<td class="sev-error wrap">not hashed: ${escapeHtml(e.error ?? 'unknown reason')}</td>`;
    out.push(`<tr><td class="mono wrap">${escapeHtml(e.path)}</td><td class="num">${formatCount(e.size)}</td><td class="mono nowrap">${e.mtime === null ? '—' : escapeHtml(e.mtime)}</td>${hash}</tr>`);
  }
  out.push('</tbody></table>');
  if (report.evidenceSkipped.length > 0) {
    out.push(`<p>Not hashed (${formatCount(report.evidenceSkipped.length)}):</p>`, '<ul class="skipped">');
    for (const line of report.evidenceSkipped) out.push(`<li class="mono wrap">${escapeHtml(line)}</li>`);
    out.push('</ul>');
  }

  out.push(
    `<footer class="muted">Schema <span class="mono">${escapeHtml(report.schema)}</span>. The same content is available as JSON. Characters that could hide or disguise text are shown as boxed escapes such as <span class="ctl">\\x1b</span>.</footer>`,
    '</body>',
    '</html>',
    '',
  );
  return out.join('\n');
}
