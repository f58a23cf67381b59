// Types of minimal-pool.mjs (the dispatch benchmark's reference pool), for the tests that check it.

/** The context a call's function gets: the first `done`/`fail` ends the call. */
export interface MinimalCall {
  done(value?: unknown): void;
  fail(error: unknown): void;
}

/** One worker: its load (running plus queued calls). */
export interface MinimalWorker {
  readonly load: number;
}

/** `runCallback(fn)` over the given connections, one call at a time per connection. */
export class MinimalPool<C = unknown> {
  constructor(connections: readonly C[], callTimeoutMs: number);
  readonly workers: readonly MinimalWorker[];
  readonly calls: number;
  readonly successes: number;
  readonly failures: number;
  runCallback<R = unknown>(fn: (connection: C, call: MinimalCall) => void): Promise<R>;
  close(): void;
}
