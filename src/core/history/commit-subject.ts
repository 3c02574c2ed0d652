/**
 * A commit's one-line subject as `git log --oneline` prints it (pretty.c): the message
 * re-encoded to UTF-8 when an `encoding` header names another charset, leading blank lines
 * skipped, then the first paragraph's lines, each without trailing whitespace, joined by a space.
 * git's message is a C string: it ends at the first NUL byte.
 */

const utf8Encoder = new TextEncoder();

/** The subject's bytes (UTF-8 when the commit's encoding could be converted, else as stored). */
export function onelineSubject(data: Uint8Array): Uint8Array {
  const nul = data.indexOf(0);
  const text = nul < 0 ? data : data.subarray(0, nul);
  const headerEnd = blankLineAt(text);
  let msg = headerEnd < 0 ? new Uint8Array(0) : text.subarray(headerEnd + 2);
  const encoding = headerValue(text, headerEnd < 0 ? text.length : headerEnd, 'encoding');
  if (encoding !== undefined) msg = reencode(msg, encoding);
  const parts: Uint8Array[] = [];
  let pos = 0;
  let started = false;
  while (pos < msg.length) {
    let end = msg.indexOf(0x0a, pos);
    const next = end < 0 ? msg.length : end + 1;
    if (end < 0) end = msg.length;
    let len = end - pos;
    while (len > 0 && isSpace(msg[pos + len - 1])) len--;
    if (len === 0) {
      // Blank: skipped before the subject, ends it after.
      if (started) break;
    } else {
      started = true;
      parts.push(msg.subarray(pos, pos + len));
    }
    pos = next;
  }
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size + Math.max(0, parts.length - 1));
  let o = 0;
  parts.forEach((p, i) => {
    if (i > 0) out[o++] = 0x20;
    out.set(p, o);
    o += p.length;
  });
  return out;
}

/** git's isspace: tab, newline, carriage return, space (not vertical tab or form feed). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Offset of the "\n\n" ending the header, or -1. */
function blankLineAt(data: Uint8Array): number {
  for (let i = data.indexOf(0x0a); i >= 0 && i + 1 < data.length; i = data.indexOf(0x0a, i + 1)) {
    if (data[i + 1] === 0x0a) return i;
  }
  return -1;
}

function headerValue(data: Uint8Array, end: number, key: string): string | undefined {
  let pos = 0;
  while (pos < end) {
    let eol = data.indexOf(0x0a, pos);
    if (eol < 0 || eol > end) eol = end;
    if (eol - pos > key.length && data[pos + key.length] === 0x20) {
      let match = true;
      for (let i = 0; i < key.length && match; i++) match = data[pos + i] === key.charCodeAt(i);
      if (match) return String.fromCharCode(...data.subarray(pos + key.length + 1, Math.min(eol, pos + key.length + 1 + 64)));
    }
    pos = eol + 1;
  }
  return undefined;
}

/** To UTF-8 from the commit's charset as git's iconv would; unchanged when it is UTF-8 or unknown. */
function reencode(msg: Uint8Array, encoding: string): Uint8Array {
  const label = encoding.trim().toLowerCase();
  if (label === 'utf-8' || label === 'utf8') return msg;
  // WHATWG's "iso-8859-1" is windows-1252; iconv's is Latin-1 proper: every byte its code point.
  if (label === 'iso-8859-1' || label === 'iso8859-1' || label === 'latin1' || label === 'latin-1') {
    let s = '';
    for (let i = 0; i < msg.length; i++) s += String.fromCharCode(msg[i]);
    return utf8Encoder.encode(s);
  }
  try {
    return utf8Encoder.encode(new TextDecoder(label, { fatal: true }).decode(msg));
  } catch {
    return msg;
  }
}
