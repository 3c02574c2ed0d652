import { useId, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { CheckId, Finding, Severity } from '../../../protocol/verify.ts';
import { Link } from '../../components/Link.tsx';
import { formatCount } from '../../lib/format.ts';
import { CHECK_INFO, SEVERITY_INFO, checkLabel } from './checks.ts';

/**
 * The findings, filling as the run finds them: severity (mark, word and colour), check, kind,
 * file (to its annotated bytes at the offset), offset in hex and decimal, object (to its page),
 * and the message. Filtered by severity, check and text; virtualized, because a badly damaged
 * pack yields a finding per entry.
 */

const ROW_ESTIMATE = 44;

/** Filters, kept by the page so they survive a re-render of the table. */
export interface FindingFilter {
  severity: Severity | 'all';
  check: CheckId | 'all';
  text: string;
}

function matches(f: Finding, filter: FindingFilter): boolean {
  if (filter.severity !== 'all' && f.severity !== filter.severity) return false;
  if (filter.check !== 'all' && f.check !== filter.check) return false;
  const q = filter.text.trim().toLowerCase();
  return q === '' || f.file.toLowerCase().includes(q) || f.message.toLowerCase().includes(q) || (f.oid ?? '').startsWith(q) || f.kind.toLowerCase().includes(q);
}

/** A row of the table: a finding, or the findings that follow from one damaged place (expandable). */
type Item = { kind: 'finding'; finding: Finding; grouped: boolean } | { kind: 'group'; key: string; cause: { file: string; offset: number }; members: Finding[]; open: boolean };

/**
 * Findings that name the same damage as their cause (the deltas built on one damaged base) are
 * gathered into one row where the first of them stood; an open group lists them after it.
 */
function itemsOf(shown: Finding[], open: Set<string>): Item[] {
  const groups = new Map<string, Finding[]>();
  for (const f of shown) {
    if (!f.cause) continue;
    const key = `${f.cause.file}@${f.cause.offset}`;
    const members = groups.get(key);
    if (members) members.push(f);
    else groups.set(key, [f]);
  }
  const items: Item[] = [];
  for (const f of shown) {
    const key = f.cause ? `${f.cause.file}@${f.cause.offset}` : undefined;
    const members = key !== undefined ? groups.get(key) : undefined;
    if (key === undefined || members === undefined || members.length < 2) {
      items.push({ kind: 'finding', finding: f, grouped: false });
      continue;
    }
    if (members[0] !== f) continue;
    const isOpen = open.has(key);
    items.push({ kind: 'group', key, cause: f.cause as { file: string; offset: number }, members, open: isOpen });
    if (isOpen) for (const m of members) items.push({ kind: 'finding', finding: m, grouped: true });
  }
  return items;
}

/** The findings table with its filters. */
export function FindingsTable({ findings, filter, onFilter }: { findings: Finding[]; filter: FindingFilter; onFilter: (f: FindingFilter) => void }) {
  const sevId = useId();
  const checkId = useId();
  const textId = useId();
  const [text, setText] = useState(filter.text);
  const bySeverity = useMemo(() => countBy(findings, (f) => f.severity), [findings]);
  const byCheck = useMemo(() => countBy(findings, (f) => f.check), [findings]);
  const shown = useMemo(() => findings.filter((f) => matches(f, filter)), [findings, filter]);
  const [open, setOpen] = useState<Set<string>>(() => new Set());
  const items = useMemo(() => itemsOf(shown, open), [shown, open]);
  const toggle = (key: string) =>
    setOpen((was) => {
      const next = new Set(was);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_ESTIMATE, overscan: 10, useFlushSync: false });

  return (
    <section className="vf-findings" aria-labelledby="vf-findings-title">
      <h2 id="vf-findings-title">
        Findings <span className="muted vf-h-note">{formatCount(findings.length)}</span>
      </h2>
      {findings.length > 0 && (
        <div className="vf-counts" role="group" aria-label="Findings by severity and check (click to filter)" data-testid="finding-counts">
          {SEVERITY_INFO.filter((s) => bySeverity.has(s.id)).map((s) => (
            <button
              key={s.id}
              type="button"
              className={`vf-count vf-sev-${s.id}`}
              aria-pressed={filter.severity === s.id}
              onClick={() => onFilter({ ...filter, severity: filter.severity === s.id ? 'all' : s.id })}
            >
              <span aria-hidden="true">{s.mark}</span> {s.label}s <span className="vf-count-n">{formatCount(bySeverity.get(s.id))}</span>
            </button>
          ))}
          {CHECK_INFO.filter((c) => byCheck.has(c.id)).map((c) => (
            <button
              key={c.id}
              type="button"
              className="vf-count"
              aria-pressed={filter.check === c.id}
              title={c.detail}
              onClick={() => onFilter({ ...filter, check: filter.check === c.id ? 'all' : c.id })}
              data-check={c.id}
            >
              {c.label} <span className="vf-count-n">{formatCount(byCheck.get(c.id))}</span>
            </button>
          ))}
        </div>
      )}
      <div className="toolbar">
        <label htmlFor={sevId}>Severity</label>
        <select id={sevId} value={filter.severity} onChange={(e) => onFilter({ ...filter, severity: e.target.value as FindingFilter['severity'] })} data-testid="filter-severity">
          <option value="all">all ({formatCount(findings.length)})</option>
          {SEVERITY_INFO.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label} ({formatCount(bySeverity.get(s.id) ?? 0)})
            </option>
          ))}
        </select>
        <label htmlFor={checkId}>Check</label>
        <select id={checkId} value={filter.check} onChange={(e) => onFilter({ ...filter, check: e.target.value as FindingFilter['check'] })} data-testid="filter-check">
          <option value="all">all checks</option>
          {CHECK_INFO.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label} ({formatCount(byCheck.get(c.id) ?? 0)})
            </option>
          ))}
        </select>
        <label htmlFor={textId}>Contains</label>
        <input
          id={textId}
          type="search"
          value={text}
          placeholder="file, message, id prefix"
          onChange={(e) => {
            setText(e.target.value);
            onFilter({ ...filter, text: e.target.value });
          }}
        />
        <span className="muted" role="status">
          {shown.length === findings.length ? '' : `${formatCount(shown.length)} shown`}
        </span>
      </div>
      {shown.length === 0 ? (
        <p className="muted">{findings.length === 0 ? 'No findings yet.' : 'No finding matches the filters.'}</p>
      ) : (
        <div className="vf-table" role="table" aria-label="Findings" aria-rowcount={items.length + 1} data-testid="findings-table">
          <div className="vf-row vf-thead" role="row">
            <span role="columnheader">Severity</span>
            <span role="columnheader">Check and kind</span>
            <span role="columnheader">File</span>
            <span role="columnheader" className="vf-num">
              Offset
            </span>
            <span role="columnheader">Object</span>
            <span role="columnheader">Message</span>
          </div>
          <div ref={scrollRef} className="vf-scroll" style={{ height: Math.min(virtualizer.getTotalSize() + 2, 560) }} role="rowgroup" tabIndex={-1}>
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((v) => {
                const item = items[v.index];
                return item.kind === 'group' ? (
                  <GroupRow key={`g-${item.key}`} item={item} index={v.index} measure={virtualizer.measureElement} start={v.start} onToggle={() => toggle(item.key)} />
                ) : (
                  <FindingRow key={v.key} finding={item.finding} grouped={item.grouped} index={v.index} measure={virtualizer.measureElement} start={v.start} />
                );
              })}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}

