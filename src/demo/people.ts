/**
 * Demo accounts, one per role, so anyone trying the demo can see each person's view. Their
 * password and authenticator key are public (in the README): the demo is never for real data.
 */
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import type { Role } from '../identity/roles.js';
import { createUser, setDisplayName } from '../identity/users.js';
import type { Keyring } from '../platform/crypto.js';

export const DEMO_PASSWORD = 'townhall demo password';
/** Base32; add it to an authenticator app, or `oathtool --totp -b` it. */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** Staff have the names colleagues see in the workspace (residents have none). */
export const demoPeople: Array<{ email: string; role: Role; department: string | null; name?: string }> = [
  { email: 'resident@demo.townhall.example', role: 'resident', department: null },
  { name: 'Casey Morgan', email: 'caseworker@demo.townhall.example', role: 'case_worker', department: 'public-works' },
  { name: 'Sam Ortiz', email: 'supervisor@demo.townhall.example', role: 'supervisor', department: 'public-works' },
  { name: 'Priya Natarajan', email: 'parks@demo.townhall.example', role: 'case_worker', department: 'parks' },
  { name: 'Dana Whitfield', email: 'deptadmin@demo.townhall.example', role: 'department_admin', department: 'public-works' },
  { name: 'Alex Kim', email: 'admin@demo.townhall.example', role: 'system_admin', department: null },
  { name: 'Jordan Lee', email: 'analyst@demo.townhall.example', role: 'analyst', department: null },
  { name: 'Robin Silva', email: 'emergency@demo.townhall.example', role: 'emergency_officer', department: null },
  // A second emergency officer: an alert one drafts, the other approves (the two-person rule).
  { name: 'Morgan Reyes', email: 'emergency2@demo.townhall.example', role: 'emergency_officer', department: null },
];

export async function seedDemoPeople(db: DB, keyring: Keyring, config: Config): Promise<number> {
  for (const person of demoPeople) {
    const created = await createUser(db, keyring, { email: person.email, role: person.role, departmentCode: person.department, demo: { password: DEMO_PASSWORD, totpSecret: DEMO_TOTP_SECRET } },
      { publicUrl: config.publicUrl, issuer: config.jurisdiction.name }, 'seed');
    if (person.name) await setDisplayName(db, Number(created.id), person.name, 'seed');
  }
  return demoPeople.length;
}
