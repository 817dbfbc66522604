// The options page's connections in real Chromium against a recording stub worker: the rep's
// own connection comes first; team sync sits below it in an "Admin: team sync" section that
// says who holds it (this browser: the extension has no team-server setting yet), together
// with the choice of who is team sync.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchExtension } from './harness.mjs';

const STATE = {
  ok: true,
  config: { crm: 'salesforce', login_host: 'production', client_id: 'leadline-sandbox-client' },
  me: { id: 'u_rep', email: 'rep@acme.example' },
  connections: [
    { role: 'team_sync', name: 'Ian Integration', email: 'integration@acme.example', crm_user_id: '005INT', permission: 'admin', health: 'ok', last_success: null },
    { role: 'personal', name: 'Rita Rep', email: 'rep@acme.example', crm_user_id: '005REP', permission: 'standard', health: 'ok', last_success: null },
  ],
  team_sync_choices: [
    { app_user: 'me', email: 'rep@acme.example', name: 'Rita Rep', connected: true, team_sync: false },
    { app_user: 'team_sync_user', email: 'integration@acme.example', name: 'Ian Integration', connected: true, team_sync: true },
  ],
  crm_users: [], needs: [], settings: {}, recent_saves: [], outbox: [], error_log: [],
};

let ext;
let page;

async function showState(state) {
  await ext.currentWorker().evaluate((s) => { globalThis.__answers.get_state = s; }, state);
  await page.reload();
  await page.getByText('Connected as Ian Integration').waitFor();
}

before(async () => {
  ext = await launchExtension({ stubWorker: true });
  page = await ext.openOptions();
  await showState(STATE);
});
after(async () => {
  await ext?.stop();
});

/** The page-space top of the element with `testId`. */
const top = (testId) => page.getByTestId(testId).evaluate((el) => el.getBoundingClientRect().top + window.scrollY);

test('the rep’s own connection comes first; team sync is in the Admin section below it', async () => {
  const steps = page.getByTestId('my-connection').locator('xpath=ancestor::section[1]');
  assert.equal(await steps.locator(':scope > h2').textContent(), '2. Connections');
  const admin = page.getByTestId('admin-section');
  assert.equal(await admin.getByRole('heading', { level: 3 }).first().textContent(), 'Admin: team sync');
  assert.equal(await page.getByRole('region', { name: 'Admin: team sync' }).count(), 1, 'a named region');
  assert.ok(await admin.isVisible());
  // Order on screen and in the document (what a keyboard or screen reader meets first).
  assert.ok(await top('connect-personal') < await top('admin-section'), 'my account above the admin section');
  const order = await page.evaluate(() => ['connect-personal', 'admin-section', 'connect-team-sync']
    .map((id) => document.querySelector('[data-testid="' + id + '"]'))
    .every((el, i, all) => i === 0 || (all[i - 1].compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)));
  assert.ok(order, 'my account, then the admin section, then its team sync button');
  for (const id of ['connect-team-sync', 'disconnect-team-sync', 'connection-team_sync', 'team-sync-choice']) {
    assert.equal(await admin.getByTestId(id).count(), 1, id + ' is in the Admin section');
  }
  for (const id of ['connect-personal', 'disconnect-personal', 'connection-personal']) {
    assert.equal(await admin.getByTestId(id).count(), 0, id + ' is not in the Admin section');
  }
  assert.equal(await admin.getByTestId('team-sync-user').count(), 2);
  await page.locator('#connections').scrollIntoViewIfNeeded();
  await ext.screenshot(page, 'options-connections-admin');
});

test('the Admin section says team sync is held in this browser (sign-in, or token on HubSpot)', async () => {
  const holder = page.getByTestId('team-sync-holder');
  assert.equal(await holder.textContent(), 'Held in this browser: the team sync sign-in is stored in this Chrome profile, and ' +
    'saves that go through team sync are sent from here. Setting it up is an admin\'s job, not a rep\'s choice.');
  assert.ok(await holder.isVisible());
  try {
    await showState({ ...STATE, config: { ...STATE.config, crm: 'hubspot' } });
    assert.match(await holder.textContent(), /^Held in this browser: the team sync token is stored in this Chrome profile/);
  } finally {
    await showState(STATE);
  }
});
