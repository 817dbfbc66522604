// Gmail saves through the real extension, worker and Wasm core against the sandbox org: a
// participant saved from a thread becomes a Contact created by the rep's own connection
// (CreatedById = rep), and "Log this email" becomes a Task (TaskSubtype Email) under the rep on
// the message's external sender (created when new) and on the message's other people already in
// the CRM, and nobody else is created (counted at the sandbox).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, launchExtension, connect, sandboxBinary, sendFrom, waitForState as pollState } from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
const THREAD = 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWvKkzBqRmTnQpLzXgHsWbCd';
let sandbox;
let ext;
let options;
let ids;

const send = sendFrom;

/** Polls the worker's state (through the options page) until `pick(state)` is truthy. */
const waitForState = (pick, timeoutMs) => pollState(options, pick, timeoutMs);

/** Connects `role` with the options page's button and the sandbox's login + consent pages. */
async function connectRole(role, username) {
  await connect(ext, options, role, { username });
  return waitForState((s) => s.connections.find((c) => c.role === role && c.email === username && c.health === 'ok'));
}


before(async () => {
  if (skip) return;
  sandbox = await startSandbox();
  ext = await launchExtension({ sandbox });
  options = await ext.openOptions();
  await send(options, { kind: 'set_config', crm: 'salesforce', login_host: 'production',
    client_id: 'leadline-sandbox-client', me_email: 'rep@acme.example', company_domain: 'acme.example' });
  const team = await connectRole('team_sync', 'integration@acme.example');
  const rep = await connectRole('personal', 'rep@acme.example');
  ids = { integration: team.crm_user_id, rep: rep.crm_user_id };
});

after(async () => {
  if (ext) await ext.stop();
  if (sandbox) await sandbox.stop();
});

const byEmail = (records, email) => records.filter((r) => (r.Email || '').toLowerCase() === email);

test('a Gmail save is created by the rep\'s own connection', { skip }, async () => {
  const page = await ext.page(THREAD);
  const row = page.locator('[data-testid="gmail-participant"][data-email="ben.oneil@initech.example"]');
  await row.waitFor({ timeout: 15000 });
  await row.getByTestId('crm-status').filter({ hasText: 'Not in CRM yet' }).waitFor({ timeout: 15000 });
  await row.getByTestId('save-prospect').click();
  await page.getByTestId('save-result').first().waitFor({ timeout: 20000 });
  await waitForState((st) => st.outbox.length === 0 && st);

  const contacts = (await sandbox.records('Contact')).records;
  assert.equal(contacts.length, 1, JSON.stringify(contacts));
  const [ben] = byEmail(contacts, 'ben.oneil@initech.example');
  assert.equal(ben.CreatedById, ids.rep, 'Gmail saves are pushed with the rep\'s own connection');
  assert.equal(ben.OwnerId, ids.rep);
  assert.ok(!String(ben.Description || '').includes('on behalf of'), 'no stamp on the rep\'s own push');
  assert.equal((await sandbox.records('Task')).records.length, 0, 'a plain save logs nothing');
  await page.close();
});

