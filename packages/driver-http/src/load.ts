/**
 * Lazy loading of undici: the package's entry gives the schema, defaults and checks without
 * importing it (`outpools check` never loads it); the first connect imports it, once.
 * @module
 */

/** The `undici` module. */
export type UndiciModule = typeof import('undici');

let undici: Promise<UndiciModule> | undefined;

/** `undici`, imported on first use (a failed import is tried again on the next connect). */
export function loadUndici(): Promise<UndiciModule> {
  undici ??= import('undici').catch((error: unknown) => {
    undici = undefined;
    throw error;
  });
  return undici;
}
