import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { builtFixtures, type Fixture } from './cli.ts';

/**
 * Damaged copies of the built fixtures, one kind of damage each, modelled on git's own
 * corruption tests (t5300-pack-object, t5303-pack-corruption-resilience, t5319-multi-pack-index,
 * t1450-fsck). A copy lives in a temporary folder; the fixture itself is never touched.
 */

/** A copy of a fixture's git dir that a test may damage. */
export interface DamagedCopy {
  fixture: Fixture;
  /** The copied git dir (what the CLI and git are given). */
  gitDir: string;
  packDir: string;
  /** Pack base names (`pack-…`), sorted. */
  packs: string[];
  hash: 'sha1' | 'sha256';
  /** Removes the copy. */
  remove(): void;
}

/** One row of git's `verify-pack -v` for the intact pack. */
export interface VerifyRow {
  oid: string;
  type: string;
  size: number;
  storedSize: number;
  offset: number;
  depth: number;
  baseOid?: string;
}

/** Copies `name`'s git dir into a fresh temporary folder, writable. */
export function copyFixture(name: string): DamagedCopy {
  const fixture = builtFixtures().find((f) => f.name === name);
  if (!fixture) throw new Error(`fixture ${name} is missing: run bash fixtures/build.sh`);
  const root = mkdtempSync(join(tmpdir(), `packscope-damage-${name}-`));
  const gitDir = join(root, 'repo.git');
  cpSync(join(fixture.packDir, '..', '..'), gitDir, { recursive: true });
  makeWritable(gitDir);
  const packDir = join(gitDir, 'objects/pack');
  const packs = readdirSync(packDir)
    .filter((f) => f.endsWith('.pack'))
    .map((f) => f.slice(0, -5))
    .sort();
  const meta = readFileSync(join(fixture.expect, 'meta.txt'), 'utf8');
  const hash = /sha256/.test(meta.split('\n').find((l) => /hash|algo/i.test(l)) ?? '') ? 'sha256' : 'sha1';
  return { fixture, gitDir, packDir, packs, hash, remove: () => rmSync(root, { recursive: true, force: true }) };
}

function makeWritable(path: string): void {
  chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644);
  if (statSync(path).isDirectory()) for (const e of readdirSync(path)) makeWritable(join(path, e));
}

/** The path our findings name for a file of the copy: relative to the git dir. */
export function rel(copy: DamagedCopy, path: string): string {
  return relative(copy.gitDir, path).split('\\').join('/');
}

/** Git's verify-pack -v rows of the intact pack, from the fixture's expectations. */
export function verifyRows(copy: DamagedCopy, pack: string): VerifyRow[] {
  const text = readFileSync(join(copy.fixture.expect, `verify-pack-${pack}.txt`), 'latin1');
  const rows: VerifyRow[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 5 && f.length !== 7) continue;
    if (!/^[0-9a-f]{40,64}$/.test(f[0])) continue;
    const row: VerifyRow = { oid: f[0], type: f[1], size: Number(f[2]), storedSize: Number(f[3]), offset: Number(f[4]), depth: 0 };
    if (f.length === 7) {
      row.depth = Number(f[5]);
      row.baseOid = f[6];
    }
    rows.push(row);
  }
  return rows.sort((a, b) => a.offset - b.offset);
}

/** `oid` and every delta whose chain reaches it (they all become unreadable with it). */
export function withDependents(rows: VerifyRow[], oids: string[]): Set<string> {
  const out = new Set(oids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of rows) {
      if (r.baseOid && out.has(r.baseOid) && !out.has(r.oid)) {
        out.add(r.oid);
        grew = true;
      }
    }
  }
  return out;
}

/** Hash of the repository's kind. */
function digest(copy: DamagedCopy, bytes: Uint8Array): Buffer {
  return createHash(copy.hash === 'sha256' ? 'sha256' : 'sha1')
    .update(bytes)
    .digest();
}

/** Changes a file in place: `edit` gets its bytes; `reseal` recomputes the trailing checksum afterwards. */
export function editFile(copy: DamagedCopy, path: string, edit: (bytes: Buffer) => Buffer | void, reseal = false): Buffer {
  const original: Buffer = readFileSync(path);
  const bytes: Buffer = edit(original) ?? original;
  if (reseal) {
    const H = copy.hash === 'sha256' ? 32 : 20;
    digest(copy, bytes.subarray(0, bytes.length - H)).copy(bytes, bytes.length - H);
  }
  writeFileSync(path, bytes);
  return bytes;
}

/** Layout of a v2 idx (enough to damage it precisely). */
export function idxLayout(copy: DamagedCopy, pack: string): { count: number; idsAt: number; crcsAt: number; offsetsAt: number; largeAt: number; position(oid: string): number } {
  const bytes = readFileSync(join(copy.packDir, `${pack}.idx`));
  const H = copy.hash === 'sha256' ? 32 : 20;
  const count = bytes.readUInt32BE(8 + 255 * 4);
  const idsAt = 8 + 1024;
  const crcsAt = idsAt + count * H;
  const offsetsAt = crcsAt + count * 4;
  return {
    count,
    idsAt,
    crcsAt,
    offsetsAt,
    largeAt: offsetsAt + count * 4,
    position(oid) {
      for (let i = 0; i < count; i++) if (bytes.subarray(idsAt + i * H, idsAt + (i + 1) * H).toString('hex') === oid) return i;
      throw new Error(`${oid} is not in ${pack}.idx`);
    },
  };
}

/** The byte length of an entry header (type/size varint, then the ofs varint or the base id). */
export function entryHeaderLength(bytes: Buffer, offset: number, H: number): { length: number; ofsAt: number; ofsLength: number } {
  let p = offset;
  const type = (bytes[p] >> 4) & 7;
  while (bytes[p] & 0x80) p++;
  p++;
  const ofsAt = p;
  if (type === 6) {
    while (bytes[p] & 0x80) p++;
    p++;
  } else if (type === 7) {
    p += H;
  }
  return { length: p - offset, ofsAt, ofsLength: p - ofsAt };
}

/** Records of git's `cat-file --batch-all-objects --batch` output, by id. */
export function batchRecords(fixture: Fixture): Map<string, Buffer> {
  const all = readFileSync(join(fixture.expect, 'batch.bin'));
  const out = new Map<string, Buffer>();
  let at = 0;
  while (at < all.length) {
    const nl = all.indexOf(0x0a, at);
    const [oid, , size] = all.subarray(at, nl).toString('latin1').split(' ');
    const end = nl + 1 + Number(size) + 1;
    out.set(oid, all.subarray(at, end));
    at = end;
  }
  return out;
}

/** Loose object ids of a copy. */
export function looseIds(copy: DamagedCopy): string[] {
  const objects = join(copy.gitDir, 'objects');
  const out: string[] = [];
  for (const d of readdirSync(objects)) {
    if (!/^[0-9a-f]{2}$/.test(d)) continue;
    for (const f of readdirSync(join(objects, d))) out.push(d + f);
  }
  return out.sort();
}
