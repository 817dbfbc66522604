// Server mode for a HubSpot team (issue 15), with real parts only: the `leadline-server`
// binary, the sandbox's HubSpot emulation and the real extension in Chromium. The admin stores
// the team's private-app token on the server (which binds the team to that token's HubSpot
// account) and adds the rep by their HubSpot owner. The rep, in a fresh profile:
// - picks HubSpot and enters the team server's address: the options page asks for no HubSpot
//   client secret (the server holds it) and says what to do instead;
// - "Sign in with HubSpot" through the server (identity only, `oauth` scope; launchWebAuthFlow);
// - "Connect my account": the sign-in uses the server's HubSpot app, and the code exchange
//   goes to the server (POST /api/hubspot/token with the session), which stores nothing: the
//   browser's storage holds no client secret, the server's files and log hold none of the
//   rep's HubSpot tokens;
// - a Gmail save whose access token HubSpot refuses (expired): the engine's one refresh goes
//   through the server too, and the contact lands with the rep as Created By and Owner, as the
//   toast says;
// - a LinkedIn save goes to the team server, which pushes it with the team's private-app token:
//   HubSpot records no creating user, the rep owns it, the toast says both, and the admin reads
//   it in the server's team journal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  startSandbox, startTeamServer, teamServerBinary, launchExtension, connect, sandboxBinary, sendFrom,
  waitForState, lookupsDone, storedTokenValues, signInToTeamServer,
} from './harness.mjs';

const skip = !sandboxBinary() ? 'no sandbox binary (cargo build -p sandbox)'
  : !teamServerBinary() ? 'no leadline-server binary (cargo build -p server)' : false;
const CLIENT_SECRET = 'leadline-hubspot-secret'; // the sandbox's HubSpot app: only the server has it
const PRIVATE_APP_TOKEN = 'pat-sandbox-integration';
const REP = { email: 'rep@acme.example', name: 'Rita Rep', owner: '41629003', hsUserId: '9586003' };
const THREAD = 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWvKkzBqRmTnQpLzXgHsWbCd';
const GMAIL_PERSON = 'marta@globex.example';
let sandbox;
let server;
let adminSession;

before(async () => {
  if (skip) return;
  sandbox = await startSandbox();
  server = await startTeamServer(sandbox, { crm: 'hubspot' });
  const joined = await server.api('POST', '/api/join', { body: { code: server.invite, email: 'boss@acme.example' } });
  assert.equal(joined.status, 201, joined.text);
  const session = joined.json.session;
  adminSession = session;
  // The team's HubSpot connection on the server: checked with HubSpot, its account bound.
  const stored = await server.api('POST', '/api/admin/connections/' + joined.json.member.id + '/private-app',
    { session, body: { token: PRIVATE_APP_TOKEN, email: 'integration@acme.example' } });
  assert.equal(stored.status, 201, stored.text);
  const added = await server.api('POST', '/api/admin/members', { session, body: { email: REP.email, crm_user_id: REP.owner } });
  assert.equal(added.status, 201, added.text);
});

after(async () => {
  await server?.stop();
  await sandbox?.stop();
});

/** Everything in the worker's storage, as text. */
async function storageText(ext) {
  return JSON.stringify(await ext.currentWorker().evaluate(() => chrome.storage.local.get(null)));
}

/** The server's data files and log, as text. */
async function serverText() {
  const files = await readdir(server.dataDir);
  const data = (await Promise.all(files.map((f) => readFile(path.join(server.dataDir, f)).catch(() => Buffer.alloc(0)))))
    .map((b) => b.toString('latin1')).join('\n');
  assert.ok(data.length > 0, 'the server wrote its database');
  return data + '\n' + server.log.join('');
}

