/**
 * Starts a real Townhall HTTP server on a fresh, migrated database for end-to-end tests, once
 * per database under test (see database.ts: SQLite, PostgreSQL, or both).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type AppDeps } from '../src/app.js';
import { createApiKey, revokeApiKey } from '../src/apikeys/apikeys.js';
import { createService, saveServiceGroup } from '../src/catalogue/catalogue.js';
import type { ServiceInput } from '../src/catalogue/types.js';
import { loadConfig, type Config } from '../src/config.js';
import type { DB } from '../src/db/connection.js';
import { registeredRoutes, type RouteSummary } from '../src/identity/access.js';
import type { Role } from '../src/identity/roles.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { makeKeyring, newKey, type Keyring } from '../src/platform/crypto.js';
import { createTestDatabase, databasesUnderTest, type DatabaseUnderTest } from './database.js';

export { databasesUnderTest, type DatabaseUnderTest };

export const testJurisdiction = {
  id: 'test.townhall.example',
  name: 'Test Borough Council',
  timeZone: 'Europe/London',
  bounds: { minLat: 51.3, minLong: -0.5, maxLat: 51.7, maxLong: 0.3 },
};

export interface RunningTownhall {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  baseUrl: string;
  /** The jurisdiction the server runs for (requests outside bounds are refused). */
  jurisdiction: typeof testJurisdiction;
  /** A valid, unrevoked API key for POST endpoints. */
  apiKey: string;
  db: DB;
  config: Config;
  /** Every route the app registered, with its access rule. */
  routes: RouteSummary[];
  /** The keys that seal personal data in this server's database. */
  keyring: Keyring;
  /** Creates an API key through the same function the CLI uses. */
  createApiKey(name: string): Promise<{ id: string; key: string }>;
  revokeApiKey(id: string): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Services to create before the server starts. */
  services: ServiceInput[];
  /** Groups referenced by those services. */
  groups: Array<{ code: string; name: string }>;
  /** Extra environment for loadConfig, e.g. TOWNHALL_BODY_LIMIT. */
  env?: Record<string, string>;
  /** Applications: a document scanner to plug in (the council's scan hook), a payment provider. */
  applications?: AppDeps['applications'];
}

export async function startTownhall(database: DatabaseUnderTest, options: StartOptions): Promise<RunningTownhall> {
  const testDb = await createTestDatabase(database);
  const { db } = testDb;
  const b = testJurisdiction.bounds;
  // Applicants' documents go to a folder of this server's own, removed when it closes.
  const documentsDir = mkdtempSync(join(tmpdir(), 'townhall-documents-'));
  const config = loadConfig({
    DATABASE_URL: testDb.url,
    TOWNHALL_JURISDICTION_ID: testJurisdiction.id,
    TOWNHALL_JURISDICTION_NAME: testJurisdiction.name,
    TOWNHALL_TIME_ZONE: testJurisdiction.timeZone,
    TOWNHALL_BOUNDS: `${b.minLat},${b.minLong},${b.maxLat},${b.maxLong}`,
    LOG_LEVEL: 'silent',
    PORT: '0',
    // Tests send many reports from one address; the tests of the limit itself set it.
    TOWNHALL_REPORT_RATE_LIMIT: '0',
    TOWNHALL_DOCUMENTS_DIR: documentsDir,
    ...options.env,
  });
  for (const [index, group] of options.groups.entries()) await saveServiceGroup(db, testJurisdiction.id, group, index, 'test');
  for (const service of options.services) await createService(db, testJurisdiction.id, service, 'test');
  const { key } = await createApiKey(db, { name: 'test client' }, 'test');
  const keyring = makeKeyring(newKey());

  const app = await buildApp({ config, db, keyring, logger: false, applications: options.applications });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  config.publicUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl: config.publicUrl,
    jurisdiction: testJurisdiction,
    apiKey: key,
    db,
    config,
    keyring,
    routes: registeredRoutes(app),
    createApiKey: (name) => createApiKey(db, { name }, 'test'),
    revokeApiKey: (id) => revokeApiKey(db, id, 'test'),
    close: async () => {
      await app.close();
      await testDb.cleanup();
      rmSync(documentsDir, { recursive: true, force: true });
    },
  };
}

/** A signed-in person's cookie and CSRF token, for requests made with fetch. */
export interface SignedIn { cookie: string; csrf: string }

/** A new account of this role (with its second factor done), signed in. */
export async function signedInAs(t: RunningTownhall, email: string, role: Role, department: string | null): Promise<SignedIn> {
  const created = await createUser(t.db, t.keyring, { email, role, departmentCode: department }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
  const { token, session } = await startSession(t.db, Number(created.id), { limits: limitsFor(role), secondFactor: true });
  return { cookie: `townhall_session=${token}`, csrf: session.csrfToken };
}
