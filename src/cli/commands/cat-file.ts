import { readFileSync } from 'node:fs';
import { PackscopeError } from '../../core/errors.ts';
import { toHex } from '../../core/hash/hex.ts';
import { formatTreeListing } from '../../core/objects/ls-tree.ts';
import { parseTree } from '../../core/objects/tree.ts';
import type { ObjectDatabase } from '../../core/odb/database.ts';
import { resolveName, type NameResult } from '../../core/odb/names.ts';
import { Output } from '../output.ts';
import { batchAllPooled, batchPoolSettings } from '../pool/batch-all.ts';
import { openRepository } from '../repository.ts';
import { UsageError, reportError } from '../errors.ts';

const NEWLINE = Uint8Array.of(0x0a);

/** `cat-file (--batch | --batch-check) [--batch-all-objects] <path>` and `cat-file -t|-s|-p|-e <object> <path>`. */
export async function catFile(args: string[]): Promise<number> {
  const flags = args.filter((a) => a.startsWith('-'));
  const rest = args.filter((a) => !a.startsWith('-'));
  const batch = flags.includes('--batch');
  const batchCheck = flags.includes('--batch-check');
  const all = flags.includes('--batch-all-objects');
  const unknown = flags.filter((f) => !['--batch', '--batch-check', '--batch-all-objects', '-t', '-s', '-p', '-e'].includes(f));
  if (unknown.length > 0) throw new UsageError(`cat-file: unknown option ${unknown[0]}`);
  if (batch || batchCheck) {
    if (batch && batchCheck) throw new UsageError('cat-file: --batch and --batch-check are exclusive');
    if (rest.length !== 1) throw new UsageError('cat-file: give exactly one repository path');
    const { db, refs } = await openRepository(rest[0]);
    const out = new Output();
    let status = 0;
    if (all) {
      // What failed to open (an idx that claims 2^32-1 objects, a midx that does not load) is
      // said first, as git says it when it opens the packs; the listing then goes on with what
      // did open, and the exit status stays git's (0).
      for (const problem of db.problems) reportError(problem);
      // --batch on a pool of worker threads (src/cli/pool); PACKSCOPE_WORKERS=1 keeps batchAll.
      const pool = batch ? batchPoolSettings(db) : undefined;
      status = pool ? await batchAllPooled(db, out, rest[0], pool) : batchAll(db, out, batch);
    } else {
      const input = readFileSync(0);
      const text = new TextDecoder().decode(input);
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      for (const line of lines) {
        const name = line;
        let result: NameResult;
        try {
          result = resolveName(db, refs, name);
        } catch (err) {
          out.text(`${name} missing\n`);
          out.flush();
          reportError(err);
          status = 1;
          continue;
        }
        if (result.kind === 'ambiguous') {
          out.text(`${name} ambiguous\n`);
          continue;
        }
        if (result.kind === 'missing') {
          out.text(`${name} missing\n`);
          continue;
        }
        if (!emitOne(db, out, result.oid, batch, name)) status = 1;
      }
    }
    out.flush();
    return status;
  }
  const mode = flags.find((f) => ['-t', '-s', '-p', '-e'].includes(f));
  if (!mode || flags.length !== 1) throw new UsageError('cat-file: give one of -t, -s, -p, -e, --batch, --batch-check');
  if (rest.length !== 2) throw new UsageError(`cat-file ${mode}: give <object> <path>`);
  const [name, path] = rest;
  const { db, refs } = await openRepository(path);
  const result = resolveName(db, refs, name);
  if (result.kind === 'ambiguous') {
    process.stderr.write(`error: short object ID ${name} is ambiguous\n`);
    for (const c of result.candidates) process.stderr.write(`hint:   ${c}\n`);
    return 2;
  }
  if (result.kind === 'missing' || !db.has(result.oid)) {
    if (mode === '-e') return 1;
    process.stderr.write(`fatal: Not a valid object name ${name}\n`);
    return 1;
  }
  const out = new Output();
  if (mode === '-e') return 0;
  if (mode === '-t') out.text(`${db.info(result.oid).type}\n`);
  else if (mode === '-s') out.text(`${db.info(result.oid).size}\n`);
  else {
    const obj = db.read(result.oid);
    out.bytes(obj.type === 'tree' ? formatTreeListing(parseTree(obj.data, db.algo)) : obj.data);
  }
  out.flush();
  return 0;
}

/** Prints one object for --batch / --batch-check; false when it could not be read. */
function emitOne(db: ObjectDatabase, out: Output, oid: Uint8Array, withContent: boolean, name: string): boolean {
  const hex = toHex(oid);
  try {
    const loc = db.locate(oid);
    if (!loc) {
      out.text(`${name} missing\n`);
      return true;
    }
    if (withContent) {
      const obj = db.readAt(loc);
      out.text(`${hex} ${obj.type} ${obj.data.length}\n`);
      out.bytes(obj.data);
      out.bytes(NEWLINE);
    } else {
      const info = db.infoAt(loc);
      out.text(`${hex} ${info.type} ${info.size}\n`);
    }
    reportBadCopies(db, out);
    return true;
  } catch (err) {
    if (!(err instanceof PackscopeError)) throw err;
    out.text(`${name} missing\n`);
    out.flush();
    reportError(err, `cannot read ${hex}`);
    return false;
  }
}

/** Says which copies failed while another copy of the object was read (git's retry), on stderr. */
function reportBadCopies(db: ObjectDatabase, out: Output): void {
  if (db.badCopies.length === 0) return;
  out.flush();
  for (const bad of db.badCopies.splice(0)) reportError(bad.error, `${bad.oid}: copy unreadable, read from ${bad.readFrom} instead`);
}

function batchAll(db: ObjectDatabase, out: Output, withContent: boolean): number {
  let status = 0;
  // Types and sizes of every entry, each pack read once front to back in pack order.
  if (!withContent) db.scanAllPacks();
  for (const { oid, location } of db.allObjects()) {
    try {
      if (withContent) {
        const obj = db.readAt(location);
        out.objectLine(oid, obj.type, obj.data.length);
        out.bytes(obj.data);
        out.bytes(NEWLINE);
      } else {
        const info = db.infoAt(location);
        out.objectLine(oid, info.type, info.size);
      }
      reportBadCopies(db, out);
    } catch (err) {
      if (!(err instanceof PackscopeError)) throw err;
      out.objectLine(oid, 'missing', undefined);
      out.flush();
      reportError(err, `cannot read ${toHex(oid)}`);
      status = 1;
    }
  }
  return status;
}
