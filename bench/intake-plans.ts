/**
 * The query plans of what one Open311 POST (with an email) and one GET of a request run, read
 * from SQLite itself: the statements are recorded as the app runs them (in this process, on the
 * large city's file), then each is explained with the values it ran with.
 * A plan line that reads a whole table or index ("SCAN") is marked.
 */
import SQLite from 'better-sqlite3';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/apikeys/apikeys.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { loadKeys } from '../src/platform/keys.js';

interface Recorded { text: string; parameters: unknown[] }

type Prepare = (this: SQLite.Database, text: string) => SQLite.Statement;

/** Runs `work` while every statement prepared on any connection is recorded with its first values. */
async function recording(work: () => Promise<void>): Promise<Recorded[]> {
  const recorded = new Map<string, Recorded>();
  const prototype = (SQLite as unknown as { prototype: { prepare: Prepare } }).prototype;
  const original = prototype.prepare;
  prototype.prepare = function prepare(this: SQLite.Database, text: string) {
    const statement = original.call(this, text);
    for (const method of ['all', 'get', 'run', 'iterate'] as const) {
      const run = statement[method].bind(statement) as (...values: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...values: unknown[]) => {
        if (!recorded.has(text)) recorded.set(text, { text, parameters: values.flat() });
        return run(...values);
      };
    }
    return statement;
  };
  try {
    await work();
  } finally {
    prototype.prepare = original;
  }
  return [...recorded.values()];
}

export async function explainHotQueries(file: string): Promise<string> {
  const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent', TOWNHALL_API_RATE_LIMIT: '1000000000' });
  const { keyring } = loadKeys(config.databaseUrl);
  const db = openDatabase(config.databaseUrl);
  const { key } = await createApiKey(db, { name: 'bench plans' }, 'bench');
  const statements = await recording(async () => {
    const app = await buildApp({ config, db, keyring, logger: false });
    try {
      const payload = new URLSearchParams([['api_key', key], ['service_code', 'pothole'], ['lat', '37.7749'], ['long', '-122.4194'],
        ['description', 'A deep pothole.'], ['email', 'resident@example.org'], ['attribute[size]', 'large']]).toString();
      // The first POST fills the settings kept in memory; the second shows a POST as it usually runs.
      for (let i = 0; i < 2; i++) {
        const posted = await app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload });
        if (posted.statusCode !== 201) throw new Error(`POST answered ${posted.statusCode}: ${posted.body}`);
      }
      const got = await app.inject({ method: 'GET', url: '/open311/v2/requests/1.json' });
      if (got.statusCode !== 200) throw new Error(`GET answered ${got.statusCode}: ${got.body}`);
    } finally {
      await app.close();
    }
  });
  await db.destroy();
  const sqlite = new SQLite(file, { readonly: true });
  const lines: string[] = [];
  let scans = 0;
  try {
    for (const { text, parameters } of statements) {
      if (!/^\s*(select|update|delete|insert|with)\b/i.test(text)) continue;
      let plan: Array<{ detail: string }>;
      try {
        plan = sqlite.prepare(`explain query plan ${text}`).all(...parameters) as Array<{ detail: string }>;
      } catch (error) {
        lines.push(`  (not explained: ${(error as Error).message}) ${text.slice(0, 100)}`);
        continue;
      }
      if (plan.length === 0) continue;
      lines.push(`  ${text.length > 150 ? `${text.slice(0, 147)}...` : text}`);
      const inserting = /^\s*insert\b/i.test(text);
      const newest = /order by "\w+" desc limit \?$/.test(text);
      for (const { detail } of plan) {
        let note = '';
        if (/^SCAN (?!CONSTANT|\d+-ROW VALUES)/.test(detail)) {
          // SQLite lists for an insert the look-ups that fix deferred foreign-key violations; they run only when one is outstanding.
          if (inserting) note = '   (foreign-key check, runs only with a violation outstanding)';
          else if (newest) note = '   (newest first, stops at the first row)';
          else {
            scans++;
            note = '   <-- reads the whole table or index';
          }
        }
        lines.push(`      ${detail}${note}`);
      }
    }
  } finally {
    sqlite.close();
  }
  lines.push(scans === 0 ? '  No statement reads a whole table or index.' : `  ${scans} plan step(s) read a whole table or index.`);
  return lines.join('\n');
}
