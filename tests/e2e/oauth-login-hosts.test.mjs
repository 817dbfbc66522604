// The two other Salesforce login hosts, end to end through the real extension, the options
// page's controls and the sandbox's login and consent pages: a sandbox org (login at
// test.salesforce.com, records at the sandbox org's My Domain
// acme--uat.sandbox.my.salesforce.com, refreshes back at test.salesforce.com) and a My Domain
// login (acme.my.salesforce.com). Changing the host signs the old connections out, so nothing
// keeps pushing into the org they were made for. The sandbox counts requests per Host name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, launchExtension, connect, sandboxBinary, sendFrom, waitForState, settle } from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
const UAT = 'acme--uat.sandbox.my.salesforce.com';
let sandbox;
let ext;
let options;
const authorizeHosts = [];

const hosts = () => sandbox.get('/__sandbox/hosts');
const connectionsOk = (s) => s.connections.length === 2 && s.connections.every((c) => c.health === 'ok') && s.connections;

async function connectBoth() {
  await connect(ext, options, 'team_sync', { username: 'integration@acme.example' });
  await connect(ext, options, 'personal', { username: 'rep@acme.example' });
  return waitForState(options, connectionsOk, 20000);
}

/** Saves `slug`'s LinkedIn profile with the page's Save button; resolves to its Contact. */
async function saveProfile(slug, lastName) {
  const page = await ext.page('https://www.linkedin.com/in/' + slug + '/');
  await page.getByTestId('save-prospect').first().click({ timeout: 15000 });
  await page.getByTestId('save-result').first().waitFor({ timeout: 20000 });
  await waitForState(options, (s) => s.outbox.length === 0 && s);
  await page.close();
  const { records } = await sandbox.records('Contact');
  const found = records.filter((r) => r.LastName === lastName);
  assert.equal(found.length, 1, JSON.stringify(found));
  return found[0];
}

before(async () => {
  if (skip) return;
  sandbox = await startSandbox();
  ext = await launchExtension({ sandbox });
  ext.context.on('page', (p) => {
    if (p.url().includes('/services/oauth2/authorize')) authorizeHosts.push(new URL(p.url()).hostname);
  });
  options = await ext.openOptions();
  await sendFrom(options, { kind: 'set_config', crm: 'salesforce', client_id: 'leadline-sandbox-client', me_email: 'rep@acme.example' });
});

after(async () => {
  await ext?.stop();
  await sandbox?.stop();
});

test('a sandbox org: login, token and refresh at test.salesforce.com, records at its My Domain', { skip }, async () => {
  await options.reload();
  await options.getByTestId('login-host').selectOption('sandbox');
  await options.locator('#status', { hasText: 'Login host saved.' }).waitFor();
  await sandbox.post('/__sandbox/reset-counts');
  const connections = await connectBoth();
  assert.deepEqual(authorizeHosts, ['test.salesforce.com', 'test.salesforce.com']);
  const signIn = await hosts();
  assert.ok(signIn['test.salesforce.com'] >= 4, 'authorize, login, consent and token at the test host: ' + JSON.stringify(signIn));
  assert.equal(signIn['login.salesforce.com'], undefined, JSON.stringify(signIn));
  const ids = Object.fromEntries(connections.map((c) => [c.role, c.crm_user_id]));
  await options.getByTestId('connection-team_sync').getByTestId('org').getByText(UAT).waitFor({ timeout: 10000 });

  await settle(sandbox, { ext });
  await sandbox.post('/__sandbox/reset-counts');
  const ada = await saveProfile('ada-lovelace', 'Lovelace');
  assert.equal(ada.CreatedById, ids.team_sync);
  assert.equal(ada.OwnerId, ids.personal);
  const saved = await hosts();
  assert.ok(saved[UAT] >= 1, 'the save went to the sandbox org’s instance: ' + JSON.stringify(saved));
  assert.equal(saved['acme.my.salesforce.com'], undefined, 'nothing reached the production instance: ' + JSON.stringify(saved));

  await sandbox.post('/__sandbox/expire-tokens');
  await sandbox.post('/__sandbox/reset-counts');
  await saveProfile('zoe-nakamura', 'Nakamura');
  const refreshed = await hosts();
  assert.ok(refreshed['test.salesforce.com'] >= 1, 'the expired token was refreshed at the test host: ' + JSON.stringify(refreshed));
  assert.equal(refreshed['login.salesforce.com'], undefined, JSON.stringify(refreshed));
  assert.ok(refreshed[UAT] >= 2, 'the refused call and the retry, both at the instance: ' + JSON.stringify(refreshed));
});

test('switching to My Domain signs both connections out; reconnecting goes through My Domain', { skip }, async () => {
  await options.getByTestId('login-host').selectOption('my_domain');
  await options.locator('#status', { hasText: 'reconnect both connections' }).waitFor();
  const signedOut = await waitForState(options, (s) => s.connections.every((c) => c.health === 'reconnect_needed') && s);
  assert.equal(signedOut.connections.length, 2);
  await options.getByTestId('health').first().getByText('reconnect needed').waitFor();

  await options.getByTestId('my-domain').fill('acme.my.salesforce.com');
  await options.getByTestId('save-config').click();
  await options.locator('#status', { hasText: 'CRM settings saved.' }).waitFor();
  await sandbox.post('/__sandbox/reset-counts');
  authorizeHosts.length = 0;
  await connectBoth();
  assert.deepEqual(authorizeHosts, ['acme.my.salesforce.com', 'acme.my.salesforce.com']);
  await options.getByTestId('connection-personal').getByTestId('org').getByText('acme.my.salesforce.com').waitFor({ timeout: 10000 });
  const signIn = await hosts();
  assert.equal(signIn['test.salesforce.com'], undefined, JSON.stringify(signIn));

  await settle(sandbox, { ext });
  await sandbox.post('/__sandbox/reset-counts');
  await saveProfile('jose-muller', 'Müller-Øster');
  const saved = await hosts();
  assert.ok(saved['acme.my.salesforce.com'] >= 1, JSON.stringify(saved));
  assert.equal(saved[UAT], undefined, 'nothing went to the sandbox org any more: ' + JSON.stringify(saved));
  await ext.screenshot(options, 'options-my-domain');
});
