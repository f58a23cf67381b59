/**
 * `health()` of one pool instance (spec 7): the driver's cheapest round trip on every live
 * worker, queued through each worker's mailbox like any call and bounded by `call_timeout`.
 * @module
 */
import { NoWorkersError, PoolStoppedError, type PoolKey } from '../errors.js';
import { errorMessage } from './events.js';
import type { PoolCore } from './pool-core.js';

/** The result of one instance's health check (a ping on every live worker). */
export interface HealthReport {
  readonly key: PoolKey;
  /** At least one worker is live and every live worker answered. */
  readonly ok: boolean;
  /** Time until every ping answered, in milliseconds. */
  readonly ms: number;
  readonly error?: string;
}

/** Ping every live worker of `core`. @internal */
export async function checkHealth(core: PoolCore): Promise<HealthReport> {
  const key = core.key;
  const started = core.now();
  if (core.stopping) return { key, ok: false, ms: 0, error: new PoolStoppedError(key).message };
  const live = core.workers.filter((w) => w.live);
  if (live.length === 0) return { key, ok: false, ms: 0, error: new NoWorkersError(key).message };
  const driver = core.driver;
  const results = await Promise.allSettled(
    live.map(
      (worker) =>
        new Promise<unknown>((resolve, reject) => {
          const req = core.internalRequest((c, ctx) => driver.ping(c, ctx));
          req.resolve = resolve;
          req.reject = reject;
          worker.submit(req);
        }),
    ),
  );
  const ms = core.now() - started;
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failure) return { key, ok: true, ms };
  return { key, ok: false, ms, error: errorMessage(failure.reason) ?? 'ping failed' };
}
