/**
 * The typed shape of every table, as Kysely sees it. Both databases store the same columns:
 * times as ISO 8601 UTC text on SQLite and timestamptz on PostgreSQL (both read back as ISO
 * strings, see connection.ts), booleans as 0/1 integers, JSON as text.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface ServiceGroupTable {
  jurisdiction_id: string;
  code: string;
  name: string;
  sort_order: number;
  /** JSON: {"<language>": {"name"}} (migration 019). */
  translations: Generated<string>;
}

export interface ServiceTable {
  jurisdiction_id: string;
  code: string;
  name: string;
  description: string;
  group_code: string;
  /** JSON array of strings. */
  keywords: string;
  type: string;
  active: number;
  agency_responsible: string | null;
  service_notice: string | null;
  expected_days: number | null;
  /** Days after closure that the reporter's personal data is kept; null: until erased. */
  retention_days: number | null;
  /** The legal reason reporters' details must be kept even on an erasure request; null: none. */
  erasure_exemption: string | null;
  /** The department whose staff work this service's cases; null: any staff with access to all. */
  department_code: string | null;
  /** The workflow its new cases start on; null: the jurisdiction's "standard" workflow (migration 010). */
  workflow_code: Generated<string | null>;
  created_at: string;
  updated_at: string;
  /** JSON: {"<language>": {"name", "description", "keywords", "serviceNotice", "agencyResponsible"}} (migration 019). */
  translations: Generated<string>;
}

export interface ServiceAttributeTable {
  jurisdiction_id: string;
  service_code: string;
  code: string;
  datatype: string;
  variable: number;
  required: number;
  sort_order: number;
  description: string;
  help_text: string | null;
  /** JSON array of {key, name}. */
  allowed_values: string;
  /** JSON: {"<language>": {"description", "helpText", "values": {"<key>": "<name>"}}} (migration 019). */
  translations: Generated<string>;
  /** 1: a question for staff only; residents never see or answer it (migration 064). */
  staff_only: Generated<number>;
}

/**
 * A case: anything the council works on for a resident. A 311 service request is the first
 * kind; permit applications will be another. The row is the current state; every change is
 * also an appended case_actions row.
 */
export interface CaseTable {
  id: Generated<number>;
  jurisdiction_id: string;
  kind: string;
  service_code: string;
  description: string | null;
  lat: number | null;
  long: number | null;
  address_string: string | null;
  address_id: string | null;
  zipcode: string | null;
  /** JSON object: attribute code -> string or string[]. */
  attributes: string;
  /** JSON object: staff-only question code -> string or string[], set by staff only (migration 064). */
  staff_answers: Generated<string>;
  /** JSON array of URLs. */
  media_urls: string;
  status: string;
  /** The detailed internal state; the workflow engine will drive it. */
  state: string;
  status_notes: string | null;
  agency_responsible: string | null;
  channel: string;
  token: string;
  requested_at: string;
  updated_at: string;
  expected_at: string | null;
  closed_at: string | null;
  /** The API key that submitted it, if any. */
  api_key_id: number | null;
  /** The department working it (routing picks it); null: not yet routed. */
  department_id: Generated<number | null>;
  assigned_user_id: Generated<number | null>;
  priority: Generated<'low' | 'normal' | 'high' | 'urgent'>;
  /** The workflow version the case started on and keeps. */
  workflow_version_id: Generated<number | null>;
  /** The earliest running SLA clock's due time, copied here so queues sort and filter by it. */
  due_at: Generated<string | null>;
  /** The case this one duplicates, once merged. */
  merged_into: Generated<number | null>;
  /** The case's id in the system it was imported from (migration 060); null for cases made here. */
  external_id: Generated<string | null>;
}

/** One run of `townhall import requests` (migration 060): what it loaded and how far it got. */
export interface CaseImportTable {
  id: Generated<number>;
  jurisdiction_id: string;
  file_name: string;
  file_hash: string;
  profile_name: string;
  profile_hash: string;
  actor: string;
  started_at: string;
  finished_at: string | null;
  /** The records before this one (from 0, the header aside) are loaded. */
  next_record: Generated<number>;
  /** JSON: created, updated, unchanged, skipped. */
  counts: Generated<string>;
  /** While a run holds the import (renewed with each batch): another run of the same file waits until then (066). */
  locked_until: Generated<string | null>;
}

/**
 * Personal data about the person who reported a case: never in public output. Every value is
 * sealed (AES-256-GCM, see platform/crypto.ts); email_hash is a keyed hash for lookups.
 */
