// The options page in real Chromium against a recording stub worker with a canned state: what
// it shows, which message each control sends, and that refusals and hostile names are shown as
// plain text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchExtension } from './harness.mjs';

const HOSTILE = '<img src=x onerror="window.__leadlineXss=1">';
const STATE = {
  ok: true,
  config: { crm: 'salesforce', login_host: 'my_domain', my_domain: 'acme.my.salesforce.com', client_id: 'leadline-sandbox-client', api_version: '62.0', hubspot_private_token_set: true },
  me: { id: 'u_rep', email: 'rita@acme.example' },
  connections: [
    { role: 'team_sync', app_user: 'u_int', name: 'Ian Integration', email: 'integration@acme.example', crm_user_id: '005INT', permission: 'admin', health: 'ok', last_success: '2026-11-23T08:00:00Z' },
    { role: 'personal', app_user: 'u_rep', name: 'Rita Rep', email: 'rep@acme.example', crm_user_id: '005REP', permission: 'standard', health: 'reconnect_needed', last_success: null },
  ],
  team_sync: 'u_int',
  owner_mapping: '005REP',
  crm_users: [
    { id: '005INT', name: 'Ian Integration', email: 'integration@acme.example', active: true },
    { id: '005REP', name: 'Rita Rep', email: 'rep@acme.example', active: true },
    { id: '005GONE', name: 'Gone Person', email: 'gone@acme.example', active: false },
    { id: '005BAD', name: HOSTILE, email: 'bad@acme.example', active: true },
  ],
  needs: ['reconnect_personal', 'crm_user_pick'],
  settings: { record_kind: 'lead', match_account: true, log_emails: false },
  recent_saves: [], outbox: [], error_log: [],
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
  for (const kind of ['set_config', 'disconnect', 'set_owner_mapping', 'pick_crm_user', 'set_settings', 'import_settings', 'set_team_sync']) await answer(kind, { ok: true });
  await answer('get_state', STATE);
  page = await ext.openOptions();
  await page.getByText('Connected as Ian Integration').waitFor();
});
after(async () => {
  await ext?.stop();
});

test('shows the configuration, the callback URL and both connections with their health', async () => {
  assert.equal(await page.getByTestId('crm-choice').inputValue(), 'salesforce');
  assert.equal(await page.getByTestId('login-host').inputValue(), 'my_domain');
  assert.equal(await page.getByTestId('my-domain').inputValue(), 'acme.my.salesforce.com');
  assert.equal(await page.getByTestId('my-domain').isVisible(), true);
  assert.equal(await page.getByTestId('client-id').inputValue(), 'leadline-sandbox-client');
  assert.equal(await page.getByTestId('redirect-url').textContent(), 'https://' + ext.extensionId + '.chromiumapp.org/oauth2');
  const team = await page.getByTestId('connection-team_sync').textContent();
  assert.match(team, /Ian Integration <integration@acme\.example>/);
  assert.match(team, /Permission: Admin/);
  assert.match(team, /Token: working/);
  assert.match(await page.getByTestId('connection-personal').textContent(), /reconnect needed/);
  assert.equal(await page.getByTestId('connect-personal').textContent(), 'Reconnect');
  // The token is write-only: its field is empty and only "saved" is said.
  assert.equal(await page.getByTestId('hubspot-token').inputValue(), '');
  const todo = await page.getByTestId('needs').locator('li').allTextContents();
  assert.deepEqual(todo, ['Your account needs to be reconnected (step 2); saves wait until then.', 'Choose which CRM user your saves belong to (step 2).']);
  await ext.screenshot(page, 'options-page');
});

test('owner mapping lists the CRM users, inactive ones disabled, hostile names as text', async () => {
  const select = page.getByTestId('owner-mapping');
  assert.equal(await select.inputValue(), '005REP');
  const options = await select.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent, o.disabled]));
  assert.deepEqual(options, [
    ['', 'Not set: my connection’s CRM user', false],
    ['005INT', 'Ian Integration <integration@acme.example>', false],
    ['005REP', 'Rita Rep <rep@acme.example>', false],
    ['005GONE', 'Gone Person <gone@acme.example> (inactive)', true],
    ['005BAD', HOSTILE + ' <bad@acme.example>', false],
  ]);
  assert.equal(await page.evaluate(() => window.__leadlineXss), undefined);
  await select.selectOption('005INT');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Owner saved.');
  assert.deepEqual((await sent('set_owner_mapping')).at(-1), { kind: 'set_owner_mapping', crm_user_id: '005INT' });
});

