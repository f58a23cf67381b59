/**
 * Exclusive calls on a multiplexed worker (`RunOptions.exclusive`): a call that must own its
 * worker's connection while it runs (a transaction on a pipelined PostgreSQL connection, a
 * command that changes the connection's state).
 *
 * - From the moment it reaches a worker, the worker is **held**: it counts as full for the
 *   strategies (its load grows by the driver's concurrency), so new calls go to other workers
 *   while any can take them; calls routed to it anyway (hash keys, `random_worker`,
 *   `next_worker`, one worker) wait in its mailbox, behind the exclusive call.
 * - Calls that reached the worker before it still run; the exclusive call starts once none runs.
 * - While it runs, nothing else starts on the worker. It releases the worker when its function
 *   settles (not when its caller gives up: a timed-out transaction still rolls back first), when
 *   it leaves the mailbox unrun (timeout, drop) or when the connection breaks.
 *
 * With concurrency 1 every call owns its worker already: the option changes nothing there.
 * @module
 */
import { type Request, RequestState } from './request.js';

/** The part of a worker an exclusive call works on. @internal */
export interface Holdable {
  /** The exclusive call that holds the worker (waiting to start, or running). */
  holder: Request | undefined;
  load: number;
  readonly running: number;
}

/** The call asked to own its worker (and the worker multiplexes: concurrency > 1). @internal */
export function wantsWorker(req: Request, concurrency: number): boolean {
  return concurrency > 1 && req.options?.exclusive === true;
}

/** Hold the worker for `req`: strategies see it full until {@link release}. @internal */
export function hold(worker: Holdable, req: Request, concurrency: number): void {
  worker.holder = req;
  worker.load += concurrency;
}

/**
 * Release the worker if `req` holds it; returns true when it did (the caller then reports the
 * load drop and starts what waited).
 * @internal
 */
export function release(worker: Holdable, req: Request, concurrency: number): boolean {
  if (worker.holder !== req) return false;
  worker.holder = undefined;
  worker.load -= concurrency;
  return true;
}

/**
 * May the worker start `next` (the head of its mailbox, or a call from the pool queue) now?
 * Not while an exclusive call runs; an exclusive call only once nothing else runs. Calls queued
 * ahead of a waiting exclusive call came first and still start.
 * @internal
 */
export function mayStart(worker: Holdable, next: Request, concurrency: number): boolean {
  const holder = worker.holder;
  if (holder === undefined) return worker.running === 0 || !wantsWorker(next, concurrency);
  if (holder === next) return worker.running === 0;
  return holder.state === RequestState.Mailbox;
}
