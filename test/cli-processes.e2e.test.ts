/**
 * Each townhall command family once as a real process, from the built release (bin/townhall.js
 * running dist/, built first when stale): proves every family's module loads and runs without
 * tsx. What each command does is tested in process (cli.test.ts and the other *-cli tests).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuiltTownhall as townhall, townhallBin } from './built-release.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { sharedFile } from './shared-files.js';

/** Starts a long-running command, waits for a line of its output, stops it with SIGTERM and gives its exit code. */
async function runUntilStopped(args: string[], env: Record<string, string>, ready: RegExp, whileRunning: (output: string) => Promise<void> = async () => {}): Promise<number> {
  const child = spawn(process.execPath, [townhallBin, ...args], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const deadline = Date.now() + 60_000;
  while (!ready.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`townhall ${args.join(' ')} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    await whileRunning(output);
  } finally {
    child.kill('SIGTERM');
  }
  return exited;
}

test('without dist/, the command says in one line to build', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'townhall-unbuilt-'));
  try {
    const copy = join(dir, 'bin', 'townhall.js');
    cpSync(townhallBin, copy);
    const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [copy, '--help'], (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }));
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^Townhall is not built yet: run `npm run build` first.*\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('every command family runs from the built release', () => {
  let t: TestDatabase;
  let dir: string;
  before(async () => {
    t = await createTestDatabase({ name: 'sqlite' }, { migrate: false });
    dir = mkdtempSync(join(tmpdir(), 'townhall-cli-processes-'));
  });
  after(async () => {
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('help, migrate, seed, api-key, audit, users, departments, places, import, privacy, retention, keys', async () => {
    const help = await townhall(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: townhall COMMAND/);
    const noSchema = await townhall(['audit', 'verify'], t.env);
    assert.equal(noSchema.code, 1);
    assert.match(noSchema.stderr, /^The database has no Townhall schema yet.*run `townhall migrate` first\.\n$/);

    const migrated = await townhall(['migrate'], t.env);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stderr, /Ran 001_foundation/);
    const seed = await townhall(['seed'], t.env);
    assert.equal(seed.code, 2);
    assert.match(seed.stderr, /--demo is the only data set/);
    const key = await townhall(['api-key', 'create', '--name', 'Smoke test'], t.env);
    assert.equal(key.code, 0, key.stderr);
    assert.match(key.stdout, /^th_[A-Za-z0-9_-]{32}\n$/);
    const audit = await townhall(['audit', 'verify'], t.env);
    assert.equal(audit.code, 0, audit.stderr);
    assert.match(audit.stdout, /Audit trail intact/);
    const user = await townhall(['users', 'create', '--email', 'smoke@council.example', '--role', 'system_admin'], { ...t.env, PUBLIC_URL: 'https://smoke.council.example' });
    assert.equal(user.code, 0, user.stderr);
    assert.match(user.stdout, /"setPasswordLink": "https:\/\/smoke\.council\.example\/account\/set-password\?token=/);
    const departments = await townhall(['departments', 'create', '--code', 'roads', '--name', 'Roads'], t.env);
    assert.equal(departments.code, 0, departments.stderr);
    const csv = join(dir, 'places.csv');
    writeFileSync(csv, 'street,Market Street,37.78,-122.41\n');
    const places = await townhall(['places', 'import', csv], t.env);
    assert.equal(places.code, 0, places.stderr);
    // The shipped profiles are found beside the release; three rows of the San Francisco sample load.
    const sample = readFileSync(sharedFile('data/311/san-francisco-311-cases-sample10k.csv'), 'utf8').split('\n').slice(0, 4).join('\n');
    const history = join(dir, 'history.csv');
    writeFileSync(history, `${sample}\n`);
    const imported = await townhall(['import', 'requests', history, '--profile', 'san-francisco-311', '--create-services'], t.env);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /3 cases created, 0 updated, 0 unchanged/);
    const privacy = await townhall(['privacy', 'export', '--email', 'nobody@example.org'], t.env);
    assert.equal(privacy.code, 0, privacy.stderr);
    assert.equal((JSON.parse(privacy.stdout) as { serviceRequests: unknown[] }).serviceRequests.length, 0);
    const retention = await townhall(['retention', 'run'], t.env);
    assert.equal(retention.code, 0, retention.stderr);
    const keys = await townhall(['keys', 'rotate'], t.env);
    assert.equal(keys.code, 0, keys.stderr);
  });

  test('deliver runs until stopped', async () => {
    assert.equal(await runUntilStopped(['deliver'], t.env, /delivery worker started/), 0);
  });

  test('serve answers the Open311 API, then stops cleanly', async () => {
    const code = await runUntilStopped(['serve'], { ...t.env, HOST: '127.0.0.1', PORT: '0' }, /Server listening at http:\/\/127\.0\.0\.1:\d+/, async (output) => {
      const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const response = await fetch(`${url}/open311/v2/services.json`);
      assert.equal(response.status, 200);
      assert.ok(Array.isArray(await response.json()));
    });
    assert.equal(code, 0);
  });
});
