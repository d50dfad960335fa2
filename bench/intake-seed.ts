/**
 * Fills a Townhall SQLite database with open cases in bulk, straight in SQL (a few seconds per
 * hundred thousand), so the intake benchmark can compare a city with ten thousand open cases to
 * one with a million. Each case gets what a real open case has: its submitted action and a
 * running resolution clock, a department and, for most, an assignee. Run while no server is.
 * A large fill drops the secondary indexes of the three tables it fills and builds them again
 * after (SQLite then sorts each index once, instead of inserting into every index a million times
 * at random places): a million cases take a few minutes instead of a quarter of an hour.
 */
import SQLite from 'better-sqlite3';

const BATCH = 100_000;
/** From this many cases added, the indexes are dropped first and built again after. */
const REBUILD_FROM = 100_000;

/** Adds open cases until the database holds `target` of them; returns how many it added. */
export function fillOpenCases(path: string, target: number, onProgress?: (open: number) => void): number {
  const sqlite = new SQLite(path);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('cache_size = -200000');
    const count = (sqlite.prepare("select count(*) as n from cases where status = 'open'").get() as { n: number }).n;
    if (count >= target) return 0;
    const services = sqlite.prepare(`select s.jurisdiction_id, s.code, d.id as department_id from services s
      left join departments d on d.code = s.department_code where s.active = 1 and s.jurisdiction_id not like '%.training' order by s.code`).all() as Array<{ jurisdiction_id: string; code: string; department_id: number | null }>;
    if (services.length === 0) throw new Error('The database has no services: seed the demo first.');
    const people = (sqlite.prepare("select id from users where role in ('case_worker', 'supervisor') and status = 'active' order by id").all() as Array<{ id: number }>).map((p) => p.id);
    const version = (sqlite.prepare("select v.id from workflow_versions v join workflows w on w.id = v.workflow_id where w.code = 'standard' and v.status = 'published' order by v.version desc limit 1").get() as { id: number } | undefined)?.id ?? null;

    sqlite.exec('create temp table if not exists bulk_services (idx integer primary key, jurisdiction_id text, code text, department_id integer)');
    sqlite.exec('create temp table if not exists bulk_people (idx integer primary key, user_id integer)');
    sqlite.exec('delete from bulk_services; delete from bulk_people');
    const addService = sqlite.prepare('insert into bulk_services values (?, ?, ?, ?)');
    services.forEach((s, i) => addService.run(i, s.jurisdiction_id, s.code, s.department_id));
    const addPerson = sqlite.prepare('insert into bulk_people values (?, ?)');
    people.forEach((id, i) => addPerson.run(i, id));

    // Reported over the past year, due (and warned) over the coming weeks, so no escalation job wakes
    // during the measurement; one in ten waits unassigned.
    const insertCases = sqlite.prepare(`with recursive n(i) as (select ? union all select i + 1 from n where i < ?)
      insert into cases (jurisdiction_id, kind, service_code, description, lat, long, attributes, media_urls, status, state, channel, token,
        requested_at, updated_at, department_id, assigned_user_id, priority, workflow_version_id, due_at)
      select s.jurisdiction_id, 'service_request', s.code, 'Open case ' || n.i, 37.70 + (n.i % 1000) / 10000.0, -122.50 + (n.i % 997) / 10000.0, '{}', '[]',
        'open', 'submitted', 'api', 'bulk-' || n.i || '-' || hex(randomblob(6)),
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (n.i % 365) || ' days'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (n.i % 365) || ' days'),
        s.department_id, case when n.i % 10 = 0 then null else p.user_id end, 'normal', ?,
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+' || (2 + n.i % 40) || ' days')
      from n join bulk_services s on s.idx = n.i % ? left join bulk_people p on p.idx = n.i % ?`);
    const insertActions = sqlite.prepare(`insert into case_actions (case_id, action, actor, status, state, details, public, created_at)
      select id, 'submitted', 'bench', 'open', 'submitted', '{"channel":"api"}', 1, requested_at from cases where id > ?`);
    const insertClocks = sqlite.prepare(`insert into case_clocks (case_id, kind, calendar_id, target_minutes, started_at, due_at, warn_percent, warn_due_at, status)
      select id, 'resolution', null, 4800, requested_at, due_at, 80, strftime('%Y-%m-%dT%H:%M:%fZ', due_at, '-1 day'), 'running' from cases where id > ?`);
    const lastId = sqlite.prepare('select coalesce(max(id), 0) as id from cases');

    // Indexes with SQL of their own (not those behind a primary key or a unique column).
    const rebuild = target - count >= REBUILD_FROM
      ? sqlite.prepare("select name, sql from sqlite_master where type = 'index' and tbl_name in ('cases', 'case_actions', 'case_clocks') and sql is not null").all() as Array<{ name: string; sql: string }>
      : [];
    for (const index of rebuild) sqlite.exec(`drop index "${index.name}"`);

    let open = count;
    let next = (sqlite.prepare("select count(*) as n from cases where token like 'bulk-%'").get() as { n: number }).n + 1;
    try {
      while (open < target) {
        const size = Math.min(BATCH, target - open);
        sqlite.transaction(() => {
          const before = (lastId.get() as { id: number }).id;
          insertCases.run(next, next + size - 1, version, services.length, Math.max(people.length, 1));
          insertActions.run(before);
          insertClocks.run(before);
        })();
        next += size;
        open += size;
        onProgress?.(open);
      }
    } finally {
      for (const index of rebuild) sqlite.exec(index.sql);
    }
    sqlite.pragma('wal_checkpoint(truncate)');
    return open - count;
  } finally {
    sqlite.close();
  }
}
