// The demo's team story (issue 15), narrated like `demo.mjs` and run at the end of
// `./build.sh demo` (or alone: `node tests/demo/team-story.mjs`): the admin connects team
// sync ONCE, on the team server, through its admin pages; two reps join (each connects their
// own account in their own browser, the admin adds them on the Members page by their CRM user,
// they "Sign in with Salesforce" through the server); each saves a LinkedIn profile (pushed by
// the server: Created By = the integration user, Owner = that rep) and a Gmail participant
// (pushed from the rep's browser: Created By = that rep); the admin reads both reps' saves in
// the team journal. Real parts only: the sandbox org (SANDBOX_BIN), the `leadline-server`
// binary (SERVER_BIN), the real extension (EXT_DIR) in Chromium, one fresh profile per person.
// Screenshots of the admin pages go to dist/demo/ (or LEADLINE_DEMO_OUT).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  CHROMIUM, ROOT, startSandbox, startTeamServer, launchExtension, connect, sendFrom, waitForState, lookupsDone,
  signInToTeamServer,
} from '../e2e/harness.mjs';
import { step, say, bold } from './narrate.mjs';
import { seededUsers, userLabel, contactTable } from './records.mjs';

const TEAM_USER = 'integration@acme.example';
const THREAD = 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWvKkzBqRmTnQpLzXgHsWbCd';
/** The two reps, each with a LinkedIn profile and a Gmail participant of the fixtures. */
const REPS = [
  { email: 'rep@acme.example', profile: 'aoife-kelleher', lastName: 'Kelleher', gmail: 'ben.oneil@initech.example' },
  { email: 'rep2@acme.example', profile: 'bram-visser', lastName: 'Visser', gmail: 'jana.novakova@globex.example' },
];
const SHOTS = process.env.LEADLINE_DEMO_OUT || path.join(ROOT, 'dist', 'demo');

/** Everything the story starts, stopped at the end whatever happened. */
const running = { sandbox: null, server: null, admin: null, reps: [] };

async function shot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  const file = path.join(SHOTS, name + '.png');
  await page.screenshot({ path: file, fullPage: true });
  say('screenshot: ' + path.relative(process.cwd(), file));
}

/** The admin's pages in a plain browser: sign in with the first admin invite. */
async function adminSignsIn(server, headless) {
  running.admin = await chromium.launch({ executablePath: CHROMIUM, headless, args: ['--no-sandbox', '--ignore-certificate-errors'] });
  const page = await running.admin.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.url + '/admin');
  await page.locator('#code').fill(server.invite);
  await page.locator('#email').fill(TEAM_USER);
  await page.getByTestId('redeem').click();
  await page.waitForURL(server.url + '/admin');
  say(`${server.url}/admin: signed in as ${await page.getByTestId('signed-in-as').textContent()} with the one-time invite code`);
  return page;
}

/** "Connect team sync" on the overview, through the sandbox's login and consent pages. */
async function connectTeamSync(page) {
  await page.getByTestId('connect-team-sync').click();
  await page.locator('input[name="username"]').fill(TEAM_USER);
  await page.locator('input[name="password"]').fill('sandbox');
  await page.locator('[data-testid="login"], button[type="submit"], input[type="submit"]').first().click();
  await page.getByTestId('allow').click();
  say((await page.getByTestId('connected').innerText()).trim());
  await page.getByTestId('back-to-admin').click();
  const status = await page.getByTestId('team-sync-status').textContent();
  if (status !== 'ok') throw new Error('team sync health says ' + JSON.stringify(status));
  say(`Team sync: ${await page.getByTestId('team-sync-user').innerText()}, permission ${await page.getByTestId('team-sync-permission').textContent()}, status ${status}`);
  await shot(page, 'team-admin-overview');
}

