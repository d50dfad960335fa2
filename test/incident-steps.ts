/**
 * An emergency officer runs an incident in a real browser, as the issue's done-when walks it:
 * opens it over an area, links the residents' reports the page suggests there, gives two
 * departments a task each, writes the log. Shared by the incidents browser test and the alerts
 * done-when test. Test support only.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

export interface IncidentWalk { title: string; areaText: string; reports: number[]; tasks: Array<{ title: string; department: string }> }

/** Opens the incident and does each step through the page's forms; the incident's id. */
export async function runIncident(tab: Page, baseUrl: string, walk: IncidentWalk): Promise<number> {
  await tab.goto(`${baseUrl}/staff/incidents/new`);
  await tab.getByLabel('Title').fill(walk.title);
  await tab.getByLabel('Area', { exact: true }).selectOption({ label: 'Drawn or typed area' });
  await tab.getByLabel('Drawn or typed area').fill(walk.areaText);
  await tab.getByRole('button', { name: 'Open the incident' }).click();
  await tab.waitForURL(/\/staff\/incidents\/\d+$/);
  const id = Number(/\/staff\/incidents\/(\d+)$/.exec(tab.url())![1]);
  // The reports in the area are suggested, ticked: linking them is one press.
  for (const report of walk.reports) assert.equal(await tab.locator(`input[name="reports"][value="${report}"]`).isChecked(), true, `report ${report} is suggested`);
  await tab.getByRole('button', { name: 'Link the chosen reports' }).click();
  await tab.waitForURL(new RegExp(`/staff/incidents/${id}$`));
  const linked = tab.getByRole('region', { name: 'Linked reports' });
  for (const report of walk.reports) await linked.getByRole('link', { name: String(report), exact: true }).waitFor();
  for (const task of walk.tasks) {
    await tab.getByLabel('Task', { exact: true }).fill(task.title);
    await tab.getByLabel('Department').selectOption({ label: task.department });
    await tab.getByRole('button', { name: 'Give the task' }).click();
    await tab.waitForURL(new RegExp(`/staff/incidents/${id}$`));
    await tab.getByRole('region', { name: 'Tasks' }).getByRole('cell', { name: task.title, exact: true }).waitFor();
  }
  await tab.getByLabel('New log entry').fill('Water department on site; road closed.');
  await tab.getByRole('button', { name: 'Add to the log' }).click();
  await tab.locator('.incident-log').getByText('Water department on site; road closed.').waitFor();
  return id;
}