/** The row standing for the findings that follow from one damaged place. */
function GroupRow({ item, index, measure, start, onToggle }: { item: Extract<Item, { kind: 'group' }>; index: number; measure: (el: Element | null) => void; start: number; onToggle: () => void }) {
  const { cause, members } = item;
  const objects = new Set(members.map((m) => m.oid).filter(Boolean)).size;
  return (
    <div
      ref={measure}
      data-index={index}
      className="vf-row vf-group"
      role="row"
      aria-rowindex={index + 2}
      style={{ transform: `translateY(${start}px)` }}
      data-testid="finding-group"
      data-cause-file={cause.file}
      data-cause-offset={cause.offset}
      data-count={members.length}
    >
      <span role="cell" className="vf-group-cell">
        <button type="button" className="small" aria-expanded={item.open} onClick={onToggle} data-testid="finding-group-toggle">
          {item.open ? 'Hide' : 'Show'}
        </button>{' '}
        {formatCount(members.length)} findings follow from the damage at{' '}
        <Link to={{ view: 'hex', file: cause.file, at: cause.offset }} className="mono">
          {cause.file} 0x{cause.offset.toString(16)}
        </Link>
        : {formatCount(objects)} {objects === 1 ? 'object' : 'objects'} built on it cannot be read.
      </span>
    </div>
  );
}

