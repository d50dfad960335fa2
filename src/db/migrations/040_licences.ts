import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Licences anyone can verify: the Ed25519 keys that sign them (private keys sealed, public keys
 * kept after rotation so old licences stay verifiable), the licences themselves with their
 * status, and which services publish their licences in the public register.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.createTable('licence_signing_keys')
    /** The RFC 7638 thumbprint of the public key. */
    .addColumn('kid', 'text', (c) => c.primaryKey())
    /** JSON: the public key as a JWK (OKP, Ed25519). */
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    /** The PKCS#8 private key, sealed with the field encryption keys. */
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('current', 'integer', (c) => c.notNull().defaultTo(0).check(sqlCheck('current')))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('retired_at', t.timestamp)
    .execute();

  await db.schema.createTable('licences')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id'))
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('service_name', 'text', (c) => c.notNull())
    .addColumn('holder_name', 'text', (c) => c.notNull())
    /** Sealed; null when the holder gave no email address. */
    .addColumn('holder_email', 'text')
    /** SHA-256 of the key in the holder's link (the key itself is only in their email). */
    .addColumn('holder_key_hash', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('permits', 'text', (c) => c.notNull())
    /** JSON array of strings. */
    .addColumn('conditions', 'text', (c) => c.notNull())
    .addColumn('valid_from', t.timestamp, (c) => c.notNull())
    .addColumn('valid_until', t.timestamp, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['issued', 'suspended', 'revoked', 'expired'])))
    .addColumn('status_reason', 'text')
    .addColumn('kid', 'text', (c) => c.notNull().references('licence_signing_keys.kid'))
    /** The signed credential (a compact JWS): public by design, it is what the QR code carries. */
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('issued_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    /** JSON array of the renewal reminders sent (days before expiry: 60, 30, 7). */
    .addColumn('reminders_sent', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.createIndex('licences_case').on('licences').column('case_id').execute();
  // Renewal reminders and lapsing: issued licences by expiry.
  await db.schema.createIndex('licences_status_expiry').on('licences').columns(['status', 'valid_until']).execute();
  // The public register: a service's licences, newest first.
  await db.schema.createIndex('licences_register').on('licences').columns(['jurisdiction_id', 'service_code', 'issued_at']).execute();

  await db.schema.createTable('licence_register_settings')
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('public_register', 'integer', (c) => c.notNull().defaultTo(0).check(sqlCheck('public_register')))
    /** Business licences whose law publishes the holder's name. */
    .addColumn('publish_holder_name', 'integer', (c) => c.notNull().defaultTo(0).check(sqlCheck('publish_holder_name')))
    .addPrimaryKeyConstraint('licence_register_settings_pk', ['jurisdiction_id', 'service_code'])
    .execute();
}

const sqlCheck = (column: string) => sql`${sql.ref(column)} in (0, 1)`;
const sqlIn = (column: string, values: string[]) => sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('licence_register_settings').execute();
  await db.schema.dropTable('licences').execute();
  await db.schema.dropTable('licence_signing_keys').execute();
}
