/**
 * A helper shared by the backends: a bounded wait at close.
 * @module
 */

/**
 * Wait for `promise` at most `ms`; resolves `false` when it took longer (the promise's own
 * outcome is then ignored). Never rejects.
 */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
