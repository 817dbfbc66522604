// OAuth connect through the real extension, the real worker and the sandbox's real login and
// consent pages: team sync as integration@acme.example, personal as rep@acme.example. Checks
// PKCE S256 + state on the authorize URL, the identity and permission the worker stored, and
// that no token value reaches the options page, the popup or any answer the UI gets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, launchExtension, connect, sandboxBinary, waitUntil } from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
let sandbox;
let ext;
let options;
const authorizeUrls = [];

const send = (page, message) => page.evaluate((m) => chrome.runtime.sendMessage(m), message);
const state = () => send(options, { kind: 'get_state' });

/** Connects `role` with the options page's button, or the message when the page has none. */
async function connectRole(role, username) {
  const testid = role === 'team_sync' ? 'connect-team-sync' : 'connect-personal';
  if (await options.getByTestId(testid).count()) {
    await connect(ext, options, role, { username });
  } else {
    const login = ext.context.waitForEvent('page', { timeout: 15000 });
    const answer = send(options, { kind: 'connect', role });
    const page = await login;
    await page.waitForLoadState('domcontentloaded');
    await page.locator('input[name="username"]').fill(username);
    await page.locator('input[name="password"]').fill('sandbox');
    await page.getByTestId('login').click();
    await page.getByTestId('allow').click({ timeout: 15000 });
    const result = await answer;
    assert.equal(result.ok, true, JSON.stringify(result));
  }
  return waitUntil(async () => (await state()).connections.find((c) => c.role === role),
    { timeout: 10000, what: `the ${role} connection after connecting` });
}

before(async () => {
  if (skip) return;
  sandbox = await startSandbox();
  ext = await launchExtension({ sandbox });
  ext.context.on('page', (p) => { if (p.url().includes('/services/oauth2/authorize')) authorizeUrls.push(p.url()); });
  options = await ext.openOptions();
  const configured = await send(options, {
    kind: 'set_config', crm: 'salesforce', login_host: 'production',
    client_id: 'leadline-sandbox-client', me_email: 'rep@acme.example',
  });
  assert.equal(configured.ok, true, JSON.stringify(configured));
});

after(async () => {
  if (ext) await ext.stop();
  if (sandbox) await sandbox.stop();
});

test('team sync connects as integration@ and personal as rep@, with PKCE S256 and state', { skip }, async () => {
  const team = await connectRole('team_sync', 'integration@acme.example');
  assert.equal(team.email, 'integration@acme.example');
  assert.equal(team.health, 'ok');
  assert.ok(team.crm_user_id.startsWith('005'), team.crm_user_id);

  const personal = await connectRole('personal', 'rep@acme.example');
  assert.equal(personal.email, 'rep@acme.example');
  assert.notEqual(personal.crm_user_id, team.crm_user_id);

  assert.equal(authorizeUrls.length, 2);
  const redirect = `https://${ext.extensionId}.chromiumapp.org/oauth2`;
  const states = new Set();
  for (const raw of authorizeUrls) {
    const url = new URL(raw);
    assert.equal(url.hostname, 'login.salesforce.com');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
    assert.match(url.searchParams.get('state'), /^[A-Za-z0-9_-]{22}$/);
    assert.equal(url.searchParams.get('redirect_uri'), redirect);
    assert.equal(url.searchParams.get('client_secret'), null);
    states.add(url.searchParams.get('state'));
  }
  assert.equal(states.size, 2, 'a fresh state per connect');

  const s = await state();
  assert.equal(s.team_sync, 'team_sync_user');
  assert.equal(s.config.redirect_url, redirect);
  assert.ok(s.crm_users.some((u) => u.email === 'rep@acme.example'), 'the user directory was loaded');
  const integration = s.connections.find((c) => c.role === 'team_sync');
  assert.equal(integration.permission, 'admin');
});

test('denying consent connects nothing and says what happened', { skip }, async () => {
  const before = (await state()).connections.length;
  await send(options, { kind: 'disconnect', role: 'personal' });
  const login = ext.context.waitForEvent('page', { timeout: 15000 });
  const answer = send(options, { kind: 'connect', role: 'personal' });
  const page = await login;
  await page.locator('input[name="username"]').fill('rep@acme.example');
  await page.locator('input[name="password"]').fill('sandbox');
  await page.getByTestId('login').click();
  await page.getByTestId('deny').click({ timeout: 15000 });
  const result = await answer;
  assert.equal(result.ok, false);
  assert.equal(result.error.code, 'access_denied');
  assert.ok(result.error.hint.length > 0);
  assert.equal((await state()).connections.length, before - 1);
  await connectRole('personal', 'rep@acme.example');
});

test('no token value reaches the UI: answers, options DOM, popup DOM', { skip }, async () => {
  const stored = await ext.currentWorker().evaluate(() => chrome.storage.local.get(null));
  const secrets = [];
  for (const [key, value] of Object.entries(stored)) {
    if (key.startsWith('secret:') && value) {
      secrets.push(value.access_token, value.refresh_token);
    }
  }
  assert.ok(secrets.filter(Boolean).length >= 2, 'tokens are stored under secret keys');
  const answers = JSON.stringify([await state(), await send(options, { kind: 'export_settings' })]);
  await options.reload();
  const popup = await ext.openPopup();
  await popup.waitForLoadState('load');
  const texts = [answers, await options.content(), await popup.content()];
  for (const secret of secrets.filter(Boolean)) {
    for (const text of texts) assert.ok(!text.includes(secret), 'a token leaked');
  }
  await ext.screenshot(options, 'oauth-connect-options');
});
