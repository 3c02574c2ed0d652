import { existsSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ErrorKind } from '../src/core/errors.ts';
import { ObjectDatabase } from '../src/core/odb/database.ts';
import type { CheckId, Finding } from '../src/core/verify/findings.ts';
import { RepositoryVerifier } from '../src/core/verify/verify-repository.ts';
import { discover, nodeHasher, nodeInflater } from '../src/cli/node-host.ts';
import { CLI, cli, git } from './support/cli.ts';
import { batchRecords, copyFixture, editFile, entryHeaderLength, idxLayout, looseIds, rel, verifyRows, withDependents, type DamagedCopy } from './support/damage.ts';

/**
 * Damaged copies of the fixtures, one kind of damage each (after git's t5300, t5303, t5319 and
 * t1450). For each: the verifier and `fsck` name the finding (file, offset, check and kind);
 * every object the damage does not touch still reads exactly as git read it from the intact
 * copy (`cat-file --batch`, byte for byte); and nothing hangs (every test has a time limit).
 */

/** A finding the damage must produce. */
interface Expected {
  file: string;
  offset?: number;
  check: CheckId;
  kind: ErrorKind;
  oid?: string;
}

/** What a damage did. */
interface Damage {
  expected: Expected[];
  /** Objects that cannot be read any more (the rest must read as git read them intact). */
  unreadable: Set<string>;
}

interface Case {
  name: string;
  fixture: string;
  damage(copy: DamagedCopy): Damage;
}

const H = (copy: DamagedCopy): number => (copy.hash === 'sha256' ? 32 : 20);
const packPath = (copy: DamagedCopy, pack: string, ext: string): string => join(copy.packDir, `${pack}.${ext}`);

/** A whole (non-delta) object of the pack with some bytes to spare, and the rows. */
function wholeBlob(copy: DamagedCopy, pack: string): ReturnType<typeof verifyRows>[number] {
  const rows = verifyRows(copy, pack);
  const base = rows.find((r) => r.type === 'blob' && r.depth === 0 && r.storedSize > 60 && rows.some((d) => d.baseOid === r.oid));
  return base ?? (rows.find((r) => r.type === 'blob' && r.depth === 0 && r.storedSize > 60) as (typeof rows)[number]);
}

/** The chunk offsets of a midx (id -> offset). */
function midxChunks(bytes: Buffer): Map<string, number> {
  const count = bytes[6];
  const out = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 12;
    out.set(bytes.subarray(at, at + 4).toString('latin1'), Number(bytes.readBigUInt64BE(at + 4)));
  }
  return out;
}

