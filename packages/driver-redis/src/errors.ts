/**
 * Error helpers: keep secrets out of errors, and recognise ioredis' "connection is gone" errors.
 * @module
 */

const SECRET_COMMANDS = new Set(['auth', 'hello', 'migrate', 'config']);

/**
 * Redact the arguments of an ioredis error's `command` (ioredis attaches `{ name, args }` to
 * reply errors; for AUTH and HELLO the args hold the password). Returns the same error.
 */
export function redactRedisError<E>(error: E): E {
  if (typeof error !== 'object' || error === null) return error;
  const command = (error as { command?: unknown }).command;
  if (typeof command !== 'object' || command === null) return error;
  const name = String((command as { name?: unknown }).name ?? '').toLowerCase();
  if (SECRET_COMMANDS.has(name)) {
    Object.defineProperty(error, 'command', { value: { name, args: ['***'] }, enumerable: false, configurable: true });
  }
  return error;
}

const CONNECTION_GONE = ['Connection is closed', "Stream isn't writeable", 'Command aborted due to connection close'];

/** True when an ioredis error means the connection was down or went down under the command. */
export function isConnectionGone(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError' && error.message.includes('connection close')) return true;
  return CONNECTION_GONE.some((text) => error.message.includes(text));
}
