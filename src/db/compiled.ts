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

/**
 * An insert of many rows at once (an import's batch, the events of one change), compiled once per
 * database, set of columns and number of rows, and run with each call's values. Every row must
 * give the same columns.
 */
export function compiledInsertMany<T extends Record<string, unknown>, R>(build: (db: DB, rows: T[]) => Compilable<R>): (db: DB, rows: T[]) => Promise<R[]> {
  const byDatabase = new WeakMap<object, Map<string, { sql: string; slots: Slot[] }>>();
  return async (db, rows) => {
    if (rows.length === 0) return [];
    const database = db.getExecutor().adapter;
    let shapes = byDatabase.get(database);
    if (!shapes) byDatabase.set(database, (shapes = new Map()));
    const columns = Object.keys(rows[0]!);
    const width = columns.length;
    const key = `${columns.join(',')}|${rows.length}`;
    let compiled = shapes.get(key);
    if (!compiled) {
      const placeholders = rows.map((_, r) => Object.fromEntries(columns.map((column, c) => [column, new Placeholder(r * width + c)])) as T);
      const query = build(db, placeholders).compile();
      const slots = query.parameters.map((parameter): Slot => (parameter instanceof Placeholder ? { index: parameter.index } : { value: parameter }));
      if (slots.filter((slot) => 'index' in slot).length !== rows.length * width) throw new Error(`Not every value given reaches the SQL: ${query.sql}`);
      shapes.set(key, (compiled = { sql: query.sql, slots }));
    }
    const parameters = compiled.slots.map((slot) => {
      if (!('index' in slot)) return slot.value;
      const row = rows[Math.floor(slot.index / width)]!;
      return row[columns[slot.index % width]!];
    });
    return (await db.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters))).rows;
  };
}
