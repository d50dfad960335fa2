/**
 * Who may call what: every registered route must appear in this table with the rule it
 * enforces, and every caller (anonymous, API keys of each scope, residents, each staff role,
 * staff who gave only their password) is tried against every route. A new route without a rule
 * cannot be registered at all (identity/access.ts); one whose rule is not listed here fails
 * this test. Record- and field-level rules (whose case, whose contact details) follow.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey, revokeApiKey } from '../src/apikeys/apikeys.js';
import type { Role } from '../src/identity/roles.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import type { Access } from '../src/identity/access.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { plainRequest } from './plain-http.js';
import { fixture, GRAFFITI, POTHOLE } from './open311/fixture-catalogue.js';

const staffRoles: Role[] = ['case_worker', 'supervisor', 'department_admin', 'system_admin', 'emergency_officer', 'analyst'];
const signedIn = (roles: Role[] | 'any'): Access => ({ kind: 'signed_in', roles });

/** POSTs that need no CSRF token, by design: RFC 8058 one-click unsubscribe (the path holds a MAC of what it stops), the payment provider's signed callback. */
const csrfExempt = new Set(['POST /unsubscribe/:token', 'POST /apply/payments/callback', 'POST /alerts/unsubscribe/:token']);

const expectedRules: Record<string, Access> = {
  'GET /healthz': { kind: 'public' },
  'GET /readyz': { kind: 'public' },
  'GET /openapi.json': { kind: 'public' },
  'GET /open311/discovery.:format': { kind: 'public' },
  'GET /open311/v2/discovery.:format': { kind: 'public' },
  // CORS preflight for the public reads (it allows GET and HEAD only).
  'OPTIONS /open311/*': { kind: 'public' },
  'GET /open311/v2/services.:format': { kind: 'public' },
  'GET /open311/v2/services/:service_code.:format': { kind: 'public' },
  'GET /open311/v2/requests.:format': { kind: 'public' },
  'GET /open311/v2/requests/:service_request_id.:format': { kind: 'public' },
  'GET /open311/v2/tokens/:token.:format': { kind: 'public' },
  'GET /open311/v2/servicerequestupdates.:format': { kind: 'public' },
  'POST /open311/v2/requests.:format': { kind: 'api_key', scope: 'open311:submit' },
  'POST /open311/v2/servicerequestupdates.:format': { kind: 'api_key', scope: 'open311:update' },
  'GET /registration/v1/openapi.json': { kind: 'public' },
  'GET /registration/v1/services': { kind: 'api_key', scope: 'registration:read' },
  'GET /registration/v1/services/:serviceId': { kind: 'api_key', scope: 'registration:read' },
  'GET /registration/v1/services/:serviceId/eForms': { kind: 'api_key', scope: 'registration:read' },
  'GET /registration/v1/eForms/:eFormId': { kind: 'api_key', scope: 'registration:read' },
  'POST /registration/v1/services/:serviceId/applications': { kind: 'api_key', scope: 'registration:write' },
  'GET /registration/v1/applications': { kind: 'api_key', scope: 'registration:read' },
  'GET /registration/v1/applications/:fileId': { kind: 'api_key', scope: 'registration:read' },
  'PUT /registration/v1/applications/:fileId': { kind: 'api_key', scope: 'registration:operate' },
  'POST /registration/v1/documents': { kind: 'api_key', scope: 'registration:write' },
  'GET /registration/v1/documents/:documentId': { kind: 'api_key', scope: 'registration:read' },
  'GET /registration/v1/tasks': { kind: 'api_key', scope: 'registration:read' },
  'GET /registration/v1/tasks/:taskId': { kind: 'api_key', scope: 'registration:read' },
  'POST /registration/v1/tasks/:taskId/complete': { kind: 'api_key', scope: 'registration:operate' },
  'GET /registration/v1/data/statistics': { kind: 'api_key', scope: 'registration:read' },
  'GET /': { kind: 'public' },
  'GET /sign-in': { kind: 'public' },
  'POST /sign-in': { kind: 'public' },
  'GET /sign-in/second-factor': { kind: 'second_factor_pending' },
  'POST /sign-in/second-factor': { kind: 'second_factor_pending' },
  'GET /sign-in/oidc/:audience': { kind: 'public' },
  'GET /sign-in/oidc/:audience/callback': { kind: 'public' },
  'POST /sign-out': { kind: 'public' },
  'GET /account': signedIn('any'),
  'POST /account/sessions/end': signedIn('any'),
  'GET /account/data.json': signedIn('any'),
  'GET /account/password': signedIn('any'),
  'POST /account/password': signedIn('any'),
  'GET /account/close': signedIn(['resident']),
  'POST /account/close': signedIn(['resident']),
  'GET /register': { kind: 'public' },
  'POST /register': { kind: 'public' },
  'GET /account/verify-email': { kind: 'public' },
  'POST /account/verify-email': { kind: 'public' },
  'GET /account/reset-password': { kind: 'public' },
  'POST /account/reset-password': { kind: 'public' },
  'GET /account/reset-password/choose': { kind: 'public' },
  'POST /account/reset-password/choose': { kind: 'public' },
  'GET /sign-in/email-link': { kind: 'public' },
  'POST /sign-in/email-link': { kind: 'public' },
  'GET /sign-in/email-link/confirm': { kind: 'public' },
  'POST /sign-in/email-link/confirm': { kind: 'public' },
  'GET /account/set-password': { kind: 'public' },
  'POST /account/set-password': { kind: 'public' },
  'GET /admin': signedIn(['system_admin', 'department_admin']),
  'POST /admin/users': signedIn(['system_admin', 'department_admin']),
  'POST /admin/users/:id/disable': signedIn(['system_admin', 'department_admin']),
  'POST /admin/users/:id/name': signedIn(['system_admin', 'department_admin']),
  'POST /admin/users/:id/reset-second-factor': signedIn(['system_admin', 'department_admin']),
  'POST /admin/users/:id/sign-out': signedIn(['system_admin', 'department_admin']),
  'GET /admin/privacy': signedIn(['system_admin']),
  'POST /admin/privacy/export': signedIn(['system_admin']),
  'GET /staff': signedIn(staffRoles),
  'GET /staff/requests/:id': signedIn(staffRoles),
  'GET /staff/requests/:id/contact': signedIn(staffRoles),
  // Staff analytics: hotspots and the forecast (supervisors and department admins see their own department only).
  'GET /staff/insights/hotspots': signedIn(['analyst', 'supervisor', 'department_admin', 'system_admin']),
  'GET /staff/insights/hotspots.csv': signedIn(['analyst', 'supervisor', 'department_admin', 'system_admin']),
  'GET /staff/insights/repeat-locations.csv': signedIn(['analyst', 'supervisor', 'department_admin', 'system_admin']),
  'GET /staff/insights/forecast': signedIn(['analyst', 'supervisor', 'department_admin', 'system_admin']),
  'GET /staff/insights/forecast.csv': signedIn(['analyst', 'supervisor', 'department_admin', 'system_admin']),
  // Staff analytics: analysts, supervisors, department admins (their own department) and system admins.
  'GET /staff/insights': signedIn(['analyst', 'supervisor', 'department_admin', 'system_admin']),
  ...Object.fromEntries(['volume', 'backlog', 'time-to-close', 'sla', 'reopened', 'satisfaction', 'channels']
    .map((figure) => [`GET /staff/insights/${figure}.csv`, signedIn(['analyst', 'supervisor', 'department_admin', 'system_admin'])])),
  // ==== portal: home, info pages, catalogue ====
  'GET /services': { kind: 'public' },
  'GET /search': { kind: 'public' },
  'GET /services/:code': { kind: 'public' },
  'GET /accessibility': { kind: 'public' },
  'GET /privacy': { kind: 'public' },
  'GET /branding/logo': { kind: 'public' },
  'GET /branding/theme.css': { kind: 'public' },
  // ==== portal: report journey ====
  'GET /report/new': { kind: 'public' },
  'POST /report/new': { kind: 'public' },
  'GET /report/service': { kind: 'public' },
  'POST /report/service': { kind: 'public' },
  'GET /report/location': { kind: 'public' },
  'POST /report/location': { kind: 'public' },
  'POST /report/location/search': { kind: 'public' },
  'POST /report/location/place': { kind: 'public' },
  'GET /report/nearby': { kind: 'public' },
  'GET /report/details': { kind: 'public' },
  'POST /report/details': { kind: 'public' },
  'GET /report/photos': { kind: 'public' },
  'POST /report/photos': { kind: 'public' },
  'POST /report/photos/:id/remove': { kind: 'public' },
  'POST /report/photos/done': { kind: 'public' },
  'GET /report/contact': { kind: 'public' },
  'POST /report/contact': { kind: 'public' },
  'GET /report/check': { kind: 'public' },
  'POST /report/check': { kind: 'public' },
  'GET /report/done/:id': { kind: 'public' },
  // ==== portal: media, assets, offline ====
  'GET /assets/*': { kind: 'public' },
  'GET /sw.js': { kind: 'public' },
  'GET /media/:id': { kind: 'public' },
  'GET /offline': { kind: 'public' },
  'POST /offline/reports': { kind: 'public' },
  // ==== portal: track, public reports, account cases ====
  'GET /requests/:id': { kind: 'public' },
  'GET /requests/:id/events': { kind: 'public' },
  'POST /requests/:id/follow': { kind: 'public' },
  'POST /requests/:id/unfollow': { kind: 'public' },
  'POST /requests/:id/follow-by-email': { kind: 'public' },
  'GET /follow/confirm': { kind: 'public' },
  // ==== emergency alert subscriptions (src/alerts/subscription-routes.tsx) ====
  'GET /alerts/subscribe': { kind: 'public' },
  'POST /alerts/subscribe': { kind: 'public' },
  'GET /alerts/subscribe/code': { kind: 'public' },
  'POST /alerts/subscribe/code': { kind: 'public' },
  'GET /alerts/subscribe/confirm': { kind: 'public' },
  'POST /alerts/subscribe/confirm': { kind: 'public' },
  'GET /alerts/unsubscribe/:token': { kind: 'public' },
  'POST /alerts/unsubscribe/:token': { kind: 'public' },
  'GET /account/alerts': signedIn(['resident']),
  'POST /account/alerts': signedIn(['resident']),
  'POST /account/alerts/:id/stop': signedIn(['resident']),
  'POST /follow/confirm': { kind: 'public' },
  'GET /reports': { kind: 'public' },
  'GET /reports.geojson': { kind: 'public' },
  'GET /account/requests': signedIn(['resident']),
  'GET /account/notifications': signedIn(['resident']),
  'POST /account/notifications': signedIn(['resident']),
  // ==== portal: feedback ====
  'GET /requests/:id/feedback': { kind: 'public' },
  'POST /requests/:id/feedback': { kind: 'public' },
  // ==== portal: applications (the draft is checked inside: the applicant's account, or the guest's browser) ====
  'GET /apply': { kind: 'public' },
  'GET /apply/:service': { kind: 'public' },
  'GET /apply/:service/eligibility': { kind: 'public' },
  'POST /apply/:service/eligibility': { kind: 'public' },
  'POST /apply/:service/start': { kind: 'public' },
  'GET /apply/d/:draft/page/:page': { kind: 'public' },
  'POST /apply/d/:draft/page/:page': { kind: 'public' },
  'POST /apply/d/:draft/documents/:field': { kind: 'public' },
  'POST /apply/d/:draft/documents/:id/remove': { kind: 'public' },
  'GET /apply/documents/:id': { kind: 'public' },
  'GET /apply/d/:draft/details': { kind: 'public' },
  'POST /apply/d/:draft/details': { kind: 'public' },
  'GET /apply/d/:draft/check': { kind: 'public' },
  'POST /apply/d/:draft/check': { kind: 'public' },
  'GET /apply/d/:draft/sent': { kind: 'public' },
  'POST /apply/d/:draft/save': { kind: 'public' },
  'GET /apply/resume': { kind: 'public' },
  'GET /account/applications': signedIn(['resident']),
  'POST /apply/applications/:id/pay': { kind: 'public' },
  'GET /apply/payments/:payment/return': { kind: 'public' },
  'POST /apply/payments/callback': { kind: 'public' },
  'GET /pay/sandbox/:id': { kind: 'public' },
  'POST /pay/sandbox/:id': { kind: 'public' },
  'POST /pay/sandbox/:id/cancel': { kind: 'public' },
  'GET /apply/applications/:id': { kind: 'public' },
  'POST /apply/applications/:id/reply': { kind: 'public' },
  'POST /staff/applications/:id/decision': signedIn(['supervisor', 'department_admin', 'system_admin']),
  'POST /staff/applications/:id/counter-payment': signedIn(['case_worker', 'supervisor', 'department_admin', 'system_admin']),
  // ==== staff: an application's decision form, requests for more information, messages, documents (the case's department is checked inside) ====
  'GET /staff/applications/:id/decision': signedIn(staffRoles),
  'GET /staff/applications/:id/request-information': signedIn(['case_worker', 'supervisor', 'department_admin', 'system_admin']),
  'POST /staff/applications/:id/request-information': signedIn(['case_worker', 'supervisor', 'department_admin', 'system_admin']),
  'POST /staff/applications/:id/message': signedIn(['case_worker', 'supervisor', 'department_admin', 'system_admin']),
  'GET /staff/applications/:id/documents/:document': signedIn(staffRoles),
  'GET /staff/applications/:id/payments': signedIn(staffRoles),
  'POST /staff/applications/:id/refunds': signedIn(['supervisor', 'department_admin', 'system_admin']),
  'GET /admin/payments': signedIn(['system_admin', 'analyst']),
  'GET /admin/payments/reconciliation.csv': signedIn(['system_admin', 'analyst']),
  // the address search of an address field, renewals (by the signed link or the applicant's account, checked inside), assisted digital
  'POST /apply/d/:draft/address/:field': { kind: 'public' },
  'POST /apply/d/:draft/address/:field/choose': { kind: 'public' },
  'GET /apply/renew/:number': { kind: 'public' },
  'POST /apply/renew/:number': { kind: 'public' },
  'GET /apply/d/:draft/renewal': { kind: 'public' },
  'GET /staff/applications/new': signedIn(['case_worker', 'supervisor', 'department_admin', 'system_admin']),
  'POST /staff/applications/new': signedIn(['case_worker', 'supervisor', 'department_admin', 'system_admin']),
  // consultations and inspections (the department asked, the application's department, the inspector: checked inside)
  'POST /staff/applications/:id/consultations': signedIn(['case_worker', 'supervisor', 'department_admin', 'system_admin']),
  'GET /staff/consultations': signedIn(staffRoles),
  'GET /staff/consultations/:id': signedIn(staffRoles),
  'POST /staff/consultations/:id/reply': signedIn(['case_worker', 'supervisor', 'department_admin', 'system_admin']),
  'POST /staff/applications/:id/inspections': signedIn(['case_worker', 'supervisor', 'department_admin', 'system_admin']),
  'GET /staff/inspections/:id': signedIn(staffRoles),
  'POST /staff/inspections/:id/result': signedIn(['case_worker', 'supervisor', 'department_admin', 'system_admin']),
  'POST /staff/inspections/:id/change': signedIn(['case_worker', 'supervisor', 'department_admin', 'system_admin']),
  'POST /staff/inspections/:id/cancel': signedIn(['case_worker', 'supervisor', 'department_admin', 'system_admin']),
  'POST /staff/inspections/:id/photos': signedIn(['case_worker', 'supervisor', 'department_admin', 'system_admin']),
  // incidents (issue 15): officers run them; other staff read them and change their department's tasks (checked inside)
  'GET /staff/incidents': signedIn(staffRoles),
  'GET /staff/incidents/new': signedIn(['emergency_officer', 'system_admin']),
  'POST /staff/incidents': signedIn(['emergency_officer', 'system_admin']),
  'GET /staff/incidents/:id': signedIn(staffRoles),
  'POST /staff/incidents/:id/log': signedIn(['emergency_officer', 'system_admin']),
  'POST /staff/incidents/:id/links': signedIn(['emergency_officer', 'system_admin']),
  'POST /staff/incidents/:id/links/:reportId/remove': signedIn(['emergency_officer', 'system_admin']),
  'POST /staff/incidents/:id/tasks': signedIn(['emergency_officer', 'system_admin']),
  'POST /staff/incidents/:id/tasks/:taskId': signedIn(staffRoles),
  'POST /staff/incidents/:id/close': signedIn(['emergency_officer', 'system_admin']),
  'POST /staff/incidents/:id/reopen': signedIn(['emergency_officer', 'system_admin']),
  'POST /staff/incidents/surges/:id/dismiss': signedIn(['emergency_officer', 'system_admin']),
  // ==== workspace: queues, case page, actions ====
  'POST /staff/requests/:id/actions': signedIn(staffRoles),
  'POST /staff/requests/:id/attachments': signedIn(staffRoles),
  'POST /staff/requests/:id/undo': signedIn(staffRoles),
  'POST /staff/requests/:id/staff-answers': signedIn(staffRoles),
  'GET /staff/attachments/:id': signedIn(staffRoles),
  'POST /staff/bulk': signedIn(staffRoles),
  'POST /staff/bulk/undo': signedIn(staffRoles),
  'GET /staff/name': signedIn(staffRoles),
  'POST /staff/name': signedIn(staffRoles),
  'GET /staff/requests/:id/location.geojson': signedIn(staffRoles),
  // ==== settings: services, departments, workflows, calendars, templates ====
  'GET /admin/settings': signedIn(['system_admin', 'department_admin']),
  // ==== published performance (issue 14): public pages; the costs per channel, system admins ====
  'GET /performance': { kind: 'public' },
  'GET /performance/:code': { kind: 'public' },
  'GET /admin/settings/performance': signedIn(['system_admin']),
  'POST /admin/settings/performance': signedIn(['system_admin']),
  'GET /admin/settings/services': signedIn(['system_admin']),
  'GET /admin/settings/new-service': signedIn(['system_admin']),
  'GET /admin/settings/services/:code': signedIn(['system_admin']),
  'POST /admin/settings/services': signedIn(['system_admin']),
  'POST /admin/settings/services/:code': signedIn(['system_admin']),
  'POST /admin/settings/services/:code/attributes': signedIn(['system_admin']),
  'POST /admin/settings/services/:code/forwarding': signedIn(['system_admin']),
  'POST /admin/settings/services/:code/attributes/remove': signedIn(['system_admin']),
  'POST /admin/settings/services/:code/attributes/move': signedIn(['system_admin']),
  'GET /admin/settings/services/:code/translations/:language': signedIn(['system_admin']),
  'POST /admin/settings/services/:code/translations/:language': signedIn(['system_admin']),
  'GET /admin/settings/groups': signedIn(['system_admin']),
  'POST /admin/settings/groups': signedIn(['system_admin']),
  'GET /admin/settings/workflows': signedIn(['system_admin']),
  'POST /admin/settings/workflows': signedIn(['system_admin']),
  'GET /admin/settings/workflows/:code': signedIn(['system_admin']),
  'POST /admin/settings/workflows/:code/draft': signedIn(['system_admin']),
  'POST /admin/settings/workflows/:code/states': signedIn(['system_admin']),
  'POST /admin/settings/workflows/:code/states/remove': signedIn(['system_admin']),
  'POST /admin/settings/workflows/:code/initial': signedIn(['system_admin']),
  'POST /admin/settings/workflows/:code/transitions': signedIn(['system_admin']),
  'POST /admin/settings/workflows/:code/transitions/remove': signedIn(['system_admin']),
  'POST /admin/settings/workflows/:code/sla': signedIn(['system_admin']),
  'POST /admin/settings/workflows/:code/sla/remove': signedIn(['system_admin']),
  'GET /admin/settings/workflows/:code/preview': signedIn(['system_admin']),
  'POST /admin/settings/workflows/:code/publish': signedIn(['system_admin']),
  'GET /admin/settings/departments': signedIn(['system_admin']),
  'POST /admin/settings/departments': signedIn(['system_admin']),
  'GET /admin/settings/departments/:code': signedIn(['system_admin', 'department_admin']),
  'POST /admin/settings/departments/:code': signedIn(['system_admin']),
  'POST /admin/settings/departments/:code/area': signedIn(['system_admin', 'department_admin']),
  'GET /admin/settings/routing': signedIn(['system_admin']),
  'POST /admin/settings/routing': signedIn(['system_admin']),
  'POST /admin/settings/routing/remove': signedIn(['system_admin']),
  'POST /admin/settings/routing/move': signedIn(['system_admin']),
  'GET /admin/settings/calendars': signedIn(['system_admin']),
  'GET /admin/settings/new-calendar': signedIn(['system_admin']),
  'POST /admin/settings/calendars': signedIn(['system_admin']),
  'GET /admin/settings/calendars/:code': signedIn(['system_admin', 'department_admin']),
  'POST /admin/settings/calendars/:code': signedIn(['system_admin', 'department_admin']),
  'GET /admin/settings/templates': signedIn(['system_admin', 'department_admin']),
  'GET /admin/settings/new-template': signedIn(['system_admin', 'department_admin']),
  'POST /admin/settings/templates': signedIn(['system_admin', 'department_admin']),
  'GET /admin/settings/templates/:id': signedIn(['system_admin', 'department_admin']),
  'POST /admin/settings/templates/:id': signedIn(['system_admin', 'department_admin']),
  // ==== settings: the application form editor ====
  'GET /admin/settings/forms': signedIn(['system_admin']),
  'POST /admin/settings/forms': signedIn(['system_admin']),
  'GET /admin/settings/forms/:code': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/draft': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/discard': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/publish': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/details': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/pages': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/pages/move': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/pages/remove': signedIn(['system_admin']),
  'GET /admin/settings/forms/:code/pages/:page': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/pages/:page': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/pages/:page/fields': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/pages/:page/fields/move': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/pages/:page/fields/remove': signedIn(['system_admin']),
  'GET /admin/settings/forms/:code/pages/:page/fields/:field': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/pages/:page/fields/:field': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/eligibility': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/eligibility/move': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/eligibility/remove': signedIn(['system_admin']),
  'GET /admin/settings/forms/:code/eligibility/:question': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/eligibility/:question': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/fees': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/fees/remove': signedIn(['system_admin']),
  'GET /admin/settings/forms/:code/fees/:from': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/fees/:from/rules': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/fees/:from/rules/remove': signedIn(['system_admin']),
  'GET /admin/settings/forms/:code/translations/:language': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/translations/:language': signedIn(['system_admin']),
  'GET /admin/settings/forms/:code/json': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/json': signedIn(['system_admin']),
  'GET /admin/settings/forms/:code/preview': signedIn(['system_admin']),
  'GET /admin/settings/forms/:code/preview/page/:page': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/preview/page/:page': signedIn(['system_admin']),
  'GET /admin/settings/forms/:code/preview/check': signedIn(['system_admin']),
  'POST /admin/settings/forms/:code/preview/check': signedIn(['system_admin']),
  // ==== notifications: outbox, templates, unsubscribe ====
  'GET /unsubscribe/:token': { kind: 'public' },
  'POST /unsubscribe/:token': { kind: 'public' },
  'GET /admin/messages': signedIn(['system_admin']),
  'GET /admin/messages/:id': signedIn(['system_admin']),
  'GET /admin/messages/:id/html': signedIn(['system_admin']),
  'POST /admin/messages/:id/retry': signedIn(['system_admin']),
  'GET /admin/messages/templates': signedIn(['system_admin']),
  'GET /admin/messages/templates/:event/:channel/:language': signedIn(['system_admin']),
  'POST /admin/messages/templates/:event/:channel/:language': signedIn(['system_admin']),
  'POST /admin/messages/templates/:event/:channel/:language/reset': signedIn(['system_admin']),
  // ==== live: event streams ====
  'GET /staff/events': signedIn(staffRoles),
  // ==== training ====
  'GET /staff/training': signedIn(staffRoles),
  'POST /staff/training/start': signedIn(staffRoles),
  'POST /staff/training/stop': signedIn(staffRoles),
  'POST /staff/training/reset': signedIn(staffRoles),
  // ==== licences: published keys, verify, register, PDF, staff ====
  'GET /.well-known/licence-keys.json': { kind: 'public' },
  'GET /verify': { kind: 'public' },
  'GET /verify/*': { kind: 'public' },
  'GET /licences': { kind: 'public' },
  'GET /licences.json': { kind: 'public' },
  'GET /licences.csv': { kind: 'public' },
  'GET /licences/:number/pdf': { kind: 'public' },
  'GET /staff/licences': signedIn(staffRoles),
  'GET /staff/licences/:id': signedIn(staffRoles),
  'POST /staff/licences/:id/status': signedIn(['case_worker', 'supervisor', 'department_admin', 'system_admin']),
  // ==== open data: downloads, catalogues, the CKAN API (public, read-only); the council's settings ====
  'GET /open-data': { kind: 'public' },
  'GET /open-data/download': { kind: 'public' },
  'GET /open-data/requests.csv': { kind: 'public' },
  'GET /open-data/requests.json': { kind: 'public' },
  'GET /open-data/requests.geojson': { kind: 'public' },
  'GET /open-data/services.csv': { kind: 'public' },
  'GET /open-data/services.json': { kind: 'public' },
  'GET /open-data/performance.csv': { kind: 'public' },
  'GET /open-data/performance.json': { kind: 'public' },
  'GET /data.json': { kind: 'public' },
  'GET /catalog.jsonld': { kind: 'public' },
  'GET /api/3/action/:action': { kind: 'public' },
  'GET /admin/settings/open-data': signedIn(['system_admin']),
  'POST /admin/settings/open-data': signedIn(['system_admin']),
  // ==== the REST API for staff systems, and webhooks ====
  'GET /api/v1/services': { kind: 'api_key', scope: 'cases:read' },
  'GET /api/v1/cases': { kind: 'api_key', scope: 'cases:read' },
  'GET /api/v1/cases/:id': { kind: 'api_key', scope: 'cases:read' },
  'GET /api/v1/cases/:id/actions': { kind: 'api_key', scope: 'cases:read' },
  'POST /api/v1/cases/:id/actions': { kind: 'api_key', scope: 'cases:write' },
  'GET /api/v1/webhooks': { kind: 'api_key', scope: 'webhooks:manage' },
  'POST /api/v1/webhooks': { kind: 'api_key', scope: 'webhooks:manage' },
  'GET /api/v1/webhooks/:id': { kind: 'api_key', scope: 'webhooks:manage' },
  'POST /api/v1/webhooks/:id/status': { kind: 'api_key', scope: 'webhooks:manage' },
  'POST /api/v1/webhooks/:id/replay': { kind: 'api_key', scope: 'webhooks:manage' },
  'GET /admin/webhooks': signedIn(['system_admin']),
  'POST /admin/webhooks': signedIn(['system_admin']),
  'GET /admin/webhooks/:id': signedIn(['system_admin']),
  'POST /admin/webhooks/:id/status': signedIn(['system_admin']),
  'POST /admin/webhooks/:id/replay': signedIn(['system_admin']),
  // ==== emergency alerts: public pages and feeds; staff see every alert, officers draft and approve ====
  'GET /alerts': { kind: 'public' },
  'GET /alerts/archive': { kind: 'public' },
  'GET /alerts.atom': { kind: 'public' },
  'GET /alerts.geojson': { kind: 'public' },
  'GET /alerts/:id': { kind: 'public' },
  'GET /staff/alerts': signedIn(staffRoles),
  'GET /staff/alerts/:id': signedIn(staffRoles),
  'GET /staff/alerts/:id/deliveries.json': signedIn(staffRoles),
  'GET /staff/alerts/new': signedIn(['emergency_officer', 'system_admin']),
  'POST /staff/alerts': signedIn(['emergency_officer', 'system_admin']),
  'GET /staff/alerts/:id/edit': signedIn(['emergency_officer', 'system_admin']),
  'POST /staff/alerts/:id': signedIn(['emergency_officer', 'system_admin']),
  'POST /staff/alerts/:id/approve': signedIn(['emergency_officer', 'system_admin']),
  'POST /staff/alerts/:id/reject': signedIn(['emergency_officer', 'system_admin']),
};

