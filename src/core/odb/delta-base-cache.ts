import type { ObjectType } from '../objects/types.ts';

/**
 * Decoded objects kept because deltas are built on them (libgit2's and git's delta base cache).
 * Keyed by pack and offset; least recently used dropped first under a byte budget; objects
 * larger than a cut-off are never kept. A linked list, not a Map used as a queue: the cache
 * is hit once per delta and a Map's delete/re-insert costs too much on that path.
 */

interface Node {
  owner: Map<number, Node>;
  offset: number;
  type: ObjectType;
  data: Uint8Array;
  prev: Node | null;
  next: Node | null;
}

/** Counters for the cache panel and the benchmark. */
export interface DeltaBaseCacheStats {
  hits: number;
  misses: number;
  bytesHeld: number;
  entries: number;
  peakBytesHeld: number;
}

/** A shared delta-base cache. Each pack asks for its own key space with `space()`. */
export class DeltaBaseCache {
  readonly stats: DeltaBaseCacheStats = { hits: 0, misses: 0, bytesHeld: 0, entries: 0, peakBytesHeld: 0 };
  private head: Node | null = null;
  private tail: Node | null = null;

  constructor(
    readonly budget = 96 << 20,
    readonly maxEntryBytes = 16 << 20,
  ) {}

  /** A key space (one per pack). */
  space(): Map<number, Node> {
    return new Map();
  }

  get(space: Map<number, Node>, offset: number): { type: ObjectType; data: Uint8Array } | undefined {
    const node = space.get(offset);
    if (!node) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    this.moveToFront(node);
    return node;
  }

  put(space: Map<number, Node>, offset: number, type: ObjectType, data: Uint8Array): void {
    if (data.length > this.maxEntryBytes || space.has(offset)) return;
    while (this.tail && this.stats.bytesHeld + data.length > this.budget) this.remove(this.tail);
    const node: Node = { owner: space, offset, type, data, prev: null, next: null };
    space.set(offset, node);
    this.stats.entries++;
    this.stats.bytesHeld += data.length;
    if (this.stats.bytesHeld > this.stats.peakBytesHeld) this.stats.peakBytesHeld = this.stats.bytesHeld;
    this.moveToFront(node);
  }

  clear(): void {
    while (this.tail) this.remove(this.tail);
  }

  private moveToFront(node: Node): void {
    if (this.head === node) return;
    if (node.prev) node.prev.next = node.next;
    if (node.next) node.next.prev = node.prev;
    if (this.tail === node) this.tail = node.prev;
    node.prev = null;
    node.next = this.head;
    if (this.head) this.head.prev = node;
    this.head = node;
    if (!this.tail) this.tail = node;
  }

  private remove(node: Node): void {
    if (node.prev) node.prev.next = node.next;
    if (node.next) node.next.prev = node.prev;
    if (this.head === node) this.head = node.next;
    if (this.tail === node) this.tail = node.prev;
    node.prev = node.next = null;
    node.owner.delete(node.offset);
    this.stats.entries--;
    this.stats.bytesHeld -= node.data.length;
  }
}

/** The key space type, for owners. */
export type DeltaBaseSpace = ReturnType<DeltaBaseCache['space']>;
