/**
 * The named server-side statements of one pgsql connection (the `prepare` option): which SQL text
 * runs under which name, and which names the server may still hold, so that one connection never
 * makes the server hold more than a set number of them.
 * @module
 */

/** SQLSTATE "cached plan must not change result type": a table changed under the statement. */
const PLAN_CHANGED = '0A000';
/** SQLSTATE "prepared statement does not exist": the session dropped it (`DEALLOCATE`, `DISCARD ALL`). */
const STATEMENT_GONE = '26000';

/** The statement names of one connection. @internal */
export class PreparedNames {
  readonly #bySql = new Map<string, string>();
  /**
   * Names the server may hold: handed out and not reported gone. A statement forgotten after
   * `0A000` stays on the server (until the connection closes), so it still counts.
   */
  readonly #onServer = new Set<string>();
  /** Names handed out on this connection (a forgotten statement's name is never reused). */
  #next = 0;

  constructor(readonly limit: number) {}

  /** The name `sql` runs under: a new one while the server holds fewer than `limit`; `undefined` = run it unnamed (parsed on this run). */
  nameFor(sql: string): string | undefined {
    let name = this.#bySql.get(sql);
    if (name === undefined && this.#onServer.size < this.limit) {
      name = `outpools_${this.#next++}`;
      this.#bySql.set(sql, name);
      this.#onServer.add(name);
    }
    return name;
  }

  /**
   * A run of `sql` under `name` failed with SQLSTATE `code`. After `0A000` or `26000` the next run
   * prepares it again under a new name (unless a run before it already did).
   */
  failed(sql: string, name: string, code: unknown): void {
    if (code !== PLAN_CHANGED && code !== STATEMENT_GONE) return;
    if (this.#bySql.get(sql) === name) this.#bySql.delete(sql);
    if (code === STATEMENT_GONE) this.#onServer.delete(name);
  }
}
