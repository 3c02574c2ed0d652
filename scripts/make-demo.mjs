// Copies the demo fixture's git directory (built by fixtures/build.sh) into public/demo with a
// manifest of its files, so the app can open it with no folder at hand. The result is
// committed: `npm start` on a fresh clone needs no git.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const fixture = 'fixtures/build/demo';
const gitdir = join(fixture, readFileSync(join(fixture, 'gitdir'), 'utf8').trim());
const out = 'public/demo';
const keep = (rel) => rel === 'HEAD' || rel === 'config' || rel === 'packed-refs' || rel.startsWith('refs/') || rel.startsWith('objects/');

rmSync(out, { recursive: true, force: true });
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const rel = relative(gitdir, full).split('\\').join('/');
    if (statSync(full).isDirectory()) walk(full);
    else if (keep(rel)) {
      mkdirSync(join(out, rel, '..'), { recursive: true });
      cpSync(full, join(out, rel));
      files.push({ path: rel, size: statSync(full).size, mtimeMs: Math.round(statSync(full).mtimeMs) });
    }
  }
})(gitdir);
writeFileSync(join(out, 'manifest.json'), JSON.stringify({ name: 'demo', files }, null, 2) + '\n');
console.error(`public/demo: ${files.length} files, ${files.reduce((s, f) => s + f.size, 0)} bytes`);