/** A rep's own browser: Salesforce settings, their own connection, the team server's address. */
async function repBrowser(sandbox, server, rep, headless) {
  const ext = await launchExtension({ sandbox, headless });
  running.reps.push(ext);
  const options = await ext.openOptions();
  await sendFrom(options, { kind: 'set_config', crm: 'salesforce', login_host: 'production',
    client_id: 'leadline-sandbox-client', me_email: rep.email });
  await connect(ext, options, 'personal', { username: rep.email });
  const own = await waitForState(options, (s) => s.connections.find((c) => c.role === 'personal' && c.email === rep.email && c.health === 'ok'));
  await options.getByTestId('team-server-url').fill(server.url);
  await options.getByTestId('team-server-save').click();
  await options.getByTestId('team-server-status').filter({ hasText: 'Not signed in' }).waitFor();
  say(`${rep.email} connected their own account in their browser (Salesforce user ${own.crm_user_id}); the server never sees that token`);
  return { ext, options, crmUserId: own.crm_user_id };
}

/** The admin adds the rep on the Members page by their CRM user. */
async function addOnMembersPage(page, server, rep, crmUserId) {
  await page.goto(server.url + '/admin/members');
  await page.locator('#add-email').fill(rep.email);
  await page.locator('#add-crm').fill(crmUserId);
  await page.getByTestId('add-member').click();
  await page.getByText('Member added').waitFor();
  say(`The admin added ${rep.email} (${crmUserId}) on the Members page`);
}

/** Clicks Save on a page's first (or given) button and prints the toast once nothing waits. */
async function saveAndRead(page, options, button, what) {
  await button.click();
  const toast = page.getByTestId('save-result').first();
  await toast.waitFor({ timeout: 20000 });
  await waitForState(options, (s) => s.outbox.length === 0 && s, 30000);
  const text = (await toast.innerText()).replace(/\s+/g, ' ').trim();
  if (/Not saved/.test(text)) throw new Error(`${what}: the toast says ${JSON.stringify(text)}`);
  say(`${what}: ${text}`);
}

async function linkedInSave(ext, options, rep) {
  const page = await ext.page('https://www.linkedin.com/in/' + rep.profile + '/');
  await lookupsDone(page);
  await saveAndRead(page, options, page.getByTestId('save-prospect').first(), 'LinkedIn toast');
  await page.close();
}

async function gmailSave(ext, options, rep) {
  const page = await ext.page(THREAD);
  const row = page.locator('[data-testid="gmail-participant"][data-email="' + rep.gmail + '"]');
  await row.getByTestId('crm-status').filter({ hasText: 'Not in CRM yet' }).waitFor({ timeout: 20000 });
  await saveAndRead(page, options, row.getByTestId('save-prospect'), 'Gmail toast');
  await page.close();
}

/**
 * The admin's simulator on the server for `rep`'s LinkedIn and Gmail saves: LinkedIn by the
 * server with team sync, Gmail from the rep's browser with their own connection.
 */
async function whoOwnsWhat(page, server, rep) {
  const expected = {
    linkedin_extension: /^By the team server, with the connection of /,
    gmail_extension: new RegExp('^From the browser of ' + rep.email.replace(/[.]/g, '\\.') + ' .*, with their own connection'),
  };
  for (const [source, pushed] of Object.entries(expected)) {
    await page.goto(server.url + '/admin/simulator');
    await page.getByTestId('sim-member').selectOption({ label: rep.email + ' (rep)' });
    await page.getByTestId('sim-source').selectOption(source);
    await page.getByTestId('simulate').click();
    const answer = page.getByTestId('simulation');
    await answer.waitFor();
    const words = {
      pushed: (await page.getByTestId('sim-pushed').innerText()).trim(),
      createdBy: (await page.getByTestId('sim-created-by').innerText()).trim(),
      owner: (await page.getByTestId('sim-owner').innerText()).trim(),
    };
    say(`${(await answer.locator('h2').innerText()).replace(/^Answer: /, '')}: ${words.pushed}; Created By ${words.createdBy}; Owner ${words.owner}`);
    if (!pushed.test(words.pushed)) throw new Error(`the simulator says "${words.pushed}" for ${source}`);
  }
  await shot(page, 'team-admin-who-owns-what');
}

/** Fails unless each rep's two records have the story's Created By and Owner. */
function checkRecords(contacts, teamId, reps) {
  const problems = [];
  for (const rep of reps) {
    const linkedin = contacts.find((c) => c.LastName === rep.lastName);
    const gmail = contacts.find((c) => String(c.Email || '').toLowerCase() === rep.gmail);
    if (!linkedin || linkedin.CreatedById !== teamId || linkedin.OwnerId !== rep.crmUserId) {
      problems.push(`${rep.email}'s LinkedIn contact is missing or has the wrong Created By or Owner`);
    }
    if (!gmail || gmail.CreatedById !== rep.crmUserId || gmail.OwnerId !== rep.crmUserId) {
      problems.push(`${rep.email}'s Gmail contact is missing or has the wrong Created By or Owner`);
    }
  }
  if (problems.length) throw new Error(problems.join('; '));
}

