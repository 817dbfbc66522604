// `./build.sh demo`: the whole Leadline story against the local sandbox org, narrated step by
// step. The admin connects team sync, the rep connects their own account, a LinkedIn profile
// and a Gmail participant are saved, the email is logged; then the CRM records are printed with
// Owner and Created By, and screenshots land in dist/demo/ (a 25-person bulk save included:
// its one-line toast and the popup's grouped row). Then LinkedIn shows the saved person in a
// new job and "Update in CRM" writes it onto the record (the old job kept in a Task), and a
// small CSV file is imported under the rep's own connection.
//
// Runs the real extension (EXT_DIR, else dist/extension) in real Chromium (headed when
// $DISPLAY is set, else headless) against the sandbox binary (SANDBOX_BIN, else
// target/debug/sandbox). Exits 1 with the failing step's name when anything goes wrong; each
// step has its own time limit.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  startSandbox, launchExtension, extensionDir, connect, setupThroughOptions, waitForState as waitForWorker, MAPPED_HOSTS, ROOT,
  fixturesWith, searchPage, lookupsDone, stopWorker,
} from '../e2e/harness.mjs';
import { step, say, table, bold } from './narrate.mjs';
import { seededUsers, userLabel, contactTable, taskTable, loginLines } from './records.mjs';

const TEAM_USER = 'integration@acme.example';
const REP = 'rep@acme.example';
const PROFILE = 'https://www.linkedin.com/in/ada-lovelace/';
const THREAD = 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWvKkzBqRmTnQpLzXgHsWbCd';
const GMAIL_PROSPECT = 'marta@globex.example';
/** A generated 25-person search page (served over the fixtures) for the bulk save. */
const SEARCH_25 = 'https://www.linkedin.com/search/results/people/?set=Demo';
/** Where screenshots go: dist/demo/, or LEADLINE_DEMO_OUT (the demo's own test uses a temp dir). */
const SHOTS = process.env.LEADLINE_DEMO_OUT || path.join(ROOT, 'dist', 'demo');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let sandbox = null;
let ext = null;
let fixtures = null;
const shots = [];
/** What each toast said, per person: {what, result, reasons}. */
const toasts = [];

/**
 * The harness's waitForState, failing at once when the worker logs a CRM error (`what` names
 * the save in the message).
 */
function waitForState(page, pick, what) {
  return waitForWorker(page, (state) => {
    if (!state || !state.ok) throw new Error(`the worker refused get_state: ${JSON.stringify(state && state.error)}`);
    const last = state.error_log && state.error_log[0];
    if (last) throw new Error(`${what}: the CRM answered ${last.code}: ${last.message}`);
    return pick(state);
  });
}

/** Saves a screenshot into dist/demo/ and remembers its path. */
async function screenshot(page, name, label, options = {}) {
  await mkdir(SHOTS, { recursive: true });
  const file = path.join(SHOTS, name + '.png');
  await page.screenshot({ path: file, ...options });
  shots.push([label, file]);
  say('screenshot: ' + path.relative(process.cwd(), file));
  return file;
}

/**
 * Clicks the options page's connect button for `role`, signs in as `username` on the sandbox's
 * login and consent pages, prints the connection card; resolves to the connection.
 */
async function connectThroughOptions(options, role, username) {
  await connect(ext, options, role, { username });
  await options.getByTestId('connection-' + role).getByText(username).waitFor({ timeout: 15000 });
  const conn = await waitForState(options, (s) => s.connections.find((c) => c.role === role && c.health === 'ok'), role);
  for (const line of await card(options, role)) say(line);
  return conn;
}

/** A connection card's text, one line per fact. */
async function card(options, role) {
  const lines = await options.getByTestId('connection-' + role).locator('p').allInnerTexts();
  return lines.map((l) => l.trim()).filter(Boolean);
}

