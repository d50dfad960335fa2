/**
 * Group commit for SQLite. Writing a commit costs more than the work it commits (every page the
 * change touched goes to the write-ahead log: the case row, its indexes, the audit, outbox and
 * event rows), and under load many changes arrive together. So a change that commits is only
 * closed (a savepoint released); the changes that come in before the event loop's next turn run
 * in the same SQLite transaction, and then one commit saves them all (at most MOST_IN_GROUP).
 *
 * Durability is unchanged: a change's commit call returns only once SQLite has committed it, so
 * nothing is acknowledged before it is saved. A change that fails is rolled back to its own
 * savepoint and leaves the others alone. Reads outside a change go to a second, read-only
 * connection (WAL lets it read beside the writer), so they see only what is committed and never
 * break a group up; any other query outside a change first commits the open group, so pragmas
 * run outside any transaction.
 *
 * Another connection to the file (a second process, `townhall deliver` beside a server) may hold
 * the write lock, for as long as its own group is open. A group therefore starts with `begin
 * immediate` (a deferred transaction that read first could not take the lock later, and would
 * fail at once), and waiting for the lock never blocks the event loop: SQLite's own busy wait
 * sleeps the whole process, so the writing connection has none, and the wait is done here, in
 * short asynchronous steps, up to LOCK_WAIT_MS.
 */
import type SQLite from 'better-sqlite3';
import type { CompiledQuery, DatabaseConnection, Driver, QueryResult } from 'kysely';

/** At most this many changes share one commit, so none waits long for the others. */
const MOST_IN_GROUP = 32;
const SAVEPOINT = 'townhall_change';
/** Statement texts whose read-only answer is kept (Townhall's queries come from a fixed set of shapes). */
const READS_ONLY_KEPT = 2_000;
/** How long a change waits for another connection to release the write lock before it fails. */
export const LOCK_WAIT_MS = 5_000;

const isBusy = (error: unknown) => typeof (error as { code?: unknown } | null)?.code === 'string' && (error as { code: string }).code.startsWith('SQLITE_BUSY');

/** Runs `attempt` until SQLite stops answering busy, waiting a little longer each time, up to LOCK_WAIT_MS. */
async function whenUnlocked<T>(attempt: () => T): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
    try {
      return attempt();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

interface Statements { prepare(text: string): SQLite.Statement; close(): void }

/** Waiters are served in order, and the holder can see whether anyone waits. */
class Turns {
  #held = false;
  #queue: Array<() => void> = [];
  get waiting(): boolean { return this.#queue.length > 0; }
  async take(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return;
    }
    await new Promise<void>((resolve) => this.#queue.push(resolve));
  }
  /** Hands the connection to the next in line (it stays held), or frees it. */
  pass(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#held = false;
  }
}

interface Committed { resolve(): void; reject(error: unknown): void }

/**
 * One use of the database: a query, or one change (transaction). A read outside a change goes to
 * the reading connection, sees only what is committed and waits for nobody; anything else takes
 * its turn on the writing connection, committing the open group first if it is outside a change.
 */
class Turn implements DatabaseConnection {
  /** Holds the writing connection. */
  holds = false;
  inChange = false;
  /** Closed and waiting for the group's commit: its turn has passed to the next in line already. */
  passedOn = false;
  constructor(private readonly driver: GroupCommitDriver) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.holds && this.driver.canReadAside(query.sql)) return this.driver.readAside<R>(query);
    if (!this.holds) await this.driver.takeTurn(this);
    if (this.inChange) return this.driver.run<R>(query);
    // Outside a change, a write takes the lock by itself, and may have to wait for it.
    this.driver.commitGroup();
    return whenUnlocked(() => this.driver.run<R>(query));
  }
  // eslint-disable-next-line require-yield -- Townhall never streams from SQLite; Kysely's interface asks for the method
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Townhall does not stream query results from SQLite.');
  }
}

export class GroupCommitDriver implements Driver {
  readonly #turns = new Turns();
  /** The changes closed in the open SQLite transaction, waiting for its commit; null: none open. */
  #group: Committed[] | null = null;
  /** `reader`: a second, read-only connection to the same file (none for an in-memory database). */
  constructor(private readonly statements: Statements, private readonly reader: Statements | null) {}

  async init(): Promise<void> {}

