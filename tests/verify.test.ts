import { readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ObjectDatabase } from '../src/core/odb/database.ts';
import type { Finding } from '../src/core/verify/findings.ts';
import { RepositoryVerifier } from '../src/core/verify/verify-repository.ts';
import { discover, nodeHasher, nodeInflater } from '../src/cli/node-host.ts';
import { builtFixtures, cli, git, modernFixtures } from './support/cli.ts';
import { copyFixture, editFile, idxLayout, verifyRows, withDependents, type DamagedCopy } from './support/damage.ts';

/**
 * The repository verifier on intact fixtures (no findings, as git fsck agrees), its resumable
 * stepping, and the CLI's verify-pack and multi-pack-index verify on damaged copies against
 * what git 2.39 itself prints and exits with on the same copies.
 */

async function findingsOf(path: string, budgetMs = Infinity): Promise<{ findings: Finding[]; steps: number; verifier: RepositoryVerifier }> {
  const db = new ObjectDatabase(await discover(path), { inflater: nodeInflater });
  const verifier = new RepositoryVerifier(db, { hasher: nodeHasher });
  let steps = 1;
  while (!verifier.step(budgetMs)) steps++;
  return { findings: verifier.report().findings, steps, verifier };
}

describe('intact fixtures', () => {
  for (const f of builtFixtures()) {
    it(`${f.name}: no findings, every object counted, and git fsck agrees`, async () => {
      const { findings, verifier } = await findingsOf(f.path);
      expect(findings.map((x) => `${x.kind} ${x.file}:${x.offset} ${x.message}`)).toEqual([]);
      const report = verifier.report();
      const meta = readFileSync(join(f.expect, 'meta.txt'), 'utf8');
      const packed = Number(/in-pack|^objects: (\d+)/m.exec(meta)?.[1] ?? NaN);
      // Every pack entry plus every loose file is checked (duplicates count once per copy).
      expect(report.counts.objects).toBeGreaterThanOrEqual(packed);
      expect(report.counts.bytesHashed).toBeGreaterThan(0);
      const progress = verifier.progress();
      expect(progress.done).toBe(progress.total);
      const gitDir = join(f.path, f.path.endsWith('.git') ? '' : '.git');
      expect(git(['--git-dir', gitDir, 'fsck', '--full', '--no-dangling']).status).toBe(0);
    }, 20_000);
  }
  for (const f of modernFixtures()) {
    it(`${f.name}: no findings (packs, midx v2 and chains written by git 2.55)`, async () => {
      const { findings } = await findingsOf(f.path);
      expect(findings.map((x) => `${x.kind} ${x.file}:${x.offset} ${x.message}`)).toEqual([]);
    }, 20_000);
  }
});

describe('resumable', () => {
  it('stepping in 0 ms slices finds exactly what one run to the end finds, in the same order', async () => {
    const copy = copyFixture('varied');
    try {
      const rows = verifyRows(copy, copy.packs[0]);
      const victim = rows.find((r) => r.depth === 0 && r.type === 'blob' && r.storedSize > 60) as (typeof rows)[number];
      editFile(copy, join(copy.packDir, `${copy.packs[0]}.pack`), (b) => {
        for (let i = 8; i < 20; i++) b[victim.offset + i] ^= 0x55;
      });
      const whole = await findingsOf(copy.gitDir);
      const sliced = await findingsOf(copy.gitDir, 0);
      expect(whole.findings.length).toBeGreaterThan(0);
      expect(sliced.findings).toEqual(whole.findings);
      // Each slice did a little: at least one per entry and per MiB hashed.
      expect(sliced.steps).toBeGreaterThan(rows.length);
    } finally {
      copy.remove();
    }
  });
});

/** A damage for verify-pack, and the file our message must name. */
interface PackDamage {
  name: string;
  apply(copy: DamagedCopy, pack: string): { file: string; offset: number };
}

const packDamages: PackDamage[] = [
  {
    name: 'pack trailer flipped',
    apply(copy, pack) {
      const b = editFile(copy, join(copy.packDir, `${pack}.pack`), (x) => {
        x[x.length - 1] ^= 0xff;
      });
      return { file: `${pack}.pack`, offset: b.length - 20 };
    },
  },
  {
    name: 'idx CRC altered',
    apply(copy, pack) {
      const rows = verifyRows(copy, pack);
      const victim = rows[5];
      const layout = idxLayout(copy, pack);
      editFile(
        copy,
        join(copy.packDir, `${pack}.idx`),
        (x) => {
          x[layout.crcsAt + layout.position(victim.oid) * 4 + 3] ^= 0x01;
        },
        true,
      );
      return { file: `${pack}.pack`, offset: victim.offset };
    },
  },
  {
    name: "idx's copy of the pack checksum altered",
    apply(copy, pack) {
      const b = editFile(
        copy,
        join(copy.packDir, `${pack}.idx`),
        (x) => {
          x[x.length - 40] ^= 0x01;
        },
        true,
      );
      return { file: `${pack}.idx`, offset: b.length - 40 };
    },
  },
  {
    name: 'zlib stream broken',
    apply(copy, pack) {
      const rows = verifyRows(copy, pack);
      const victim = rows.find((r) => r.depth === 0 && r.storedSize > 60) as (typeof rows)[number];
      editFile(copy, join(copy.packDir, `${pack}.pack`), (x) => {
        for (let i = 6; i < 24; i++) x[victim.offset + i] ^= 0x5a;
      });
      return { file: `${pack}.pack`, offset: victim.offset };
    },
  },
  {
    name: 'pack header count changed',
    apply(copy, pack) {
      editFile(copy, join(copy.packDir, `${pack}.pack`), (x) => {
        x.writeUInt32BE(x.readUInt32BE(8) - 1, 8);
      });
      return { file: `${pack}.pack`, offset: 8 };
    },
  },
  {
    name: 'pack truncated',
    apply(copy, pack) {
      const rows = verifyRows(copy, pack);
      const cut = rows[Math.floor(rows.length / 2)].offset + 7;
      truncateSync(join(copy.packDir, `${pack}.pack`), cut);
      return { file: `${pack}.pack`, offset: cut - 20 };
    },
  },
];