function FindingRow({ finding: f, grouped, index, measure, start }: { finding: Finding; grouped: boolean; index: number; measure: (el: Element | null) => void; start: number }) {
  const sev = SEVERITY_INFO.find((s) => s.id === f.severity) ?? SEVERITY_INFO[0];
  return (
    <div
      ref={measure}
      data-index={index}
      className={grouped ? 'vf-row vf-grouped' : 'vf-row'}
      role="row"
      aria-rowindex={index + 2}
      style={{ transform: `translateY(${start}px)` }}
      data-testid="finding-row"
      data-severity={f.severity}
      data-check={f.check}
      data-kind={f.kind}
      data-file={f.file}
      data-offset={f.offset ?? ''}
    >
      <span role="cell" className={`vf-sev vf-sev-${f.severity}`}>
        <span aria-hidden="true">{sev.mark}</span> {sev.label}
      </span>
      <span role="cell" className="vf-check" title={CHECK_INFO.find((c) => c.id === f.check)?.detail}>
        {checkLabel(f.check)}
        <span className="mono vf-kind">{f.kind}</span>
      </span>
      <span role="cell" className="mono vf-file" title={f.file}>
        {f.file === '' ? (
          <span className="muted">—</span>
        ) : (
          <Link
            to={{ view: 'hex', file: f.file, ...(f.offset !== undefined ? { at: f.offset } : {}) }}
            title={`The bytes of ${f.file}${f.offset !== undefined ? ` at 0x${f.offset.toString(16)}` : ''}`}
          >
            <PathText path={f.file} />
          </Link>
        )}
      </span>
      <span role="cell" className="mono vf-num vf-offset">
        {f.offset === undefined ? (
          <span className="muted">—</span>
        ) : (
          <>
            <span data-testid="finding-offset">0x{f.offset.toString(16)}</span>
            <span className="muted vf-dec">{formatCount(f.offset)}</span>
          </>
        )}
      </span>
      <span role="cell" className="mono">
        {f.oid ? (
          <Link to={{ view: 'object', oid: f.oid }} className="oid" title={f.oid}>
            {f.oid.slice(0, 12)}
          </Link>
        ) : (
          <span className="muted">—</span>
        )}
      </span>
      <span role="cell" className="vf-message">
        {f.message}
      </span>
    </div>
  );
}

/** A path that wraps after its slashes rather than anywhere. */
function PathText({ path }: { path: string }) {
  const parts = path.split('/');
  return (
    <>
      {parts.map((part, i) => (
        <span key={i}>
          {part}
          {i < parts.length - 1 && (
            <>
              /<wbr />
            </>
          )}
        </span>
      ))}
    </>
  );
}

function countBy<K>(findings: Finding[], key: (f: Finding) => K): Map<K, number> {
  const m = new Map<K, number>();
  for (const f of findings) m.set(key(f), (m.get(key(f)) ?? 0) + 1);
  return m;
}