  /** The writing connection is taken only when a turn first needs it (see Turn). */
  async acquireConnection(): Promise<DatabaseConnection> {
    return new Turn(this);
  }

  async takeTurn(turn: Turn): Promise<void> {
    await this.#turns.take();
    turn.holds = true;
  }

  /** Whether each statement text only reads, as SQLite says: asked once per text, not per run. */
  readonly #readsOnly = new Map<string, boolean>();

  canReadAside(text: string): boolean {
    if (this.reader === null) return false;
    let readsOnly = this.#readsOnly.get(text);
    if (readsOnly === undefined) {
      // Asked of the reading connection, so the writing one never prepares (and keeps) a read.
      readsOnly = !/^\s*pragma\b/i.test(text) && this.isReadOnly(text);
      if (this.#readsOnly.size >= READS_ONLY_KEPT) this.#readsOnly.clear();
      this.#readsOnly.set(text, readsOnly);
    }
    return readsOnly;
  }

  private isReadOnly(text: string): boolean {
    try {
      return this.reader!.prepare(text).readonly;
    } catch {
      // A statement the read-only connection cannot even prepare (one that creates a table,
      // say) is no read: it takes its turn on the writing connection, which reports any error.
      return false;
    }
  }

  readAside<R>(query: CompiledQuery): QueryResult<R> {
    return { rows: this.reader!.prepare(query.sql).all(query.parameters) as R[] };
  }

  run<R>(query: CompiledQuery): QueryResult<R> {
    const statement = this.statements.prepare(query.sql);
    if (statement.reader) return { rows: statement.all(query.parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(query.parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  private exec(text: string): void {
    this.statements.prepare(text).run();
  }

  /** Commits the open group, if any, and tells each of its changes how it went. */
  commitGroup(): void {
    const group = this.#group;
    if (!group) return;
    this.#group = null;
    try {
      this.exec('commit');
    } catch (error) {
      try { this.exec('rollback'); } catch { /* SQLite may have rolled back already */ }
      for (const change of group) change.reject(error);
      return;
    }
    for (const change of group) change.resolve();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const turn = connection as Turn;
    if (!turn.holds) await this.takeTurn(turn);
    if (!this.#group) {
      await whenUnlocked(() => this.exec('begin immediate'));
      this.#group = [];
    }
    this.exec(`savepoint ${SAVEPOINT}`);
    turn.inChange = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const turn = connection as Turn;
    this.exec(`release ${SAVEPOINT}`);
    turn.inChange = false;
    const group = this.#group!;
    const committed = new Promise<void>((resolve, reject) => group.push({ resolve, reject }));
    if (group.length >= MOST_IN_GROUP) {
      this.commitGroup();
      return committed;
    }
    // A change runs start to end without letting other requests in (SQLite answers at once), so
    // the group stays open until they have had their turn: whoever comes in meanwhile joins it.
    this.scheduleCommit();
    turn.passedOn = true;
    this.#turns.pass();
    return committed;
  }

  #commitScheduled = false;
  #destroyed = false;

  private scheduleCommit(): void {
    if (this.#commitScheduled) return;
    this.#commitScheduled = true;
    setImmediate(() => {
      void this.#turns.take().then(() => {
        this.#commitScheduled = false;
        if (!this.#destroyed) this.commitGroup();
        this.#turns.pass();
      });
    });
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const turn = connection as Turn;
    // A change whose group commit failed was rolled back with its group.
    if (!turn.inChange) return;
    turn.inChange = false;
    this.exec(`rollback to ${SAVEPOINT}`);
    this.exec(`release ${SAVEPOINT}`);
    if (this.#group && this.#group.length === 0) {
      this.exec('rollback');
      this.#group = null;
    } else {
      // What made it fail (a unique key another change of its group has just taken) may be what
      // its caller reads next, outside a change: commit the group, so that read can see it.
      this.commitGroup();
    }
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    this.exec(`savepoint ${quoted(name)}`);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    this.exec(`rollback to ${quoted(name)}`);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    this.exec(`release ${quoted(name)}`);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const turn = connection as Turn;
    // It never took the writing connection, or passed it on when it closed: it is not its to give.
    if (!turn.holds || turn.passedOn) return;
    this.#turns.pass();
  }

  async destroy(): Promise<void> {
    this.commitGroup();
    this.#destroyed = true;
    this.reader?.close();
    this.statements.close();
  }
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
