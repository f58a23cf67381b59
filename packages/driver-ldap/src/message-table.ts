/**
 * The table of one `ldapts` client's requests in flight, in place of the `Map` the client keeps
 * them in (`messageDetailsByMessageId`, keyed by the message id as a decimal string).
 *
 * Why not the `Map`: every request sets one entry and deletes it when answered, so the `Map` is
 * rebuilt into a new backing table every few requests, and V8 links each replaced table to its
 * successor (for iterators still running over the old one). Once a table is in the old
 * generation (a full GC moves every young object still alive there, and the client's current
 * table always is), each later table stays reachable from its dead predecessor until the next
 * full GC: every table, the requests it still listed and the answers reachable from those survive
 * the young-generation GCs and are promoted in turn, and the chain never ends. In the ldap
 * benchmark (`bench/ldap`) that was about 3 MB promoted per young GC from the first full GC on,
 * 20 to 40 MB per run instead of 2 to 3, and young GCs ten times as long. This table keeps its
 * entries in two arrays that are only replaced when they grow: nothing links an old array to a new
 * one, and a deleted entry's slot is cleared.
 *
 * It is an open-addressing hash table on the numeric id (linear probing, deletion by backward
 * shift): the client's ids are consecutive, so they fall in consecutive slots. A key that is not a
 * canonical id (never one of the client's own) goes to a plain `Map` beside it.
 * @module
 */

/** An empty slot of {@link MessageTable}'s id array. */
const EMPTY = -1;
/** The largest id kept in the arrays (LDAP message ids are at most 2^31 - 1, RFC 4511). */
const MAX_ID = 0x7fffffff;
const INITIAL_CAPACITY = 32;

/** The id `key` stands for: a decimal integer from 0 to 2^31 - 1 without leading zeros; else -1. */
function idOf(key: string): number {
  const length = key.length;
  if (length === 0 || length > 10) return EMPTY;
  let id = 0;
  for (let i = 0; i < length; i++) {
    const digit = key.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9 || (digit === 0 && i === 0 && length > 1)) return EMPTY;
    id = id * 10 + digit;
  }
  return id <= MAX_ID ? id : EMPTY;
}

/** What the client does with its table: `get`, `set` and `delete` by message id, `entries()` when its socket closes. */
export class MessageTable<V> {
  #ids: number[] = new Array<number>(INITIAL_CAPACITY).fill(EMPTY);
  #values: (V | undefined)[] = new Array<V | undefined>(INITIAL_CAPACITY).fill(undefined);
  #mask = INITIAL_CAPACITY - 1;
  #count = 0;
  /** Entries whose key is not a canonical id (made on first use). */
  #other: Map<string, V> | undefined = undefined;

  /** Entries in the table. */
  get size(): number {
    return this.#count + (this.#other?.size ?? 0);
  }

  get(key: string): V | undefined {
    const id = idOf(key);
    if (id === EMPTY) return this.#other?.get(key);
    const slot = this.#find(id);
    return slot < 0 ? undefined : this.#values[slot];
  }

  set(key: string, value: V): this {
    const id = idOf(key);
    if (id === EMPTY) {
      (this.#other ??= new Map()).set(key, value);
      return this;
    }
    const found = this.#find(id);
    if (found >= 0) {
      this.#values[found] = value;
      return this;
    }
    if (2 * (this.#count + 1) > this.#ids.length) this.#grow();
    this.#place(id, value);
    this.#count++;
    return this;
  }

  delete(key: string): boolean {
    const id = idOf(key);
    if (id === EMPTY) return this.#other?.delete(key) ?? false;
    const slot = this.#find(id);
    if (slot < 0) return false;
    this.#remove(slot);
    this.#count--;
    return true;
  }

  /** The entries at the time of the call; an entry deleted before it is reached is skipped (the client deletes while it iterates). */
  *entries(): IterableIterator<[string, V]> {
    const snapshot: [string, V][] = [];
    const ids = this.#ids;
    const values = this.#values;
    for (let slot = 0; slot < ids.length; slot++) {
      if (ids[slot] !== EMPTY) snapshot.push([String(ids[slot]), values[slot] as V]);
    }
    if (this.#other !== undefined) snapshot.push(...this.#other.entries());
    for (const entry of snapshot) if (this.get(entry[0]) === entry[1]) yield entry;
  }

  /** The slot holding `id`, or -1. */
  #find(id: number): number {
    const ids = this.#ids;
    const mask = this.#mask;
    for (let slot = id & mask; ; slot = (slot + 1) & mask) {
      const here = ids[slot]!;
      if (here === id) return slot;
      if (here === EMPTY) return -1;
    }
  }

  /** Put `id` in the first free slot from its own (it is not in the table, and there is room). */
  #place(id: number, value: V | undefined): void {
    const ids = this.#ids;
    const mask = this.#mask;
    let slot = id & mask;
    while (ids[slot] !== EMPTY) slot = (slot + 1) & mask;
    ids[slot] = id;
    this.#values[slot] = value;
  }

  /** Empty `slot`, moving back the entries after it that would no longer be found (linear probing). */
  #remove(slot: number): void {
    const ids = this.#ids;
    const values = this.#values;
    const mask = this.#mask;
    let hole = slot;
    ids[hole] = EMPTY;
    values[hole] = undefined;
    for (let next = (hole + 1) & mask; ids[next] !== EMPTY; next = (next + 1) & mask) {
      const home = ids[next]! & mask;
      // The entry at `next` stays unless its own slot is outside (hole, next], cyclically.
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      ids[hole] = ids[next]!;
      values[hole] = values[next];
      ids[next] = EMPTY;
      values[next] = undefined;
      hole = next;
    }
  }

  /** Double the capacity. */
  #grow(): void {
    const ids = this.#ids;
    const values = this.#values;
    const capacity = ids.length * 2;
    this.#ids = new Array<number>(capacity).fill(EMPTY);
    this.#values = new Array<V | undefined>(capacity).fill(undefined);
    this.#mask = capacity - 1;
    for (let slot = 0; slot < ids.length; slot++) if (ids[slot] !== EMPTY) this.#place(ids[slot]!, values[slot]);
  }
}

/**
 * Give an `ldapts` client a {@link MessageTable} for its requests in flight. Only a client whose
 * table is still an empty `Map` (a fresh `ldapts` 8 client) is changed; any other is left alone.
 */
export function useMessageTable(client: object): void {
  const holder = client as { messageDetailsByMessageId?: unknown };
  const current = holder.messageDetailsByMessageId;
  if (current instanceof Map && current.size === 0) holder.messageDetailsByMessageId = new MessageTable();
}