test('a HubSpot rep signs in with HubSpot through the server, connects their HubSpot through it (no client secret in the browser), a Gmail save lands as theirs and a LinkedIn save is pushed by the server', { skip, timeout: 180000 }, async () => {
  const ext = await launchExtension({ sandbox });
  try {
    const options = await ext.openOptions();
    await sendFrom(options, { kind: 'set_config', crm: 'hubspot', me_email: REP.email });
    await options.getByTestId('team-server-url').fill(server.url);
    await options.getByTestId('team-server-save').click();
    await options.getByTestId('team-server-status').filter({ hasText: 'sign in with HubSpot' }).waitFor();
    // Server mode: no client secret to enter, and the page says what the rep does instead.
    let state = await waitForState(options, (s) => s.config.hubspot_via_team_server && s);
    assert.ok(!state.needs.includes('hubspot_client_secret'), JSON.stringify(state.needs));
    assert.equal(await options.getByTestId('hubspot-client-secret').isVisible(), false, 'no secret field for a rep in server mode');
    assert.match(await options.locator('#hubspot-secret-state').textContent(), /client secret lives only on the server.*Sign in to your team server/);
    assert.equal(await options.getByTestId('team-server-sign-in').isVisible(), false, 'a HubSpot team signs in with HubSpot');

    // "Connect my account" before signing in says to sign in to the team server first.
    const early = await sendFrom(options, { kind: 'connect', role: 'personal' });
    assert.equal(early.ok, false);
    assert.equal(early.error.code, 'team_server_sign_in', JSON.stringify(early));

    // "Sign in with HubSpot": the sandbox's HubSpot pages in the auth window, run by the server.
    const { opened } = await signInToTeamServer(ext, options, REP.email, { button: 'team-server-sign-in-hubspot' });
    assert.match(opened, /\/oauth\/authorize\?.*scope=oauth(&|$)/, 'identity only: the `oauth` scope');

    // "Connect my account": the server's HubSpot app, the code exchanged by the server.
    await connect(ext, options, 'personal', { username: REP.email });
    state = await waitForState(options, (s) => s.connections.find((c) => c.role === 'personal' && c.email === REP.email && c.health === 'ok') && s, 20000);
    assert.equal(state.connections.find((c) => c.role === 'personal').crm_user_id, REP.owner, 'the token’s user is the rep’s owner');
    const tokens = await storedTokenValues(ext);
    assert.ok(tokens.length >= 2, 'an access and a refresh token, from the server’s exchange');
    // No client secret anywhere in the browser's storage; none of the rep's tokens on the server.
    let stored = await storageText(ext);
    assert.ok(!stored.includes(CLIENT_SECRET), 'the browser holds the HubSpot client secret');
    assert.ok(!stored.includes('secret:hubspot_client_secret'), 'no client secret key in storage');
    for (const token of tokens) assert.ok(!(await serverText()).includes(token), 'the server kept a rep HubSpot token');

    // HubSpot refuses the access token (expired) once the page's lookups are done: the save's
    // one refresh (the engine's single flight) goes to the server.
    const gmail = await ext.page(THREAD);
    const row = gmail.locator('[data-testid="gmail-participant"][data-email="' + GMAIL_PERSON + '"]');
    await row.waitFor({ timeout: 15000 });
    await lookupsDone(row);
    await ext.currentWorker().evaluate(async () => {
      const key = 'secret:token:personal';
      const found = await chrome.storage.local.get(key);
      await chrome.storage.local.set({ [key]: { ...found[key], access_token: 'CNexpired' } });
    });
    await row.getByTestId('save-prospect').click();
    const toast = gmail.getByTestId('save-result').first();
    await toast.waitFor({ timeout: 20000 });
    state = await waitForState(options, (s) => s.outbox.length === 0 && s, 30000);
    assert.equal(state.error_log.length, 0, JSON.stringify(state.error_log));
    const refreshed = await ext.currentWorker().evaluate(async () => (await chrome.storage.local.get('secret:token:personal'))['secret:token:personal']);
    assert.notEqual(refreshed.access_token, 'CNexpired', 'a fresh access token, renewed through the server');
    const people = (await sandbox.records('contacts')).records.filter((c) => (c.properties.email || '').toLowerCase() === GMAIL_PERSON);
    assert.equal(people.length, 1, JSON.stringify(people));
    assert.equal(String(people[0].properties.hs_created_by_user_id), REP.hsUserId, 'Created By = the rep (own connection)');
    assert.equal(String(people[0].properties.hubspot_owner_id), REP.owner, 'Owner = the rep');
    const words = await toast.textContent();
    assert.match(words, new RegExp('Created By: (' + REP.name + '|' + REP.email + ')'), words);
    assert.match(words, new RegExp('Owner: (' + REP.name + '|' + REP.email + ')'), words);

    // A LinkedIn save is the team's: the server pushes it with the private-app token.
    const profile = await ext.page('https://www.linkedin.com/in/ada-lovelace/');
    await lookupsDone(profile);
    await profile.getByTestId('save-prospect').first().click();
    const saved = profile.getByTestId('save-result').first();
    await saved.waitFor({ timeout: 20000 });
    state = await waitForState(options, (s) => s.outbox.length === 0 && s, 30000);
    assert.equal(state.error_log.length, 0, JSON.stringify(state.error_log));
    const said = await saved.textContent();
    assert.match(said, /Created By: the private app \(HubSpot records no user\)/, said);
    assert.match(said, new RegExp('Owner: (' + REP.name + '|' + REP.email + ')'), said);
    const ada = (await sandbox.records('contacts')).records.filter((c) => /^lovelace$/i.test(c.properties.lastname || ''));
    assert.equal(ada.length, 1, JSON.stringify(ada));
    assert.ok(!ada[0].properties.hs_created_by_user_id, 'HubSpot records no creating user for a private app: ' + JSON.stringify(ada[0].properties));
    assert.equal(String(ada[0].properties.hubspot_owner_id), REP.owner, 'Owner = the rep');
    const journal = await server.api('GET', '/api/admin/journal', { session: adminSession });
    assert.equal(journal.status, 200, journal.text);
    const asked = journal.json.entries.find((e) => e.message === REP.email + ' saved Ada Lovelace from linkedin_extension; pushed with the team\'s connection');
    assert.ok(asked, 'the server journals the rep’s save: ' + journal.text);
    // The server names the owner from the team's directory (the HubSpot owners it read when
    // the private-app token was stored), with their owner id.
    const pushed = journal.json.entries.find((e) => e.save_id === asked.save_id && e.code === 'pushed');
    assert.equal(pushed && pushed.message, 'pushed: 1 created, 0 linked, 0 failed: Ada Lovelace: created Contact ' + ada[0].id + ', Owner ' + REP.name + ' (' + REP.owner + ')',
      'the admin reads who was saved and who owns it: ' + journal.text);
    await profile.close();

    // Still no secret in the browser, none of the new tokens on the server.
    stored = await storageText(ext);
    assert.ok(!stored.includes(CLIENT_SECRET), 'the browser holds the HubSpot client secret');
    const text = await serverText();
    for (const token of await storedTokenValues(ext)) assert.ok(!text.includes(token), 'the server kept a rep HubSpot token');
  } finally {
    await ext.stop();
  }
});
