/**
 * Key routing (`hash_worker`): the same key always maps to the same worker index while the
 * worker count is unchanged, whether that worker is live or reconnecting.
 * @module
 */

/** FNV-1a, 32 bits, over UTF-16 code units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The worker index for `key` among `count` workers.
 *
 * @example
 * ```ts
 * hashIndex('user:42', 10) === hashIndex('user:42', 10); // true
 * ```
 */
export function hashIndex(key: string | number, count: number): number {
  if (count <= 1) return 0;
  if (typeof key === 'number' && Number.isSafeInteger(key)) return Math.abs(key) % count;
  return fnv1a(String(key)) % count;
}
