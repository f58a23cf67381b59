/**
 * Pool events (docs/lifecycle.md, Stats and events): on a typed `EventEmitter` and on `node:diagnostics_channel` channels
 * named `outpools:<event>`. Payloads never carry secrets: errors appear as their message only.
 * @module
 */
import { EventEmitter } from 'node:events';
import diagnostics from 'node:diagnostics_channel';
import { messageOf, type ConfigIssue, type PoolKey } from '../errors.js';

/** A worker's connection is up. */
export interface ConnectEvent {
  readonly key: PoolKey;
  readonly worker: number;
  /** How long the successful connect attempt took (ms). */
  readonly durationMs: number;
}
/** A live worker's connection broke (or was found broken by a keepalive). */
export interface DisconnectEvent {
  readonly key: PoolKey;
  readonly worker: number;
  readonly error?: string;
}
/** A connect attempt failed and the next one is scheduled after `delayMs`. */
export interface ReconnectAttemptEvent {
  readonly key: PoolKey;
  readonly worker: number;
  /** Consecutive failed attempts so far, from 1. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error?: string;
}
/** Where a call was when its `call_timeout` ran out. */
export type CallStage = 'queue' | 'mailbox' | 'running';
/** A call ran out of `call_timeout`. */
export interface CallTimeoutEvent {
  readonly key: PoolKey;
  /** The worker it was routed to, if any. */
  readonly worker?: number;
  readonly stage: CallStage;
  readonly timeoutMs: number;
}
/** A request was dropped from the head of a full worker mailbox. */
export interface DropEvent {
  readonly key: PoolKey;
  readonly worker: number;
  readonly limit: number;
}
/** Closing a connection failed (the error is swallowed and reported here). */
export interface CloseErrorEvent {
  readonly key: PoolKey;
  readonly worker: number;
  readonly error: string;
}

/**
 * A TLS peer failed verification and `disconnect_on_failure = false` let the connection through
 * (it is used: this is the warning).
 */
export interface TlsVerifyFailedEvent {
  readonly key: PoolKey;
  readonly worker: number;
  /** The host connected to. */
  readonly host: string;
  /** A short machine-readable cause: OpenSSL's code (`CERT_REVOKED`, ...) or `ERR_TLS_CERT_ALTNAME_INVALID`. */
  readonly reason: string;
  readonly error: string;
}

/** The server blocked a worker's connection (it is passed over while another can take calls). */
export interface BlockedEvent {
  readonly key: PoolKey;
  readonly worker: number;
  readonly reason?: string;
}
/** The server lifted a block (see {@link BlockedEvent}). */
export interface UnblockedEvent {
  readonly key: PoolKey;
  readonly worker: number;
}

/**
 * A user call settled. Published only while someone listens (then every call is timed; nothing
 * is measured otherwise), for metrics such as `@outpools/otel`'s wait and use time histograms.
 */
export interface CallEvent {
  readonly key: PoolKey;
  /** The worker it ran on, when it ran. */
  readonly worker?: number;
  /** From the call until a worker started it, or until it settled when it never ran (ms). */
  readonly waitMs: number;
  /** From the start on a worker until the result, when it ran (ms). */
  readonly useMs?: number;
  readonly failed: boolean;
}

/** A reload was applied (docs/lifecycle.md, Reloading): which instances it added, replaced, removed or kept. */
export interface ReloadEvent {
  /** The file it came from, when known. */
  readonly source?: string;
  readonly added: readonly PoolKey[];
  /** Instances replaced by new ones (their old connections drain and close). */
  readonly changed: readonly PoolKey[];
  /** Instances stopped (drained and closed). */
  readonly removed: readonly PoolKey[];
  /** Instances that kept their connections. */
  readonly unchanged: readonly PoolKey[];
}
/** A reload was refused and changed nothing: a bad file, or new instances that could not start. */
export interface ReloadFailedEvent {
  /** The file it came from, when known. */
  readonly source?: string;
  /** The error's message (never a secret). */
  readonly error: string;
  /** The error's code (`OUTPOOLS_CONFIG` for a bad file). */
  readonly code?: string;
  /** Every configuration error, for a bad file. */
  readonly issues: readonly ConfigIssue[];
}

/** Every event and its payload. */
export interface PoolEventMap {
  connect: [ConnectEvent];
  disconnect: [DisconnectEvent];
  reconnect_attempt: [ReconnectAttemptEvent];
  call_timeout: [CallTimeoutEvent];
  drop: [DropEvent];
  close_error: [CloseErrorEvent];
  blocked: [BlockedEvent];
  unblocked: [UnblockedEvent];
  call: [CallEvent];
  reload: [ReloadEvent];
  reload_failed: [ReloadFailedEvent];
  tls_verify_failed: [TlsVerifyFailedEvent];
}

/** An event name. */
export type PoolEventName = keyof PoolEventMap;

/** The event names, in a stable order. */
export const POOL_EVENTS = [
  'connect',
  'disconnect',
  'reconnect_attempt',
  'call_timeout',
  'drop',
  'close_error',
  'blocked',
  'unblocked',
  'call',
  'reload',
  'reload_failed',
  'tls_verify_failed',
] as const satisfies readonly PoolEventName[];

const channels = Object.fromEntries(POOL_EVENTS.map((name) => [name, diagnostics.channel(`outpools:${name}`)])) as {
  readonly [K in PoolEventName]: diagnostics.Channel;
};

const callChannel = channels.call;

/**
 * The typed emitter of a pool set. It never emits `'error'`, so an app without listeners
 * cannot be crashed by it.
 *
 * @example
 * ```ts
 * pools.events.on('reconnect_attempt', (e) => logger.warn(e, 'reconnecting'));
 * ```
 */
export class PoolEvents extends EventEmitter<PoolEventMap> {
  /** The `call` listeners on this emitter, counted as they come and go (see {@link timing}). */
  #callListeners = 0;

