import type { FileEntry } from './discover.ts';

/**
 * References: `HEAD`, `packed-refs` and loose files under `refs/`. A loose ref overrides a
 * packed one of the same name, as in git.
 */

/** A ref's value: an object id in hex, or a symbolic target. */
export type RefValue = { kind: 'oid'; oid: string; peeled?: string } | { kind: 'symbolic'; target: string };

/** All references by full name (`HEAD`, `refs/heads/main`). */
export type RefMap = Map<string, RefValue>;

function decode(file: FileEntry): string {
  return new TextDecoder().decode(file.source.read(0, Math.min(file.source.size, 64 << 20)));
}

function parseValue(text: string): RefValue | undefined {
  const line = text.split('\n')[0].trim();
  if (line.startsWith('ref:')) return { kind: 'symbolic', target: line.slice(4).trim() };
  if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(line)) return { kind: 'oid', oid: line };
  return undefined;
}

/** Reads every ref; `gitDir` is the prefix to strip from paths. */
export function readRefs(files: FileEntry[], gitDir: string): RefMap {
  const refs: RefMap = new Map();
  const prefix = gitDir === '' ? '' : gitDir + '/';
  const packed = files.find((f) => f.path === prefix + 'packed-refs');
  if (packed) {
    let last: { kind: 'oid'; oid: string; peeled?: string } | undefined;
    for (const line of decode(packed).split('\n')) {
      if (line.startsWith('#') || line === '') continue;
      if (line.startsWith('^')) {
        if (last) last.peeled = line.slice(1).trim();
        continue;
      }
      const m = /^([0-9a-f]{40}(?:[0-9a-f]{24})?) (.+)$/.exec(line);
      if (m) {
        last = { kind: 'oid', oid: m[1] };
        refs.set(m[2], last);
      }
    }
  }
  for (const f of files) {
    if (f.path === prefix + 'packed-refs') continue;
    const name = f.path.slice(prefix.length);
    const value = parseValue(decode(f));
    if (value) refs.set(name, value);
  }
  return refs;
}

/** Follows symbolic refs to an object id (at most 10 hops, like git). */
export function resolveRef(refs: RefMap, name: string): string | undefined {
  let current = name;
  for (let hop = 0; hop < 10; hop++) {
    const v = refs.get(current);
    if (!v) return undefined;
    if (v.kind === 'oid') return v.oid;
    current = v.target;
  }
  return undefined;
}

/** git's ref_rev_parse_rules: how a short name like `main` or `v1.0` is looked up. */
export function dwimRef(refs: RefMap, name: string): string | undefined {
  const rules = [name, `refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`];
  for (const full of rules) {
    if (full === name && !/^[A-Z_]*HEAD$/.test(name) && !name.startsWith('refs/')) continue;
    const oid = resolveRef(refs, full);
    if (oid) return oid;
  }
  return undefined;
}
