/**
 * One shared timer for the client-side query deadlines of every connection, instead of one
 * `setTimeout` per query on the hot path (spec 2 allows a deadline sweep). A connection joins
 * while it is open; every {@link SWEEP_INTERVAL_MS} the sweep calls its `checkDeadline(now)`.
 * @module
 */

/** How often the deadlines are checked (their precision). */
export const SWEEP_INTERVAL_MS = 100;

/** Something with a deadline to check. */
export interface DeadlineWatched {
  checkDeadline(now: number): void;
}

const watched = new Set<DeadlineWatched>();
let timer: NodeJS.Timeout | undefined;

function sweep(): void {
  const now = Date.now();
  for (const item of watched) item.checkDeadline(now);
}

/** Start checking `item` (the shared timer starts with the first item; it never holds the process open). */
export function watchDeadline(item: DeadlineWatched): void {
  watched.add(item);
  if (timer === undefined) {
    timer = setInterval(sweep, SWEEP_INTERVAL_MS);
    timer.unref();
  }
}

/** Stop checking `item` (the timer stops with the last item). */
export function unwatchDeadline(item: DeadlineWatched): void {
  watched.delete(item);
  if (watched.size === 0 && timer !== undefined) {
    clearInterval(timer);
    timer = undefined;
  }
}
