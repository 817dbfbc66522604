// HubSpot set up from scratch as a new admin meets it (issue 16), in the real extension against
// the sandbox, asserting the words on the page: the options page offers only what works for
// HubSpot (no team-sync sign-in), a wrong private-app token is named with its fix (HubSpot's
// own text only in the error log's details) while the rest of the form is saved and said to
// be, the private-app user is required with the reason, the active token is shown by its last
// four characters, a wrong replacement leaves the working token in use and says so, and a
// LinkedIn save through the private app says "Created By: the private app (HubSpot records no
// user)". The Salesforce counterpart of the page (Connect team sync, its "Still to do") is in
// the last test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, launchExtension, sandboxBinary, sendFrom, lookupsDone, waitUntil, stopWorker } from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
const PRIVATE_APP_TOKEN = 'pat-sandbox-integration'; // the sandbox's seeded private app
const WRONG_TOKEN = 'pat-na1-00000000-wrong-token-9999';
const SERVICE_KEY = 'sandbox-service-key-integration'; // the sandbox's seeded service key (no `pat-`)
const HS_401_TEXT = 'Authentication credentials not found';
const THREAD = 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWvKkzBqRmTnQpLzXgHsWbCd';
let sandbox;
let ext;
let options;

before(async () => {
  if (skip) return;
  sandbox = await startSandbox();
  ext = await launchExtension({ sandbox });
  options = await ext.openOptions();
});

after(async () => {
  if (ext) await ext.stop();
  if (sandbox) await sandbox.stop();
});

const errorLine = () => options.getByTestId('options-error');
const statusLine = () => options.getByTestId('options-status');

/** Fills the HubSpot form and clicks Save; resolves once the page said how it went. */
async function submit({ token = '', user = '', clientId = null, email = null, kind = 'private_app_token' }) {
  await errorLine().evaluate((e) => { e.hidden = true; e.textContent = ''; });
  await statusLine().evaluate((e) => { e.textContent = ''; });
  if (clientId !== null) await options.getByTestId('client-id').fill(clientId);
  if (email !== null) await options.locator('#me-email').fill(email);
  await options.getByTestId('hubspot-token').fill(token);
  await options.getByTestId('hubspot-token-kind').selectOption(kind);
  await options.getByTestId('hubspot-team-sync-email').fill(user);
  await options.getByTestId('save-config').click();
  await waitUntil(async () => (await statusLine().textContent()) || (await errorLine().isVisible()), { what: 'the save to be answered' });
}

