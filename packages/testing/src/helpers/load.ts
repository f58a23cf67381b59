/**
 * Steady load on a pool for resilience tests (a server killed and restarted under load): callers
 * that loop until stopped, recording how long each call took and how it ended.
 * @module
 */

/** How one call ended and how long it took. */
export interface CallOutcome {
  /** Duration in ms, from the call to its settling. */
  readonly ms: number;
  readonly ok: boolean;
  /** The rejection reason of a failed call. */
  readonly error?: unknown;
}

/** A running load: see {@link startLoad}. */
export interface Load {
  /** Every call's outcome so far, in the order they settled. */
  readonly outcomes: CallOutcome[];
  /** How many calls have succeeded so far. */
  okCount(): number;
  /** Let every caller finish its current call, then resolve. */
  stop(): Promise<void>;
}

/** Options of {@link startLoad}. */
export interface LoadOptions {
  /**
   * Wait this long after a failed call before the next one (a failed call returns at once: do
   * not spin the CPU while the server is down). Default: until the next turn of the event loop.
   */
  readonly pauseAfterFailureMs?: number;
}

/**
 * Start `callers` concurrent loops, each calling `call(caller, n)` for n = 0, 1, 2... until
 * `stop()`; every outcome is recorded with its duration. `call` must not hang forever (the pool's
 * `call_timeout` bounds it).
 * @example
 * ```ts
 * const load = startLoad(30, (id, n) => (n % 2 === 0 ? client.set(`k${id}`, String(n)) : client.get(`k${id}`)));
 * await until(() => load.okCount() > 300, 5000, 'load before the kill');
 * await load.stop();
 * expect(load.outcomes.filter((o) => o.ms > 1100)).toEqual([]);
 * ```
 */
export function startLoad(
  callers: number,
  call: (caller: number, n: number) => Promise<unknown>,
  { pauseAfterFailureMs }: LoadOptions = {},
): Load {
  const outcomes: CallOutcome[] = [];
  let ok = 0;
  let running = true;
  const pause = (): Promise<void> =>
    new Promise((resolve) =>
      pauseAfterFailureMs === undefined ? setImmediate(resolve) : setTimeout(resolve, pauseAfterFailureMs),
    );
  const loop = async (caller: number): Promise<void> => {
    for (let n = 0; running; n += 1) {
      const t0 = performance.now();
      try {
        await call(caller, n);
        ok += 1;
        outcomes.push({ ms: performance.now() - t0, ok: true });
      } catch (error) {
        outcomes.push({ ms: performance.now() - t0, ok: false, error });
        await pause();
      }
    }
  };
  const loops = Array.from({ length: callers }, (_, caller) => loop(caller));
  return {
    outcomes,
    okCount: () => ok,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** An error class to recognise, by name (pass them as `{ NoWorkersError, CallTimeoutError }`). */
export type ErrorClasses = Readonly<Record<string, abstract new (...args: never[]) => unknown>>;

/**
 * The name of the first class in `classes` that `error` is an instance of (in the object's key
 * order: list subclasses first), or `unexpected: <error>` when none matches.
 * @example
 * ```ts
 * expect(errorKind(error, { NoWorkersError, ConnectionLostError })).toBe('NoWorkersError');
 * ```
 */
export function errorKind(error: unknown, classes: ErrorClasses): string {
  for (const [name, cls] of Object.entries(classes)) if (error instanceof cls) return name;
  return `unexpected: ${String(error)}`;
}

/**
 * The {@link errorKind}s of the failed calls among `outcomes`.
 * @example
 * ```ts
 * const kinds = failureKinds(load.outcomes, { NoWorkersError, ConnectionLostError });
 * expect([...kinds].filter((k) => k.startsWith('unexpected'))).toEqual([]);
 * ```
 */
export function failureKinds(outcomes: readonly CallOutcome[], classes: ErrorClasses): Set<string> {
  return new Set(outcomes.filter((o) => !o.ok).map((o) => errorKind(o.error, classes)));
}