  constructor() {
    super();
    this.#countCallListeners();
  }

  /** Keep {@link PoolEvents.timing} a field read: `newListener` comes before an add, `removeListener` after a removal. */
  #countCallListeners(): void {
    const emitter = this as EventEmitter;
    emitter.on('newListener', (name: string | symbol) => {
      if (name === 'call') this.#callListeners = emitter.listenerCount('call') + 1;
    });
    emitter.on('removeListener', (name: string | symbol) => {
      if (name === 'call') this.#callListeners = emitter.listenerCount('call');
    });
  }

  /** As EventEmitter's; the `call` listener count stays right (its own hooks come back after a removal of all). */
  override removeAllListeners(eventName?: PoolEventName | 'newListener' | 'removeListener'): this {
    const removeAll = super.removeAllListeners as (name?: string) => this;
    if (eventName === undefined) removeAll.call(this);
    else removeAll.call(this, eventName);
    if (eventName === undefined || eventName === 'newListener' || eventName === 'removeListener') {
      removeAll.call(this, 'newListener');
      removeAll.call(this, 'removeListener');
      this.#countCallListeners();
      this.#callListeners = this.listenerCount('call');
    }
    return this;
  }

  /** True when someone listens to `name` here or on its diagnostics channel. */
  wants(name: PoolEventName): boolean {
    return this.listenerCount(name) > 0 || channels[name].hasSubscribers;
  }

  /** True when someone listens to `call` events (read on every call: a field and a channel flag). */
  get timing(): boolean {
    return this.#callListeners > 0 || callChannel.hasSubscribers;
  }

  /** Emit on the emitter and publish on `outpools:<name>`; a throwing listener cannot break the pool. */
  publish<K extends PoolEventName>(name: K, payload: PoolEventMap[K][0]): void {
    const channel = channels[name];
    if (channel.hasSubscribers) {
      try {
        channel.publish(payload);
      } catch {
        /* a subscriber's bug must not break the pool */
      }
    }
    if (this.listenerCount(name) > 0) {
      try {
        (this.emit as (n: K, p: PoolEventMap[K][0]) => boolean)(name, payload);
      } catch {
        /* a listener's bug must not break the pool */
      }
    }
  }
}

/** Error to message, for event payloads. */
export function errorMessage(error: unknown): string | undefined {
  return error === undefined ? undefined : messageOf(error);
}