const cases: Case[] = [
  {
    name: 'pack trailer: one byte flipped (t5300)',
    fixture: 'varied',
    damage(copy) {
      const pack = copy.packs[0];
      const path = packPath(copy, pack, 'pack');
      const bytes = editFile(copy, path, (b) => {
        b[b.length - 1] ^= 0xff;
      });
      const idxSize = readFileSync(packPath(copy, pack, 'idx')).length;
      return {
        expected: [
          { file: rel(copy, path), offset: bytes.length - H(copy), check: 'trailer', kind: 'BadChecksum' },
          { file: rel(copy, packPath(copy, pack, 'idx')), offset: idxSize - 2 * H(copy), check: 'idx-pack-checksum', kind: 'Mismatch' },
        ],
        unreadable: new Set(),
      };
    },
  },
  {
    name: "idx's copy of the pack checksum altered, idx resealed",
    fixture: 'varied',
    damage(copy) {
      const path = packPath(copy, copy.packs[0], 'idx');
      const bytes = editFile(
        copy,
        path,
        (b) => {
          b[b.length - 2 * H(copy)] ^= 0x01;
        },
        true,
      );
      return { expected: [{ file: rel(copy, path), offset: bytes.length - 2 * H(copy), check: 'idx-pack-checksum', kind: 'Mismatch' }], unreadable: new Set() };
    },
  },
  {
    name: 'idx CRC32 of one object altered, idx resealed (t5300 "fsck" on CRC)',
    fixture: 'varied',
    damage(copy) {
      const pack = copy.packs[0];
      const victim = wholeBlob(copy, pack);
      const layout = idxLayout(copy, pack);
      editFile(
        copy,
        packPath(copy, pack, 'idx'),
        (b) => {
          b[layout.crcsAt + layout.position(victim.oid) * 4] ^= 0x80;
        },
        true,
      );
      return { expected: [{ file: rel(copy, packPath(copy, pack, 'pack')), offset: victim.offset, check: 'crc', kind: 'Mismatch', oid: victim.oid }], unreadable: new Set() };
    },
  },
  {
    name: 'idx 64-bit offset pointing into the middle of an entry (idx v2 large offsets)',
    fixture: 'idx-v2-large',
    damage(copy) {
      const pack = copy.packs[0];
      const rows = verifyRows(copy, pack);
      // The victim's 64-bit offset moves 3 bytes into its own entry.
      const victim = rows.find((r, i) => i > 10 && r.depth === 0 && r.storedSize > 40) as (typeof rows)[number];
      const layout = idxLayout(copy, pack);
      editFile(
        copy,
        packPath(copy, pack, 'idx'),
        (b) => {
          const word = b.readUInt32BE(layout.offsetsAt + layout.position(victim.oid) * 4);
          const large = layout.largeAt + (word - 0x80000000) * 8;
          b.writeBigUInt64BE(BigInt(victim.offset + 3), large);
        },
        true,
      );
      const previous = rows[rows.indexOf(victim) - 1];
      return {
        expected: [
          // The entry before it now seems to end 3 bytes late: bytes [offset, offset + 3) belong to no entry.
          { file: rel(copy, packPath(copy, pack, 'pack')), offset: victim.offset, check: 'cross-check', kind: 'Mismatch', oid: previous.oid },
          { file: rel(copy, packPath(copy, pack, 'pack')), offset: victim.offset + 3, check: 'object', kind: 'CorruptObject', oid: victim.oid },
        ],
        // Only the victim is lost: its true entry (and so every delta built on it) still reads,
        // because a stream cut short by a wrong neighbour offset is tried on past it.
        unreadable: new Set([victim.oid]),
      };
    },
  },
  {
    name: 'pack header object count changed (t5300 "corrupt a pack header")',
    fixture: 'varied',
    damage(copy) {
      const pack = copy.packs[0];
      const path = packPath(copy, pack, 'pack');
      const bytes = editFile(copy, path, (b) => {
        b.writeUInt32BE(b.readUInt32BE(8) + 1, 8);
      });
      return {
        expected: [
          { file: rel(copy, path), offset: 8, check: 'count', kind: 'Mismatch' },
          { file: rel(copy, path), offset: bytes.length - H(copy), check: 'trailer', kind: 'BadChecksum' },
        ],
        unreadable: new Set(),
      };
    },
  },
  {
    name: 'a whole object\'s zlib stream broken (t5303 "corrupt an object")',
    fixture: 'varied',
    damage(copy) {
      const pack = copy.packs[0];
      const rows = verifyRows(copy, pack);
      const victim = wholeBlob(copy, pack);
      const path = packPath(copy, pack, 'pack');
      editFile(copy, path, (b) => {
        for (let i = 8; i < 30; i++) b[victim.offset + i] ^= 0x5a;
      });
      return { expected: [{ file: rel(copy, path), offset: victim.offset, check: 'object', kind: 'CorruptObject', oid: victim.oid }], unreadable: withDependents(rows, [victim.oid]) };
    },
  },
  {
    name: "sha256: a whole object's zlib stream broken",
    fixture: 'sha256',
    damage(copy) {
      const pack = copy.packs[0];
      const rows = verifyRows(copy, pack);
      const victim = wholeBlob(copy, pack);
      const path = packPath(copy, pack, 'pack');
      editFile(copy, path, (b) => {
        for (let i = 6; i < 20; i++) b[victim.offset + i] ^= 0x33;
      });
      return { expected: [{ file: rel(copy, path), offset: victim.offset, check: 'object', kind: 'CorruptObject', oid: victim.oid }], unreadable: withDependents(rows, [victim.oid]) };
    },
  },
  {
    name: 'ofs-delta base distance made to point before the start of the pack (t5303)',
    fixture: 'varied',
    damage(copy) {
      const pack = copy.packs[0];
      const rows = verifyRows(copy, pack);
      const path = packPath(copy, pack, 'pack');
      const byOid = new Map(rows.map((r) => [r.oid, r]));
      // A delta whose base distance takes two bytes or more: all ones then makes it absurd.
      const victim = rows.find((r) => r.baseOid !== undefined && r.offset - (byOid.get(r.baseOid)?.offset ?? r.offset) >= 128) as (typeof rows)[number];
      editFile(copy, path, (b) => {
        const { ofsAt, ofsLength } = entryHeaderLength(b, victim.offset, H(copy));
        for (let i = 0; i < ofsLength - 1; i++) b[ofsAt + i] = 0xff;
        b[ofsAt + ofsLength - 1] = 0x7f;
      });
      return { expected: [{ file: rel(copy, path), offset: victim.offset, check: 'object', kind: 'OutOfRange', oid: victim.oid }], unreadable: withDependents(rows, [victim.oid]) };
    },
  },
  {
    name: 'ofs-delta base moved between entries, in the middle of a 2699-long chain',
    fixture: 'long-chains',
    damage(copy) {
      const pack = copy.packs[0];
      const rows = verifyRows(copy, pack);
      const path = packPath(copy, pack, 'pack');
      // A delta in the middle of a long chain: everything built on it is lost, nothing else.
      const victim = rows.find((r) => r.depth === 40) as (typeof rows)[number];
      editFile(copy, path, (b) => {
        const { ofsAt, ofsLength } = entryHeaderLength(b, victim.offset, H(copy));
        b[ofsAt + ofsLength - 1] ^= 0x01;
      });
      return { expected: [{ file: rel(copy, path), offset: victim.offset, check: 'delta', kind: 'OutOfRange', oid: victim.oid }], unreadable: withDependents(rows, [victim.oid]) };
    },
  },
  {
    name: 'ref-delta made its own base: a delta cycle (t5303 "cycle")',
    fixture: 'ref-delta',
    damage(copy) {
      const pack = copy.packs[0];
      const rows = verifyRows(copy, pack);
      const path = packPath(copy, pack, 'pack');
      const victim = rows.find((r) => r.depth === 1 && rows.some((d) => d.baseOid === r.oid)) as (typeof rows)[number];
      editFile(copy, path, (b) => {
        const { ofsAt } = entryHeaderLength(b, victim.offset, H(copy));
        Buffer.from(victim.oid, 'hex').copy(b, ofsAt);
      });
      return { expected: [{ file: rel(copy, path), offset: victim.offset, check: 'delta', kind: 'DeltaCycle', oid: victim.oid }], unreadable: withDependents(rows, [victim.oid]) };
    },
  },
  {
    name: 'ref-delta base removed: it names an object no pack holds (t5303 "missing base")',
    fixture: 'ref-delta',
    damage(copy) {
      const pack = copy.packs[0];
      const rows = verifyRows(copy, pack);
      const path = packPath(copy, pack, 'pack');
      const victim = rows.find((r) => r.depth === 2) as (typeof rows)[number];
      editFile(copy, path, (b) => {
        const { ofsAt } = entryHeaderLength(b, victim.offset, H(copy));
        Buffer.alloc(H(copy), 0xee).copy(b, ofsAt);
      });
      return { expected: [{ file: rel(copy, path), offset: victim.offset, check: 'delta', kind: 'MissingBase', oid: victim.oid }], unreadable: withDependents(rows, [victim.oid]) };
    },
  },
  {
    name: 'pack truncated (t5300 "truncated pack"): the objects before the cut still read',
    fixture: 'varied',
    damage(copy) {
      const pack = copy.packs[0];
      const rows = verifyRows(copy, pack);
      const path = packPath(copy, pack, 'pack');
      const cutEntry = rows[Math.floor(rows.length * 0.7)];
      // Cut so that the last H bytes left (taken for a trailer) start exactly at an entry.
      truncateSync(path, cutEntry.offset + H(copy));
      const lost = rows.filter((r) => r.offset >= cutEntry.offset).map((r) => r.oid);
      return {
        expected: [
          { file: rel(copy, path), offset: cutEntry.offset, check: 'trailer', kind: 'BadChecksum' },
          {
            file: rel(copy, packPath(copy, pack, 'idx')),
            offset: idxLayout(copy, pack).offsetsAt + idxLayout(copy, pack).position(lost[0]) * 4,
            check: 'cross-check',
            kind: 'OutOfRange',
            oid: lost[0],
          },
        ],
        unreadable: withDependents(rows, lost),
      };
    },
  },
  {
    name: 'idx truncated: its pack cannot be read, the loose objects still can',
    fixture: 'loose',
    damage(copy) {
      const pack = copy.packs[0];
      const path = packPath(copy, pack, 'idx');
      const size = readFileSync(path).length;
      truncateSync(path, size - 30);
      const loose = new Set(looseIds(copy));
      return {
        expected: [{ file: rel(copy, path), check: 'open', kind: 'BadSize' }],
        unreadable: new Set(
          verifyRows(copy, pack)
            .map((r) => r.oid)
            .filter((o) => !loose.has(o)),
        ),
      };
    },
  },
  {
    name: 'idx missing: the pack is reported, the loose objects still read',
    fixture: 'loose',
    damage(copy) {
      const pack = copy.packs[0];
      rmSync(packPath(copy, pack, 'idx'));
      const loose = new Set(looseIds(copy));
      return {
        expected: [{ file: rel(copy, packPath(copy, pack, 'pack')), check: 'open', kind: 'NotFound' }],
        unreadable: new Set(
          verifyRows(copy, pack)
            .map((r) => r.oid)
            .filter((o) => !loose.has(o)),
        ),
      };
    },
  },
  {
    name: 'loose object corrupted (t1450 "object with bad sha1 / corrupt zlib")',
    fixture: 'loose',
    damage(copy) {
      const ids = looseIds(copy);
      const victim = ids[ids.length - 1];
      const path = join(copy.gitDir, 'objects', victim.slice(0, 2), victim.slice(2));
      editFile(copy, path, (b) => {
        for (let i = 4; i < Math.min(b.length - 4, 16); i++) b[i] ^= 0x21;
      });
      // The README blob that is also packed would still read from the pack; the victim is a new object.
      return { expected: [{ file: rel(copy, path), offset: 0, check: 'loose', kind: 'CorruptObject', oid: victim }], unreadable: new Set([victim]) };
    },
  },
  {
    name: 'midx bad signature (t5319): fall back to the packs',
    fixture: 'multi-pack',
    damage(copy) {
      const path = join(copy.packDir, 'multi-pack-index');
      editFile(copy, path, (b) => {
        b[0] = 0x00;
      });
      return { expected: [{ file: rel(copy, path), offset: 0, check: 'open', kind: 'BadSignature' }], unreadable: new Set() };
    },
  },
  {
    name: 'midx bad checksum (t5319)',
    fixture: 'multi-pack',
    damage(copy) {
      const path = join(copy.packDir, 'multi-pack-index');
      const bytes = editFile(copy, path, (b) => {
        b[b.length - 3] ^= 0x10;
      });
      return { expected: [{ file: rel(copy, path), offset: bytes.length - 20, check: 'trailer', kind: 'BadChecksum' }], unreadable: new Set() };
    },
  },
  {
    name: 'midx fanout out of order (t5319 "incorrect fanout"): fall back to the packs',
    fixture: 'multi-pack',
    damage(copy) {
      const path = join(copy.packDir, 'multi-pack-index');
      let at = 0;
      editFile(
        copy,
        path,
        (b) => {
          at = (midxChunks(b).get('OIDF') as number) + 4 * 10;
          b.writeUInt32BE(0xffff, at);
        },
        true,
      );
      return { expected: [{ file: rel(copy, path), offset: at + 4, check: 'open', kind: 'BadFanout' }], unreadable: new Set() };
    },
  },
  {
    name: 'midx ids out of order (t5319 "oid lookup out of order"): every object still found',
    fixture: 'multi-pack',
    damage(copy) {
      const path = join(copy.packDir, 'multi-pack-index');
      let at = 0;
      editFile(
        copy,
        path,
        (b) => {
          at = (midxChunks(b).get('OIDL') as number) + 20 * 40;
          b[at] = 0x00;
        },
        true,
      );
      return { expected: [{ file: rel(copy, path), offset: at, check: 'midx', kind: 'BadFanout' }], unreadable: new Set() };
    },
  },
  {
    name: 'midx object offset wrong (t5319 "incorrect object offset")',
    fixture: 'multi-pack',
    damage(copy) {
      const path = join(copy.packDir, 'multi-pack-index');
      let at = 0;
      let oid = '';
      editFile(
        copy,
        path,
        (b) => {
          const chunks = midxChunks(b);
          const position = 12;
          at = (chunks.get('OOFF') as number) + position * 8 + 4;
          b.writeUInt32BE(b.readUInt32BE(at) + 7, at);
          const oidl = chunks.get('OIDL') as number;
          oid = b.subarray(oidl + position * 20, oidl + position * 20 + 20).toString('hex');
        },
        true,
      );
      return {
        expected: [
          { file: rel(copy, path), offset: at, check: 'midx', kind: 'Mismatch', oid },
          { file: rel(copy, path), offset: at, check: 'cross-check', kind: 'Mismatch', oid },
        ],
        // Reading goes through the midx's (wrong) offset, as git's does.
        unreadable: new Set([oid]),
      };
    },
  },
  {
    name: 'midx pack names out of order (t5319): fall back to the packs',
    fixture: 'multi-pack',
    damage(copy) {
      const path = join(copy.packDir, 'multi-pack-index');
      let at = 0;
      editFile(
        copy,
        path,
        (b) => {
          at = midxChunks(b).get('PNAM') as number;
          // The first name's hash digit `pack-1…` becomes `pack-z…`: after the second name.
          b[at + 5] = 0x7a;
        },
        true,
      );
      return { expected: [{ file: rel(copy, path), check: 'open', kind: 'BadChunk' }], unreadable: new Set() };
    },
  },
  {
    name: '.rev with two positions swapped, resealed: the pack order it claims is wrong',
    fixture: 'varied',
    damage(copy) {
      const pack = copy.packs[0];
      const r = git(['index-pack', '--rev-index', `${pack}.pack`], { cwd: copy.packDir });
      if (r.status !== 0) throw new Error(r.stderr);
      const path = packPath(copy, pack, 'rev');
      editFile(
        copy,
        path,
        (b) => {
          const a = b.readUInt32BE(12 + 4 * 5);
          b.writeUInt32BE(b.readUInt32BE(12 + 4 * 6), 12 + 4 * 5);
          b.writeUInt32BE(a, 12 + 4 * 6);
        },
        true,
      );
      return { expected: [{ file: rel(copy, path), offset: 12 + 4 * 5, check: 'cross-check', kind: 'Mismatch' }], unreadable: new Set() };
    },
  },
];