export interface CaseReporterTable {
  case_id: number;
  email_hash: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  device_id: string | null;
  account_id: string | null;
  unsubscribed_at: Generated<string | null>;
  /** The language the reporter wrote in, for messages about the case (migration 024). */
  language: Generated<string | null>;
}

/** The append-only history of a case. */
export interface CaseActionTable {
  id: Generated<number>;
  case_id: number;
  action: string;
  actor: string;
  /** Set by outside systems (Open311 update_id) or clients, so a retry is not applied twice. */
  idempotency_key: string | null;
  status: string | null;
  state: string | null;
  /** Public text for this update (status notes). */
  description: string | null;
  media_url: string | null;
  /** JSON object with the action's other details. */
  details: string;
  public: number;
  created_at: string;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  /** JSON or null. */
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
  /** JSON {request_id, address} when a web request made the change; null from the CLI or jobs. */
  context: string | null;
}

/** A POST requests' idempotency key, per API key, and the answer it got (until it expires). */
export interface Open311IdempotencyKeyTable {
  api_key_id: number;
  idempotency_key: string;
  /** SHA-256 of what was sent (every parameter but the api_key), to tell a retry from a reuse. */
  fingerprint: string;
  status_code: number;
  case_id: number;
  created_at: string;
  expires_at: string;
}

