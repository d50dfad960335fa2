/**
 * Queries compiled once. Kysely builds and compiles a query's SQL afresh on every run, which on a
 * hot path (a GET of one request, a submission) costs more than SQLite takes to run it. A query
 * whose SQL does not depend on its values (no lists, no optional parts) is built with the one
 * query builder as usual, compiled once per database, and then run with each call's values.
 */
import { CompiledQuery, type Compilable } from 'kysely';
import type { DB } from './connection.js';

/** Stands for the value at `index` while the query is compiled. */
class Placeholder {
  constructor(readonly index: number) {}
}

type Slot = { index: number } | { value: unknown };

/**
 * `build`, compiled once per database (a database and its transactions share one), and run with
 * each call's values in their places. `build` must give the same SQL whatever the values are.
 */
export function compiledOnce<V extends unknown[], R>(build: (db: DB, ...values: V) => Compilable<R>): (db: DB, ...values: V) => Promise<R[]> {
  const byDatabase = new WeakMap<object, { sql: string; slots: Slot[] }>();
  return async (db, ...values) => {
    const database = db.getExecutor().adapter;
    let compiled = byDatabase.get(database);
    if (!compiled) {
      const query = build(db, ...(values.map((_, index) => new Placeholder(index)) as V)).compile();
      const slots = query.parameters.map((parameter): Slot => (parameter instanceof Placeholder ? { index: parameter.index } : { value: parameter }));
      if (values.some((_, index) => !slots.some((slot) => 'index' in slot && slot.index === index))) {
        throw new Error(`A value given to a query compiled once does not reach its SQL: ${query.sql}`);
      }
      byDatabase.set(database, (compiled = { sql: query.sql, slots }));
    }
    const parameters = compiled.slots.map((slot) => ('index' in slot ? values[slot.index] : slot.value));
    return (await db.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters))).rows;
  };
}

/**
 * `build`, compiled once per database and per set of columns given, and run with each call's
 * values: for an insert of one row whose columns vary a little between callers (a handful of
 * shapes), where compiledOnce would need every column as an argument. Columns given as
 * undefined are left out, as Kysely leaves them out.
 */
export function compiledPerShape<T extends Record<string, unknown>, R>(build: (db: DB, row: T) => Compilable<R>): (db: DB, row: T) => Promise<R[]> {
  const byDatabase = new WeakMap<object, Map<string, { sql: string; slots: Slot[] }>>();
  return async (db, row) => {
    const database = db.getExecutor().adapter;
    let shapes = byDatabase.get(database);
    if (!shapes) byDatabase.set(database, (shapes = new Map()));
    const columns = Object.keys(row).filter((column) => row[column] !== undefined);
    const shape = columns.join(',');
    let compiled = shapes.get(shape);
    if (!compiled) {
      const placeholders = Object.fromEntries(columns.map((column, index) => [column, new Placeholder(index)])) as T;
      const query = build(db, placeholders).compile();
      const slots = query.parameters.map((parameter): Slot => (parameter instanceof Placeholder ? { index: parameter.index } : { value: parameter }));
      if (columns.some((_, index) => !slots.some((slot) => 'index' in slot && slot.index === index))) {
        throw new Error(`A value given to a query compiled once does not reach its SQL: ${query.sql}`);
      }
      shapes.set(shape, (compiled = { sql: query.sql, slots }));
    }
    const parameters = compiled.slots.map((slot) => ('index' in slot ? row[columns[slot.index]!] : slot.value));
    return (await db.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters))).rows;
  };
}

/** Inserts of more rows than this are built afresh each time (rare, and each count is another text). */
const MOST_ROWS_COMPILED = 16;

/**
 * `build`, a multi-row insert whose rows all give `columns`, compiled once per database and per
 * number of rows (a change publishes a handful of events: a few counts), and run with each
 * call's values. More than MOST_ROWS_COMPILED rows are built as usual.
 */
export function compiledPerRowCount<T extends Record<string, unknown>, R>(columns: ReadonlyArray<keyof T & string>, build: (db: DB, rows: T[]) => Compilable<R>): (db: DB, rows: T[]) => Promise<R[]> {
  const byDatabase = new WeakMap<object, Map<number, { sql: string; slots: Slot[] }>>();
  return async (db, rows) => {
    if (rows.length > MOST_ROWS_COMPILED) return (await db.executeQuery<R>(build(db, rows).compile())).rows;
    const database = db.getExecutor().adapter;
    let counts = byDatabase.get(database);
    if (!counts) byDatabase.set(database, (counts = new Map()));
    let compiled = counts.get(rows.length);
    if (!compiled) {
      const placeholders = rows.map((_, row) => Object.fromEntries(columns.map((column, index) => [column, new Placeholder(row * columns.length + index)])) as T);
      const query = build(db, placeholders).compile();
      const slots = query.parameters.map((parameter): Slot => (parameter instanceof Placeholder ? { index: parameter.index } : { value: parameter }));
      if (slots.filter((slot) => 'index' in slot).length !== rows.length * columns.length) {
        throw new Error(`A value given to a query compiled once does not reach its SQL: ${query.sql}`);
      }
      counts.set(rows.length, (compiled = { sql: query.sql, slots }));
    }
    const parameters = compiled.slots.map((slot) => ('index' in slot ? rows[Math.floor(slot.index / columns.length)]![columns[slot.index % columns.length]!] : slot.value));
    return (await db.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters))).rows;
  };
}