test('"Log this email": a Task on the sender (created), also on people already in the CRM, nobody else created', { skip }, async () => {
  // A new page: its page-load lookup knows Ben is in the CRM now; Márta and Jana are not.
  const page = await ext.page(THREAD);
  const ben = page.locator('[data-testid="gmail-participant"][data-email="ben.oneil@initech.example"]');
  await ben.getByTestId('crm-status').filter({ hasText: 'In Salesforce' }).waitFor({ timeout: 15000 });
  await page.getByTestId('log-email').click();
  await page.getByTestId('log-create').click(); // creating the new sender is the rep's choice (issue 16)
  const summary = page.getByTestId('log-summary');
  await summary.waitFor({ timeout: 20000 });
  await waitForState((st) => st.outbox.length === 0 && st);
  // The latest message is Márta → rep, Ben, Jana, Sam (colleague).
  assert.equal(await summary.textContent(), 'Email logged as a Task on Márta Kovács (Contact, new) · also on 1 existing contact');
  const toastText = await page.getByTestId('save-result').textContent();
  assert.match(toastText, /Owner: Rita Rep/, toastText);
  assert.match(toastText, /Created By: Rita Rep/, toastText);
  assert.match(await page.getByTestId('log-skipped').textContent(), /Jana Nováková — not in your CRM — Save them first/);

  const contacts = (await sandbox.records('Contact')).records;
  assert.deepEqual(contacts.map((c) => c.Email.toLowerCase()).sort(), ['ben.oneil@initech.example', 'marta@globex.example'],
    'Márta was created; Jana was not');
  const [marta] = byEmail(contacts, 'marta@globex.example');
  const [benRecord] = byEmail(contacts, 'ben.oneil@initech.example');
  assert.equal(marta.CreatedById, ids.rep);
  assert.equal(marta.OwnerId, ids.rep);
  const tasks = (await sandbox.records('Task')).records;
  assert.equal(tasks.length, 2, JSON.stringify(tasks));
  assert.deepEqual(tasks.map((t) => t.WhoId).sort(), [marta.Id, benRecord.Id].sort());
  for (const t of tasks) {
    assert.equal(t.TaskSubtype, 'Email');
    assert.equal(t.OwnerId, ids.rep);
    assert.equal(t.CreatedById, ids.rep, 'activities follow the person: the rep\'s connection');
  }
  await ext.screenshot(page, 'save-gmail-toast');
  await page.close();
});

test('logging it again goes on the same two people, both existing now', { skip }, async () => {
  const page = await ext.page(THREAD);
  await page.locator('[data-testid="gmail-participant"][data-email="marta@globex.example"]')
    .getByTestId('crm-status').filter({ hasText: 'In Salesforce' }).waitFor({ timeout: 15000 });
  await page.getByTestId('log-email').click();
  const summary = page.getByTestId('log-summary');
  await summary.waitFor({ timeout: 20000 });
  await waitForState((st) => st.outbox.length === 0 && st);
  assert.equal(await summary.textContent(), 'Email logged as a Task on Márta Kovács (Contact, existing) · also on 1 existing contact');
  assert.equal((await sandbox.records('Contact')).records.length, 2, 'nobody created');
  assert.equal((await sandbox.records('Task')).records.length, 4);
  const s = await send(options, { kind: 'get_state' });
  assert.equal(s.error_log.length, 0, JSON.stringify(s.error_log));
  await page.close();
});

test('a connection that needs a reconnect: the toast shows the worker\'s notice once, as text', { skip }, async () => {
  // The rep's grant is revoked at the org (as an admin would) and the session expires: the save
  // waits in the outbox and the answer carries the one-time "reconnect" notice.
  const stored = await ext.currentWorker().evaluate(async () => (await chrome.storage.local.get('secret:token:personal'))['secret:token:personal']);
  const { request } = await import('node:https');
  await new Promise((resolve, reject) => {
    const req = request(sandbox.url + '/services/oauth2/revoke', { method: 'POST', rejectUnauthorized: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(new URLSearchParams({ token: stored.refresh_token }).toString());
  });
  await sandbox.post('/__sandbox/expire-tokens', {});

  const page = await ext.page(THREAD);
  const jana = page.locator('[data-testid="gmail-participant"][data-email="jana.novakova@globex.example"]');
  await jana.waitFor({ timeout: 15000 });
  await jana.getByTestId('save-prospect').click();
  const notice = page.getByTestId('save-notice');
  await notice.waitFor({ timeout: 20000 });
  const text = await notice.textContent();
  assert.match(text, /needs your attention/);
  assert.match(text, /Reconnect/i, text);
  const toastText = await page.getByTestId('save-result').textContent();
  assert.match(toastText, /Kept, waiting for you to reconnect/);
  assert.equal(toastText.split(/Leadline needs you to reconnect/).length - 1, 0, 'the notice is not repeated as a note');
  assert.equal(toastText.split(/Reconnect your connection/).length - 1, 1, 'the reason is said once, in the notice: ' + toastText);
  assert.equal(await page.getByTestId('save-undo').count(), 0, 'nothing was created: no Undo');
  assert.equal((await sandbox.records('Contact')).records.filter((r) => (r.Email || '').toLowerCase() === 'jana.novakova@globex.example').length, 0);
  await page.close();
});
