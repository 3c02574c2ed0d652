import { describe, expect, it } from 'vitest';
import { forEachCommitLink, parseCommit } from '../src/core/objects/commit.ts';

const enc = new TextEncoder();
const T = 'a'.repeat(40);
const P1 = 'b'.repeat(40);
const P2 = 'c'.repeat(40);

/** What forEachCommitLink reports, as parseCommit's shape (or the error message). */
function links(data: Uint8Array): { tree: string; parents: string[] } | string {
  const decode = (s: number, e: number) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(data.subarray(s, e));
  try {
    let tree = '';
    const parents: string[] = [];
    forEachCommitLink(data, (isParent, s, e) => (isParent ? parents.push(decode(s, e)) : (tree = decode(s, e))));
    return { tree, parents };
  } catch (err) {
    return (err as Error).message;
  }
}

function parsed(data: Uint8Array): { tree: string; parents: string[] } | string {
  try {
    const c = parseCommit(data);
    return { tree: c.tree, parents: c.parents };
  } catch (err) {
    return (err as Error).message;
  }
}

describe('forEachCommitLink', () => {
  const cases: Record<string, Uint8Array> = {
    'a root commit': enc.encode(`tree ${T}\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nmessage\nparent ${P1}\n`),
    'a merge': enc.encode(`tree ${T}\nparent ${P1}\nparent ${P2}\nauthor A <a@x> 1 +0000\n\nm`),
    'parents before the tree, two tree lines': enc.encode(`parent ${P1}\ntree ${T}\ntree ${P2}\nparent ${P2}\n\nm`),
    'a signature with continuation lines': enc.encode(`tree ${T}\nparent ${P1}\ngpgsig -----BEGIN\n parent ${P2}\n -----END\n\nm`),
    'no header end, no message': enc.encode(`tree ${T}\nparent ${P1}`),
    'no tree line': enc.encode(`parent ${P1}\nauthor A <a@x> 1 +0000\n\nm`),
    'an empty tree value': enc.encode(`tree\ntree ${T}\n\nm`),
    'a tree value of one space': enc.encode(`tree \n\nm`),
    'a continuation line first': enc.encode(` x\ntree ${T}\n\nm`),
    'keys that only start like tree and parent': enc.encode(`trees ${P1}\nparents ${P2}\ntree ${T}\n\nm`),
    'values that are not ids': enc.encode(`tree ${T.toUpperCase()}\nparent xyz\nparent ${P1} extra\n\nm`),
    'a byte-order mark first': Uint8Array.from([0xef, 0xbb, 0xbf, ...enc.encode(`tree ${T}\n\nm`)]),
    'a byte-order mark in a value': Uint8Array.from([...enc.encode('tree '), 0xef, 0xbb, 0xbf, ...enc.encode(`${T}\n\nm`)]),
    'invalid UTF-8 in a value': Uint8Array.from([...enc.encode(`tree ${T}\nparent `), 0xff, 0xc3, ...enc.encode(`\n\nm`)]),
    'blank lines before the header': enc.encode(`\ntree ${T}\n\nm`),
    empty: new Uint8Array(0),
  };
  for (const [name, data] of Object.entries(cases)) {
    it(`finds what parseCommit finds: ${name}`, () => {
      expect(links(data)).toEqual(parsed(data));
    });
  }
});
