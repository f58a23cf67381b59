/**
 * The OpenTelemetry semantic-convention names this package exports under (database client
 * connection-pool metrics, semantic conventions 1.26 and later; "development" stability there).
 * @module
 */

/** Metric names, units and what each one reports from outpools. */
export const DB_CLIENT_CONNECTION_METRICS = {
  /** Live workers by `db.client.connection.state`: `idle` (no call running) or `used`. UpDownCounter. */
  count: { name: 'db.client.connection.count', unit: '{connection}' },
  /** Configured workers (`workers`). UpDownCounter. */
  max: { name: 'db.client.connection.max', unit: '{connection}' },
  /** Requests not started yet: the pool queue plus every worker's mailbox. UpDownCounter. */
  pendingRequests: { name: 'db.client.connection.pending_requests', unit: '{request}' },
  /** Calls whose `call_timeout` ran out before a worker started them (stage `queue` or `mailbox`). Counter. */
  timeouts: { name: 'db.client.connection.timeouts', unit: '{timeout}' },
  /** Duration of each successful connect attempt. Histogram, seconds. */
  createTime: { name: 'db.client.connection.create_time', unit: 's' },
  /** From a call until a worker started it. Histogram, seconds. */
  waitTime: { name: 'db.client.connection.wait_time', unit: 's' },
  /** From the start of a call on a worker until its result. Histogram, seconds. */
  useTime: { name: 'db.client.connection.use_time', unit: 's' },
} as const;

/** The attribute naming the pool (required on every metric). */
export const ATTR_POOL_NAME = 'db.client.connection.pool.name';
/** The attribute of `db.client.connection.count`: `idle` or `used`. */
export const ATTR_STATE = 'db.client.connection.state';

/**
 * Histogram bucket boundaries in seconds, from 100 µs to 10 s: pool waits and uses are often
 * well under a millisecond, which the SDK's default boundaries (made for milliseconds) cannot show.
 */
export const DURATION_BUCKETS_S: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