test('the email-mismatch prompt appears for crm_user_pick and answers with pick_crm_user', async () => {
  const prompt = page.getByTestId('crm-user-pick');
  assert.equal(await prompt.isVisible(), true);
  assert.match(await prompt.textContent(), /rep@acme\.example\) does not match your login email \(rita@acme\.example\)/);
  await page.locator('#pick-user').selectOption('005REP');
  await page.locator('#pick-save').click();
  await page.waitForFunction(() => document.getElementById('status').textContent === 'CRM user saved.');
  assert.deepEqual((await sent('pick_crm_user')).at(-1), { kind: 'pick_crm_user', crm_user_id: '005REP' });
});

test('saving the CRM settings sends set_config; the token is sent once and the field cleared', async () => {
  await answer('get_state', { ...STATE, config: { ...STATE.config, crm: 'hubspot' } });
  try {
    await page.reload();
    await page.getByTestId('hubspot-token').waitFor();
    assert.equal(await page.getByTestId('login-host').isVisible(), false);
    await ext.currentWorker().evaluate(() => { globalThis.__seen.length = 0; });
    await page.getByTestId('hubspot-token').fill('pat-na1-secret');
    await page.getByTestId('client-id').fill('my-hubspot-app');
    await page.getByTestId('save-config').click();
    await page.waitForFunction(() => document.getElementById('status').textContent === 'CRM settings saved.');
    const [config] = await sent('set_config');
    assert.equal(config.crm, 'hubspot');
    assert.equal(config.client_id, 'my-hubspot-app');
    assert.equal(config.hubspot_private_token, 'pat-na1-secret');
    assert.equal(config.me_email, 'rita@acme.example');
    assert.equal(await page.getByTestId('hubspot-token').inputValue(), '');
  } finally {
    await answer('get_state', STATE);
    await page.reload();
    await page.getByText('Connected as Ian Integration').waitFor();
  }
});

test('push settings send set_settings with all three values', async () => {
  await page.getByTestId('record-kind-contact').click(); // the stub's state then re-renders "lead"
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Push settings saved.');
  assert.deepEqual((await sent('set_settings')).at(-1).settings, { record_kind: 'contact', match_account: true, log_emails: false });
});

test('a refused connect shows the reason in plain words', async () => {
  await answer('connect', { ok: false, error: { code: 'duplicate_crm_account', message: 'Another Leadline user already holds this Salesforce account.', hint: 'Sign in with your own Salesforce user.' } });
  await page.getByTestId('connect-team-sync').click();
  const error = page.getByTestId('options-error');
  await error.waitFor();
  assert.equal(await error.textContent(),
    'Connecting team sync refused: Another Leadline user already holds this Salesforce account. Sign in with your own Salesforce user. (duplicate_crm_account)' +
    ' The connection (connected as Ian Integration) is still the one in use.'); // issue 16: say which one stays
  assert.deepEqual((await sent('connect')).at(-1), { kind: 'connect', role: 'team_sync' });
});

test('export fills the box; import sends it back', async () => {
  await answer('export_settings', { ok: true, json: '{"crm":"salesforce","settings":{"record_kind":"lead"}}' });
  await page.getByTestId('export-settings').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=settings-json]').value.includes('record_kind'));
  await page.getByTestId('import-settings').click();
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Team settings imported.');
  assert.equal((await sent('import_settings')).at(-1).json, '{"crm":"salesforce","settings":{"record_kind":"lead"}}');
});

