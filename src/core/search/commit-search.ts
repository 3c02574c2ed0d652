import { parseCommit, type Signature } from '../objects/commit.ts';
import { parseTag } from '../objects/tag.ts';
import type { ObjectType } from '../objects/types.ts';
import type { ObjectDatabase, ObjectLocation } from '../odb/database.ts';
import { compileMatcher, type MatchOptions, type TextMatcher } from './matcher.ts';
import { DEFAULT_CAPS, ObjectScan, type Candidate, type ScanCaps } from './scan.ts';
import type { CommitMatch, MatchedField, SearchPerson, TextRange } from './types.ts';

/**
 * Commits and annotated tags by message, by person, or by date. Every commit and tag object is
 * read, reachable or not (an examiner wants the dangling ones too).
 *
 * - message: line by line, like `git log --grep`;
 * - person: against `Name <email>` of the author, the committer and the tagger, like
 *   `git log --author` / `--committer`;
 * - date: the author, committer or tagger time within [from, to] (seconds, inclusive).
 */

/** What to look for. */
export type CommitQuery = ({ field: 'message'; pattern: string } & MatchOptions) | ({ field: 'person'; pattern: string } & MatchOptions) | { field: 'date'; from: number; to: number };

/** Searches commits and tags. */
export class CommitSearch extends ObjectScan {
  private readonly matcher: TextMatcher | undefined;

  constructor(
    db: ObjectDatabase,
    candidates: Iterator<Candidate>,
    total: number,
    private readonly query: CommitQuery,
    caps: ScanCaps = DEFAULT_CAPS,
  ) {
    super(db, candidates, total, caps);
    this.matcher = query.field === 'date' ? undefined : compileMatcher(query.pattern, query);
  }

  protected wants(type: ObjectType): boolean {
    return type === 'commit' || type === 'tag';
  }

  protected visit(oid: string, location: ObjectLocation, type: ObjectType): CommitMatch | undefined {
    const data = this.db.readAt(location).data;
    let match: CommitMatch;
    let message: string;
    const people: { field: MatchedField; who: Signature }[] = [];
    if (type === 'commit') {
      const c = parseCommit(data);
      message = c.message;
      match = { kind: 'commit', oid, type: 'commit', summary: summaryOf(message), author: person(c.author), committer: person(c.committer), matched: [] };
      if (c.fields.some((f) => f.key === 'author')) people.push({ field: 'author', who: c.author });
      if (c.fields.some((f) => f.key === 'committer')) people.push({ field: 'committer', who: c.committer });
    } else {
      const t = parseTag(data);
      message = t.message;
      match = { kind: 'commit', oid, type: 'tag', summary: summaryOf(message), tagName: t.name, matched: [] };
      if (t.tagger) {
        match.author = person(t.tagger);
        people.push({ field: 'tagger', who: t.tagger });
      }
    }
    const q = this.query;
    if (q.field === 'message') {
      const hit = firstLineHit(message, this.matcher as TextMatcher);
      if (!hit) return undefined;
      match.hit = hit;
      match.matched.push('message');
    } else if (q.field === 'person') {
      for (const p of people) {
        if ((this.matcher as TextMatcher).next(`${p.who.name} <${p.who.email}>`, 0)) match.matched.push(p.field);
      }
    } else {
      for (const p of people) if (p.who.time >= q.from && p.who.time <= q.to) match.matched.push('date');
      match.matched = match.matched.slice(0, 1);
    }
    return match.matched.length > 0 ? match : undefined;
  }
}

function person(s: Signature): SearchPerson {
  return { name: s.name, email: s.email, time: s.time, zone: s.zone };
}

/** The first line of a message (git's subject, without the paragraph join). */
export function summaryOf(message: string): string {
  const nl = message.indexOf('\n');
  return (nl < 0 ? message : message.slice(0, nl)).trim();
}

function firstLineHit(message: string, matcher: TextMatcher): CommitMatch['hit'] {
  const lines = message.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const ranges: TextRange[] = [];
    let from = 0;
    while (ranges.length < 16) {
      const m = matcher.next(lines[i], from);
      if (!m) break;
      ranges.push(m);
      from = m.start + Math.max(1, m.length);
    }
    if (ranges.length > 0) return { line: i + 1, text: lines[i], ranges };
  }
  return undefined;
}
