/**
 * Lazy loading of `cassandra-driver`: validation and `outpools check` never load it; the first
 * connect does, once.
 * @module
 */

/** The `cassandra-driver` module. */
export type CassandraModule = typeof import('cassandra-driver');

let loading: Promise<CassandraModule> | undefined;

/** `cassandra-driver`, imported on first use (a failed import is retried on the next call). */
export function loadCassandraDriver(): Promise<CassandraModule> {
  loading ??= import('cassandra-driver').then(
    (mod) => ((mod as { default?: CassandraModule }).default ?? mod) as CassandraModule,
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
