/**
 * Demo accounts, one per role, so anyone trying the demo can see each person's view. Their
 * password and authenticator key are public (in the README): the demo is never for real data.
 */
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import type { Role } from '../identity/roles.js';
import { createUser } from '../identity/users.js';
import type { Keyring } from '../platform/crypto.js';

export const DEMO_PASSWORD = 'townhall demo password';
/** Base32; add it to an authenticator app, or `oathtool --totp -b` it. */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

export const demoPeople: Array<{ email: string; role: Role; department: string | null }> = [
  { email: 'resident@demo.townhall.example', role: 'resident', department: null },
  { email: 'caseworker@demo.townhall.example', role: 'case_worker', department: 'public-works' },
  { email: 'supervisor@demo.townhall.example', role: 'supervisor', department: 'public-works' },
  { email: 'parks@demo.townhall.example', role: 'case_worker', department: 'parks' },
  { email: 'deptadmin@demo.townhall.example', role: 'department_admin', department: 'public-works' },
  { email: 'admin@demo.townhall.example', role: 'system_admin', department: null },
  { email: 'analyst@demo.townhall.example', role: 'analyst', department: null },
  { email: 'emergency@demo.townhall.example', role: 'emergency_officer', department: null },
];

export async function seedDemoPeople(db: DB, keyring: Keyring, config: Config): Promise<number> {
  for (const person of demoPeople) {
    await createUser(db, keyring, { email: person.email, role: person.role, departmentCode: person.department, demo: { password: DEMO_PASSWORD, totpSecret: DEMO_TOTP_SECRET } },
      { publicUrl: config.publicUrl, issuer: config.jurisdiction.name }, 'seed');
  }
  return demoPeople.length;
}