/** Waits for the toast, opens its "why?" lists, prints and records what it says per person. */
async function readToast(page, what, expect) {
  const toast = page.getByTestId('save-result').filter({ hasText: expect }).first();
  await toast.waitFor({ timeout: 20000 });
  const whys = toast.getByTestId('save-why');
  for (let i = 0; i < (await whys.count()); i += 1) await whys.nth(i).click();
  const text = await toast.innerText();
  if (/Not saved/.test(text)) throw new Error(`${what}: the toast says ${JSON.stringify(text)}`);
  const results = await toast.locator('.ll-result').evaluateAll((blocks) => blocks.map((b) => ({
    title: b.querySelector('.ll-title')?.textContent.trim() || '',
    rows: [...b.querySelectorAll('.ll-row')].map((r) => r.textContent.replace(/\s+/g, ' ').trim()),
    reasons: [...b.querySelectorAll('[data-testid="save-reasons"] li')].map((li) => li.textContent.trim()),
  })));
  if (results.length === 0) throw new Error(`${what}: the toast shows no result: ${JSON.stringify(text)}`);
  say('The toast says:');
  for (const r of results) {
    say('  ' + r.title);
    for (const row of r.rows) say('    ' + row);
    for (const reason of r.reasons) say('    why? ' + reason);
    toasts.push({ what, result: r.title, reasons: r.reasons });
  }
}

