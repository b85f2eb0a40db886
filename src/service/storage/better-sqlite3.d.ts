// The subset of better-sqlite3 12 the service uses (the registry has no types for it at this version).
declare module 'better-sqlite3' {
  interface RunResult {
    changes: number;
    lastInsertRowid: number | bigint;
  }
  interface Statement {
    run(...params: unknown[]): RunResult;
    get(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
  }
  interface Options {
    readonly?: boolean;
    fileMustExist?: boolean;
    timeout?: number;
  }
  type Transaction<A extends unknown[], R> = ((...args: A) => R) & {
    /** BEGIN IMMEDIATE: takes the database's write lock first (another writer waits up to the busy timeout). */
    immediate(...args: A): R;
  };
  class Database {
    constructor(filename: string, options?: Options);
    prepare(sql: string): Statement;
    exec(sql: string): this;
    pragma(source: string, options?: { simple?: boolean }): unknown;
    transaction<A extends unknown[], R>(fn: (...args: A) => R): Transaction<A, R>;
    close(): this;
    readonly open: boolean;
  }
  export default Database;
  export type { Database, Statement, RunResult, Options };
}
