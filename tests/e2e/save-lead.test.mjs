// The push settings through the real extension, worker and Wasm core against the sandbox org,
// set with the options page's own controls ("Save people as: Lead", "Log Gmail emails as
// activities"):
// - Lead: a LinkedIn profile save creates one Lead (no Contact) pushed by team sync and owned by
//   the rep, with the LinkedIn URL field; "Log this email" creates the sender as a Lead and a
//   Task (Email) on it under the rep's own connection; "Save all" twice, with the worker
//   stopped between (lookup cache gone), creates each public person once, as a Lead.
// - Logging off: "Log this email" logs no Task and says so; a plain Save still works.
// Every check is against the sandbox's records, not only against what the extension says.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startSandbox, launchExtension, connect, sandboxBinary, sendFrom, waitForState as pollState,
  settle as settleAt, stopWorker, lookupsDone,
} from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
const PROFILE = 'https://www.linkedin.com/in/ada-lovelace/';
const SEARCH = 'https://www.linkedin.com/search/results/people/';
const THREAD = 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWvKkzBqRmTnQpLzXgHsWbCd';
// The public people of the search fixture's first page (its "LinkedIn Member" is private), as
// the LinkedIn URL field stores them (canonical form).
const SEARCH_PEOPLE = ['asa-lindqvist', 'chloe-dubois-renard', 'lukasz-wrobel', 'evil-hacker-42', 'siobhan-o-briain']
  .map((slug) => `https://www.linkedin.com/in/${slug}/`);

const lower = (s) => String(s || '').toLowerCase();
const byEmail = (records, email) => records.filter((r) => lower(r.Email) === email);
/** A record's LinkedIn URL as the canonical profile URL (with a trailing slash). */
const urlOf = (r) => (r.LinkedIn_URL__c ? String(r.LinkedIn_URL__c).replace(/\/?$/, '/') : null);

/**
 * One sandbox org and one browser with the extension: CRM settings (with the company domain, so
 * the rep's colleagues are not prospects), team sync = integration@, the rep = rep@, through the
 * real OAuth pages. Resolves to {sandbox, ext, options, ids:{integration, rep}}.
 */
async function setup() {
  const sandbox = await startSandbox();
  const ext = await launchExtension({ sandbox });
  const options = await ext.openOptions();
  await sendFrom(options, { kind: 'set_config', crm: 'salesforce', login_host: 'production',
    client_id: 'leadline-sandbox-client', me_email: 'rep@acme.example', company_domain: 'acme.example' });
  const ids = {};
  for (const [role, username, key] of [['team_sync', 'integration@acme.example', 'integration'], ['personal', 'rep@acme.example', 'rep']]) {
    await connect(ext, options, role, { username });
    const c = await pollState(options, (s) => s.connections.find((x) => x.role === role && x.email === username && x.health === 'ok'), 20000);
    ids[key] = c.crm_user_id;
  }
  assert.ok(ids.integration && ids.rep && ids.integration !== ids.rep, JSON.stringify(ids));
  return { sandbox, ext, options, ids };
}

/**
 * Clicks "Log this email" on `page` and waits until its summary shows, the outbox is empty and
 * the sandbox is quiet; resolves to the summary.
 */
async function logEmail(sandbox, options, page) {
  await page.getByTestId('log-email').click();
  const summary = page.getByTestId('log-summary');
  // A sender not in the CRM is created only when the rep says so (issue 16): these tests do.
  const choice = page.getByTestId('log-create');
  await summary.or(choice).first().waitFor({ timeout: 20000 });
  if (await choice.count()) await choice.click();
  await summary.waitFor({ timeout: 20000 });
  await pollState(options, (st) => st.outbox.length === 0 && st);
  await settleAt(sandbox, 600);
  return summary;
}

/**
 * Changes the push settings with the options page's controls (as a person would), then waits
 * until the worker's state has them. `recordKind`: 'contact' | 'lead'; `logEmails`: boolean.
 */
