/**
 * The demo's progress bar (drawn only on a terminal).
 * @module
 */
import type { LoadState } from './load.js';

const PHASE: Readonly<Record<LoadState['phase'], string>> = {
  load: '',
  restarting: '  servers restarting',
  recovering: '  pools reconnecting',
  done: '',
};

/** `[#####.....]  50%  12,345 calls  servers restarting` (no newline). */
export function progressBar(state: LoadState, width = 30): string {
  const done = Math.max(0, Math.min(width, Math.round(state.fraction * width)));
  const pct = String(Math.round(state.fraction * 100)).padStart(3);
  return `  [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${pct}%  ${state.calls.toLocaleString('en-US')} calls${PHASE[state.phase]}`;
}