export interface ApiKeyTable {
  id: Generated<number>;
  name: string;
  /** The first characters of the key, so staff can tell keys apart without the secret. */
  prefix: string;
  key_hash: string;
  /** JSON array of scopes. */
  scopes: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface DepartmentTable {
  id: Generated<number>;
  code: string;
  name: string;
  created_at: string;
  calendar_id: Generated<number | null>;
  /** GeoJSON Polygon or MultiPolygon of the area it covers. */
  area: Generated<string | null>;
  assignment: Generated<'none' | 'round_robin' | 'least_loaded'>;
  updated_at: Generated<string | null>;
}

export interface BusinessCalendarTable {
  id: Generated<number>;
  code: string;
  name: string;
  time_zone: string;
  /** JSON array of {day: 1 (Monday)..7, start: "09:00", end: "17:00"}. */
  working_hours: string;
  /** JSON array of "YYYY-MM-DD" local dates. */
  holidays: string;
  created_at: string;
  updated_at: string;
}

export interface WorkflowTable {
  id: Generated<number>;
  jurisdiction_id: string;
  code: string;
  name: string;
  created_at: string;
}

export interface WorkflowVersionTable {
  id: Generated<number>;
  workflow_id: number;
  version: number;
  /** JSON WorkflowDefinition (src/workflow/types.ts). */
  definition: string;
  status: 'draft' | 'published' | 'retired';
  created_by: string;
  created_at: string;
  published_at: string | null;
}

export interface CaseClockTable {
  id: Generated<number>;
  case_id: number;
  kind: 'resolution' | 'statutory';
  calendar_id: number | null;
  target_minutes: number;
  started_at: string;
  due_at: string | null;
  used_minutes: Generated<number>;
  extended_minutes: Generated<number>;
  suspended_at: string | null;
  stopped_at: string | null;
  warned_at: string | null;
  breached_at: string | null;
  status: 'running' | 'suspended' | 'stopped';
  /** Migration 013: warn supervisors when this share (percent) of the time is used, and when that is. */
  warn_percent: Generated<number>;
  warn_due_at: Generated<string | null>;
}

export interface RoutingRuleTable {
  id: Generated<number>;
  jurisdiction_id: string;
  position: number;
  service_code: string | null;
  department_id: number;
  within_area: number;
  created_at: string;
}

export interface ResponseTemplateTable {
  id: Generated<number>;
  jurisdiction_id: string;
  department_id: number | null;
  name: string;
  body: string;
  active: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface JobLeaseTable {
  name: string;
  holder: string | null;
  lease_until: string | null;
  last_started_at: string | null;
  last_finished_at: string | null;
  last_error: string | null;
}

export interface TrainingProgressTable {
  user_id: number;
  task: string;
  done_at: string;
}

/** The persisted event log behind live updates: ids are what browsers send back as Last-Event-ID. */
export interface EventTable {
  id: Generated<number>;
  topic: string;
  kind: string;
  /** JSON, never personal data. */
  data: string;
  created_at: string;
}

/** A template staff edited, overriding the built-in one for that event, channel and language. */
export interface MessageTemplateTable {
  event: string;
  channel: 'email' | 'sms' | 'in_app';
  language: string;
  subject: string | null;
  body: string;
  updated_by: string;
  updated_at: string;
}

/** In-app notifications a resident sees on their account. */
export interface NotificationTable {
  id: Generated<number>;
  user_id: number;
  case_id: number | null;
  event: string;
  text: string;
  created_at: string;
  read_at: string | null;
}

/** Someone who signs in. Email and TOTP secret are sealed; email_hash finds a person by email. */
export interface UserTable {
  id: Generated<number>;
  email: string;
  email_hash: string;
  role: string;
  department_id: number | null;
  /** argon2id; null until the person sets a password through their one-time link. */
  password_hash: string | null;
  totp_secret: string | null;
  totp_confirmed: number;
  status: string;
  created_at: string;
  updated_at: string;
  email_verified_at: string | null;
  /** Wrong passwords or codes in a row; reaching the limit locks the account for a while. */
  failed_sign_ins: Generated<number>;
  locked_until: string | null;
  /** The last TOTP time step accepted, so a code cannot be used twice. */
  totp_last_step: number | null;
  /** The name colleagues see in the staff workspace (null: the email address is shown). */
  display_name: string | null;
  /** The language the resident last used the site in, for messages about their reports (migration 024). */
  language: Generated<string | null>;
}

/** Single-use codes for a staff member who has lost their authenticator (argon2id hashes). */
export interface RecoveryCodeTable {
  user_id: number;
  code_hash: string;
  used_at: string | null;
}

/** Messages leaving Townhall (emails now), written in the same transaction as the change. */
/** Client mode: where a service's new cases are forwarded (an outside Open311 back office). */
export interface ServiceForwardingTable {
  jurisdiction_id: string;
  service_code: string;
  /** The back office's name, as staff know it. */
  back_office: string;
  /** The GeoReport v2 base address, e.g. https://backoffice.example/open311/v2 */
  endpoint_url: string;
  remote_jurisdiction_id: string | null;
  /** The back office's service_code for this service. */
  remote_service_code: string;
  /** The back office's API key, sealed (platform/crypto.ts, field "forwarding_api_key"). */
  api_key_sealed: string | null;
  updated_at: string;
}

/** A case forwarded to a back office: the back office's id for it and when its updates were fetched. */
export interface CaseForwardTable {
  case_id: number;
  back_office: string;
  endpoint_url: string;
  external_id: string | null;
  token: string | null;
  sent_at: string;
  /** The back office's updated_datetime last applied (when it lists no updates of its own). */
  remote_updated_at: string | null;
  last_fetched_at: string | null;
  last_fetch_error: string | null;
  /** The back office's public status last seen for the case (066): its changes are the news. */
  remote_status: Generated<'open' | 'closed' | null>;
}

/** Per back office: whether it answers servicerequestupdates, and up to when they were fetched. */
export interface ForwardingCursorTable {
  endpoint_url: string;
  updates_supported: number | null;
  fetched_to: string | null;
  /** Whether it answers GET requests.json?service_request_id=a,b,c (066); null until tried. */
  list_supported: Generated<number | null>;
}

export interface OutboxTable {
  id: Generated<number>;
  kind: string;
  /** JSON; personal parts sealed. */
  payload: string;
  created_at: string;
  sent_at: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  status: Generated<'queued' | 'sending' | 'sent' | 'failed' | 'dead'>;
  next_attempt_at: string | null;
  locked_until: Generated<string | null>;
  last_attempt_at: Generated<string | null>;
  idempotency_key: string | null;
  /** Who delivered it: smtp, dev (kept in the development mailbox), http, console. */
  provider: Generated<string | null>;
  /** 0 routine; alerts 10 (migration 072): the claim takes higher first. */
  priority: Generated<number>;
}

/** Alert subscriptions (migration 072, src/alerts/subscriptions.ts): a place, a channel, a sealed contact. */
export interface AlertSubscriptionTable {
  id: Generated<number>;
  jurisdiction_id: string;
  /** Made from an account (null: the public form, confirmed by link or code). */
  user_id: number | null;
  place_id: number | null;
  place_kind: 'address' | 'area';
  place_name: string;
  /** The place's centre, and its box (an address's box is its point): the fan-out's prefilter. */
  lat: number;
  long: number;
  min_lat: number;
  min_long: number;
  max_lat: number;
  max_long: number;
  channel: 'email' | 'sms';
  /** Sealed email address or phone number. */
  contact: string;
  contact_hash: string;
  language: string;
  /** SHA-256 of the emailed confirmation link's token or of the texted code (null once confirmed). */
  token_hash: string | null;
  code_attempts: Generated<number>;
  requested_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  created_at: string;
}

/** The public subscription form's requests of the last day (rate limits). */
export interface AlertSubscriptionRequestTable {
  contact_hash: string;
  client_hash: string;
  requested_at: string;
}

/** One fan-out of an approved public alert to its subscribers (src/alerts/fan-out.ts). */
export interface AlertFanOutTable {
  alert_id: number;
  /** JSON Area: the alert's, with the referenced alert's for an Update or Cancel. */
  area: string;
  /** JSON: what the messages need of the alert (its type and infos; src/alerts/texts.ts words them). */
  alert: string;
  /** Degrees of latitude the band is widened by: the largest half-height of a subscribed area when the walk began. */
  margin: number | null;
  cursor_lat: number | null;
  cursor_id: number | null;
  subscribers: Generated<number>;
  queued: Generated<number>;
  started_at: string;
  finished_at: string | null;
}

/** One-time links (only their SHA-256 hash is stored). */
export interface UserTokenTable {
  token_hash: string;
  user_id: number;
  purpose: string;
  expires_at: string;
  used_at: string | null;
}

/** A signed-in browser. The cookie carries the token; only its SHA-256 hash is stored. */
export interface SessionTable {
  token_hash: string;
  user_id: number;
  /** Synchroniser token for forms posted in this session. */
  csrf_token: string;
  /** 1 once the second factor has been checked (staff must, before anything else). */
  second_factor: number;
  /** What the person sees in their list of sessions, e.g. "Firefox on Windows". */
  device: string | null;
  created_at: string;
  last_seen_at: string;
  /** The absolute end, however active the session. */
  expires_at: string;
}

/** Links a person at an OpenID Connect provider (issuer + subject) to their Townhall account. */
export interface UserIdentityTable {
  issuer: string;
  /** The provider's stable identifier for the person (the ID token's "sub"). */
  subject: string;
  user_id: number;
  created_at: string;
}

/** A named place for finding a location without a map: an address, a street or an area. */
export interface PlaceTable {
  id: Generated<number>;
  jurisdiction_id: string;
  kind: 'address' | 'street' | 'area';
  name: string;
  /** The name folded for searching: lower case, no accents, single spaces. */
  search_key: string;
  lat: number;
  long: number;
  /** The extent of a street or an area; null for an address. */
  min_lat: number | null;
  min_long: number | null;
  max_lat: number | null;
  max_long: number | null;
}

/** A report being written, one question per page. The cookie holds a token; id is its SHA-256. */
export interface ReportDraftTable {
  id: string;
  jurisdiction_id: string;
  user_id: number | null;
  /** JSON of the answers so far, sealed (it may hold contact details). */
  data: string;
  created_at: string;
  updated_at: string;
  expires_at: string;
}

/** A photo uploaded with a report: already resized, re-encoded and stripped of metadata. */
export interface MediaTable {
  /** Random, URL-safe: the photo's address is /media/<id>. */
  id: string;
  jurisdiction_id: string;
  /** Null until the report it belongs to is sent. */
  case_id: number | null;
  draft_id: string | null;
  content_type: string;
  bytes: Buffer;
  /** 1: a staff attachment never served to the public. */
  internal: Generated<number>;
  file_name: Generated<string | null>;
  width: number;
  height: number;
  created_at: string;
}

/** Who follows a case: its reporter (when signed in) and residents who said "this is my problem too". */
export interface CaseFollowerTable {
  case_id: number;
  user_id: number;
  reason: 'reporter' | 'follower';
  created_at: string;
}

/** A guest who follows a case by email, without an account (migration 023): the address sealed, followed once confirmed by link. */
export interface GuestFollowerTable {
  id: Generated<number>;
  case_id: number;
  /** Sealed (`guest_followers.email`). */
  email: string;
  /** Keyed hash of the address, to find it (erasure, export) and keep one row per case and address. */
  email_hash: string;
  /** The language of the page it was asked from: every email to it is in this language. */
  language: string;
  /** SHA-256 of the one-time confirmation link's token; null for a row carried over from a merged duplicate. */
  token_hash: string | null;
  /** When the latest confirmation link was sent (it expires a fixed time after). */
  requested_at: string;
  confirmed_at: string | null;
  created_at: string;
  unsubscribed_at: string | null;
}

/** Each confirmation email asked for, by keyed hashes only: the per-address and per-client limits. */
export interface GuestFollowRequestTable {
  id: Generated<number>;
  email_hash: string;
  client_hash: string;
  requested_at: string;
}

/** A reporter's answer to "was this fixed?" after a case closed. */
export interface FeedbackTable {
  id: Generated<number>;
  case_id: number;
  service_code: string;
  closing_action_id: number;
  fixed: number;
  /** 1 (very dissatisfied) to 5 (very satisfied). */
  satisfaction: number | null;
  comment: string | null;
  created_at: string;
}

/** A resident's choice of emails about the cases they report or follow. */
export interface ResidentPreferencesTable {
  user_id: number;
  email_on_update: Generated<number>;
  email_on_close: Generated<number>;
  sms_on_update: Generated<number>;
  sms_on_close: Generated<number>;
  /** Sealed mobile number. */
  phone: Generated<string | null>;
  /** When the number was confirmed by the code sent to it; null: no text message goes there. */
  phone_confirmed_at: Generated<string | null>;
  phone_code_hash: Generated<string | null>;
  phone_code_expires_at: Generated<string | null>;
  phone_code_attempts: Generated<number>;
  updated_at: string;
}

/** One row: grows with every change to the settings a submission reads (migration 018's triggers). */
export interface SettingsGenerationTable {
  id: number;
  generation: number;
}

export interface SignInThrottleTable {
  key: string;
  failures: Generated<number>;
  blocked_until: string | null;
  last_failure_at: string;
}

/** An Ed25519 key that signs licences (migration 040). */
export interface LicenceSigningKeyTable {
  kid: string;
  /** JSON: the public JWK. */
  public_jwk: string;
  /** Sealed PKCS#8 (base64). */
  private_key: string;
  current: number;
  created_at: string;
  retired_at: string | null;
}

/** A licence or certificate issued on a case (migration 040). */
export interface LicenceTable {
  id: Generated<number>;
  jurisdiction_id: string;
  number: string;
  case_id: number;
  service_code: string;
  service_name: string;
  holder_name: string;
  /** Sealed. */
  holder_email: string | null;
  holder_key_hash: string;
  language: string;
  permits: string;
  /** JSON array of strings. */
  conditions: string;
  valid_from: string;
  valid_until: string;
  status: string;
  status_reason: string | null;
  kid: string;
  token: string;
  issued_at: string;
  updated_at: string;
  /** JSON array of numbers (days before expiry). */
  reminders_sent: Generated<string>;
}

/** Which services publish their licences in the public register (migration 040). */
export interface LicenceRegisterSettingsTable {
  jurisdiction_id: string;
  service_code: string;
  public_register: number;
  publish_holder_name: number;
}

/** A published version of an application service's form (migration 030); an open application keeps its version. */
export interface ApplicationFormTable {
  id: Generated<number>;
  jurisdiction_id: string;
  service_code: string;
  version: number;
  /** JSON: checked by applications/definition.ts. */
  definition: string;
  published_at: string;
  published_by: string;
}

/** The form editor's draft of an application service's next form version (one per service). */
export interface ApplicationFormDraftTable {
  jurisdiction_id: string;
  service_code: string;
  /** JSON: a definition being built, checked only when it is published. */
  definition: string;
  based_on_version: number | null;
  updated_at: string;
  updated_by: string;
}

/** An application being filled in: a signed-in applicant's, or a guest's reached by an emailed link. */
export interface ApplicationDraftTable {
  id: string;
  jurisdiction_id: string;
  form_id: number;
  user_id: number | null;
  answers: Generated<string>;
  language: Generated<string>;
  resume_token_hash: string | null;
  resume_expires_at: string | null;
  case_id: number | null;
  created_at: string;
  updated_at: string;
  /** The licence this draft renews, if it is a renewal. */
  renews_licence_id: number | null;
  channel: Generated<'web' | 'phone' | 'counter'>;
  /** The officer who started it for a resident (assisted digital). */
  assisted_by: number | null;
  /** A keyed hash of the applicant's email (the answers, sealed, hold the address). */
  contact_email_hash: string | null;
}

/** What an application case holds beside its case row: form version, answers, fee as calculated. */
export interface ApplicationTable {
  case_id: number;
  form_id: number;
  draft_id: string;
  answers: string;
  language: string;
  fee_pence: number;
  fee_lines: Generated<string>;
  payment_state: 'not_due' | 'due' | 'paid';
  refunded_pence: Generated<number>;
  user_id: number | null;
  created_at: string;
  decision: Generated<'approved' | 'refused' | null>;
  /** Conditions of an approval (one per line), or the reasons for a refusal. */
  decision_text: Generated<string | null>;
  /** Calendar dates (YYYY-MM-DD) an approval is valid from and until. */
  valid_from: Generated<string | null>;
  valid_until: Generated<string | null>;
  decided_by: Generated<string | null>;
  decided_at: Generated<string | null>;
  renews_licence_id: Generated<number | null>;
  channel: Generated<'web' | 'api' | 'phone' | 'counter'>;
  assisted_by: Generated<number | null>;
}

export interface ApplicationDocumentTable {
  id: string;
  draft_id: string;
  field: string;
  filename: string;
  content_type: string;
  size: number;
  storage_key: string;
  created_at: string;
}

export interface ApplicationPaymentTable {
  id: string;
  case_id: number;
  provider: string;
  provider_payment_id: string | null;
  amount_pence: number;
  state: 'created' | 'success' | 'failed' | 'cancelled';
  channel: 'online' | 'counter';
  created_at: string;
  finished_at: string | null;
}

/** An application sent through the GovStack Registration API: the sender's id for its applicant. */
export interface GovstackApplicationTable {
  case_id: number;
  api_key_id: number;
  applicant_id: string;
  created_at: string;
}

/** A draft holding documents an API key uploaded before sending their application. */
export interface GovstackUploadTable {
  draft_id: string;
  api_key_id: number;
  created_at: string;
}

/** A refund of an application's payment (migration 053): full or part, with its reason. */
export interface ApplicationRefundTable {
  id: string;
  case_id: number;
  payment_id: string;
  amount_pence: number;
  reason: string;
  status: 'submitted' | 'success' | 'error';
  provider: string;
  provider_refund_id: string | null;
  idempotency_key: string;
  requested_by: string;
  created_at: string;
  finished_at: string | null;
}

/** The built-in sandbox payment provider's own payments (migration 053), shared by every app process. */
export interface SandboxPaymentTable {
  id: string;
  amount_pence: number;
  reference: string;
  description: string;
  return_url: string;
  state: 'created' | 'success' | 'failed' | 'cancelled';
  created_at: string;
  updated_at: string;
}

export interface SandboxRefundTable {
  id: string;
  payment_id: string;
  amount_pence: number;
  status: 'submitted' | 'success' | 'error';
  created_at: string;
}

/** A question one department asks another about an application (migration 051). */
export interface ApplicationConsultationTable {
  id: Generated<number>;
  jurisdiction_id: string;
  case_id: number;
  department_id: number;
  question: string;
  /** YYYY-MM-DD. */
  due_on: string;
  asked_by: string;
  asked_at: string;
  reply: string | null;
  replied_by: string | null;
  replied_at: string | null;
}

/** An inspection booked on an application, and its result (migration 051). */
export interface ApplicationInspectionTable {
  id: string;
  jurisdiction_id: string;
  case_id: number;
  starts_at: string;
  duration_minutes: number;
  place: string;
  inspector_user_id: number;
  status: 'booked' | 'cancelled' | 'done';
  sequence: Generated<number>;
  booked_by: string;
  booked_at: string;
  updated_at: string;
  outcome: 'pass' | 'fail' | null;
  /** JSON: item id -> pass | fail | not_applicable. */
  results: string | null;
  notes: string | null;
  /** JSON array of media ids. */
  photos: Generated<string>;
  recorded_by: string | null;
  recorded_at: string | null;
}

/** A keyed link to an application's page: only the key's SHA-256 is kept. */
export interface ApplicationLinkTable {
  key_hash: string;
  case_id: number;
  created_at: string;
}

/** A subscription to case events (src/webhooks). Filters are JSON arrays; empty means every value. */
export interface WebhookSubscriptionTable {
  id: Generated<number>;
  name: string;
  url: string;
  /** Sealed "whsec_..." signing secret. */
  secret: string;
  event_types: string;
  case_kinds: string;
  service_codes: string;
  department_codes: string;
  owner: string;
  /** Sealed. */
  contact_email: string;
  status: 'active' | 'disabled';
  failing_since: string | null;
  consecutive_failures: Generated<number>;
  disabled_at: string | null;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** One event for one subscription; status, attempts and next try are on its outbox row. */
export interface WebhookDeliveryTable {
  id: Generated<number>;
  subscription_id: number;
  event_id: number;
  event_type: string;
  case_id: number;
  outbox_id: number;
  body: string;
  last_response_code: number | null;
  created_at: string;
}

/** How far the webhook dispatcher has read the event log. */
export interface WebhookDispatchTable {
  name: string;
  last_event_id: number;
}

/** Report journeys started and sent, per service and local day (migration 069): counts only, nothing about people. */
export interface JourneyCountTable {
  jurisdiction_id: string;
  /** YYYY-MM-DD in the jurisdiction's time zone: the day the journey was started. */
  day: string;
  service_code: string;
  started: Generated<number>;
  sent: Generated<number>;
}

/** What a transaction costs on each channel, as the council publishes it (migration 069). */
export interface PerformanceCostTable {
  jurisdiction_id: string;
  /** ISO 4217 code, e.g. GBP. */
  currency: string;
  /** JSON: {"<channel>": minor units (pence, cents)}. */
  costs: string;
  updated_at: string;
}

/** The council's open data choices (migration 068): JSON, read and checked by opendata/settings.ts. */
export interface OpenDataSettingsTable {
  jurisdiction_id: string;
  settings: string;
  updated_at: string;
}

/** Analytics per case (migration 067): written only by src/insights/rollups.ts. */
export interface InsightCaseFactTable {
  case_id: number;
  opened_day: string;
  closed_day: string | null;
  service_code: string;
  department_id: number;
  area: string;
  channel: string;
  close_minutes: number | null;
  promised: number;
  kept_promise: number;
  reopened: number;
  feedback: number;
  fixed: number;
  satisfaction_sum: number;
  satisfaction_count: number;
}

/** The counts kept per day in the analytics rollups (docs/insights.md defines each). */
export interface InsightDayMeasures {
  opened: number;
  closed: number;
  promised: number;
  kept_promise: number;
  reopened: number;
  feedback: number;
  fixed: number;
  satisfaction_sum: number;
  satisfaction_count: number;
}

/** Figures per local day x service x department (0: none) x area ('': none) x channel (migration 067). */
export interface InsightDailyTable extends InsightDayMeasures {
  day: string;
  service_code: string;
  department_id: number;
  area: string;
  channel: string;
}

/** Closed cases per time-to-close bucket, per the same key as insight_daily (migration 067). */
export interface InsightCloseTimeTable {
  day: string;
  service_code: string;
  department_id: number;
  area: string;
  channel: string;
  bucket: number;
  cases: number;
}

export interface InsightStateTable {
  name: string;
  last_action_id: number;
  last_feedback_id: number;
  refreshed_at: string | null;
  /** Set while a rebuild runs, renewed by each of its chunks (migration 070). */
  rebuild_heartbeat: string | null;
}

/** insight_daily's figures without area: per local day x service x department x channel (migration 070). */
export interface InsightDayTotalTable extends InsightDayMeasures {
  day: string;
  service_code: string;
  department_id: number;
  channel: string;
}

/** Closed cases per time-to-close bucket per span (a day, a week from Monday, a month) x service x department (migration 070). */
export interface InsightCloseSpanTable {
  span: 'day' | 'week' | 'month';
  start: string;
  service_code: string;
  department_id: number;
  bucket: number;
  cases: number;
}

/** An incident's own details (migration 073); the incident itself is a case of kind 'incident'. */
export interface IncidentTable {
  case_id: number;
  /** The case's jurisdiction, so lists of incidents read this table alone. */
  jurisdiction_id: string;
  title: string;
  /** JSON: a CAP area ({polygons, circles}, places/geometry.ts). */
  area: string;
  area_description: string;
  min_lat: number;
  min_long: number;
  max_lat: number;
  max_long: number;
  /** JSON array of service codes whose new reports in the area are suggested for linking. */
  service_codes: string;
  summary: string | null;
}

export interface IncidentTaskTable {
  id: Generated<number>;
  case_id: number;
  department_id: number;
  title: string;
  owner_user_id: number | null;
  due_at: string | null;
  status: 'open' | 'done' | 'cancelled';
  created_by: number;
  created_at: string;
  updated_at: string;
}

export interface IncidentLinkTable {
  case_id: number;
  report_id: number;
  linked_by: number;
  linked_at: string;
}

/** An unusual number of new reports of one service in one area in an hour (migration 073). */
export interface SurgeFlagTable {
  id: Generated<number>;
  jurisdiction_id: string;
  service_code: string;
  area_name: string;
  window_start: string;
  window_end: string;
  reports: number;
  expected: number;
  /** JSON array of case ids. */
  report_ids: string;
  status: 'new' | 'opened' | 'dismissed';
  incident_case_id: number | null;
  decided_by: number | null;
  created_at: string;
  updated_at: string;
}

/** Emergency alerts (migration 071): written only by src/alerts/store.ts. */
export interface AlertTable {
  id: Generated<number>;
  identifier: string;
  sender: string;
  msg_type: string;
  status: string;
  scope: string;
  references_id: number | null;
  area_description: string;
  /** JSON: the area's polygons and circles. */
  area: string;
  min_lat: number;
  min_long: number;
  max_lat: number;
  max_long: number;
  onset: string | null;
  expires: string;
  sent: string | null;
  stage: string;
  drafted_by: number;
  approved_by: number | null;
  created_at: string;
  updated_at: string;
}

/** An alert's words in one language (CAP `<info>`, migration 071). */
export interface AlertInfoTable {
  alert_id: number;
  language: string;
  /** JSON array of CAP categories. */
  categories: string;
  event: string;
  urgency: string;
  severity: string;
  certainty: string;
  headline: string;
  description: string;
  instruction: string;
  web: string | null;
  contact: string | null;
}

export interface Database {
  incidents: IncidentTable;
  incident_tasks: IncidentTaskTable;
  incident_links: IncidentLinkTable;
  surge_flags: SurgeFlagTable;
  journey_counts: JourneyCountTable;
  performance_costs: PerformanceCostTable;
  insight_case_facts: InsightCaseFactTable;
  insight_daily: InsightDailyTable;
  insight_close_times: InsightCloseTimeTable;
  insight_state: InsightStateTable;
  insight_day_totals: InsightDayTotalTable;
  insight_close_spans: InsightCloseSpanTable;
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_dispatch: WebhookDispatchTable;
  application_links: ApplicationLinkTable;
  govstack_applications: GovstackApplicationTable;
  govstack_uploads: GovstackUploadTable;
  application_refunds: ApplicationRefundTable;
  sandbox_payments: SandboxPaymentTable;
  sandbox_refunds: SandboxRefundTable;
  application_consultations: ApplicationConsultationTable;
  application_inspections: ApplicationInspectionTable;
  licence_signing_keys: LicenceSigningKeyTable;
  licences: LicenceTable;
  licence_register_settings: LicenceRegisterSettingsTable;
  application_forms: ApplicationFormTable;
  application_drafts: ApplicationDraftTable;
  application_form_drafts: ApplicationFormDraftTable;
  applications: ApplicationTable;
  application_documents: ApplicationDocumentTable;
  application_payments: ApplicationPaymentTable;
  sign_in_throttles: SignInThrottleTable;
  settings_generation: SettingsGenerationTable;
  open_data_settings: OpenDataSettingsTable;
  business_calendars: BusinessCalendarTable;
  workflows: WorkflowTable;
  workflow_versions: WorkflowVersionTable;
  case_clocks: CaseClockTable;
  routing_rules: RoutingRuleTable;
  response_templates: ResponseTemplateTable;
  job_leases: JobLeaseTable;
  training_progress: TrainingProgressTable;
  events: EventTable;
  message_templates: MessageTemplateTable;
  notifications: NotificationTable;
  places: PlaceTable;
  report_drafts: ReportDraftTable;
  media: MediaTable;
  case_followers: CaseFollowerTable;
  guest_followers: GuestFollowerTable;
  guest_follow_requests: GuestFollowRequestTable;
  feedback: FeedbackTable;
  resident_preferences: ResidentPreferencesTable;
  sessions: SessionTable;
  user_identities: UserIdentityTable;
  recovery_codes: RecoveryCodeTable;
  outbox: OutboxTable;
  alert_subscriptions: AlertSubscriptionTable;
  alert_subscription_requests: AlertSubscriptionRequestTable;
  alert_fan_outs: AlertFanOutTable;
  service_forwarding: ServiceForwardingTable;
  case_forwards: CaseForwardTable;
  forwarding_cursors: ForwardingCursorTable;
  departments: DepartmentTable;
  users: UserTable;
  user_tokens: UserTokenTable;
  service_groups: ServiceGroupTable;
  services: ServiceTable;
  service_attributes: ServiceAttributeTable;
  cases: CaseTable;
  case_imports: CaseImportTable;
  case_reporters: CaseReporterTable;
  case_actions: CaseActionTable;
  audit_log: AuditLogTable;
  api_keys: ApiKeyTable;
  open311_idempotency_keys: Open311IdempotencyKeyTable;
  alerts: AlertTable;
  alert_infos: AlertInfoTable;
}

export type CaseRow = Selectable<CaseTable>;
export type NewCase = Insertable<CaseTable>;
export type CaseUpdate = Updateable<CaseTable>;
export type ServiceRow = Selectable<ServiceTable>;
export type ServiceAttributeRow = Selectable<ServiceAttributeTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
