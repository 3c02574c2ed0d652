// Checks that the repositories built by fixtures/build.sh are what they claim to be.
// It reads only files (no git); `npm test` runs `bash fixtures/build.sh` before vitest.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const BUILD = fileURLToPath(new URL('../fixtures/build/', import.meta.url));
const NAMES = ['varied', 'loose', 'idx-v1', 'idx-v2-large', 'ref-delta', 'multi-pack', 'long-chains', 'large-blobs', 'sha256', 'demo', 'history'] as const;
type Name = (typeof NAMES)[number];

const IDX_V2_MAGIC = 0xff744f63;

function dir(name: Name): string {
  return path.join(BUILD, name);
}
function gitDir(name: Name): string {
  return path.join(dir(name), fs.readFileSync(path.join(dir(name), 'gitdir'), 'utf8').trim());
}
function packDir(name: Name): string {
  return path.join(gitDir(name), 'objects', 'pack');
}
function expectFile(name: Name, file: string): string {
  return path.join(dir(name), 'expect', file);
}
function readExpect(name: Name, file: string): string {
  return fs.readFileSync(expectFile(name, file), 'utf8');
}
function meta(name: Name, key: string): string {
  const m = readExpect(name, 'meta.txt').match(new RegExp(`^${key}: (.*)$`, 'm'));
  if (!m?.[1]) throw new Error(`${name}: no '${key}' in meta.txt`);
  return m[1];
}
/** Pack base names (pack-<hash>) in the fixture's pack folder, sorted. */
function packs(name: Name): string[] {
  return fs
    .readdirSync(packDir(name))
    .filter((f) => f.endsWith('.idx'))
    .map((f) => f.slice(0, -4))
    .sort();
}
/** show-index lines as [offset, oid]. */
function showIndex(name: Name, pack: string): Array<[number, string]> {
  return readExpect(name, `show-index-${pack}.txt`)
    .trim()
    .split('\n')
    .map((line): [number, string] => {
      const [offset, oid] = line.split(' ');
      return [Number(offset), oid ?? ''];
    });
}
/** Object type numbers (bits 4-6 of the first header byte) of every entry of a pack. */
function entryTypes(name: Name, pack: string): number[] {
  const bytes = fs.readFileSync(path.join(packDir(name), `${pack}.pack`));
  return showIndex(name, pack).map(([offset]) => ((bytes[offset] ?? 0) >> 4) & 7);
}
function maxChain(name: Name): number {
  let max = 0;
  for (const pack of packs(name)) {
    for (const m of readExpect(name, `verify-pack-${pack}.txt`).matchAll(/^chain length = (\d+):/gm)) {
      max = Math.max(max, Number(m[1]));
    }
  }
  return max;
}
function batchCheck(name: Name): Array<{ oid: string; type: string; size: number }> {
  return readExpect(name, 'batch-check.txt')
    .trim()
    .split('\n')
    .map((line) => {
      const [oid = '', type = '', size = '0'] = line.split(' ');
      return { oid, type, size: Number(size) };
    });
}
function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
function treeSize(root: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const p = path.join(root, entry.name);
    if (entry.isDirectory()) total += treeSize(p);
    else if (entry.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

describe('every fixture', () => {
  it('was built (run `bash fixtures/build.sh`)', () => {
    expect(fs.existsSync(path.join(BUILD, '.stamp'))).toBe(true);
  });

  for (const name of NAMES) {
    describe(name, () => {
      it('names its git dir in one line, and the git dir has objects/', () => {
        const text = fs.readFileSync(path.join(dir(name), 'gitdir'), 'utf8');
        expect(text.trim().split('\n')).toHaveLength(1);
        expect(fs.statSync(path.join(gitDir(name), 'objects')).isDirectory()).toBe(true);
      });

      it('has the expectation files, and git reported no error', () => {
        for (const f of ['batch-check.txt', 'batch.sha256', 'batch.size', 'names.txt', 'names-batch-check.txt', 't.txt', 's.txt', 'meta.txt', 'refs.txt', 'head.txt']) {
          expect(fs.existsSync(expectFile(name, f)), f).toBe(true);
        }
        const rcs = fs.readdirSync(path.join(dir(name), 'expect')).filter((f) => f.endsWith('.rc'));
        expect(rcs.length).toBeGreaterThan(0);
        for (const rc of rcs) expect(readExpect(name, rc).trim(), rc).toBe('0');
      });

      it('records batch.sha256/size matching batch.bin (large-blobs has no batch.bin)', () => {
        const size = Number(readExpect(name, 'batch.size').trim());
        expect(size).toBeGreaterThan(0);
        if (name === 'large-blobs') {
          expect(fs.existsSync(expectFile(name, 'batch.bin'))).toBe(false);
          expect(size).toBeGreaterThan(50 * 1024 * 1024);
          return;
        }
        const bin = fs.readFileSync(expectFile(name, 'batch.bin'));
        expect(bin.length).toBe(size);
        expect(sha256(bin)).toBe(readExpect(name, 'batch.sha256').trim());
      });

      it('has, for every pack, a verify-pack ending in "<pack>.pack: ok" and a show-index', () => {
        const list = packs(name);
        expect(list.length).toBe(Number(meta(name, 'packs')));
        for (const pack of list) {
          const lines = readExpect(name, `verify-pack-${pack}.txt`).trimEnd().split('\n');
          expect(lines.at(-1)).toBe(`${pack}.pack: ok`);
          const idx = fs.readFileSync(path.join(packDir(name), `${pack}.idx`));
          const count = idx.readUInt32BE(idx.readUInt32BE(0) === IDX_V2_MAGIC ? 8 + 255 * 4 : 255 * 4);
          expect(showIndex(name, pack)).toHaveLength(count);
        }
      });

      it('lists as many objects in batch-check as meta.txt says, with ids of the right length', () => {
        const objects = batchCheck(name);
        expect(objects.length).toBe(Number(meta(name, 'objects')));
        const hexLength = meta(name, 'hash_algo') === 'sha256' ? 64 : 40;
        for (const o of objects) expect(o.oid).toMatch(new RegExp(`^[0-9a-f]{${hexLength}}$`));
        for (const type of ['commit', 'tree', 'blob', 'tag']) {
          expect(
            objects.some((o) => o.type === type),
            type,
          ).toBe(true);
        }
      });

      it('has p/<oid> for the objects in t.txt and s.txt', () => {
        const t = readExpect(name, 't.txt').trim().split('\n');
        const s = readExpect(name, 's.txt').trim().split('\n');
        expect(t.length).toBe(s.length);
        for (const line of t) {
          const oid = line.split(' ')[0] ?? '';
          const p = fs.existsSync(expectFile(name, `p/${oid}.txt`)) || fs.existsSync(expectFile(name, `p/${oid}.sha256`));
          expect(p, oid).toBe(true);
        }
      });

      it('answers the names in names.txt line for line', () => {
        const names = readExpect(name, 'names.txt').trim().split('\n');
        const check = readExpect(name, 'names-batch-check.txt').trim().split('\n');
        expect(check).toHaveLength(names.length);
        expect(check).toContain('not-an-object missing');
        for (const line of check) expect(line).toMatch(/^\S+ (missing|ambiguous|(commit|tree|blob|tag) \d+)$/);
      });
    });
  }
});

describe('fixture specifics', () => {
  it('varied: modes, odd names, tags of every kind, an encoding header, ofs-deltas', () => {
    const bin = fs.readFileSync(expectFile('varied', 'batch.bin'));
    for (const needle of [
      '100755 run.sh\0',
      '120000 link-to-readme\0',
      '160000 sub\0',
      'naïve café.txt\0',
      '\xff\xfe.bin\0',
      'tab\there.txt\0',
      'new\nline.txt\0',
      'back\\slash.txt\0',
      '-leading-dash.txt\0',
    ]) {
      expect(bin.includes(Buffer.from(needle, needle.includes('\xff') ? 'latin1' : 'utf8')), JSON.stringify(needle)).toBe(true);
    }
    expect(bin.includes(Buffer.from('\nencoding ISO-8859-1\n'))).toBe(true);
    expect(bin.includes(Buffer.from('caf\xe9', 'latin1'))).toBe(true);
    expect(bin.includes(Buffer.from('\ngpgsig -----BEGIN PGP SIGNATURE-----\n'))).toBe(true);
    const tagTargets = new Set(readExpect('varied', 'batch.bin').match(/^type (commit|tree|blob|tag)$/gm));
    expect([...tagTargets].sort()).toEqual(['type blob', 'type commit', 'type tag', 'type tree']);
    expect(readExpect('varied', 'names-batch-check.txt')).toMatch(/^[0-9a-f]{4} ambiguous$/m);
    expect(batchCheck('varied').length).toBeGreaterThan(100);
    const [pack] = packs('varied');
    const types = entryTypes('varied', pack ?? '');
    expect(types).toContain(6);
    expect(types).not.toContain(7);
    expect(fs.existsSync(path.join(gitDir('varied'), 'packed-refs'))).toBe(false);
    expect(meta('varied', 'loose_objects')).toBe('0');
  });

  it('loose: loose objects beside the pack, packed-refs shadowed by loose refs', () => {
    const objects = path.join(gitDir('loose'), 'objects');
    const looseFiles = fs
      .readdirSync(objects)
      .filter((d) => /^[0-9a-f]{2}$/.test(d))
      .flatMap((d) => fs.readdirSync(path.join(objects, d)).map((f) => d + f));
    expect(looseFiles.length).toBeGreaterThan(5);
    expect(Number(meta('loose', 'loose_objects'))).toBe(looseFiles.length);
    const packed = fs.readFileSync(path.join(gitDir('loose'), 'packed-refs'), 'utf8');
    const packedMain = packed.match(/^([0-9a-f]{40}) refs\/heads\/main$/m)?.[1];
    const looseMain = fs.readFileSync(path.join(gitDir('loose'), 'refs/heads/main'), 'utf8').trim();
    expect(packedMain).toMatch(/^[0-9a-f]{40}$/);
    expect(looseMain).not.toBe(packedMain);
    expect(readExpect('loose', 'refs.txt')).toContain(`${looseMain} commit refs/heads/main`);
    // one loose object is also in the pack; git lists it once
    const [pack] = packs('loose');
    const packed2 = new Set(showIndex('loose', pack ?? '').map(([, oid]) => oid));
    expect(looseFiles.some((oid) => packed2.has(oid))).toBe(true);
    const all = batchCheck('loose').map((o) => o.oid);
    expect(new Set(all).size).toBe(all.length);
  });

  it('idx-v1: the idx is version 1 (no magic) and sized as v1', () => {
    const [pack] = packs('idx-v1');
    const idx = fs.readFileSync(path.join(packDir('idx-v1'), `${pack}.idx`));
    expect(idx.readUInt32BE(0)).not.toBe(IDX_V2_MAGIC);
    const n = idx.readUInt32BE(255 * 4);
    expect(idx.length).toBe(1024 + n * 24 + 40);
    expect(showIndex('idx-v1', pack ?? '')[0]?.[1]).toMatch(/^[0-9a-f]{40}$/);
    expect(readExpect('idx-v1', `show-index-${pack}.txt`)).not.toContain('(');
    // same pack bytes as varied's
    const [variedPack] = packs('varied');
    expect(pack).toBe(variedPack);
    expect(readExpect('idx-v1', 'batch.sha256')).toBe(readExpect('varied', 'batch.sha256'));
  });

  it('idx-v2-large: version 2 with a 64-bit offset table', () => {
    const [pack] = packs('idx-v2-large');
    const idx = fs.readFileSync(path.join(packDir('idx-v2-large'), `${pack}.idx`));
    expect(idx.readUInt32BE(0)).toBe(IDX_V2_MAGIC);
    expect(idx.readUInt32BE(4)).toBe(2);
    const n = idx.readUInt32BE(8 + 255 * 4);
    const minimum = 8 + 1024 + n * (20 + 4 + 4) + 40;
    expect(idx.length).toBeGreaterThan(minimum);
    const large = (idx.length - minimum) / 8;
    expect(Number.isInteger(large)).toBe(true);
    let flagged = 0;
    for (let i = 0; i < n; i++) if (idx.readUInt32BE(8 + 1024 + n * 24 + i * 4) >= 0x80000000) flagged++;
    expect(flagged).toBe(large);
    expect(large).toBeGreaterThan(n / 2);
  });

  it('long-chains: a delta chain longer than 1000', () => {
    expect(maxChain('long-chains')).toBeGreaterThan(1000);
    expect(Number(meta('long-chains', 'max_chain'))).toBe(maxChain('long-chains'));
    expect(batchCheck('long-chains').filter((o) => o.type === 'commit')).toHaveLength(3000);
  });

  it('ref-delta: deltas are REF_DELTA (type 7), none OFS_DELTA (type 6)', () => {
    const [pack] = packs('ref-delta');
    const types = entryTypes('ref-delta', pack ?? '');
    expect(types.filter((t) => t === 7).length).toBeGreaterThan(10);
    expect(types).not.toContain(6);
    expect(readExpect('ref-delta', 'batch.sha256')).toBe(readExpect('varied', 'batch.sha256'));
  });

  it('multi-pack: a midx over 6 packs, 2 packs outside it, objects in several packs', () => {
    const midx = fs.readFileSync(path.join(packDir('multi-pack'), 'multi-pack-index'));
    expect(midx.toString('latin1', 0, 4)).toBe('MIDX');
    expect(midx[4]).toBe(1);
    expect(midx.readUInt32BE(8)).toBe(6);
    const list = packs('multi-pack');
    expect(list.length).toBeGreaterThanOrEqual(8);
    const covered = list.filter((p) => midx.includes(Buffer.from(`${p}.idx\0`)));
    expect(covered).toHaveLength(6);
    const seen = new Map<string, number>();
    for (const p of list) for (const [, oid] of showIndex('multi-pack', p)) seen.set(oid, (seen.get(oid) ?? 0) + 1);
    expect([...seen.values()].filter((c) => c > 1).length).toBeGreaterThan(5);
    expect(seen.size).toBe(batchCheck('multi-pack').length);
    expect(readExpect('multi-pack', 'midx-verify.rc').trim()).toBe('0');
    expect(list.some((p) => fs.existsSync(path.join(packDir('multi-pack'), `${p}.keep`)))).toBe(true);
  });

  it('large-blobs: a 30 MiB blob and a delta of a 20 MiB blob', () => {
    const objects = batchCheck('large-blobs');
    expect(objects.some((o) => o.type === 'blob' && o.size === 30 * 1024 * 1024)).toBe(true);
    const big = new Set(objects.filter((o) => o.size > 1_000_000).map((o) => o.oid));
    expect(big.size).toBe(3);
    const [pack] = packs('large-blobs');
    const deltas = readExpect('large-blobs', `verify-pack-${pack}.txt`)
      .split('\n')
      .map((l) => l.split(/ +/))
      .filter((f) => f.length === 7 && big.has(f[0] ?? ''));
    expect(deltas.length).toBeGreaterThan(0);
  });

  it('sha256: 64-hex ids everywhere, an idx sized for 32-byte hashes, loose objects too', () => {
    expect(meta('sha256', 'hash_algo')).toBe('sha256');
    const [pack] = packs('sha256');
    expect(pack).toMatch(/^pack-[0-9a-f]{64}$/);
    for (const [, oid] of showIndex('sha256', pack ?? '')) expect(oid).toMatch(/^[0-9a-f]{64}$/);
    const idx = fs.readFileSync(path.join(packDir('sha256'), `${pack}.idx`));
    const n = idx.readUInt32BE(8 + 255 * 4);
    expect(idx.length).toBe(8 + 1024 + n * (32 + 4 + 4) + 64);
    expect(Number(meta('sha256', 'loose_objects'))).toBeGreaterThan(0);
    expect(readExpect('sha256', 'names-batch-check.txt')).toMatch(/^[0-9a-f]{4} ambiguous$/m);
  });

  it('demo: small, two packs and a midx, a PNG, a v1.0 tag', () => {
    expect(treeSize(path.join(dir('demo'), 'repo'))).toBeLessThan(200 * 1024);
    expect(packs('demo')).toHaveLength(2);
    expect(fs.existsSync(path.join(packDir('demo'), 'multi-pack-index'))).toBe(true);
    const png = fs.readFileSync(path.join(dir('demo'), 'repo/docs/logo.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(readExpect('demo', 'refs.txt')).toMatch(/ tag refs\/tags\/v1\.0$/m);
    expect(batchCheck('demo').filter((o) => o.type === 'commit').length).toBeGreaterThanOrEqual(15);
  });
});
