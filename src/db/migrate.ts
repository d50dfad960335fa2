/**
 * Runs the migrations that have not run yet, recording each in kysely_migration, so every
 * council's database reaches the same schema whatever version it started from.
 */
import { Migrator, sql, type Migration, type MigrationResultSet } from 'kysely';
import { dialectOf, type DB } from './connection.js';
import * as foundation from './migrations/001_foundation.js';
import * as reporterLookup from './migrations/002_reporter_lookup.js';
import * as retention from './migrations/003_retention.js';
import * as identity from './migrations/004_identity.js';
import * as sessions from './migrations/005_sessions.js';
import * as signIn from './migrations/006_sign_in.js';
import * as oidc from './migrations/007_oidc.js';
import * as auditContext from './migrations/008_audit_context.js';
import * as portal from './migrations/009_portal.js';
import * as workflow from './migrations/010_workflow.js';
import * as notifications from './migrations/011_notifications.js';
import * as slaWarnings from './migrations/013_sla_warnings.js';
import * as delivery from './migrations/016_delivery.js';
import * as writePath from './migrations/018_write_path.js';
import * as serviceTranslations from './migrations/019_service_translations.js';
import * as staffDisplayNames from './migrations/020_staff_display_names.js';
import * as signInThrottle from './migrations/021_sign_in_throttle.js';
import * as phoneConfirmation from './migrations/022_phone_confirmation.js';
import * as guestFollowers from './migrations/023_guest_followers.js';
import * as residentLanguage from './migrations/024_resident_language.js';
import * as queueAssigneeInDepartment from './migrations/025_queue_assignee_in_department.js';
import * as applications from './migrations/030_applications.js';
import * as licences from './migrations/040_licences.js';
import * as consultationsInspections from './migrations/051_consultations_inspections.js';
import * as payments from './migrations/053_payments.js';
import * as govstackRegistration from './migrations/054_govstack_registration.js';
import * as applicationFormDrafts from './migrations/055_application_form_drafts.js';
import * as applicationJourney from './migrations/056_application_journey.js';
import * as applicationLinks from './migrations/058_application_links.js';
import * as caseImports from './migrations/060_case_imports.js';
import * as webhooks from './migrations/063_webhooks.js';
import * as clientModeAndImportFixes from './migrations/066_client_mode_and_import_fixes.js';
import * as open311Idempotency from './migrations/061_open311_idempotency.js';
import * as forwarding from './migrations/062_forwarding.js';
import * as staffQuestions from './migrations/064_staff_questions.js';
import * as insightRollups from './migrations/067_insight_rollups.js';
import * as openData from './migrations/068_open_data.js';
import * as performance from './migrations/069_performance.js';
import * as insightCoarseRollups from './migrations/070_insight_coarse_rollups.js';
import * as alerts from './migrations/071_alerts.js';
import * as alertSubscriptions from './migrations/072_alert_subscriptions.js';
import * as incidents from './migrations/073_incidents.js';

const migrations: Record<string, Migration> = {
  '001_foundation': foundation,
  '002_reporter_lookup': reporterLookup,
  '003_retention': retention,
  '004_identity': identity,
  '005_sessions': sessions,
  '006_sign_in': signIn,
  '007_oidc': oidc,
  '008_audit_context': auditContext,
  '009_portal': portal,
  '010_workflow': workflow,
  '011_notifications': notifications,
  '013_sla_warnings': slaWarnings,
  '016_delivery': delivery,
  '018_write_path': writePath,
  '019_service_translations': serviceTranslations,
  '020_staff_display_names': staffDisplayNames,
  '021_sign_in_throttle': signInThrottle,
  '022_phone_confirmation': phoneConfirmation,
  '023_guest_followers': guestFollowers,
  '024_resident_language': residentLanguage,
  '025_queue_assignee_in_department': queueAssigneeInDepartment,
  '030_applications': applications,
  '040_licences': licences,
  '051_consultations_inspections': consultationsInspections,
  '053_payments': payments,
  '054_govstack_registration': govstackRegistration,
  '055_application_form_drafts': applicationFormDrafts,
  '056_application_journey': applicationJourney,
  '058_application_links': applicationLinks,
  '060_case_imports': caseImports,
  '063_webhooks': webhooks,
  '061_open311_idempotency': open311Idempotency,
  '062_forwarding': forwarding,
  '064_staff_questions': staffQuestions,
  '066_client_mode_and_import_fixes': clientModeAndImportFixes,
  '067_insight_rollups': insightRollups,
  '068_open_data': openData,
  '069_performance': performance,
  '070_insight_coarse_rollups': insightCoarseRollups,
  '071_alerts': alerts,
  '072_alert_subscriptions': alertSubscriptions,
  '073_incidents': incidents,
};

export async function migrateToLatest(db: DB): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(db);
    } catch (error) {
      // Before it runs anything, Kysely reads the server's catalogue of every schema; on
      // PostgreSQL that read fails if another schema is dropped at that moment (3F000). Nothing
      // has run yet, so trying again is safe. (Several databases on one server, as in tests.)
      const code = ((error as Error).cause as { code?: string } | undefined)?.code;
      if (code !== '3F000' || attempt >= 5) throw error;
    }
  }
}

/** The migrations this database has not run yet: all of them when it has no schema. */
export async function pendingMigrations(db: DB): Promise<string[]> {
  const known = await (await migratorFor(db)).getMigrations();
  return known.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}

async function migratorFor(db: DB): Promise<Migrator> {
  // Name the schema on PostgreSQL: Kysely otherwise finds its bookkeeping tables in any schema,
  // which misleads it when several Townhall databases share one server (as the tests do).
  const schema = dialectOf(db) === 'postgres'
    ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
    : undefined;
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, ...(schema ? { migrationTableSchema: schema } : {}) });
}

async function migrateOnce(db: DB): Promise<string[]> {
  const migrator = await migratorFor(db);
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(result.error)}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
