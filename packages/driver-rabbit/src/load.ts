/**
 * Lazy loading of amqplib: the driver entry does not import it, so validating a configuration
 * (`outpools check`) never loads it. It is imported on the first connect and cached.
 * @module
 */

/** The amqplib module. */
export type AmqpModule = typeof import('amqplib');

let amqplib: Promise<AmqpModule> | undefined;

/** amqplib, loaded once (a failed load is retried on the next call). */
export function loadAmqplib(): Promise<AmqpModule> {
  amqplib ??= import('amqplib').then(
    (mod: unknown) => (mod as { default?: AmqpModule }).default ?? (mod as AmqpModule),
    (error: unknown) => {
      amqplib = undefined;
      throw new Error('cannot load amqplib: install it next to @outpools/driver-rabbit', { cause: error });
    },
  );
  return amqplib;
}
