// The popup in real Chromium against a recording stub worker with a canned state: recent saves
// with "why?", the outbox with retry, the error log with CSV export, a reconnect alert, and
// hostile names kept as text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchExtension, waitUntil } from './harness.mjs';

const HOSTILE = '<img src=x onerror="window.__leadlineXss=1">';
const STATE = {
  ok: true,
  config: { crm: 'salesforce' },
  me: { id: 'u_rep', email: 'rep@acme.example' },
  connections: [{ role: 'personal', name: 'Rita Rep', email: 'rep@acme.example', crm_user_id: '005REP', permission: 'standard', health: 'reconnect_needed', last_success: null }],
  crm_users: [
    { id: '005INT', name: 'Ian Integration', email: 'integration@acme.example', active: true },
    { id: '005REP', name: 'Rita Rep', email: 'rep@acme.example', active: true },
  ],
  needs: [],
  recent_saves: [
    { at: '2026-11-23T09:00:00Z', name: 'Ada Lovelace', status: 'created', object: 'Contact', source: 'linkedin_extension', owner: '005REP', created_by: '005INT',
      reasons: ['LinkedIn saves are pushed with the team sync connection', 'Rita Rep owns it through the owner mapping'] },
    { at: '2026-11-23T09:01:00Z', name: HOSTILE, status: 'linked', object: 'Lead', source: 'gmail_extension', owner: { id: '005REP', name: 'Rita Rep' }, created_by: { id: '005REP', name: 'Rita Rep' }, reasons: [], activity_id: '00T000000000001AAA' },
  ],
  outbox: [
    { id: 'ob-1', name: 'Márta Kovács', source: 'gmail_extension', phase: 'create', status: 'retrying', attempts: 2, next_at_ms: Date.UTC(2026, 10, 23, 9, 30),
      waiting: { code: 'SERVER_UNAVAILABLE', message: 'Salesforce is busy (503): retrying with back-off', hint: 'Nothing to do: Leadline retries on its own.' } },
  ],
  error_log: [
    { at: '2026-11-23T08:55:00Z', code: 'INSUFFICIENT_ACCESS', message: 'Team sync (Ian Integration) cannot create Lead records.', hint: 'Ask your Salesforce admin to give that user Create on Lead.', name: 'Ben O’Neil', source: 'gmail_extension' },
  ],
};

let ext;
let page;

async function answer(kind, value) {
  await ext.currentWorker().evaluate(([k, v]) => { globalThis.__answers[k] = v; }, [kind, value]);
}
async function sent(kind) {
  return (await ext.seen()).map((s) => s.message).filter((m) => m.kind === kind);
}

before(async () => {
  ext = await launchExtension({ stubWorker: true });
  await answer('get_state', STATE);
  await answer('retry', { ok: true });
  await answer('export_error_log_csv', { ok: true, csv: 'at,code,message\n2026-11-23T08:55:00Z,INSUFFICIENT_ACCESS,cannot create\n' });
  page = await ext.openPopup();
  await page.getByTestId('recent-saves').getByText('Ada Lovelace', { exact: false }).waitFor();
});
after(async () => {
  await ext?.stop();
});

test('recent saves show status, owner, Created By and the reasons behind "why?"', async () => {
  const first = page.getByTestId('recent-saves').locator(':scope > li').first();
  const text = await first.textContent();
  assert.match(text, /Ada Lovelace · Created Contact/);
  assert.match(text, /Owner: Rita Rep · Created By: Ian Integration/);
  const reasons = first.locator('ul.reasons');
  assert.equal(await reasons.isVisible(), false);
  await first.getByRole('button', { name: 'why?' }).click();
  assert.equal(await reasons.isVisible(), true);
  assert.match(await reasons.textContent(), /LinkedIn saves are pushed with the team sync connection/);
  await ext.screenshot(page, 'popup');
});

test('hostile names are text, and nothing ran', async () => {
  const second = page.getByTestId('recent-saves').locator(':scope > li').nth(1);
  assert.match(await second.textContent(), /<img src=x onerror="window\.__leadlineXss=1"> · Linked to existing Lead · email logged/);
  const first = page.getByTestId('recent-saves').locator(':scope > li').first();
  assert.doesNotMatch(await first.textContent(), /email logged/, 'only a save that logged one says so');
  assert.equal(await page.getByTestId('recent-saves').locator('img').count(), 0);
  assert.equal(await page.evaluate(() => window.__leadlineXss), undefined);
});

test('the outbox says why and when, and Retry sends retry with the entry id', async () => {
  const outbox = page.getByTestId('outbox');
  const text = await outbox.textContent();
  assert.match(text, /Márta Kovács · Retrying/);
  assert.match(text, /Salesforce is busy \(503\)/);
  assert.match(text, /tries so far: 2/);
  assert.match(text, /Fix: Nothing to do: Leadline retries on its own\./);
  await outbox.getByTestId('outbox-retry').click();
  await waitUntil(async () => (await sent('retry')).length > 0, { timeout: 2500, every: 50, what: 'the retry message' }).catch(() => {});
  assert.deepEqual((await sent('retry')).at(-1), { kind: 'retry', outbox_id: 'ob-1' });
});

test('the error log shows the CRM code, message and fix; Export CSV downloads the worker\'s CSV', async () => {
  const log = page.getByTestId('error-log');
  const text = await log.textContent();
  assert.match(text, /Ben O’Neil · INSUFFICIENT_ACCESS/);
  assert.match(text, /cannot create Lead records/);
  assert.match(text, /Fix: Ask your Salesforce admin/);
  const download = page.waitForEvent('download');
  await page.getByTestId('export-error-log').click();
  const file = await download;
  assert.equal(file.suggestedFilename(), 'leadline-errors.csv');
  assert.equal((await sent('export_error_log_csv')).length, 1);
});

test('a connection that needs reconnecting is called out', async () => {
  assert.match(await page.getByTestId('connection-health').textContent(), /Your connection needs to be reconnected/);
});
