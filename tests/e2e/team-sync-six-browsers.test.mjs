// The problem, side by side with team-server.test.mjs (the fix): solo mode (no team server),
// where every browser is its own team and holds its own team sync sign-in. The same six reps
// as there (six-reps.mjs), each in their own Chromium profile with the real extension, connect
// their own account and team sync as the integration user (integration@), as README's solo
// setup says. Salesforce keeps five approvals (refresh tokens) per user per app and revokes the
// oldest on the sixth (Salesforce Help 000205876), and so does the sandbox:
// - the integration user's approvals for the extension's app stop at five;
// - once every access token has expired, the newest browser refreshes and saves (Created By =
//   the integration user, Owner = that rep), but the first rep's refresh is refused
//   (`invalid_grant`): their LinkedIn save waits in the outbox, and the save's notice and
//   their options page say in words what happened and what to do.
// With a team server, the same six reps leave one approval (team-server.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startSandbox, launchExtension, setupThroughOptions, sandboxBinary, lookupsDone, waitForState,
} from './harness.mjs';
import { REPS, CREATED_BY_INTEGRATION, saveProfile } from './six-reps.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
const TEAM_USER = 'integration@acme.example';
const APP = 'leadline-sandbox-client'; // the extension's External Client App
let sandbox;
const open = []; // browsers still running (closed in `after` if a test fails midway)

before(async () => {
  if (skip) return;
  sandbox = await startSandbox();
});

after(async () => {
  for (const ext of open) await ext.stop();
  await sandbox?.stop();
});

/** The integration user's live approvals (refresh tokens) for the extension's app. */
async function teamSyncApprovals() {
  return (await sandbox.get('/__sandbox/approvals?user=' + TEAM_USER + '&client_id=' + APP)).total;
}

/** A rep's browser in solo mode: their own account and team sync, connected through the options page. */
async function soloBrowser(rep) {
  const ext = await launchExtension({ sandbox });
  open.push(ext);
  const options = await setupThroughOptions(ext, { meEmail: rep.email, teamUser: TEAM_USER, personalUser: rep.email });
  return { ext, options };
}

async function close(browser) {
  open.splice(open.indexOf(browser.ext), 1);
  await browser.ext.stop();
}

test('the problem, without a team server: six browsers connecting team sync as one user pass Salesforce’s five approvals, and the first rep’s browser is disconnected and told why', { skip, timeout: 240000 }, async () => {
  const browsers = [];
  for (const [i, rep] of REPS.entries()) {
    const browser = await soloBrowser(rep);
    assert.equal(await teamSyncApprovals(), Math.min(i + 1, 5), 'after ' + (i + 1) + ' browsers connected team sync');
    // Only the first (the one revoked) and the newest browser are needed again.
    if (i === 0 || i === REPS.length - 1) browsers.push(browser);
    else await close(browser);
  }
  const [first, newest] = browsers;
  assert.equal(await teamSyncApprovals(), 5, 'the sixth approval revoked the oldest');

  // Every access token expires: each browser's next CRM call refreshes its team sync token.
  await sandbox.post('/__sandbox/expire-tokens', {});

  // The newest browser's refresh is accepted: its LinkedIn save is Created By the integration
  // user and owned by that rep.
  const rep6 = REPS[REPS.length - 1];
  const saved = await saveProfile(newest.ext, newest.options, rep6);
  assert.match(saved.text, CREATED_BY_INTEGRATION, saved.text);
  assert.match(saved.text, new RegExp('Owner: ' + rep6.name), saved.text);
  const users = (await sandbox.records('User')).records;
  const idOf = (email) => users.find((u) => u.Username === email).Id;
  const contact = (await sandbox.records('Contact')).records.find((r) => r.LastName === rep6.lastName);
  assert.equal(contact?.CreatedById, idOf(TEAM_USER));
  assert.equal(contact?.OwnerId, idOf(rep6.email));

  // The first browser's refresh is refused: Salesforce revoked its approval when the sixth
  // browser connected. The save waits, and the notice says what happened and what to do.
  const rep1 = REPS[0];
  const page = await first.ext.page('https://www.linkedin.com/in/' + rep1.profile + '/');
  await lookupsDone(page);
  await page.getByTestId('save-prospect').first().click();
  const notice = page.getByTestId('save-notice');
  await notice.waitFor({ timeout: 20000 });
  const told = await notice.textContent();
  await first.ext.screenshot(page, 'team-sync-six-browsers-notice');
  assert.match(told, /^Leadline needs your attention/, told);
  assert.match(told, /expired access\/refresh token/, 'Salesforce’s own words: ' + told);
  assert.match(told, /Reconnect the team sync connection \(integration@acme\.example\) in Options; the save is kept and will finish then\./, told);
  assert.match(told, /Salesforce keeps at most five sign-ins per user and app: when team sync is connected as integration@acme\.example a sixth time \(in another browser, say\), the oldest of them is disconnected \(an admin revoking the app does the same\)\./, told);
  const s = await waitForState(first.options, (st) => st.outbox.length === 1 && st.outbox[0].waiting && st);
  assert.equal(s.outbox[0].waiting.code, 'invalid_grant', JSON.stringify(s.outbox[0].waiting));
  assert.equal(s.connections.find((c) => c.role === 'team_sync').health, 'reconnect_needed');
  const logged = s.error_log.filter((e) => e.code === 'invalid_grant');
  assert.equal(logged.length, 1, JSON.stringify(s.error_log));
  assert.match(logged[0].hint, /five sign-ins per user and app/, 'the error log says it too');
  assert.equal((await sandbox.records('Contact')).records.filter((r) => r.LastName === rep1.lastName).length, 0, 'nothing pushed');
  await page.close();

  // The first rep's options page: team sync needs reconnecting, why, and what a team server changes.
  await first.options.reload();
  const health = first.options.getByTestId('connection-team_sync').getByTestId('health');
  await health.filter({ hasText: 'reconnect needed' }).waitFor({ timeout: 10000 });
  assert.equal(await health.textContent(), 'Token: reconnect needed: saves wait in the outbox until you reconnect');
  const need = await first.options.locator('[data-need="reconnect_team_sync"]').textContent();
  assert.match(need, /^Team sync needs to be reconnected \(step 2\); saves wait until then\./, need);
  assert.match(need, /Salesforce keeps at most five sign-ins per user and app: when a sixth browser connects team sync as the same user, the one that connected first is disconnected/, need);
  assert.match(need, /A team server \(below\) holds one sign-in for the whole team\./, need);
  await first.ext.screenshot(first.options, 'team-sync-six-browsers-options');
  assert.equal(await teamSyncApprovals(), 5, 'refreshing the newest browser’s token took no new approval');
  await close(first);
  await close(newest);
});
