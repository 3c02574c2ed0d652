/**
 * git's mailmap (mailmap.c, git 2.39): lines that map an address, or an address and a name, to
 * a proper name and/or address. `git blame` prints authors and committers through it (a bare
 * repository reads `HEAD:.mailmap`, a working tree its `.mailmap` file).
 *
 *   Proper Name <commit@email>                       name for this address
 *   <proper@email> <commit@email>                    address for this address
 *   Proper Name <proper@email> <commit@email>        both, for this address
 *   Proper Name <proper@email> Commit Name <commit@email>   both, for this name and address
 *
 * Addresses and names are matched ignoring ASCII case; a line starting with `#` is a comment.
 * Everything stays bytes (kept as strings of char codes 0-255).
 */

interface Mapping {
  name: string | undefined;
  email: string | undefined;
}

interface Entry extends Mapping {
  /** Mappings for a name at this address (the complex form), by name folded to lower case. */
  byName: Map<string, Mapping>;
}

/** A parsed mailmap. */
export class Mailmap {
  private readonly entries = new Map<string, Entry>();

  get size(): number {
    return this.entries.size;
  }

  /** Adds the lines of a mailmap file or blob. */
  addText(bytes: Uint8Array): void {
    let line = '';
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        this.addLine(line);
        line = '';
      } else line += String.fromCharCode(bytes[i]);
    }
  }

  private addLine(buffer: string): void {
    if (buffer.startsWith('#')) return;
    const first = parseNameAndEmail(buffer, false);
    if (!first) return;
    const second = first.rest !== undefined ? parseNameAndEmail(first.rest, true) : undefined;
    this.add(first.name, first.email, second?.name, second?.email);
  }

  /** mailmap.c add_mapping. */
  private add(newName: string | undefined, newEmail: string | undefined, oldName: string | undefined, oldEmail: string | undefined): void {
    if (oldEmail === undefined) {
      oldEmail = newEmail as string;
      newEmail = undefined;
    }
    const key = fold(oldEmail);
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = { name: undefined, email: undefined, byName: new Map() }));
    if (oldName === undefined) {
      if (newName !== undefined) entry.name = newName;
      if (newEmail !== undefined) entry.email = newEmail;
    } else {
      entry.byName.set(fold(oldName), { name: newName, email: newEmail });
    }
  }

  /** mailmap.c map_user: the name and address to show for a name and address (bytes as char codes). */
  map(name: string, email: string): { name: string; email: string } {
    const entry = this.entries.get(fold(email));
    if (!entry) return { name, email };
    let m: Mapping = entry;
    if (entry.byName.size > 0) m = entry.byName.get(fold(name)) ?? entry;
    return { name: m.name ?? name, email: m.email ?? email };
  }
}

/** ASCII case folding, as strcasecmp compares. */
function fold(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

const isSpace = (c: string) => c === ' ' || (c >= '\t' && c <= '\r');

/** mailmap.c parse_name_and_email: `name <email>` and what follows the `>`. */
function parseNameAndEmail(buffer: string, allowEmptyEmail: boolean): { name: string | undefined; email: string; rest: string | undefined } | undefined {
  const left = buffer.indexOf('<');
  if (left < 0) return undefined;
  const right = buffer.indexOf('>', left + 1);
  if (right < 0) return undefined;
  if (!allowEmptyEmail && left + 1 === right) return undefined;
  let start = 0;
  while (start < left && isSpace(buffer[start])) start++;
  let end = left - 1;
  while (end > start && isSpace(buffer[end])) end--;
  const name = start <= end ? buffer.slice(start, end + 1) : undefined;
  const rest = buffer.slice(right + 1);
  return { name, email: buffer.slice(left + 1, right), rest: rest === '' ? undefined : rest };
}