/** Runs the verifier in-process over a copy, in small steps (as the worker does). */
async function verify(copy: DamagedCopy): Promise<Finding[]> {
  const db = new ObjectDatabase(await discover(copy.gitDir), { inflater: nodeInflater });
  const verifier = new RepositoryVerifier(db, { hasher: nodeHasher });
  let steps = 0;
  while (!verifier.step(5)) steps++;
  expect(verifier.progress().done).toBe(verifier.progress().total);
  expect(steps).toBeLessThan(10_000);
  return verifier.report().findings;
}

function matches(f: Finding, e: Expected): boolean {
  return f.file === e.file && f.check === e.check && f.kind === e.kind && (e.offset === undefined || f.offset === e.offset) && (e.oid === undefined || f.oid === e.oid);
}

describe('damaged copies', () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error('run node scripts/build-cli.mjs first');
  });

  for (const c of cases) {
    it(c.name, async () => {
      const copy = copyFixture(c.fixture);
      try {
        const damage = c.damage(copy);
        const findings = await verify(copy);
        const shown = findings.map((f) => `${f.check} ${f.kind} ${f.file}:${f.offset} ${f.oid ?? ''} ${f.message}`).join('\n');
        for (const e of damage.expected)
          expect(
            findings.some((f) => matches(f, e)),
            `${JSON.stringify(e)} in\n${shown}`,
          ).toBe(true);

        // fsck prints the same findings git-style; its status has bit 1 (a pack or object finding),
        // with git's 2 and 8 beside it when refs or links then name objects it cannot find.
        const run = cli(['fsck', copy.gitDir]);
        expect(run.status & 1).toBe(1);
        expect(run.status & ~(1 | 2 | 8)).toBe(0);
        for (const e of damage.expected) {
          const where = e.offset === undefined ? `${e.kind} at ${e.file}` : `${e.kind} at ${e.file}:0x${e.offset.toString(16)}`;
          expect(run.stderr, where).toContain(`error: ${where}`);
        }

        // Every object the damage does not touch reads exactly as git read it intact.
        const records = batchRecords(copy.fixture);
        const names = [...records.keys()].filter((o) => !damage.unreadable.has(o));
        // Each case damages one place: healthy objects must remain to be read (a case whose damage
        // left nothing readable would check nothing below).
        expect(names.length, 'objects the damage leaves readable').toBeGreaterThan(0);
        const ours = cli(['cat-file', '--batch', copy.gitDir], { input: names.join('\n') + '\n' });
        const expected = Buffer.concat(names.map((o) => records.get(o) as Buffer));
        expect(ours.stdout.equals(expected), ours.stderr.slice(0, 2000)).toBe(true);
        expect(ours.status).toBe(0);
        // And the damaged ones say so, one by one, without stopping the rest.
        if (damage.unreadable.size > 0) {
          const lost = [...damage.unreadable].slice(0, 20);
          const run2 = cli(['cat-file', '--batch', copy.gitDir], { input: [...lost, names[0]].join('\n') + '\n' });
          const text = run2.stdout.toString('latin1');
          for (const o of lost) expect(text).toContain(`${o} missing\n`);
          expect(run2.stdout.subarray(run2.stdout.length - (records.get(names[0]) as Buffer).length).equals(records.get(names[0]) as Buffer)).toBe(true);
        }
      } finally {
        copy.remove();
      }
    }, 60_000); // the 2699-long chain case takes ~8 s alone and 30 s on a loaded 2-core machine
  }
});
