// The team server's admin pages (issue 15) in real Chromium, with the `leadline-server`
// binary and the sandbox org, nothing mocked: the admin redeems the first admin invite on the
// sign-in page (an HttpOnly, SameSite=Strict cookie), connects team sync through the
// sandbox's real login and consent pages and reads its health "ok" on the overview, adds a
// rep by CRM user, creates an invite code that a second rep joins with and maps that rep's
// records to an owner, then reads that rep's LinkedIn save (pushed by the server with team
// sync: Created By = integration user, Owner = the mapped user) in the journal and downloads
// the journal CSV. The pages run no script and load nothing from elsewhere (their CSP would
// report it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { CHROMIUM, startSandbox, startTeamServer, teamServerBinary, sandboxBinary, waitUntil } from './harness.mjs';

const skip = !sandboxBinary() ? 'no sandbox binary (cargo build -p sandbox)'
  : !teamServerBinary() ? 'no leadline-server binary (cargo build -p server)' : false;

let sandbox;
let server;
let browser;

before(async () => {
  if (skip) return;
  sandbox = await startSandbox();
  server = await startTeamServer(sandbox);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--ignore-certificate-errors'] });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sandbox?.stop();
});

/** The seeded Salesforce user id of a login. */
async function sandboxUser(email) {
  const user = (await sandbox.records('User')).records.find((u) => u.Email === email || u.Username === email);
  assert.ok(user, 'sandbox user ' + email);
  return user.Id;
}

test('an admin runs the team from the admin pages', { skip, timeout: 60000 }, async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const refused = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused/.test(m.text())) refused.push(m.text()); });

  // Sign in with the first admin invite.
  await page.goto(server.url + '/admin');
  assert.equal(new URL(page.url()).pathname, '/admin/sign-in', 'not signed in: the sign-in page');
  await page.locator('#code').fill(server.invite);
  await page.locator('#email').fill('integration@acme.example');
  await page.getByTestId('redeem').click();
  await page.waitForURL(server.url + '/admin');
  const cookie = (await context.cookies(server.url + '/admin')).find((c) => c.name === 'leadline_admin');
  assert.ok(cookie && cookie.httpOnly && cookie.sameSite === 'Strict', JSON.stringify(cookie));
  assert.equal(await page.evaluate(() => document.cookie), '', 'no script can read the session');
  const session = cookie.value;
  assert.equal(await page.getByTestId('signed-in-as').textContent(), 'integration@acme.example');

  // Connect team sync through the sandbox's real OAuth pages.
  await page.getByTestId('connect-team-sync').click();
  await page.locator('input[name="username"]').fill('integration@acme.example');
  await page.locator('input[name="password"]').fill('sandbox');
  await page.locator('[data-testid="login"], button[type="submit"], input[type="submit"]').first().click();
  await page.getByTestId('allow').click();
  await page.getByTestId('back-to-admin').click();
  await page.waitForURL(server.url + '/admin');
  assert.equal(await page.getByTestId('team-sync-status').textContent(), 'ok');
  assert.match(await page.getByTestId('team-sync-user').textContent(), /integration@acme\.example/);
  assert.equal(await page.getByTestId('team-sync-permission').textContent(), 'admin');

  // Members: one rep added by CRM user, another joins with an invite code from the page and
  // gets an owner mapping.
  const ownerId = await sandboxUser('rep2@acme.example');
  await page.getByRole('link', { name: 'Members' }).click();
  await page.locator('#add-email').fill('rep2@acme.example');
  await page.locator('#add-crm').fill(ownerId);
  await page.getByTestId('add-member').click();
  await page.getByText('Member added').waitFor();
  await page.getByTestId('create-invite').click();
  const code = (await page.getByTestId('invite-code').textContent()).trim();
  const joined = await server.api('POST', '/api/join', { body: { code, email: 'rep@acme.example' } });
  assert.equal(joined.status, 201, joined.text);
  await page.reload();
  const row = page.locator('tr', { has: page.getByTestId('member-email').filter({ hasText: 'rep@acme.example' }) }).filter({ hasNotText: 'rep2@' });
  await row.getByLabel('Owner mapping of rep@acme.example').fill(ownerId);
  await row.getByTestId('save-crm').click();
  await page.getByText('owner mapping saved').waitFor();
  const members = await server.api('GET', '/api/admin/members', { session });
  const rep = members.json.members.find((m) => m.email === 'rep@acme.example');
  assert.equal(rep.owner_mapping, ownerId, 'the API sees the mapping');
  assert.ok(members.json.members.some((m) => m.email === 'rep2@acme.example' && m.crm_user_id === ownerId));

  // The rep's LinkedIn save goes through the server with team sync.
  const saved = await server.api('POST', '/api/saves', {
    session: joined.json.session,
    body: { save_id: 'admin-pages-e2e-1', source: 'linkedin_extension', push: 'single',
      prospects: [{ full_name: 'Pagey McAdmin', linkedin_url: 'https://www.linkedin.com/in/pagey-mcadmin' }] },
  });
  assert.equal(saved.status, 200, saved.text);
  const contact = (await sandbox.records('Contact')).records.find((r) => r.LastName === 'McAdmin');
  assert.equal(contact.OwnerId, ownerId, 'Owner = the mapped user');
  assert.equal(contact.CreatedById, await sandboxUser('integration@acme.example'), 'Created By = team sync');

  // The journal shows it, and its CSV downloads.
  await page.getByRole('link', { name: 'Journal' }).click();
  await waitUntil(async () => (await page.getByTestId('journal').textContent()).includes('admin-pages-e2e-1')
    || (await page.reload(), false), { what: 'the save in the journal' });
  assert.match(await page.getByTestId('journal').textContent(), /rep@acme\.example/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('journal-csv').click()]);
  const csv = await readFile(await download.path(), 'utf8');
  assert.match(csv, /^id,at,kind,actor_id,save_id,code,message\r\n/);
  assert.match(csv, /admin-pages-e2e-1/);

  // Back on the overview, the health shows the push.
  await page.getByRole('link', { name: 'Overview' }).click();
  assert.equal(await page.getByTestId('team-sync-status').textContent(), 'ok');
  assert.notEqual(await page.getByTestId('last-push').textContent(), 'never');
  assert.deepEqual(refused, [], 'nothing the pages do is refused by their policy');
  await context.close();
});