test('Salesforce mode: team sync is signed in once by an admin, and the page says so', { skip }, async () => {
  await options.getByTestId('needs').waitFor();
  assert.match(await options.locator('#team-sync-hint').textContent(), /^The admin's shared connection\. LinkedIn saves go through it\.$/);
  const todo = (await options.getByTestId('needs').locator('li').allTextContents()).join('\n');
  assert.match(todo, /Connect team sync in step 2: an admin signs in once for the whole team\./);
  assert.equal(await options.locator('#hubspot-fields').isVisible(), false);
  assert.equal(await options.getByTestId('connect-team-sync').textContent(), 'Connect team sync');
});

test('with nothing connected, badges on LinkedIn and Gmail say "Connect Leadline to check"', { skip }, async () => {
  const profile = await ext.page('https://www.linkedin.com/in/ada-lovelace/');
  await lookupsDone(profile);
  assert.equal(await profile.getByTestId('crm-status').first().textContent(), 'Connect Leadline to check');
  await profile.close();
  const gmail = await ext.page(THREAD);
  await gmail.getByTestId('gmail-participant').first().waitFor({ timeout: 15000 });
  await lookupsDone(gmail);
  const badges = await gmail.getByTestId('crm-status').allTextContents();
  assert.ok(badges.length > 0 && badges.every((t) => t === 'Connect Leadline to check'), badges.join(' | '));
  await gmail.close();
});

test('HubSpot mode: no team-sync sign-in, and "Still to do" asks for the token, not a sign-in', { skip }, async () => {
  await options.getByTestId('crm-choice').selectOption('hubspot');
  await options.locator('#status', { hasText: 'CRM changed.' }).waitFor();
  await options.getByTestId('needs').waitFor();
  const todo = (await options.getByTestId('needs').locator('li').allTextContents()).join('\n');
  assert.match(todo, /Set up team sync in step 1: paste a private-app token \(or service key\) and name the HubSpot user it saves for\./);
  assert.doesNotMatch(todo, /signs in once/);
  assert.equal(await options.getByTestId('connect-team-sync').isVisible(), false, 'no Connect team sync for HubSpot');
  assert.match(await options.locator('#team-sync-hint').textContent(), /private-app token \(or service key\) saved in step 1/);
  assert.equal(await options.getByTestId('connect-personal').isVisible(), true);
  assert.match(await options.locator('#hubspot-user-why').textContent(), /HubSpot records no user as creator of what a private app saves/);
});

test('a wrong private-app token is named with its fix; the rest of the form is saved and said to be', { skip }, async () => {
  await submit({ token: WRONG_TOKEN, user: 'integration@acme.example', clientId: 'leadline-hubspot-client', email: 'rep@acme.example' });
  const error = await errorLine().textContent();
  assert.equal(error, 'Not saved: team sync token. HubSpot refused this private-app token (401). ' +
    'Copy it again from HubSpot → Settings → Integrations → Private apps. (INVALID_AUTHENTICATION) No team sync token is in use.');
  assert.ok(!error.includes(HS_401_TEXT) && !/Reconnect your HubSpot account/.test(error), error);
  assert.equal(await statusLine().textContent(), 'Saved: client id, login email.');
  const s = await sendFrom(options, { kind: 'get_state' });
  assert.equal(s.config.client_id, 'leadline-hubspot-client', 'the other fields were saved');
  assert.equal(s.config.hubspot_private_token_set, false);
  // HubSpot's own words are kept, in the error log's details.
  const logged = s.error_log.find((e) => e.name === 'Team sync token');
  assert.ok(logged && logged.details.startsWith(HS_401_TEXT), JSON.stringify(s.error_log));
  assert.equal(logged.message, 'HubSpot refused this private-app token (401).');
  const popup = await ext.openPopup();
  await popup.getByTestId('error-details').first().waitFor();
  assert.match(await popup.getByTestId('error-details').first().textContent(), /^Details from the CRM: Authentication credentials not found/);
  await popup.close();
});

test('the private-app user is required, with the reason', { skip }, async () => {
  await submit({ token: PRIVATE_APP_TOKEN, user: '' });
  const error = await errorLine().textContent();
  assert.match(error, /^Not saved: team sync token\. Name the HubSpot user the private app saves for\. HubSpot records no user as creator of what a private app saves/);
  assert.equal((await sendFrom(options, { kind: 'get_state' })).config.hubspot_private_token_set, false);
});

test('a working token is shown as active; a wrong replacement leaves it in use and says so', { skip }, async () => {
  await submit({ token: PRIVATE_APP_TOKEN, user: 'integration@acme.example' });
  assert.equal(await statusLine().textContent(), 'CRM settings saved. Changed: team sync token.');
  const card = options.getByTestId('connection-team_sync');
  await card.getByTestId('active-credential').waitFor();
  assert.equal(await card.getByTestId('active-credential').textContent(), 'Active: HubSpot private-app token ending …tion');
  assert.match(await card.textContent(), /Saves for .*<integration@acme\.example>/);
  assert.match(await card.textContent(), /Last accepted by the CRM: /);
  assert.equal(await options.getByTestId('connect-team-sync').isVisible(), false, 'no Reconnect for a pasted token');

  await submit({ token: WRONG_TOKEN, user: 'integration@acme.example' });
  assert.match(await errorLine().textContent(), /^Not saved: team sync token\. HubSpot refused this private-app token \(401\)\. .* The HubSpot private-app token ending …tion \(saves for .+\) is still the one in use\.$/);
  assert.equal(await statusLine().textContent(), 'Nothing else on the form changed.');
  const stored = await ext.currentWorker().evaluate(() => chrome.storage.local.get('secret:token:team_sync'));
  assert.equal(stored['secret:token:team_sync'].access_token, PRIVATE_APP_TOKEN, 'the old token stays in use');
  assert.equal(await card.getByTestId('active-credential').textContent(), 'Active: HubSpot private-app token ending …tion');
});

test('a LinkedIn save through the private app says HubSpot records no creating user', { skip }, async () => {
  const s = await sendFrom(options, { kind: 'get_state' });
  assert.equal(s.config.hubspot_private_token_set, true);
  const page = await ext.page('https://www.linkedin.com/in/ada-lovelace/');
  await lookupsDone(page);
  await page.getByTestId('save-prospect').first().click();
  const result = page.getByTestId('save-result').first();
  await result.waitFor({ timeout: 20000 });
  assert.match(await result.textContent(), /Created By: the private app \(HubSpot records no user\)/);
  const line = await waitUntil(async () => (await sendFrom(options, { kind: 'get_state' })).recent_saves.find((r) => /Lovelace/.test(r.name)), { what: 'the journal line' });
  assert.equal(line.created_by.name, 'the private app (HubSpot records no user)');
  await page.close();
});

test('"Log this email" logs on the people already in HubSpot; creating the sender is the rep\'s choice', { skip }, async () => {
  const contactsWith = async (email) => (await sandbox.records('contacts')).records
    .filter((c) => !c.archived && (c.properties.email || '').toLowerCase() === email);
  let gmail = await ext.page(THREAD);
  const ben = gmail.locator('[data-testid="gmail-participant"][data-email="ben.oneil@initech.example"]');
  await ben.waitFor({ timeout: 15000 });
  await lookupsDone(gmail);
  await ben.getByTestId('save-prospect').click(); // the rep saves Ben; Márta (the sender) is not in HubSpot
  await ben.getByTestId('crm-status').filter({ hasText: /^In HubSpot/ }).waitFor({ timeout: 20000 });
  await gmail.getByTestId('log-email').click();
  const choice = gmail.getByTestId('log-choice');
  await choice.waitFor();
  assert.match(await choice.textContent(), /^Márta Kovács is not in HubSpot yet\. Log this email on them by creating them\?/);
  await gmail.getByTestId('log-existing').click();
  const logged = gmail.getByTestId('log-on');
  await logged.waitFor({ timeout: 20000 });
  assert.equal(await logged.textContent(), 'Logged on: Ben O’Neil. Created: nobody.');
  assert.match(await gmail.getByTestId('log-skipped').textContent(), /Márta Kovács — not in HubSpot — you chose not to create them/);
  assert.deepEqual(await contactsWith('marta@globex.example'), [], 'the sender was not created');
  await gmail.close();

  gmail = await ext.page(THREAD);
  await gmail.getByTestId('gmail-participant').first().waitFor({ timeout: 15000 });
  await lookupsDone(gmail);
  await gmail.getByTestId('log-email').click();
  await gmail.getByTestId('log-create').click();
  await gmail.getByTestId('log-on').waitFor({ timeout: 20000 });
  assert.equal(await gmail.getByTestId('log-on').textContent(), 'Logged on: Márta Kovács, Ben O’Neil. Created: Márta Kovács.');
  assert.equal((await contactsWith('marta@globex.example')).length, 1, 'created once, by the rep\'s choice');
  await gmail.close();
});

test('badges say "In HubSpot · Owner: …" on LinkedIn and Gmail, also after the worker restarts', { skip }, async () => {
  const s = await sendFrom(options, { kind: 'get_state' });
  const owner = s.connections.find((c) => c.role === 'team_sync').name; // no mapping: team sync's user owns
  const expected = 'In HubSpot · Owner: ' + owner;
  const gmail = await ext.page(THREAD);
  const marta = gmail.locator('[data-testid="gmail-participant"][data-email="marta@globex.example"]');
  await marta.waitFor({ timeout: 15000 });
  await lookupsDone(gmail);
  await marta.getByTestId('save-prospect').click();
  await marta.getByTestId('crm-status').filter({ hasText: /^In / }).waitFor({ timeout: 20000 });
  assert.equal(await marta.getByTestId('crm-status').textContent(), expected);
  await gmail.close();

  await stopWorker(ext, options); // the lookup cache goes with it: only HubSpot can answer now
  const profile = await ext.page('https://www.linkedin.com/in/ada-lovelace/');
  await lookupsDone(profile);
  assert.equal(await profile.getByTestId('crm-status').first().textContent(), expected);
  await profile.close();
  const again = await ext.page(THREAD);
  const row = again.locator('[data-testid="gmail-participant"][data-email="marta@globex.example"]');
  await row.waitFor({ timeout: 15000 });
  await lookupsDone(again);
  assert.equal(await row.getByTestId('crm-status').textContent(), expected);
  await again.close();
});

test('a private-app token HubSpot stops accepting: the save waits, the page says to paste a new token, and pasting it finishes the save', { skip }, async () => {
  // HubSpot rotated or deleted the private app's token: the stored one is refused from now on.
  await ext.currentWorker().evaluate(async () => {
    const key = 'secret:token:team_sync';
    const found = await chrome.storage.local.get(key);
    await chrome.storage.local.set({ [key]: { ...found[key], access_token: 'pat-na1-rotated-0000-dead' } });
  });
  const page = await ext.page('https://www.linkedin.com/in/bram-visser/');
  await lookupsDone(page);
  await page.getByTestId('save-prospect').first().click();
  const notice = page.getByTestId('save-notice');
  await notice.waitFor({ timeout: 20000 });
  const said = await notice.textContent();
  assert.match(said, /HubSpot refused this private-app token \(401\)\./);
  assert.match(said, /Paste a new team sync token \(private-app token or service key\) in Leadline’s options, step 1/);
  assert.doesNotMatch(said, /Reconnect/);
  await page.close();

  await options.reload();
  const card = options.getByTestId('connection-team_sync');
  await card.getByTestId('health').waitFor();
  assert.match(await card.getByTestId('health').textContent(), /HubSpot refuses this token: paste a new one in step 1/);
  const todo = (await options.getByTestId('needs').locator('li').allTextContents()).join('\n');
  assert.match(todo, /HubSpot no longer accepts the team sync token: paste a new one in step 1; saves wait until then\./);
  assert.equal(await options.getByTestId('connect-team-sync').isVisible(), false);

  await submit({ token: PRIVATE_APP_TOKEN, user: 'integration@acme.example' });
  assert.match(await statusLine().textContent(), /^CRM settings saved\./);
  const s = await waitUntil(async () => {
    const st = await sendFrom(options, { kind: 'get_state' });
    return st.outbox.length === 0 && st;
  }, { timeout: 30000, what: 'the waiting save to finish' });
  assert.equal(s.connections.find((c) => c.role === 'team_sync').health, 'ok');
  const bram = (await sandbox.records('contacts')).records.filter((c) => /bram-visser/.test(String(c.properties.linkedin_url || '')));
  assert.equal(bram.length, 1, 'the waiting save landed once: ' + JSON.stringify(bram));
});

test('a service key is what the admin says it is, and is named as one in refusals, the active line and Created By', { skip }, async () => {
  // Said to be a private-app token (the form's default), a key not in that format is refused
  // before HubSpot is asked, with how to tell the two apart; the token in use stays.
  await submit({ token: SERVICE_KEY, user: 'integration@acme.example' });
  assert.match(await errorLine().textContent(), new RegExp('^Not saved: team sync token\\. This is not a HubSpot private-app token: those start with “pat-”\\. ' +
    'Copy the token again from HubSpot → Settings → Integrations → Private apps, or, if you pasted a service key \\(HubSpot → Development → Keys → Service keys\\), say it is a service key\\. ' +
    '.*The HubSpot private-app token ending …tion \\(saves for .+\\) is still the one in use\\.$'));
  // Said to be a service key: a wrong one is refused in a service key's words.
  await submit({ token: 'revoked-service-key-0000', user: 'integration@acme.example', kind: 'service_key' });
  assert.match(await errorLine().textContent(), /^Not saved: team sync token\. HubSpot refused this service key \(401\)\. Copy it again from HubSpot → Development → Keys → Service keys\./);
  // The right one is stored, shown as the active service key, and named as the creator.
  await submit({ token: SERVICE_KEY, user: 'integration@acme.example', kind: 'service_key' });
  assert.equal(await statusLine().textContent(), 'CRM settings saved. Changed: team sync token.');
  const card = options.getByTestId('connection-team_sync');
  await card.getByTestId('active-credential').filter({ hasText: 'service key' }).waitFor();
  assert.equal(await card.getByTestId('active-credential').textContent(), 'Active: HubSpot service key ending …tion');
  const page = await ext.page('https://www.linkedin.com/in/cara-lindgren/');
  await lookupsDone(page);
  await page.getByTestId('save-prospect').first().click();
  const result = page.getByTestId('save-result').first();
  await result.waitFor({ timeout: 20000 });
  assert.match(await result.textContent(), /Created By: the service key \(HubSpot records no user\)/);
  await page.close();
});
