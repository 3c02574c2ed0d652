import { PackscopeError } from '../../core/errors.ts';
import { toHex } from '../../core/hash/hex.ts';
import type { ObjectDatabase, ObjectLocation } from '../../core/odb/database.ts';
import type { GitObject } from '../../core/objects/types.ts';

/**
 * One chunk of `cat-file --batch-all-objects --batch`: consecutive objects in id order,
 * formatted exactly as cat-file's single-threaded batchAll prints them —
 * `<oid> <type> <size>\n<content>\n`, or `<oid> missing\n` and an `error: cannot read <oid>: …`
 * line on stderr for an object that cannot be read. The output is cut into pieces of at most
 * `pieceBytes` (an object larger than that spans several pieces); what would go to stderr
 * travels with the pieces as events at a byte position, so the main thread can print both
 * streams in order. Used by the pool worker and by the main thread when a chunk falls back.
 */

/** Something to print on stderr once the chunk's stdout has reached `at`. */
export interface ChunkEvent {
  /** Byte position in the chunk's stdout. */
  at: number;
  /**
   * `unreadable`: an object could not be read (exit status 1, keep going);
   * `fatal`: an error that is not the engine's (single-threaded cat-file throws it and stops).
   */
  kind: 'unreadable' | 'fatal';
  /** unreadable: the whole stderr line; fatal: the error's message. */
  text: string;
}

/** A slice of one chunk's output. */
export interface Piece {
  /** Byte position of `bytes` in the chunk's stdout. */
  start: number;
  bytes: Uint8Array;
  /** Index of `events[0]` among the chunk's events. */
  firstEvent: number;
  events: ChunkEvent[];
  /** Objects of the chunk finished when this piece was cut. */
  objects: number;
}

const NEWLINE = 0x0a;
const HEX_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Accumulates a chunk's output into pieces and hands each full one to `emit`. */
export class PieceBuilder {
  private buffer: Uint8Array | undefined;
  private used = 0;
  /** Chunk stdout position of buffer[0]. */
  private start = 0;
  private events: ChunkEvent[] = [];
  private eventCount = 0;
  objects = 0;

  constructor(
    private readonly pieceBytes: number,
    /** Receives each piece; its buffer belongs to the receiver (it may be transferred). */
    private readonly emit: (piece: Piece) => void,
    /** A buffer of `pieceBytes` to fill (a recycled one when there is). */
    private readonly allocate: () => Uint8Array = () => new Uint8Array(pieceBytes),
  ) {}

  /** `<hex id> <type>[ <size>]\n`, as Output.objectLine writes it. */
  objectLine(oid: Uint8Array, type: string, size: number | undefined): void {
    const need = oid.length * 2 + type.length + 24;
    if (this.room() < need) this.cut();
    const buf = this.ensure();
    let p = this.used;
    for (let i = 0; i < oid.length; i++) {
      const b = oid[i];
      buf[p++] = HEX_CODES[b >> 4];
      buf[p++] = HEX_CODES[b & 15];
    }
    buf[p++] = 0x20;
    for (let i = 0; i < type.length; i++) buf[p++] = type.charCodeAt(i);
    if (size !== undefined) {
      buf[p++] = 0x20;
      const digits = String(size);
      for (let i = 0; i < digits.length; i++) buf[p++] = digits.charCodeAt(i);
    }
    buf[p++] = NEWLINE;
    this.used = p;
  }

  bytes(b: Uint8Array): void {
    let done = 0;
    while (done < b.length) {
      if (this.room() === 0) this.cut();
      const n = Math.min(this.room(), b.length - done);
      this.ensure().set(b.subarray(done, done + n), this.used);
      this.used += n;
      done += n;
    }
  }

  newline(): void {
    if (this.room() === 0) this.cut();
    this.ensure()[this.used++] = NEWLINE;
  }

  event(kind: ChunkEvent['kind'], text: string): void {
    this.events.push({ at: this.start + this.used, kind, text });
  }

  /** Emits what is left (also an empty piece, so events at the very end travel). */
  finish(): void {
    if (this.used > 0 || this.events.length > 0) this.cut();
  }

  private room(): number {
    return this.pieceBytes - this.used;
  }

  private ensure(): Uint8Array {
    if (!this.buffer) this.buffer = this.allocate();
    return this.buffer;
  }

  private cut(): void {
    let bytes: Uint8Array;
    if (this.buffer && this.used >= this.pieceBytes / 2) {
      // Mostly full: hand over the buffer itself and start a new one.
      bytes = this.buffer.subarray(0, this.used);
      this.buffer = undefined;
    } else {
      bytes = this.buffer ? this.buffer.slice(0, this.used) : new Uint8Array(0);
    }
    const piece: Piece = { start: this.start, bytes, firstEvent: this.eventCount, events: this.events, objects: this.objects };
    this.start += this.used;
    this.used = 0;
    this.eventCount += this.events.length;
    this.events = [];
    this.emit(piece);
  }
}

/**
 * Formats `count` objects whose raw ids lie back to back in `oids`; `locate(i)` gives the
 * i-th object's location. `afterObject` is called after each object (a test hook).
 */
export function formatChunk(
  db: ObjectDatabase,
  oids: Uint8Array,
  count: number,
  locate: (i: number, oid: Uint8Array) => ObjectLocation | undefined,
  out: PieceBuilder,
  afterObject?: (done: number) => void,
): void {
  const H = db.algo.size;
  for (let i = 0; i < count; i++) {
    const oid = oids.subarray(i * H, i * H + H);
    let obj: GitObject | undefined;
    try {
      const location = locate(i, oid);
      if (!location) throw new PackscopeError('NotFound', `object ${toHex(oid)} is not in this repository`);
      obj = db.readAt(location);
    } catch (err) {
      if (!(err instanceof PackscopeError)) {
        // cat-file's batchAll rethrows these and the command ends: say so, in order.
        out.event('fatal', err instanceof Error ? err.message : String(err));
        out.objects = i;
        out.finish();
        return;
      }
      out.objectLine(oid, 'missing', undefined);
      // The line reportError(err, `cannot read <hex>`) writes.
      out.event('unreadable', `error: cannot read ${toHex(oid)}: ${err.message}\n`);
    }
    // Outside the try: only reading the object may fail as an object; the rest is our own.
    if (obj) {
      out.objectLine(oid, obj.type, obj.data.length);
      out.bytes(obj.data);
      out.newline();
    }
    out.objects = i + 1;
    afterObject?.(i + 1);
  }
  out.finish();
}
