// Team sync chosen among connected users, through the options page against the Salesforce
// sandbox (spec rules 7 and 9, checked by the attribution core in the worker):
// - making "me" the team sync without a connection is refused (team_sync_not_connected);
// - connecting a personal account another app user holds is refused (duplicate_crm_account),
//   and nothing is stored;
// - after connecting their own account, the admin makes "my connection" the team sync and a
//   LinkedIn save is then created by them;
// - one person holding both roles (login email = the team sync account) is accepted, explained.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startSandbox, launchExtension, connect, setupThroughOptions, sandboxBinary, sendFrom, waitForState as pollState, lookupsDone,
} from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
let sandbox;
let ext;
let options;

const send = sendFrom;
const errorText = () => options.getByTestId('options-error').textContent();

const waitForState = (pick, timeoutMs) => pollState(options, pick, timeoutMs);

before(async () => {
  if (skip) return;
  sandbox = await startSandbox();
  ext = await launchExtension({ sandbox });
  options = await setupThroughOptions(ext, { personalUser: null });
});

after(async () => {
  if (ext) await ext.stop();
  if (sandbox) await sandbox.stop();
});

test('the connected users are listed; me without a connection cannot be team sync', { skip }, async () => {
  const rows = options.getByTestId('team-sync-user');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).textContent(), /Me: rep@acme\.example · not connected/);
  assert.match(await rows.nth(1).textContent(), /integration@acme\.example.* · connected · team sync/);
  await options.getByTestId('make-team-sync-me').click();
  await options.getByTestId('options-error').waitFor();
  const text = await errorText();
  assert.match(text, /^Choosing the team sync refused: /);
  assert.match(text, /rep@acme\.example/, 'the core’s message names the user');
  assert.match(text, /\(team_sync_not_connected\)/);
  const s = await send(options, { kind: 'get_state' });
  assert.equal(s.team_sync, 'team_sync_user', 'unchanged');
});

test('a personal account another app user holds is refused with the core’s message', { skip }, async () => {
  await connect(ext, options, 'personal', { username: 'integration@acme.example' });
  await options.getByTestId('options-error').getByText('duplicate_crm_account').waitFor({ timeout: 20000 });
  const text = await errorText();
  assert.match(text, /^Connecting your account refused: /);
  assert.match(text, /already connected by/);
  assert.match(await options.getByTestId('connection-personal').textContent(), /Not connected/);
  const stored = await ext.currentWorker().evaluate(() => chrome.storage.local.get('secret:token:personal'));
  assert.deepEqual(stored, {}, 'no token is kept for a refused connection');
});

test('the admin makes their own connection the team sync; LinkedIn saves are then theirs', { skip }, async () => {
  await connect(ext, options, 'personal', { username: 'rep@acme.example' });
  await options.getByTestId('connection-personal').getByText('rep@acme.example').waitFor({ timeout: 20000 });
  await options.getByTestId('make-team-sync-me').click();
  await options.locator('#status', { hasText: 'Team sync changed.' }).waitFor();
  assert.equal(await options.getByTestId('options-error').isHidden(), true);
  const rows = options.getByTestId('team-sync-user');
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent(), /Me: .*rep@acme\.example.* · connected · team sync/);
  let s = await send(options, { kind: 'get_state' });
  assert.equal(s.team_sync, 'me');
  const rep = s.connections.find((c) => c.role === 'personal');
  assert.equal(s.connections.find((c) => c.role === 'team_sync').crm_user_id, rep.crm_user_id);
  await ext.screenshot(options, 'connect-team-sync-options');

  const page = await ext.page('https://www.linkedin.com/in/ada-lovelace/');
  await lookupsDone(page);
  await page.getByTestId('save-prospect').first().click();
  await page.getByTestId('save-result').first().waitFor({ timeout: 20000 });
  s = await waitForState((st) => st.outbox.length === 0 && st);
  assert.equal(s.error_log.length, 0, JSON.stringify(s.error_log));
  const ada = (await sandbox.records('Contact')).records.filter((r) => r.LastName === 'Lovelace');
  assert.equal(ada.length, 1);
  assert.equal(ada[0].CreatedById, rep.crm_user_id, 'team sync is now the rep’s own connection');
  assert.equal(ada[0].OwnerId, rep.crm_user_id);
});

test('one person in both roles (login email = the team sync account) is accepted and explained', { skip }, async () => {
  const second = await launchExtension({ sandbox });
  try {
    const page = await setupThroughOptions(second, { meEmail: 'admin@acme.example', teamUser: 'admin@acme.example', personalUser: null });
    await connect(second, page, 'personal', { username: 'admin@acme.example' });
    await page.locator('#status', { hasText: 'is both your own connection and the team sync' }).waitFor({ timeout: 20000 });
    const s = await send(page, { kind: 'get_state' });
    assert.equal(s.team_sync, 'me');
    assert.equal(s.connections.length, 2);
    assert.equal(await page.getByTestId('team-sync-user').count(), 1);
  } finally {
    await second.stop();
  }
});