test('the simulator shows the decision with names and reasons, or the refusal', async () => {
  await answer('simulate', { ok: true, decision: { ok: true, credential: { kind: 'team_sync', user: 'u_int', crm_user_id: '005INT' }, created_by: '005INT', owner: '005REP', needs: [], warnings: ['team_sync_not_admin'], reasons: ['LinkedIn saves are pushed with the team sync connection'] } });
  await page.getByTestId('sim-source').selectOption('linkedin_extension');
  await page.getByTestId('sim-push').selectOption('bulk');
  await page.getByTestId('sim-run').click();
  const result = page.getByTestId('sim-result');
  await result.getByText('Created By').waitFor();
  const text = await result.textContent();
  assert.match(text, /Pushed with: team sync/);
  assert.match(text, /Created By: Ian Integration/);
  assert.match(text, /Owner: Rita Rep/);
  assert.match(text, /Warnings: team_sync_not_admin/);
  assert.match(text, /LinkedIn saves are pushed with the team sync connection/);
  assert.deepEqual((await sent('simulate')).at(-1), { kind: 'simulate', source: 'linkedin_extension', record: 'contact', push: 'bulk' });

  await answer('simulate', { ok: true, decision: { ok: false, error: { code: 'no_credentials', message: 'Nobody can push.' } } });
  await page.getByTestId('sim-run').click();
  await result.getByText('No push possible').waitFor();
  assert.match(await result.textContent(), /Nobody can push\. \(no_credentials\)/);
});

test('team sync is chosen among the connected users; a refusal shows the core’s message', async () => {
  const choices = [
    { app_user: 'me', email: 'rita@acme.example', name: null, connected: false, team_sync: false },
    { app_user: 'team_sync_user', email: 'integration@acme.example', name: 'Ian Integration', connected: true, team_sync: true },
  ];
  await answer('get_state', { ...STATE, team_sync_choices: choices });
  await answer('set_team_sync', { ok: false, error: { code: 'team_sync_not_connected', message: 'Team sync must be a connected user: rita@acme.example has no Salesforce connection.', hint: 'Connect that user first (step 2), then choose them as team sync.' } });
  try {
    await page.reload();
    const rows = page.getByTestId('team-sync-user');
    await rows.first().waitFor();
    assert.deepEqual(await rows.allTextContents(), [
      'Me: rita@acme.example · not connectedMake my connection the team sync',
      'Team sync holder: Ian Integration <integration@acme.example> · connected · team sync',
    ]);
    await page.getByTestId('make-team-sync-me').click();
    const error = page.getByTestId('options-error');
    await error.waitFor();
    assert.equal(await error.textContent(), 'Choosing the team sync refused: Team sync must be a connected user: rita@acme.example has no Salesforce connection. Connect that user first (step 2), then choose them as team sync. (team_sync_not_connected)');
    assert.deepEqual((await sent('set_team_sync')).at(-1), { kind: 'set_team_sync', app_user: 'me' });
  } finally {
    await answer('get_state', STATE);
    await page.reload();
    await page.getByText('Connected as Ian Integration').waitFor();
  }
});

test('settings set by policy are locked and explained; the HubSpot client secret is write-only', async () => {
  await answer('get_state', { ...STATE, config: { ...STATE.config, crm: 'hubspot', hubspot_client_secret_set: true },
    policy: { active: true, locked: ['client_id', 'settings.log_emails'], error: null } });
  try {
    await page.reload();
    const banner = page.getByTestId('policy-banner');
    await banner.waitFor();
    assert.match(await banner.textContent(), /Managed by your organization\. .*locked here: client_id, settings\.log_emails\./);
    assert.equal(await page.getByTestId('client-id').isDisabled(), true);
    assert.equal(await page.getByTestId('log-emails').isDisabled(), true);
    assert.equal(await page.getByTestId('match-account').isDisabled(), false);
    assert.equal(await page.getByTestId('crm-choice').isDisabled(), false);
    assert.equal(await page.getByTestId('hubspot-client-secret').inputValue(), '');
    assert.match(await page.locator('#hubspot-secret-state').textContent(), /A client secret is saved \(hidden/);
    await ext.currentWorker().evaluate(() => { globalThis.__seen.length = 0; });
    await page.getByTestId('hubspot-client-secret').fill('hs-app-secret');
    await page.getByTestId('save-config').click();
    await page.waitForFunction(() => document.getElementById('status').textContent === 'CRM settings saved.');
    const [config] = await sent('set_config');
    assert.equal(config.hubspot_client_secret, 'hs-app-secret');
    assert.equal(await page.getByTestId('hubspot-client-secret').inputValue(), '');
    assert.ok(!(await page.content()).includes('hs-app-secret'), 'the secret is not left in the page');
  } finally {
    await answer('get_state', STATE);
    await page.reload();
    await page.getByText('Connected as Ian Integration').waitFor();
  }
});
