import { describe, expect, it } from 'vitest';
import { hashFor, parseHash, parseLineAnchor } from '../src/app/lib/route.ts';

describe('line links in the browse route', () => {
  it('reads #L10, #L10-L20 and a range written backwards', () => {
    expect(parseLineAnchor('L10')).toEqual({ from: 10, to: 10 });
    expect(parseLineAnchor('L10-L20')).toEqual({ from: 10, to: 20 });
    expect(parseLineAnchor('L20-L10')).toEqual({ from: 10, to: 20 });
    expect(parseLineAnchor('L10-20')).toEqual({ from: 10, to: 20 });
    for (const bad of ['', 'L0', 'L', 'x', 'L1-', 'L1e3', 'L99999999999']) expect(parseLineAnchor(bad), bad).toBeUndefined();
  });

  it('round-trips a file with lines, and a path holding # and % stays a path', () => {
    const route = { view: 'browse' as const, rev: 'main', path: ['src', 'a#b%c.c'], lines: { from: 3, to: 5 } };
    const hash = hashFor('demo', route);
    expect(hash).toBe('#/demo/browse/main/src/a%23b%25c.c#L3-L5');
    expect(parseHash(hash)).toEqual({ repo: 'demo', route });
    expect(parseHash('#/demo/browse/main/src/a.c')).toEqual({ repo: 'demo', route: { view: 'browse', rev: 'main', path: ['src', 'a.c'] } });
    // An anchor that is not a line range is ignored.
    expect(parseHash('#/demo/browse/main/README.md#install')).toEqual({ repo: 'demo', route: { view: 'browse', rev: 'main', path: ['README.md'] } });
  });

  it('carries the commit and path a blob was reached from on its object page', () => {
    const route = { view: 'object' as const, oid: 'ab'.repeat(20), at: { commit: 'cd'.repeat(20), path: ['src', 'main.c'] } };
    const hash = hashFor('demo', route);
    expect(hash).toBe(`#/demo/object/${'ab'.repeat(20)}?commit=${'cd'.repeat(20)}&path=src%2Fmain.c`);
    expect(parseHash(hash)).toEqual({ repo: 'demo', route });
    expect(parseHash(`#/demo/object/${'ab'.repeat(20)}`)).toEqual({ repo: 'demo', route: { view: 'object', oid: 'ab'.repeat(20) } });
  });
});
