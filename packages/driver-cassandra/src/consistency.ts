/**
 * Consistency levels by name, as the native protocol numbers them (the values of
 * cassandra-driver's `types.consistencies`, kept here so that nothing loads the library early).
 * @module
 */

/** Every consistency level, by the name cassandra-driver uses. */
export const CONSISTENCIES = {
  any: 0x00,
  one: 0x01,
  two: 0x02,
  three: 0x03,
  quorum: 0x04,
  all: 0x05,
  localQuorum: 0x06,
  eachQuorum: 0x07,
  serial: 0x08,
  localSerial: 0x09,
  localOne: 0x0a,
} as const;

/** A consistency level's name (`"quorum"`, `"localOne"`...). */
export type ConsistencyName = keyof typeof CONSISTENCIES;

/** A consistency level: its name, or its protocol number (`types.consistencies.quorum`). */
export type Consistency = ConsistencyName | (typeof CONSISTENCIES)[ConsistencyName];

/** The protocol number of a consistency level; throws a `TypeError` for an unknown name. */
export function consistencyCode(level: Consistency): number {
  if (typeof level === 'number') return level;
  const code = (CONSISTENCIES as Readonly<Record<string, number>>)[level];
  if (code === undefined) throw new TypeError(`unknown consistency level "${String(level)}"`);
  return code;
}