async function main() {
  say(bold('Leadline demo: save prospects from LinkedIn and Gmail into Salesforce, with the right Owner and Created By.'));

  sandbox = await step('Start the sandbox org (a local stand-in for Salesforce and HubSpot)', async () => {
    fixtures = await fixturesWith({ 'www.linkedin.com/search/results/people/index.html': searchPage(25) });
    const started = await startSandbox({ fixtures: fixtures.dir });
    const users = await seededUsers(started);
    say('Sandbox org "Acme" at ' + started.url);
    say('Seeded logins (every password is "sandbox"):');
    for (const line of loginLines(users)) say('  ' + line);
    say('The browser resolves ' + MAPPED_HOSTS.join(', ') + ' to it.');
    return started;
  });
  const users = await seededUsers(sandbox);

  const headless = !process.env.DISPLAY;
  ext = await step(`Start Chromium with the Leadline extension (${headless ? 'headless: no display' : 'headed on ' + process.env.DISPLAY})`, async () => {
    const dir = await extensionDir();
    if (!existsSync(path.join(dir, 'manifest.json'))) throw new Error(`no extension at ${dir}: run ./build.sh first (or set EXT_DIR)`);
    if (!existsSync(path.join(dir, 'wasm'))) throw new Error(`the extension at ${dir} has no Wasm core: run ./build.sh`);
    let launched;
    try {
      launched = await launchExtension({ sandbox, headless, dir });
    } catch (error) {
      if (headless) throw error;
      say(`No window on ${process.env.DISPLAY} (${String(error.message).split('\n')[0]}); running headless instead.`);
      launched = await launchExtension({ sandbox, headless: true, dir });
    }
    say('Extension loaded from ' + path.relative(process.cwd(), launched.extDir) + ' with id ' + launched.extensionId);
    return launched;
  });

  const options = await step('Options page: choose Salesforce, the production login host, the app\'s consumer key', async () => {
    const page = await setupThroughOptions(ext, { teamUser: null, personalUser: null, meEmail: REP });
    await page.getByTestId('crm-choice').selectOption('salesforce');
    await page.locator('#status', { hasText: 'CRM changed.' }).waitFor();
    say('CRM: Salesforce · login host: login.salesforce.com · consumer key: leadline-sandbox-client');
    say('Callback URL shown for the admin to paste into the External Client App:');
    await page.waitForFunction(() => /chromiumapp\.org/.test(document.querySelector('[data-testid="redirect-url"]')?.textContent || ''));
    say('  ' + (await page.getByTestId('redirect-url').innerText()));
    return page;
  });

  const teamUser = await step(`Admin: "Connect team sync" — sign in as ${TEAM_USER} and allow access`,
    () => connectThroughOptions(options, 'team_sync', TEAM_USER), { timeoutMs: 45000 });
  const rep = await step(`Rep: "Connect my account" — sign in as ${REP} and allow access`,
    () => connectThroughOptions(options, 'personal', REP), { timeoutMs: 45000 });

  await step('Owner mapping: the records the rep saves are owned by the rep', async () => {
    const select = options.getByTestId('owner-mapping');
    const choices = await select.locator('option').allInnerTexts();
    say('The dropdown lists the CRM user directory: ' + choices.slice(1).join(', '));
    await select.selectOption(rep.crm_user_id);
    await options.locator('#status', { hasText: 'Owner saved.' }).waitFor();
    say('Records I save are owned by: ' + (await select.locator('option:checked').innerText()));
    await screenshot(options, 'options', 'Options page (both connections, owner mapping)', { fullPage: true });
  });

  await step('LinkedIn: open a profile and click Save (pushed with team sync, owned by the rep)', async () => {
    const page = await ext.page(PROFILE);
    say('Opened ' + PROFILE + ' (fixture page served under the real hostname)');
    const badge = page.getByTestId('crm-status').first();
    if (await badge.count()) say('CRM badge before saving: ' + (await badge.innerText()));
    await page.getByTestId('save-prospect').first().click({ timeout: 15000 });
    await readToast(page, 'LinkedIn profile', /Created|Already/);
    await waitForState(options, (s) => s.outbox.length === 0, 'LinkedIn save');
    await screenshot(page, 'toast-linkedin', 'Toast after the LinkedIn save');
  }, { timeoutMs: 60000 });

  await step('LinkedIn: "Save all" on a search page of 25 people (one bulk save; the toast is one summary line)', async () => {
    const page = await ext.page(SEARCH_25);
    await page.getByTestId('save-all').first().waitFor({ timeout: 15000 });
    await lookupsDone(page);
    await page.getByTestId('save-all').first().click();
    await page.getByTestId('save-progress-text').filter({ hasText: 'Done:' }).waitFor({ timeout: 45000 });
    const summary = page.getByTestId('save-summary');
    await summary.waitFor();
    say('Toast: ' + (await summary.innerText()) + ' (each person behind "Show details")');
    await waitForState(options, (s) => s.outbox.length === 0, 'bulk save');
    await screenshot(page, 'toast-bulk-25', 'Toast after the 25-person bulk save');
    await page.close();
  }, { timeoutMs: 60000 });

  let gmail;
  await step(`Gmail: open a thread and save the participant ${GMAIL_PROSPECT} (pushed with the rep's own connection)`, async () => {
    gmail = await ext.page(THREAD);
    const row = gmail.locator(`[data-testid="gmail-participant"][data-email="${GMAIL_PROSPECT}"]`);
    await row.waitFor({ timeout: 15000 });
    await row.getByTestId('save-prospect').click();
    await readToast(gmail, 'Gmail participant', /Created|Already/);
    await waitForState(options, (s) => s.outbox.length === 0, 'Gmail save');
    await screenshot(gmail, 'toast-gmail', 'Toast after the Gmail save');
  }, { timeoutMs: 60000 });

  await step('Gmail: "Log this email" (a Task of subtype Email on the message\'s sender, and on its other people already in the CRM; nobody else is created)', async () => {
    const before = (await sandbox.records('Task')).records.length;
    await gmail.getByTestId('save-result-close').first().click().catch(() => {});
    await gmail.getByTestId('log-email').first().click();
    await readToast(gmail, 'Logged email', /Created|Already/);
    await waitForState(options, (s) => s.outbox.length === 0, 'Log this email');
    for (;;) {
      if ((await sandbox.records('Task')).records.length > before) break;
      await sleep(300);
    }
    await screenshot(gmail, 'toast-gmail-log', 'Toast after "Log this email"');
  }, { timeoutMs: 60000 });

  await step('Popup: recent saves with their decision and reasons', async () => {
    const popup = await ext.openPopup();
    const items = popup.getByTestId('recent-saves').locator('li');
    await items.first().waitFor();
    const first = popup.getByTestId('recent-saves').locator('li button', { hasText: 'why?' }).first();
    if (await first.count()) await first.click();
    const lines = await items.evaluateAll((lis) => lis.filter((li) => li.parentElement.id === 'recent-saves')
      .map((li) => [...li.querySelectorAll(':scope > div')].slice(0, 3).map((d) => d.textContent.trim()).join(' | ')));
    for (const line of lines) say('  ' + line);
    await screenshot(popup, 'popup', 'Popup (recent saves, outbox, error log)', { fullPage: true });
    const group = popup.getByTestId('recent-group');
    say('The bulk save is one row: ' + (await group.locator(':scope > .title').innerText()));
    await group.getByTestId('recent-group-toggle').click();
    await group.locator('ul.nested > li').first().waitFor();
    await screenshot(popup, 'popup-group-open', 'Popup (the bulk save opened into each person)', { fullPage: true });
  });

  await step('LinkedIn: the profile now shows a new job (VP Sales at Globex); "Update in CRM" writes it onto the Contact with team sync and keeps the old job in a Task', async () => {
    const file = path.join(fixtures.dir, 'www.linkedin.com', 'in', 'ada-lovelace', 'index.html');
    const html = await readFile(file, 'utf8');
    await writeFile(file, html.replaceAll('Head of Analytics', 'VP Sales').replaceAll('Babbage Engines', 'Globex'));
    say('The fixture profile is rewritten to say VP Sales at Globex; the worker restarts so the page asks Salesforce again.');
    await stopWorker(ext, options);
    const page = await ext.page(PROFILE);
    await lookupsDone(page);
    const line = page.getByTestId('job-change');
    await line.waitFor({ timeout: 15000 });
    say('Badge: ' + (await line.innerText()));
    await page.getByRole('button', { name: 'Update in CRM' }).click();
    await readToast(page, 'Job change', /Updated in/);
    await waitForState(options, (s) => s.outbox.length === 0, 'Update in CRM');
    const ada = (await sandbox.records('Contact')).records.find((c) => c.LastName === 'Lovelace');
    const kept = (await sandbox.records('Task')).records.filter((t) => t.WhoId === ada.Id && /^Job change: was /.test(t.Subject || ''));
    if (ada.Title !== 'VP Sales' || kept.length !== 1) throw new Error(`the Contact says ${JSON.stringify(ada.Title)} with ${kept.length} job change Task(s)`);
    if (kept[0].CreatedById !== teamUser.crm_user_id) throw new Error('the job change Task was not created by team sync');
    say(`In Salesforce: Title "${ada.Title}"; Task "${kept[0].Subject}" created by ${userLabel(users, kept[0].CreatedById)}; Owner still ${userLabel(users, ada.OwnerId)}.`);
    await screenshot(page, 'toast-job-change', 'Toast after "Update in CRM"');
    await page.close();
  }, { timeoutMs: 60000 });

  await step('CSV import: a 3-row file (one row without a last name is skipped), pushed with the rep\'s own connection', async () => {
    const page = await ext.page(`chrome-extension://${ext.extensionId}/import/import.html`);
    const csv = 'First Name,Last Name,Email,Title,Company\r\nGrace,Hopper,grace@navy.example,Rear Admiral,US Navy\r\n'
      + 'Katherine,Johnson,katherine@nasa.example,Mathematician,NASA\r\nNobody,,nobody@csv.example,,\r\n';
    await page.getByTestId('import-file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    const summary = page.getByTestId('import-summary');
    await summary.filter({ hasText: /skipped$/ }).waitFor({ timeout: 30000 });
    say('Import page: ' + (await summary.innerText()));
    for (const bad of await page.getByTestId('import-bad-row').allInnerTexts()) say('  skipped: ' + bad.replace(/\s+/g, ' ').trim());
    await page.getByTestId('import-start').click();
    const result = page.getByTestId('import-result').filter({ hasText: /^Import done|^The import stopped/ });
    await result.waitFor({ timeout: 45000 });
    const text = await result.innerText();
    say('Import page: ' + text);
    if (!/^Import done: 2 created/.test(text)) throw new Error('the import says ' + JSON.stringify(text));
    await waitForState(options, (s) => s.outbox.length === 0, 'CSV import');
    const imported = (await sandbox.records('Contact')).records.filter((c) => /@(navy|nasa)\.example$/.test(c.Email || ''));
    if (imported.length !== 2 || imported.some((c) => c.CreatedById !== rep.crm_user_id || c.OwnerId !== rep.crm_user_id)) {
      throw new Error('the imported Contacts are not 2 created and owned by the rep');
    }
    say(`In Salesforce: ${imported.length} Contacts, Created By and Owner ${userLabel(users, rep.crm_user_id)} (rule 1: a CSV import uses the rep's own connection).`);
    await screenshot(page, 'import-csv', 'Import page after the CSV import', { fullPage: true });
    await page.close();
  }, { timeoutMs: 60000 });

  await step('The CRM records in the sandbox org, with Owner and Created By', async () => {
    const contacts = (await sandbox.records('Contact')).records;
    const tasks = (await sandbox.records('Task')).records;
    if (contacts.length === 0) throw new Error('the sandbox has no Contact');
    if (tasks.length === 0) throw new Error('the sandbox has no Task');
    say(contactTable(contacts, users));
    say('');
    say(taskTable(tasks, contacts, users));
    say('');
    say('Why (as each toast showed it):');
    say(table(['Save', 'Result', 'Why'], toasts.flatMap((t) => t.reasons.map((r, i) => (i === 0 ? [t.what, t.result, r] : ['', '', r])))));
    say('');
    say(`Team sync is ${userLabel(users, teamUser.crm_user_id)}; the rep is ${userLabel(users, rep.crm_user_id)}.`);
    checkStory(contacts, tasks, teamUser.crm_user_id, rep.crm_user_id);
    const stamp = contacts.find((c) => c.LastName === 'Lovelace')?.Description;
    if (stamp) say(`The LinkedIn contact's Description keeps who saved it: "${String(stamp).split('\n')[0]}"`);
    say('As intended: the LinkedIn contact was created by team sync and is owned by the rep;');
    say('the Gmail contact and the logged email were created by the rep and are owned by the rep.');
  });

  process.stdout.write('\n' + bold('Screenshots') + '\n');
  for (const [label, file] of shots) say(`${label}: ${file}`);
}

/** Fails when the records do not tell the story the demo narrates. */
function checkStory(contacts, tasks, teamId, repId) {
  const ada = contacts.find((c) => c.LastName === 'Lovelace');
  const marta = contacts.find((c) => (c.Email || '').toLowerCase() === GMAIL_PROSPECT);
  const problems = [];
  if (!ada) problems.push('no Contact for the LinkedIn profile');
  else if (ada.CreatedById !== teamId || ada.OwnerId !== repId) problems.push('the LinkedIn contact has the wrong Created By or Owner');
  if (!marta) problems.push('no Contact for ' + GMAIL_PROSPECT);
  else if (marta.CreatedById !== repId || marta.OwnerId !== repId) problems.push('the Gmail contact has the wrong Created By or Owner');
  const logged = marta ? tasks.filter((t) => t.WhoId === marta.Id && t.TaskSubtype === 'Email') : [];
  if (logged.length !== 1) problems.push(`expected one Email Task on the Gmail contact, found ${logged.length}`);
  else if (logged[0].CreatedById !== repId || logged[0].OwnerId !== repId) problems.push('the logged email has the wrong Created By or Owner');
  if (problems.length) throw new Error(problems.join('; '));
}

async function stop() {
  if (ext) await ext.stop().catch(() => {});
  if (sandbox) await sandbox.stop().catch(() => {});
  if (fixtures) await fixtures.remove().catch(() => {});
}

// Exits explicitly: a browser that failed half-way through its start would keep Node alive.
try {
  await main();
  await stop();
  process.stdout.write('\nDemo finished: every step passed.\n');
  process.exit(0);
} catch (error) {
  process.stderr.write('\nDemo failed: ' + (error && error.message ? error.message : String(error)) + '\n');
  const requests = sandbox ? sandbox.log.join('').split('\n').filter((l) => / -> \d{3} /.test(l)) : [];
  if (requests.length) process.stderr.write('Last requests the sandbox saw:\n' + requests.slice(-10).join('\n') + '\n');
  await stop();
  process.exit(1);
}
