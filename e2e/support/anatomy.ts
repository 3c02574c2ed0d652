import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { expectFile, FIXTURES } from './git.ts';

/**
 * Helpers of the anatomy specs (multi-pack-index, packs, byte map, hex, files): git's answers
 * read from fixtures/build/<name>/expect/ (`git show-index`, `git verify-pack -v`), git run on a
 * temporary repository, the plain byte layout of a multi-pack-index, and readers of what the
 * anatomy views print (offsets as `0x3c (60)`, sizes as `1.5 KiB`).
 */

// ------------------------------------------------------------------------------ git's answers

export interface IndexLine {
  offset: number;
  oid: string;
  crc: string;
}

/** `git show-index < <pack>.idx` (show-index-<pack>.txt): offset, id, CRC32, in the idx's (id) order. */
export function showIndex(name: string, pack: string): IndexLine[] {
  return expectFile(name, `show-index-${pack}.txt`)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const m = l.match(/^(\d+) ([0-9a-f]{40,64})(?: \(([0-9a-f]{8})\))?$/);
      if (!m) throw new Error(`show-index-${pack}.txt: unexpected line ${JSON.stringify(l)}`);
      return { offset: Number(m[1]), oid: m[2], crc: m[3] ?? '' };
    });
}

/** The summary lines of `git verify-pack -v`: `non delta: N objects`, `chain length = d: N objects`. */
export function verifyPackSummary(name: string, pack: string): string[] {
  return expectFile(name, `verify-pack-${pack}.txt`)
    .toString('utf8')
    .split('\n')
    .filter((l) => /^(non delta|chain length = \d+): \d+ objects?$/.test(l));
}

/** The exit status git's `multi-pack-index verify` had when the fixture was built. */
export function midxVerifyStatus(name: string): number {
  return Number(expectFile(name, 'midx-verify.rc').toString('utf8').trim());
}

let home: string | undefined;

/** Runs git (not on a fixture: on any directory) with the environment fixtures/build.sh pins. */
export function runGit(args: string[], options: { cwd?: string } = {}): Buffer {
  home ??= mkdtempSync(join(tmpdir(), 'packscope-e2e-anatomy-home-'));
  return execFileSync('git', args, {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      LC_ALL: 'C',
      TZ: 'UTC',
      GIT_CEILING_DIRECTORIES: FIXTURES,
      GIT_PAGER: 'cat',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
}

// ------------------------------------------------------------------------------ midx bytes

export interface MidxLayout {
  signature: string;
  version: number;
  oidVersion: number;
  chunkCount: number;
  baseCount: number;
  packCount: number;
  /** The chunk table in table order; a chunk's length runs to the next table entry's offset. */
  chunks: { id: string; offset: number; length: number }[];
  /** PNAM: the pack names (`pack-….idx`), in pack-int-id order. */
  packNames: string[];
  /** OIDL: the ids, sorted. */
  oids: string[];
  /** OOFF: per id (same order), the pack-int-id and the offset in that pack (LOFF not followed). */
  offsets: { packId: number; offset: number; large: boolean }[];
}

/**
 * Reads a multi-pack-index's header, chunk table and the PNAM, OIDL and OOFF chunks straight
 * from its bytes. This is NOT git: it is the plain byte layout of gitformat-pack(5) — 12-byte
 * header (MIDX, version, oid version, chunk count, base count, pack count), then (count + 1)
 * 12-byte entries of a 4-byte id and an 8-byte offset — read here so the specs can compare the
 * screen with the file's bytes. Every id and offset it yields is checked against
 * `git show-index` by the caller, and the file against `git multi-pack-index verify`.
 */
export function readMidxLayout(bytes: Buffer, hashSize = 20): MidxLayout {
  const signature = bytes.subarray(0, 4).toString('latin1');
  const chunkCount = bytes[6];
  const chunks: MidxLayout['chunks'] = [];
  const entry = (i: number) => ({ id: bytes.subarray(12 + i * 12, 16 + i * 12).toString('latin1'), offset: Number(bytes.readBigUInt64BE(16 + i * 12)) });
  for (let i = 0; i < chunkCount; i++) {
    const e = entry(i);
    chunks.push({ id: e.id, offset: e.offset, length: entry(i + 1).offset - e.offset });
  }
  const layout: MidxLayout = { signature, version: bytes[4], oidVersion: bytes[5], chunkCount, baseCount: bytes[7], packCount: bytes.readUInt32BE(8), chunks, packNames: [], oids: [], offsets: [] };
  const chunk = (id: string) => chunks.find((c) => c.id === id);
  const pnam = chunk('PNAM');
  if (pnam) {
    let at = pnam.offset;
    for (let k = 0; k < layout.packCount; k++) {
      const end = bytes.indexOf(0, at);
      layout.packNames.push(bytes.subarray(at, end).toString('utf8'));
      at = end + 1;
    }
  }
  const oidf = chunk('OIDF');
  const count = oidf ? bytes.readUInt32BE(oidf.offset + 255 * 4) : 0;
  const oidl = chunk('OIDL');
  const ooff = chunk('OOFF');
  for (let i = 0; i < count; i++) {
    if (oidl) layout.oids.push(bytes.subarray(oidl.offset + i * hashSize, oidl.offset + (i + 1) * hashSize).toString('hex'));
    if (ooff) {
      const raw = bytes.readUInt32BE(ooff.offset + i * 8 + 4);
      layout.offsets.push({ packId: bytes.readUInt32BE(ooff.offset + i * 8), offset: raw & 0x7fffffff, large: (raw & 0x80000000) !== 0 });
    }
  }
  return layout;
}

// ------------------------------------------------------------------------------ reading the screen

/** `0x3c (60)` → { hex: 60, dec: 60 }; both must be present. */
export function offsetIn(text: string): { hex: number; dec: number } {
  const h = text.match(/0x([0-9a-f]+)/i);
  const d = text.match(/\((\d{1,3}(?:,\d{3})*|\d+)\)/);
  if (!h || !d) throw new Error(`no "0x… (…)" offset in ${JSON.stringify(text)}`);
  return { hex: parseInt(h[1], 16), dec: Number(d[1].replace(/,/g, '')) };
}

/** `1.5 KiB` / `980 B` → bytes (as the app rounds them: ±0.05 of the unit below 10, ±0.5 above). */
export function bytesIn(text: string): { bytes: number; tolerance: number } {
  const m = text.match(/(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)\b/);
  if (!m) throw new Error(`no size in ${JSON.stringify(text)}`);
  const unit = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }[m[2] as 'B' | 'KiB' | 'MiB' | 'GiB'];
  const v = Number(m[1]);
  return { bytes: v * unit, tolerance: m[2] === 'B' ? 0 : (m[1].includes('.') ? 0.05 : 0.5) * unit };
}

/** The text of each cell of each body row of a table, in order. */
export async function tableCells(table: Locator): Promise<string[][]> {
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td, th')].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim())));
}

/** Waits for the URL hash to match and returns the decoded hash. */
export async function waitHash(page: Page, pattern: RegExp): Promise<string> {
  await expect.poll(() => decodeURIComponent(new URL(page.url()).hash), { message: `URL hash ${pattern}` }).toMatch(pattern);
  return decodeURIComponent(new URL(page.url()).hash);
}

/** The `dd` after the `dt` named `term` in a facts list. */
export function factOf(facts: Locator, term: string): Locator {
  return facts.locator(`xpath=.//dt[normalize-space(.)="${term}"]/following-sibling::dd[1]`);
}
