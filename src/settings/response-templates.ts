/**
 * Response templates: ready-made public updates staff pick on a case, for one department or
 * all. Placeholders are filled when staff use them (staff/actions.ts fillResponseTemplate). Audited.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { invalid, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';

export const placeholders = ['reference', 'service', 'address', 'expected_date', 'council'] as const;

export interface ResponseTemplate {
  id: number;
  name: string;
  /** null: for every department. */
  departmentId: number | null;
  body: string;
  active: boolean;
}

export interface ResponseTemplateInput {
  name: string;
  departmentId: number | null;
  body: string;
  active: boolean;
}

const toTemplate = (row: { id: number; name: string; department_id: number | null; body: string; active: number }): ResponseTemplate =>
  ({ id: row.id, name: row.name, departmentId: row.department_id, body: row.body, active: row.active === 1 });

/** Every template, or (departmentId given) those of that department only. */
export async function listResponseTemplates(db: DB, jurisdictionId: string, filter: { departmentId?: number } = {}): Promise<ResponseTemplate[]> {
  let query = db.selectFrom('response_templates').select(['id', 'name', 'department_id', 'body', 'active']).where('jurisdiction_id', '=', jurisdictionId);
  if (filter.departmentId !== undefined) query = query.where('department_id', '=', filter.departmentId);
  return (await query.orderBy('name').orderBy('id').execute()).map(toTemplate);
}

export async function getResponseTemplate(db: DB, jurisdictionId: string, id: number): Promise<ResponseTemplate> {
  const row = await db.selectFrom('response_templates').select(['id', 'name', 'department_id', 'body', 'active'])
    .where('jurisdiction_id', '=', jurisdictionId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('There is no such response template.');
  return toTemplate(row);
}

/** Problems, each keyed by its form field. */
export function checkResponseTemplate(input: ResponseTemplateInput): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  if (input.name.trim() === '' || input.name.length > 200) problems.push(['name', 'Give the template a name staff recognise (at most 200 characters).']);
  if (input.body.trim() === '') problems.push(['body', 'Write the text residents will read.']);
  if (input.body.length > 5000) problems.push(['body', 'The text must be 5,000 characters or fewer.']);
  const unknown = [...input.body.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((name) => !(placeholders as readonly string[]).includes(name));
  if (unknown.length > 0) problems.push(['body', `Unknown placeholders: ${[...new Set(unknown)].map((n) => `{${n}}`).join(', ')}. Use ${placeholders.map((p) => `{${p}}`).join(', ')}.`]);
  return problems;
}

/** Creates a template (id null) or changes one; audited with before and after. */
export async function saveResponseTemplate(db: DB, jurisdictionId: string, id: number | null, input: ResponseTemplateInput, actor: string): Promise<number> {
  const problems = checkResponseTemplate(input);
  if (problems.length > 0) throw invalid(problems.map(([, p]) => p).join(' '), problems.map(([, p]) => p));
  return db.transaction().execute(async (trx) => {
    const at = nowIso();
    const values = { name: input.name.trim(), department_id: input.departmentId, body: input.body, active: input.active ? 1 : 0, updated_at: at };
    if (id === null) {
      const row = await trx.insertInto('response_templates').values({ jurisdiction_id: jurisdictionId, created_at: at, ...values }).returning('id').executeTakeFirstOrThrow();
      await appendAudit(trx, { actor, action: 'response_template.created', entityType: 'response_template', entityId: String(row.id), after: input });
      return row.id;
    }
    const before = await getResponseTemplate(trx, jurisdictionId, id);
    await trx.updateTable('response_templates').set(values).where('id', '=', id).execute();
    await appendAudit(trx, { actor, action: 'response_template.updated', entityType: 'response_template', entityId: String(id), before, after: input });
    return id;
  });
}
