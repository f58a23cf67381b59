/**
 * Lazy loading of `@elastic/elasticsearch`: validating a configuration (`outpools check`) never
 * loads it; the first connect does, once.
 * @module
 */
import { ElasticLibraryMissingError } from './errors.js';

/** The `@elastic/elasticsearch` module. */
export type ElasticModule = typeof import('@elastic/elasticsearch');

let loading: Promise<ElasticModule> | undefined;

function unwrap(mod: unknown): ElasticModule {
  const inner = (mod as { default?: ElasticModule }).default;
  return inner !== undefined && typeof inner.Client === 'function' ? inner : (mod as ElasticModule);
}

/**
 * `@elastic/elasticsearch`, imported on first use (a failed import is retried on the next call);
 * a failure rejects with {@link ElasticLibraryMissingError}.
 */
export function loadElastic(): Promise<ElasticModule> {
  loading ??= import('@elastic/elasticsearch').then(unwrap, (error: unknown) => {
    loading = undefined;
    throw new ElasticLibraryMissingError({ cause: error });
  });
  return loading;
}
