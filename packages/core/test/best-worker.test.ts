import { describe, it, expect } from 'vitest';
import { bestWorker } from '../src/strategies/best-worker.js';

interface FakeWorker {
  index: number;
  live: boolean;
  load: number;
}

const lcg =
  (seed: number): (() => number) =>
  () =>
    (seed = (seed * 48271) % 2147483647) / 2147483647;

describe('best_worker with its least-load bound', () => {
  it('starts every scan at a random worker and stops at the first idle one', () => {
    const workers: FakeWorker[] = [0, 1, 2, 3].map((index) => ({ index, live: true, load: 0 }));
    const starts = [0.5, 0.75, 0, 0.3];
    const picker = bestWorker(() => starts.shift()!);
    expect(picker.pick(workers)?.index).toBe(2);
    expect(picker.pick(workers)?.index).toBe(3);
    expect(picker.pick(workers)?.index).toBe(0);
    workers[1]!.load = 1;
    expect(picker.pick(workers)?.index).toBe(2); // starts at 1 (busy), 2 is the first idle
  });

  it('spreads idle picks evenly over the workers', () => {
    const workers: FakeWorker[] = Array.from({ length: 5 }, (_, index) => ({ index, live: true, load: 0 }));
    const picker = bestWorker(lcg(7));
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 5000; i++) counts[picker.pick(workers)!.index]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(850);
  });

  it('gives ties to the first worker seen and skips dead workers', () => {
    const workers: FakeWorker[] = [
      { index: 0, live: true, load: 2 },
      { index: 1, live: false, load: 0 },
      { index: 2, live: true, load: 1 },
      { index: 3, live: true, load: 1 },
    ];
    const picker = bestWorker(() => 0);
    expect(picker.pick(workers)?.index).toBe(2);
    workers[2]!.load = 2;
    expect(picker.pick(workers)?.index).toBe(3);
    expect(picker.pick(workers.map((w) => ({ ...w, live: false })))).toBeUndefined();
    expect(picker.pick([])).toBeUndefined();
  });

  it('always picks a live worker with the least load while loads rise and fall and workers come and go', () => {
    const random = lcg(11);
    const workers: FakeWorker[] = Array.from({ length: 7 }, (_, index) => ({ index, live: true, load: 0 }));
    const picker = bestWorker(random);
    for (let step = 0; step < 5000; step++) {
      const w = workers[Math.floor(random() * workers.length)]!;
      const r = random();
      if (r < 0.05) {
        w.live = !w.live; // down: nothing to report; up: report its load, as the engine does
        if (w.live) picker.loadDropped!(w.load);
      } else if (r < 0.5 && w.load > 0) {
        w.load--;
        if (w.live) picker.loadDropped!(w.load);
      } else {
        const chosen = picker.pick(workers);
        const live = workers.filter((x) => x.live);
        if (live.length === 0) {
          expect(chosen).toBeUndefined();
          continue;
        }
        expect(chosen!.live).toBe(true);
        expect(chosen!.load).toBe(Math.min(...live.map((x) => x.load)));
        chosen!.load++;
      }
    }
  });
});