async function setPushSettings(options, { recordKind, logEmails }) {
  await options.reload();
  // The form is filled from the worker's state once the page has loaded it.
  await options.waitForFunction(() => [...document.querySelectorAll('input[name="record_kind"]')].some((r) => r.checked));
  if (recordKind !== undefined) {
    await options.getByTestId('record-kind-' + recordKind).check();
    await pollState(options, (s) => s.settings && s.settings.record_kind === recordKind, 10000);
  }
  if (logEmails !== undefined) {
    await options.getByTestId('log-emails').setChecked(logEmails);
    await pollState(options, (s) => s.settings && s.settings.log_emails === logEmails, 10000);
  }
  await options.reload();
  await options.waitForFunction(() => [...document.querySelectorAll('input[name="record_kind"]')].some((r) => r.checked));
  // The page shows what the worker kept (it re-renders from get_state).
  if (recordKind !== undefined) assert.equal(await options.getByTestId('record-kind-' + recordKind).isChecked(), true);
  if (logEmails !== undefined) assert.equal(await options.getByTestId('log-emails').isChecked(), logEmails);
  const s = await sendFrom(options, { kind: 'get_state' });
  return s.settings;
}

describe('record kind = Lead', () => {
  let sandbox;
  let ext;
  let options;
  let ids;
  const settle = (quietMs) => settleAt(sandbox, { ext, quietMs });
  const waitForState = (pick, timeoutMs) => pollState(options, pick, timeoutMs);
  const leads = async () => (await sandbox.records('Lead')).records;
  const contacts = async () => (await sandbox.records('Contact')).records;
  const tasks = async () => (await sandbox.records('Task')).records;

  before(async () => {
    if (skip) return;
    ({ sandbox, ext, options, ids } = await setup());
    const settings = await setPushSettings(options, { recordKind: 'lead' });
    assert.equal(settings.record_kind, 'lead');
    assert.equal(settings.log_emails, true, 'logging emails is on by default');
  });

  after(async () => {
    if (ext) await ext.stop();
    if (sandbox) await sandbox.stop();
  });

  test('a LinkedIn profile save creates one Lead: Created By = team sync, Owner = rep, LinkedIn URL set', { skip }, async () => {
    const page = await ext.page(PROFILE);
    const saveButton = page.getByTestId('save-prospect').first();
    await lookupsDone(page);
    await settle();
    await saveButton.click();
    const toast = page.getByTestId('save-result').first();
    await toast.waitFor({ timeout: 20000 });
    await waitForState((st) => st.outbox.length === 0 && st);
    await settle(600);

    const ada = (await leads()).filter((r) => r.LastName === 'Lovelace');
    assert.equal(ada.length, 1, 'exactly one Lead: ' + JSON.stringify(ada));
    assert.equal((await contacts()).length, 0, 'no Contact was created: ' + JSON.stringify(await contacts()));
    assert.equal(ada[0].CreatedById, ids.integration, 'LinkedIn saves are pushed with team sync (integration@)');
    assert.equal(ada[0].OwnerId, ids.rep, 'the rep owns it (not the Lead assignment rule\'s queue)');
    assert.equal(urlOf(ada[0]), PROFILE, 'the LinkedIn URL field is set: ' + JSON.stringify(ada[0]));
    assert.ok(String(ada[0].Company || '').trim().length > 0, 'a Lead has a Company');

    const text = await toast.innerText();
    assert.match(text, /Created Lead/, text);
    assert.match(text, /Owner: .* · Created By: /, text); // the title names the object
    assert.doesNotMatch(text, /Contact/, text);
    const s = await sendFrom(options, { kind: 'get_state' });
    assert.equal(s.recent_saves[0].object, 'Lead', JSON.stringify(s.recent_saves[0]));
    assert.equal(s.recent_saves[0].record_id, ada[0].Id);
    await ext.screenshot(page, 'save-lead-linkedin-toast');
    await page.close();
  });

  test('the same profile again (worker restarted): badge finds the Lead, a save links it, no second Lead', { skip }, async () => {
    await stopWorker(ext, options);
    const page = await ext.page(PROFILE);
    const saveButton = page.getByTestId('save-prospect').first();
    await lookupsDone(page);
    await settle();
    const badge = page.getByTestId('crm-status').first();
    await badge.filter({ hasText: /In Salesforce|Not in CRM yet/ }).waitFor({ timeout: 15000 }).catch(() => {});
    const badgeText = await badge.innerText().catch(() => '(no badge)');
    await saveButton.click();
    const toast = page.getByTestId('save-result').first();
    await toast.waitFor({ timeout: 20000 });
    await waitForState((st) => st.outbox.length === 0 && st);
    await settle(600);
    const ada = (await leads()).filter((r) => r.LastName === 'Lovelace');
    assert.equal(ada.length, 1, 'still exactly one Lead: ' + JSON.stringify(ada));
    assert.equal((await contacts()).length, 0, 'no Contact was created');
    const text = await toast.innerText();
    assert.match(text, /Already in Salesforce \(linked to the existing Lead\)/, text);
    assert.match(badgeText, /^In Salesforce/, 'the page-load badge finds the Lead: ' + badgeText);
    await page.close();
  });

  test('"Log this email": the sender becomes a Lead and the Task (Email) is on that Lead, by the rep', { skip }, async () => {
    const page = await ext.page(THREAD);
    const marta = page.locator('[data-testid="gmail-participant"][data-email="marta@globex.example"]');
    await marta.getByTestId('crm-status').filter({ hasText: 'Not in CRM yet' }).waitFor({ timeout: 15000 });
    await settle();
    const summary = await logEmail(sandbox, options, page);

    const martas = byEmail(await leads(), 'marta@globex.example');
    assert.equal(martas.length, 1, 'the sender was created once, as a Lead: ' + JSON.stringify(martas));
    assert.equal((await contacts()).length, 0, 'no Contact was created: ' + JSON.stringify(await contacts()));
    const [lead] = martas;
    assert.equal(lead.CreatedById, ids.rep, 'Gmail saves are pushed with the rep\'s own connection');
    assert.equal(lead.OwnerId, ids.rep);
    const all = await tasks();
    assert.equal(all.length, 1, 'one Task (nobody else in the message is in the CRM): ' + JSON.stringify(all));
    const [task] = all;
    assert.equal(task.WhoId, lead.Id, 'the Task is on the new Lead');
    assert.equal(task.TaskSubtype, 'Email');
    assert.equal(task.CreatedById, ids.rep, 'activities follow the person: the rep\'s connection');
    assert.equal(task.OwnerId, ids.rep);
    // Nobody else of the message was created (Ben and Jana are not in the CRM yet).
    assert.deepEqual((await leads()).map((r) => lower(r.Email)).filter(Boolean), ['marta@globex.example']);

    assert.equal(await summary.textContent(), 'Email logged as a Task on Márta Kovács (Lead, new)');
    const toastText = await page.getByTestId('save-result').innerText();
    assert.match(toastText, /Created By: Rita Rep/, toastText);
    assert.match(toastText, /Created Lead/, toastText); // the title names the object
    await ext.screenshot(page, 'save-lead-gmail-toast');
    await page.close();
  });

  test('"Save all" twice with the worker stopped between: each public person once, as a Lead', { skip }, async () => {
    const fromSearch = async () => (await leads()).filter((r) => SEARCH_PEOPLE.includes(urlOf(r)));
    assert.equal((await fromSearch()).length, 0, 'nobody of the search page is in the CRM yet');

    const saveAll = async () => {
      const page = await ext.page(SEARCH);
      await page.getByTestId('save-all').first().waitFor({ timeout: 15000 });
      await lookupsDone(page);
      await settle();
      await page.getByTestId('save-all').first().click();
      await page.getByTestId('save-result').first().waitFor({ timeout: 30000 });
      const state = await waitForState((st) => st.outbox.length === 0 && st);
      await settle(600);
      return { page, state };
    };

    const first = await saveAll();
    const afterFirst = await fromSearch();
    assert.deepEqual(afterFirst.map(urlOf).sort(), [...SEARCH_PEOPLE].sort(), 'every public person was created as a Lead');
    for (const r of afterFirst) {
      assert.equal(r.CreatedById, ids.integration, 'bulk LinkedIn saves are pushed with team sync: ' + r.LinkedIn_URL__c);
      assert.equal(r.OwnerId, ids.rep, 'the rep owns them: ' + r.LinkedIn_URL__c);
    }
    assert.equal((await contacts()).length, 0, 'no Contact was created: ' + JSON.stringify((await contacts()).map((c) => c.LinkedIn_URL__c)));
    assert.ok(!(await leads()).some((r) => /LinkedIn Member/.test(`${r.FirstName} ${r.LastName}`)), 'private members are never saved');
    const firstText = await first.page.getByTestId('save-result').first().innerText();
    assert.doesNotMatch(firstText, /Contact/, firstText);
    await first.page.close();

    // The worker's memory (its lookup cache) goes; storage stays.
    await stopWorker(ext, options);

    const second = await saveAll();
    const afterSecond = await fromSearch();
    const urls = afterSecond.map(urlOf);
    const twice = urls.filter((u, i) => urls.indexOf(u) !== i);
    assert.deepEqual(twice, [], 'nobody created twice: ' + twice.join(', '));
    assert.equal(afterSecond.length, SEARCH_PEOPLE.length, 'the second Save all created nobody again');
    assert.equal((await contacts()).length, 0, 'still no Contact');
    const lines = second.state.recent_saves.filter((r) => SEARCH_PEOPLE.some((u) => afterFirst.find((l) => l.Id === r.record_id && urlOf(l) === u)));
    assert.ok(lines.length > 0 && lines.slice(0, SEARCH_PEOPLE.length).every((r) => r.object === 'Lead'),
      JSON.stringify(lines.slice(0, SEARCH_PEOPLE.length)));
    await second.page.close();
  });
});