/** The whole team story; resolves when every step passed, rejects naming the failed step. */
export async function teamStory() {
  const headless = !process.env.DISPLAY;
  process.stdout.write('\n' + bold('The team story: one team server, two reps') + '\n');
  const sandbox = await step('Team: start a fresh sandbox org and the team server (leadline-server, team "Acme")', async () => {
    const org = running.sandbox = await startSandbox();
    running.server = await startTeamServer(org);
    say(`Team server: ${running.server.url} (its own confidential Salesforce app; the first admin invite came from \`leadline-server admin-invite\`)`);
    return org;
  });
  const server = running.server;
  const users = await seededUsers(sandbox);
  const admin = await step(`Admin pages: sign in with the admin invite code as ${TEAM_USER}`, () => adminSignsIn(server, headless));
  await step('Admin pages: "Connect team sync" once, on the server (sandbox login and consent)', () => connectTeamSync(admin), { timeoutMs: 45000 });
  const teamId = [...users.entries()].find(([, u]) => u.email === TEAM_USER)[0];
  const reps = [];
  for (const rep of REPS) {
    const joined = await step(`${rep.email} joins: own account in their browser, added on the Members page, "Sign in with Salesforce"`, async () => {
      const browser = await repBrowser(sandbox, server, rep, headless);
      await addOnMembersPage(admin, server, rep, browser.crmUserId);
      say((await signInToTeamServer(browser.ext, browser.options, rep.email)).status);
      return { ...rep, ...browser };
    }, { timeoutMs: 60000 });
    reps.push(joined);
    if (reps.length === 1) {
      await step(`Admin pages: "Who owns what" for ${rep.email}, before they save`, () => whoOwnsWhat(admin, server, rep), { timeoutMs: 30000 });
    }
    await step(`${rep.email} saves a LinkedIn profile (pushed by the team server with team sync)`, () => linkedInSave(joined.ext, joined.options, joined), { timeoutMs: 45000 });
    await step(`${rep.email} saves a Gmail participant (pushed from their browser with their own connection)`, () => gmailSave(joined.ext, joined.options, joined), { timeoutMs: 45000 });
  }
  await step('Admin pages: the team journal shows both reps\' saves', async () => {
    await admin.goto(server.url + '/admin/journal');
    const rows = await admin.getByTestId('journal').locator('tbody tr').allInnerTexts();
    for (const row of rows) say(row.replace(/\s+/g, ' ').trim());
    for (const rep of REPS) {
      if (!rows.some((r) => r.includes(rep.email))) throw new Error(`the journal has no save by ${rep.email}`);
    }
    say('Gmail saves went from each rep\'s browser with their own connection, so they are in that rep\'s popup, not in the server\'s journal.');
    await shot(admin, 'team-admin-journal');
  });
  await step('The CRM records: Created By and Owner', async () => {
    const contacts = (await sandbox.records('Contact')).records;
    say(contactTable(contacts, users));
    checkRecords(contacts, teamId, reps);
    say(`As intended: each LinkedIn contact was created by ${userLabel(users, teamId)} (team sync, held by the server) and is owned by the rep who saved it;`);
    say('each Gmail contact was created by, and is owned by, the rep who saved it.');
  });
}

/** Stops every browser and process the story started. */
export async function stopTeamStory() {
  for (const ext of running.reps) await ext.stop().catch(() => {});
  if (running.admin) await running.admin.close().catch(() => {});
  if (running.server) await running.server.stop().catch(() => {});
  if (running.sandbox) await running.sandbox.stop().catch(() => {});
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await teamStory();
    await stopTeamStory();
    process.stdout.write('\nTeam story finished: every step passed.\n');
    process.exit(0);
  } catch (error) {
    process.stderr.write('\nTeam story failed: ' + (error && error.message ? error.message : String(error)) + '\n');
    await stopTeamStory();
    process.exit(1);
  }
}