interface Caller {
  name: string;
  key: string | null;
  scopes: string[];
  /** A browser session: its cookie and CSRF token. */
  session?: { cookie: string; csrf: string; role: Role; secondFactor: boolean };
}

/** What a caller should get from a route, by the rule alone. */
function expectedOutcome(rule: Access, caller: Caller, route: string): 'allowed' | 'sign_in' | 'second_factor' | 'forbidden' | 'no_key' {
  switch (rule.kind) {
    case 'public': return 'allowed';
    case 'api_key':
      // The GovStack API tells a missing, unknown or revoked key (401) from a key without the scope (403); Open311 answers 403 to both.
      if ((route.includes(' /registration/') || route.includes(' /api/v1/')) && caller.scopes.length === 0) return 'no_key';
      return caller.scopes.includes(rule.scope) ? 'allowed' : 'forbidden';
    case 'second_factor_pending': return caller.session ? 'allowed' : 'sign_in';
    case 'signed_in':
      if (!caller.session) return 'sign_in';
      if (!caller.session.secondFactor) return 'second_factor';
      return rule.roles === 'any' || rule.roles.includes(caller.session.role) ? 'allowed' : 'forbidden';
  }
}

for (const database of databasesUnderTest()) {
  describe(`access matrix on ${database.name}`, () => {
    let t: RunningTownhall;
    let callers: Caller[] = [];
    let sample = { requestId: '', token: '', userId: '' };

    async function person(name: string, role: Role, department: string | null, secondFactor = true): Promise<Caller> {
      const created = await createUser(t.db, t.keyring, { email: `${name.replace(/\W+/g, '.')}@example.org`, role, departmentCode: department }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token, session } = await startSession(t.db, Number(created.id), { limits: limitsFor(role), secondFactor });
      return { name, key: null, scopes: [], session: { cookie: `townhall_session=${token}`, csrf: session.csrfToken, role, secondFactor } };
    }

    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0' } });
      await t.db.updateTable('services').set({ department_code: 'public-works' }).where('code', '=', GRAFFITI).execute();
      const submitOnly = await createApiKey(t.db, { name: 'submit only', scopes: ['open311:submit'] }, 'test');
      const updateOnly = await createApiKey(t.db, { name: 'update only', scopes: ['open311:update'] }, 'test');
      const frontEnd = await createApiKey(t.db, { name: 'front end', scopes: ['open311:update', 'open311:front-end'] }, 'test');
      const registration = await createApiKey(t.db, { name: 'registration', scopes: ['registration:read', 'registration:write', 'registration:operate'] }, 'test');
      const registrationReader = await createApiKey(t.db, { name: 'registration reader', scopes: ['registration:read'] }, 'test');
      const staffSystem = await createApiKey(t.db, { name: 'staff system', scopes: ['cases:read', 'cases:write', 'webhooks:manage'] }, 'test');
      const casesReader = await createApiKey(t.db, { name: 'cases reader', scopes: ['cases:read'] }, 'test');
      const revoked = await createApiKey(t.db, { name: 'revoked' }, 'test');
      await revokeApiKey(t.db, revoked.id, 'test');
      callers = [
        { name: 'anonymous', key: null, scopes: [] },
        { name: 'unknown key', key: 'th_not-a-real-key', scopes: [] },
        { name: 'revoked key', key: revoked.key, scopes: [] },
        { name: 'submit-only key', key: submitOnly.key, scopes: ['open311:submit'] },
        { name: 'update-only key', key: updateOnly.key, scopes: ['open311:update'] },
        { name: 'full key', key: t.apiKey, scopes: ['open311:submit', 'open311:update'] },
        // A front end's flag is no route's scope: it changes what an update means, not who may post one.
        { name: 'front-end key', key: frontEnd.key, scopes: ['open311:update', 'open311:front-end'] },
        { name: 'registration key', key: registration.key, scopes: ['registration:read', 'registration:write', 'registration:operate'] },
        { name: 'registration reader', key: registrationReader.key, scopes: ['registration:read'] },
        { name: 'staff system key', key: staffSystem.key, scopes: ['cases:read', 'cases:write', 'webhooks:manage'] },
        { name: 'cases reader key', key: casesReader.key, scopes: ['cases:read'] },
        await person('resident A', 'resident', null),
        await person('resident B', 'resident', null),
        await person('case worker', 'case_worker', 'public-works'),
        await person('case worker of another department', 'case_worker', 'parks'),
        await person('supervisor', 'supervisor', 'public-works'),
        await person('department admin', 'department_admin', 'public-works'),
        await person('system admin', 'system_admin', null),
        await person('emergency officer', 'emergency_officer', null),
        await person('analyst', 'analyst', null),
        await person('staff with only a password', 'case_worker', 'public-works', false),
      ];
      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '1 High Street', email: 'reporter@example.org', first_name: 'Rita' }),
      });
      const [row] = (await created.json()) as Array<{ service_request_id: string; token: string }>;
      const target = await createUser(t.db, t.keyring, { email: 'target@example.org', role: 'case_worker', departmentCode: 'public-works' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      sample = { requestId: row?.service_request_id ?? '', token: row?.token ?? '', userId: target.id };
    });
    after(() => t.close());

    test('every registered route has exactly the rule this table expects', () => {
      const registered = Object.fromEntries(t.routes.filter((r) => r.method !== 'HEAD').map((r) => [`${r.method} ${r.url}`, r.access]));
      assert.deepEqual(registered, expectedRules);
      for (const head of t.routes.filter((r) => r.method === 'HEAD')) {
        assert.deepEqual(head.access, expectedRules[`GET ${head.url}`], `HEAD ${head.url} follows its GET`);
      }
    });

    test('every caller gets exactly the access its key or role allows, on every route', async () => {
      for (const [route, rule] of Object.entries(expectedRules)) {
        const [method, pattern] = route.split(' ') as [string, string];
        const path = pattern.replace(':format', 'json').replace(':service_code', POTHOLE).replace(':service_request_id', sample.requestId)
          .replace(':token', sample.token).replace(':audience', 'staff').replace(':id', pattern.startsWith('/admin') ? sample.userId : sample.requestId).replace(':code', 'public-works');
        for (const caller of callers) {
          const params = new URLSearchParams(caller.key ? { api_key: caller.key } : {});
          // Browsers send a CSRF token, but a wrong one: a request that passes the access rule
          // stops at the CSRF check, so the matrix changes nothing (no one is signed out or disabled).
          if (method === 'POST' && rule.kind !== 'api_key') params.set('_csrf', 'not-the-token');
          // Uncompressed, and over plain node:http rather than fetch: compressing thousands of
          // answers and decompressing them again was a fifth of this walk's CPU, fetch itself
          // another, and neither says anything about access (compression.test.ts tests compression).
          const headers: Record<string, string> = { accept: 'text/html', 'accept-encoding': 'identity' };
          if (caller.session) headers.cookie = caller.session.cookie;
          const response = method === 'GET'
            ? await plainRequest(`${t.baseUrl}${path}?${params}`, { headers })
            : await plainRequest(`${t.baseUrl}${path}`, { method, body: params, headers });
          const body = await response.text();
          const who = `${caller.name} on ${route}`;
          assert.ok(response.status < 500, `${who}: ${response.status}`);
          const outcome = expectedOutcome(rule, caller, route);
          const page = !path.endsWith('.json');
          if (outcome === 'no_key') {
            assert.equal(response.status, 401, `${who}: has no valid key`);
          } else if (outcome === 'sign_in' || (outcome === 'second_factor' && !page)) {
            if (method === 'GET' && page) assert.match(response.headers.get('location') ?? '', /^\/sign-in\?next=/, `${who}: sent to sign in`);
            else assert.equal(response.status, 401, `${who}: must sign in`);
          } else if (outcome === 'second_factor') {
            assert.equal(response.headers.get('location'), '/sign-in/second-factor', `${who}: sent to the second factor`);
          } else if (outcome === 'forbidden') {
            assert.equal(response.status, 403, `${who} is refused`);
            if (rule.kind === 'signed_in') assert.match(body, /You do not have access to this page/, `${who} is refused by the access rule, not the CSRF check`);
          } else if (method === 'POST' && rule.kind !== 'api_key' && !csrfExempt.has(route)) {
            assert.equal(response.status, 403, `${who}: passes the access rule and stops at the CSRF check`);
            assert.match(body, /form has expired/, `${who}: the CSRF check, not the access rule`);
          } else {
            // Allowed by the route's rule; a record-level refusal (another department's case) is
            // checked in the next test, so here only the route-level refusal must be absent.
            if (rule.kind === 'signed_in') assert.doesNotMatch(body, /You do not have access to this page/, `${who} is allowed`);
            else assert.notEqual(response.status, 403, `${who} is allowed`);
            assert.notEqual(response.status, 401, `${who} is allowed`);
            assert.doesNotMatch(response.headers.get('location') ?? '', /^\/sign-in/, `${who} is not sent to sign in`);
          }
        }
      }
    });

    test('record and field level: a case is seen by its department and overseers; contact details only by its department', async () => {
      const get = async (name: string, path: string) => {
        const caller = callers.find((c) => c.name === name)!;
        return fetch(`${t.baseUrl}${path}`, { headers: { accept: 'text/html', cookie: caller.session!.cookie }, redirect: 'manual' });
      };
      const casePath = `/staff/requests/${sample.requestId}`;
      const viewsOfContact = async () => (await t.db.selectFrom('audit_log').select('seq')
        .where('entity_id', '=', sample.requestId).where('action', '=', 'personal_data.viewed').execute()).length;
      const viewedBefore = await viewsOfContact();
      const expectations: Array<[string, number, number]> = [
        // caller, case page, contact page
        ['case worker', 200, 200],
        ['supervisor', 200, 200],
        ['department admin', 200, 200],
        ['case worker of another department', 403, 403],
        ['analyst', 200, 403],
        ['system admin', 200, 403],
        ['emergency officer', 200, 403],
      ];
      for (const [name, casePage, contactPage] of expectations) {
        const page = await get(name, casePath);
        assert.equal(page.status, casePage, `${name}: case page`);
        const html = await page.text();
        assert.ok(!html.includes('reporter@example.org'), `${name}: the case page itself never shows contact details`);
        const contact = await get(name, `${casePath}/contact`);
        assert.equal(contact.status, contactPage, `${name}: contact page`);
        const contactHtml = await contact.text();
        assert.equal(contactHtml.includes('reporter@example.org'), contactPage === 200, `${name}: contact details shown only when allowed`);
      }
      const list = await (await get('case worker of another department', '/staff?queue=all')).text();
      assert.ok(!list.includes(`/staff/requests/${sample.requestId}"`), 'another department does not even list the case');
      assert.ok((await (await get('case worker', '/staff?queue=department')).text()).includes(`/staff/requests/${sample.requestId}"`));

      const views = await t.db.selectFrom('audit_log').select(['actor', 'action']).where('entity_id', '=', sample.requestId).execute();
      assert.equal(await viewsOfContact() - viewedBefore, 3, 'each view of contact details is audited');
      assert.ok(views.some((v) => v.action === 'access.denied'), 'refusals are audited');
    });

    test('a resident sees only their own account and data', async () => {
      const a = callers.find((c) => c.name === 'resident A')!;
      const page = await (await fetch(`${t.baseUrl}/account/data.json`, { headers: { cookie: a.session!.cookie } })).text();
      assert.match(page, /resident\.A@example\.org/);
      assert.doesNotMatch(page, /resident\.B@example\.org/);
    });
  });
}

test('a route without an access rule cannot be registered', async () => {
  const { default: Fastify } = await import('fastify');
  const { enforceAccess } = await import('../src/identity/access.js');
  const app = Fastify();
  enforceAccess(app, null as never);
  assert.throws(() => app.get('/forgotten', async () => 'oops'), /Route GET \/forgotten has no access rule/);
  await app.close();
});