describe('log Gmail emails as activities = off', () => {
  let sandbox;
  let ext;
  let options;
  let ids;
  const settle = (quietMs) => settleAt(sandbox, { ext, quietMs });
  const waitForState = (pick, timeoutMs) => pollState(options, pick, timeoutMs);
  const contacts = async () => (await sandbox.records('Contact')).records;
  const tasks = async () => (await sandbox.records('Task')).records;

  before(async () => {
    if (skip) return;
    ({ sandbox, ext, options, ids } = await setup());
    const settings = await setPushSettings(options, { logEmails: false });
    assert.equal(settings.log_emails, false);
    assert.equal(settings.record_kind, 'contact');
  });

  after(async () => {
    if (ext) await ext.stop();
    if (sandbox) await sandbox.stop();
  });

  test('"Log this email" logs no Task and says logging is off; a plain Save still works', { skip }, async () => {
    let page = await ext.page(THREAD);
    const marta = page.locator('[data-testid="gmail-participant"][data-email="marta@globex.example"]');
    await marta.getByTestId('crm-status').filter({ hasText: 'Not in CRM yet' }).waitFor({ timeout: 15000 });
    await settle();
    let summary = await logEmail(sandbox, options, page);
    assert.equal((await tasks()).length, 0, 'no Task was logged: ' + JSON.stringify(await tasks()));
    let text = await summary.textContent();
    assert.match(text, /logging emails is turned off in Leadline settings/, text);
    assert.doesNotMatch(text, /^Email logged/, text);
    // What the toast says about the sender matches the CRM.
    const created = byEmail(await contacts(), 'marta@globex.example');
    if (created.length) {
      assert.equal(created.length, 1);
      assert.equal(created[0].CreatedById, ids.rep);
      assert.equal(text, 'Saved Márta Kovács (Contact, new), but the email was not logged: logging emails is turned off in Leadline settings');
    } else {
      assert.equal(text, 'Email not logged: logging emails is turned off in Leadline settings');
    }
    await page.close();

    // A plain Save next to a person still saves them (and logs nothing).
    page = await ext.page(THREAD);
    const ben = page.locator('[data-testid="gmail-participant"][data-email="ben.oneil@initech.example"]');
    await ben.getByTestId('crm-status').filter({ hasText: 'Not in CRM yet' }).waitFor({ timeout: 15000 });
    await settle();
    await ben.getByTestId('save-prospect').click();
    const toast = page.getByTestId('save-result').first();
    await toast.waitFor({ timeout: 20000 });
    await waitForState((st) => st.outbox.length === 0 && st);
    await settle(600);
    const bens = byEmail(await contacts(), 'ben.oneil@initech.example');
    assert.equal(bens.length, 1, 'the plain Save created Ben: ' + JSON.stringify(bens));
    assert.equal(bens[0].CreatedById, ids.rep);
    assert.equal(bens[0].OwnerId, ids.rep);
    assert.match(await toast.innerText(), /Created Contact/);
    assert.equal((await tasks()).length, 0, 'a plain save logs nothing');

    // Logged again, now that the sender may be known: still no Task, still says why.
    await page.close();
    page = await ext.page(THREAD);
    await page.locator('[data-testid="gmail-participant"][data-email="ben.oneil@initech.example"]')
      .getByTestId('crm-status').filter({ hasText: 'In Salesforce' }).waitFor({ timeout: 15000 });
    await settle();
    summary = await logEmail(sandbox, options, page);
    text = await summary.textContent();
    assert.match(text, /logging emails is turned off in Leadline settings/, text);
    assert.equal((await tasks()).length, 0, 'still no Task: ' + JSON.stringify(await tasks()));
    assert.equal(byEmail(await contacts(), 'marta@globex.example').length, created.length ? 1 : 0, 'the sender is not created twice');
    await ext.screenshot(page, 'save-lead-log-off-toast');
    await page.close();
  });
});
