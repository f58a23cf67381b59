import { describe, expect, it } from 'vitest';
import { raceAbort } from '@outpools/core/driver';

describe('raceAbort', () => {
  it('settles like the work when the signal never aborts', async () => {
    const controller = new AbortController();
    await expect(raceAbort(Promise.resolve(42), controller.signal)).resolves.toBe(42);
    await expect(raceAbort(Promise.reject(new Error('boom')), controller.signal)).rejects.toThrow('boom');
  });

  it('rejects with the abort reason as soon as the signal aborts, ignoring the late work', async () => {
    const controller = new AbortController();
    let finish!: (value: string) => void;
    const work = new Promise<string>((resolve) => {
      finish = resolve;
    });
    const raced = raceAbort(work, controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(raced).rejects.toBe(reason);
    finish('late');
    await expect(work).resolves.toBe('late');
  });

  it('rejects at once with the reason of a signal that has already aborted', async () => {
    const reason = new Error('already');
    await expect(raceAbort(new Promise<never>(() => {}), AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('removes its abort listener once the work settles', async () => {
    const controller = new AbortController();
    let listeners = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners += 1;
      add(...args);
    }) as typeof add;
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners -= 1;
      remove(...args);
    }) as typeof remove;
    await raceAbort(Promise.resolve(1), controller.signal);
    await raceAbort(Promise.reject(new Error('x')), controller.signal).catch(() => undefined);
    expect(listeners).toBe(0);
  });
});
