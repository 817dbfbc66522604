// Gmail saves through the real extension, worker and Wasm core against the sandbox org: a
// participant saved from a thread becomes a Contact created by the rep's own connection
// (CreatedById = rep), and "Log this email" becomes a Task (TaskSubtype Email) under the rep
// against the existing Contact, without creating the person twice.
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
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

test('a Gmail save is created by the rep, and "Log this email" is a Task under the rep', { skip }, async () => {
  const page = await ext.page(THREAD);
  const row = page.locator('[data-testid="gmail-participant"][data-email="marta@globex.example"]');
  await row.waitFor({ timeout: 15000 });
  await row.getByTestId('save-prospect').click();
  await page.getByTestId('save-result').first().waitFor({ timeout: 20000 });
  await waitForState((st) => st.outbox.length === 0 && st);

  const contacts = (await sandbox.records('Contact')).records.filter((r) => (r.Email || '').toLowerCase() === 'marta@globex.example');
  assert.equal(contacts.length, 1, JSON.stringify(contacts));
  assert.equal(contacts[0].CreatedById, ids.rep, 'Gmail saves are pushed with the rep\'s own connection');
  assert.equal(contacts[0].OwnerId, ids.rep);
  assert.ok(!String(contacts[0].Description || '').includes('on behalf of'), 'no stamp on the rep\'s own push');

  const tasksBefore = (await sandbox.records('Task')).records.length;
  await page.getByTestId('log-email').first().click();
  await sleep(500);
  await waitForState((st) => st.outbox.length === 0 && st);
  const tasks = (await sandbox.records('Task')).records;
  assert.ok(tasks.length > tasksBefore, 'a Task was logged');
  const logged = tasks.filter((t) => t.WhoId === contacts[0].Id);
  assert.equal(logged.length, 1, JSON.stringify(tasks));
  assert.equal(logged[0].TaskSubtype, 'Email');
  assert.equal(logged[0].OwnerId, ids.rep);
  assert.equal(logged[0].CreatedById, ids.rep, 'activities follow the person: the rep\'s connection');

  const again = (await sandbox.records('Contact')).records.filter((r) => (r.Email || '').toLowerCase() === 'marta@globex.example');
  assert.equal(again.length, 1, 'logging the email did not create the person twice');
  const s = await send(options, { kind: 'get_state' });
  assert.equal(s.error_log.length, 0, JSON.stringify(s.error_log));
  await ext.screenshot(page, 'save-gmail-toast');
});
