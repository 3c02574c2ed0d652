import { fromHex } from '../hash/hex.ts';
import { quotePathBytes } from '../objects/quote.ts';
import type { ObjectDatabase } from '../odb/database.ts';
import type { Blame, BlameOrigin } from './blame.ts';
import { commitInfo } from './commit-info.ts';
import type { Mailmap } from './mailmap.ts';

/**
 * `git blame --porcelain` output (builtin/blame.c emit_porcelain): for each run of lines, a
 * header `<id> <source line> <final line> <count>`; the first time a commit appears, its author,
 * committer, summary, `boundary` for a root, then `previous` and `filename`; every line of the
 * run after the first gets `<id> <source line> <final line>`; each line's text follows a tab.
 * A file that does not end in a newline gets one after its last line.
 */

const enc = new TextEncoder();

/** Writes the porcelain output of a finished blame through `write`; people go through `mailmap` when given. */
export function writeBlamePorcelain(db: ObjectDatabase, blame: Blame, write: (bytes: Uint8Array) => void, mailmap?: Mailmap): void {
  const shown = new Set<string>();
  const manyPaths = blame.commitsWithManyPaths();
  const { final } = blame;
  const text = (s: string) => write(enc.encode(s));
  const filenameInfo = (o: BlameOrigin) => {
    if (o.previous) {
      text(`previous ${o.previous.commit} `);
      write(quotePathBytes(o.previous.path));
      text('\n');
    }
    text('filename ');
    write(quotePathBytes(o.path));
    text('\n');
  };
  for (const e of blame.entries()) {
    const { origin } = e;
    const id = origin.commit;
    text(`${id} ${e.sourceStart + 1} ${e.finalStart + 1} ${e.count}\n`);
    if (!shown.has(id)) {
      shown.add(id);
      const info = commitInfo(db.read(fromHex(id)).data, id, mailmap);
      const person = (role: string, p: typeof info.author) => {
        text(`${role} `);
        write(p.name);
        text(`\n${role}-mail `);
        write(p.mail);
        text(`\n${role}-time ${p.time}\n${role}-tz `);
        write(p.tz);
        text('\n');
      };
      person('author', info.author);
      person('committer', info.committer);
      text('summary ');
      write(info.summary);
      text('\n');
      if (blame.boundaries.has(id)) text('boundary\n');
      filenameInfo(origin);
    } else if (manyPaths.has(id)) filenameInfo(origin);
    for (let k = 0; k < e.count; k++) {
      if (k > 0) text(`${id} ${e.sourceStart + 1 + k} ${e.finalStart + 1 + k}\n`);
      const line = e.finalStart + k;
      text('\t');
      write(final.data.subarray(final.starts[line], final.starts[line + 1]));
    }
  }
  if (final.data.length > 0 && final.data[final.data.length - 1] !== 0x0a) text('\n');
}
