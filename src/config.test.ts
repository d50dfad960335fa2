import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.js';

test('defaults give a working local demo', () => {
  const config = loadConfig({});
  assert.equal(config.port, 3000);
  assert.equal(config.databaseUrl, 'sqlite:data/townhall.db');
  assert.equal(config.publicUrl, 'http://localhost:3000');
  assert.equal(config.trustProxy, false, 'X-Forwarded-For is not believed unless asked');
  assert.equal(config.apiRateLimit, 1200);
  assert.ok(config.jurisdiction.bounds.minLat < config.jurisdiction.bounds.maxLat);
});

test('settings are read and trimmed; an empty variable counts as unset', () => {
  const config = loadConfig({
    PORT: '8080', DATABASE_URL: 'postgres://u:p@db/townhall', PUBLIC_URL: 'https://report.example.gov/',
    TOWNHALL_TIME_ZONE: 'Europe/Tallinn', TOWNHALL_JURISDICTION_ID: 'tallinn.ee', TOWNHALL_JURISDICTION_NAME: 'Tallinn',
    TOWNHALL_BOUNDS: '59.35, 24.55, 59.50, 24.95', HOST: '',
  });
  assert.equal(config.port, 8080);
  assert.equal(config.host, '0.0.0.0');
  assert.equal(config.publicUrl, 'https://report.example.gov');
  assert.deepEqual(config.jurisdiction, { id: 'tallinn.ee', name: 'Tallinn', timeZone: 'Europe/Tallinn', bounds: { minLat: 59.35, minLong: 24.55, maxLat: 59.5, maxLong: 24.95 } });
});

test('every problem is reported at once, naming the variable and what it should be', () => {
  assert.throws(() => loadConfig({
    PORT: '70000', DATABASE_URL: 'mysql://x', PUBLIC_URL: 'ftp://x', TOWNHALL_TIME_ZONE: 'Nowhere/Town',
    TOWNHALL_BOUNDS: '60,10,50,20', LOG_LEVEL: 'chatty', TOWNHALL_JURISDICTION_ID: 'has spaces',
  }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.problems.length, 7);
    for (const name of ['PORT', 'DATABASE_URL', 'PUBLIC_URL', 'TOWNHALL_TIME_ZONE', 'TOWNHALL_BOUNDS', 'LOG_LEVEL', 'TOWNHALL_JURISDICTION_ID']) {
      assert.ok(error.problems.some((p) => p.startsWith(name)), `mentions ${name}`);
    }
    return true;
  });
});