describe('verify-pack -v on damaged packs, against git', () => {
  for (const d of packDamages) {
    it(d.name, () => {
      const copy = copyFixture('varied');
      try {
        const pack = copy.packs[0];
        const where = d.apply(copy, pack);
        const theirs = git(['verify-pack', '-v', `${pack}.idx`], { cwd: copy.packDir });
        const ours = cli(['verify-pack', '-v', `${pack}.idx`], { cwd: copy.packDir });
        expect(theirs.status).not.toBe(0);
        expect(ours.status).toBe(1);
        // git prints the rows only when the pack itself is sound and just the idx disagrees,
        // then `<pack>.pack: bad`; byte for byte the same here.
        expect(ours.stdout.toString()).toBe(theirs.stdout.toString());
        expect(ours.stdout.toString().endsWith(`${pack}.pack: bad\n`)).toBe(true);
        expect(ours.stderr).toContain(`${where.file}:0x${where.offset.toString(16)}`);
      } finally {
        copy.remove();
      }
    });
  }
});

describe('multi-pack-index verify on damaged midx files, against git', () => {
  function midxCase(name: string, edit: (b: Buffer, chunks: Map<string, number>) => void): void {
    it(name, () => {
      const copy = copyFixture('multi-pack');
      try {
        editFile(
          copy,
          join(copy.packDir, 'multi-pack-index'),
          (b) => {
            const chunks = new Map<string, number>();
            for (let i = 0; i < b[6]; i++) chunks.set(b.subarray(12 + i * 12, 16 + i * 12).toString('latin1'), Number(b.readBigUInt64BE(16 + i * 12)));
            edit(b, chunks);
          },
          name !== 'bad checksum',
        );
        const theirs = git(['--git-dir', copy.gitDir, 'multi-pack-index', 'verify']);
        const ours = cli(['multi-pack-index', 'verify', copy.gitDir]);
        expect(theirs.status).not.toBe(0);
        expect(ours.status).toBe(1);
        expect(ours.stdout.toString()).toBe(theirs.stdout.toString());
        const gitLines = theirs.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('Verifying') && !/^\s*$/.test(l));
        expect(gitLines.length).toBeGreaterThan(0);
        for (const line of gitLines) {
          const message = line.replace(/^error: /, '');
          expect(ours.stderr, message).toContain(message);
        }
        expect(ours.stderr).toMatch(/multi-pack-index:0x[0-9a-f]+/);
      } finally {
        copy.remove();
      }
    });
  }
  midxCase('bad checksum', (b) => {
    b[b.length - 1] ^= 0x01;
  });
  midxCase('wrong object offset', (b, c) => {
    const at = (c.get('OOFF') as number) + 20 * 8 + 4;
    b.writeUInt32BE(b.readUInt32BE(at) + 3, at);
  });
  midxCase('ids out of order', (b, c) => {
    b[(c.get('OIDL') as number) + 20 * 30] = 0x00;
  });
});

describe('findings grouped by the damage they follow from', () => {
  it('a damaged base with many deltas on it: one finding for the base, the rest name it as their cause', async () => {
    const copy = copyFixture('long-chains');
    try {
      const pack = copy.packs[0];
      const rows = verifyRows(copy, pack);
      // The whole object with the fewest deltas built on it, at least 10 (thousands make a slow test).
      const bases = rows
        .filter((r) => r.depth === 0)
        .map((r) => ({ row: r, dependents: withDependents(rows, [r.oid]).size - 1 }))
        .filter((b) => b.dependents >= 10);
      bases.sort((a, b) => a.dependents - b.dependents);
      const victim = bases[0].row;
      const path = join(copy.packDir, `${pack}.pack`);
      editFile(copy, path, (b) => {
        for (let i = 8; i < 24; i++) b[victim.offset + i] ^= 0x5a;
      });
      const { findings } = await findingsOf(copy.gitDir);
      const own = findings.filter((f) => f.offset === victim.offset && f.cause === undefined);
      expect(own.length).toBeGreaterThan(0);
      const caused = findings.filter((f) => f.cause !== undefined);
      expect(new Set(caused.map((f) => `${f.cause?.file}@${f.cause?.offset}`))).toEqual(new Set([`${own[0].file}@${victim.offset}`]));
      expect(new Set(caused.map((f) => f.oid))).toEqual(new Set([...withDependents(rows, [victim.oid])].filter((oid) => oid !== victim.oid)));
    } finally {
      copy.remove();
    }
  });
});
