// Job changes seen on LinkedIn (issue 18), through the real extension, worker and Wasm core
// against the sandbox org: a profile saved as "Head of Analytics at Babbage Engines" whose page
// later says "VP Sales at Globex" shows, under its badge, what Salesforce has and what LinkedIn
// now says; the page as saved shows no such line. "Update in CRM" beside that line writes the
// page's job onto the record under team sync (source job_change) and keeps the old one on it:
// Salesforce moves the Contact to the one Account of the new company's exact name (or keeps its
// Account and says so) and adds one Task; HubSpot patches jobtitle/company and adds one note.
// The tests run in order on one browser and one sandbox (each starts from the last one's org).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  startSandbox, launchExtension, connectedSalesforce, sandboxBinary, fixturesWith, lookupsDone, stopWorker,
  waitForState, sendFrom,
} from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
const PROFILE = 'https://www.linkedin.com/in/ada-lovelace/';
const session = { sandbox: null, ext: null, options: null, fixtures: null };

before(async () => {
  if (skip) return;
  session.fixtures = await fixturesWith({});
  session.sandbox = await startSandbox({ fixtures: session.fixtures.dir });
  session.ext = await launchExtension({ sandbox: session.sandbox });
  session.options = await connectedSalesforce(session.ext);
});

after(async () => {
  await session.ext?.stop();
  await session.sandbox?.stop();
  await session.fixtures?.remove();
});

/** The job the fixture profile shows now (pageSays rewrites it). */
const shown = { title: 'Head of Analytics', company: 'Babbage Engines' };

/** Rewrites the fixture profile's job (headline, top card and experience) on disk. */
async function pageSays(title, company) {
  const file = path.join(session.fixtures.dir, 'www.linkedin.com', 'in', 'ada-lovelace', 'index.html');
  const html = await readFile(file, 'utf8');
  await writeFile(file, html.replaceAll(shown.title, title).replaceAll(shown.company, company));
  Object.assign(shown, { title, company });
}

test('a profile whose page shows a new job says what the CRM has and what LinkedIn now says', { skip }, async () => {
  const { ext, sandbox, options } = session;
  let page = await ext.page(PROFILE);
  await lookupsDone(page);
  await page.getByTestId('save-prospect').first().click();
  await page.getByTestId('save-result').waitFor({ timeout: 20000 });
  await waitForState(options, (s) => s.outbox.length === 0 && s);
  const [ada] = (await sandbox.records('Contact')).records.filter((r) => r.LastName === 'Lovelace');
  assert.equal(ada.Title, 'Head of Analytics', JSON.stringify(ada));
  await page.close();

  // The same page again: found, and no job change.
  await stopWorker(ext, options); // a new wake asks the CRM (no cached lookup)
  page = await ext.page(PROFILE);
  await lookupsDone(page);
  assert.match(await page.getByTestId('crm-status').textContent(), /^In Salesforce · Owner: /);
  assert.equal(await page.getByTestId('job-change').count(), 0, 'the job is the record\'s');
  await page.close();

  // LinkedIn now shows another job.
  await pageSays('VP Sales', 'Globex');
  await stopWorker(ext, options);
  page = await ext.page(PROFILE);
  await lookupsDone(page);
  const line = page.getByTestId('job-change');
  await line.waitFor({ timeout: 10000 });
  // The company side: Salesforce has the Account's name when the save linked one.
  const had = ada.AccountId ? 'Head of Analytics at Babbage Engines' : 'Head of Analytics';
  assert.equal(await line.textContent(), `In Salesforce as ${had}; LinkedIn now says VP Sales at Globex.`);
  assert.match(await page.getByTestId('crm-status').textContent(), /^In Salesforce · Owner: /, 'the badge is unchanged');
  const [still] = (await sandbox.records('Contact')).records.filter((r) => r.LastName === 'Lovelace');
  assert.equal(still.Title, 'Head of Analytics', 'showing a job change changes nothing in the CRM');
  await ext.screenshot(page, 'job-change-badge');
  await page.close();
});

const adaContact = async () => (await session.sandbox.records('Contact')).records.find((r) => r.LastName === 'Lovelace');
const jobTasks = async (whoId) => (await session.sandbox.records('Task')).records
  .filter((t) => t.WhoId === whoId && /^Job change: was /.test(t.Subject || ''));

/** Creates an Account in the org as the team sync user (the worker's own fetch and token). */
async function createAccount(name) {
  return session.ext.currentWorker().evaluate(async (accountName) => {
    const t = (await chrome.storage.local.get('secret:token:team_sync'))['secret:token:team_sync'];
    const r = await fetch(t.instance_url + '/services/data/v62.0/sobjects/Account', {
      method: 'POST', headers: { authorization: 'Bearer ' + t.access_token, 'content-type': 'application/json' },
      body: JSON.stringify({ Name: accountName }),
    });
    return r.json();
  }, name);
}

/**
 * Opens the profile on a fresh worker (the lookup asks the CRM), clicks "Update in CRM" and
 * resolves to the page and the toast's text once the outbox is empty.
 */
async function updateFromProfile({ pageScriptClicksFirst = false, workerSleepsFirst = false } = {}) {
  const { ext, options } = session;
  await stopWorker(ext, options);
  const page = await ext.page(PROFILE);
  await lookupsDone(page);
  const update = page.getByRole('button', { name: 'Update in CRM' });
  await update.waitFor({ timeout: 10000 });
  // A rep who reads the profile a while: the worker has slept, its lookup cache is gone.
  if (workerSleepsFirst) await stopWorker(ext, options);
  if (pageScriptClicksFirst) await update.evaluate((b) => b.click()); // isTrusted false: ignored
  await update.click();
  const toast = page.getByTestId('save-result').last();
  await toast.waitFor({ timeout: 20000 });
  await waitForState(options, (s) => s.outbox.length === 0 && s);
  return { page, text: await toast.textContent() };
}

test('Update in CRM moves the Contact to the matched Account, keeps the old job in one Task, under team sync', { skip }, async () => {
  const { options } = session;
  const set = await sendFrom(options, { kind: 'set_settings', settings: { record_kind: 'contact', match_account: true, log_emails: true } });
  assert.equal(set.ok, true, JSON.stringify(set));
  const globex = await createAccount('Globex');
  assert.ok(globex.id, JSON.stringify(globex));
  const before = await adaContact();
  const had = before.AccountId ? 'Head of Analytics at Babbage Engines' : 'Head of Analytics';

  const { page, text } = await updateFromProfile({ pageScriptClicksFirst: true });
  assert.match(text, new RegExp(`Updated in Salesforce: VP Sales at Globex \\(was ${had}\\)`), text);
  const ada = await adaContact();
  assert.equal(ada.Title, 'VP Sales');
  assert.equal(ada.AccountId, globex.id, 'the one Account named Globex');
  assert.equal(ada.OwnerId, before.OwnerId, 'an update never reassigns the owner');
  const tasks = await jobTasks(ada.Id);
  assert.equal(tasks.length, 1, JSON.stringify(tasks));
  assert.equal(tasks[0].Subject, `Job change: was ${had}`);
  assert.match(tasks[0].Description, new RegExp(`Was: ${had}\\nNow: VP Sales at Globex`));
  const state = await waitForState(options, (s) => s.recent_saves.find((r) => r.status === 'updated') && s);
  const teamSync = state.connections.find((c) => c.role === 'team_sync').crm_user_id;
  assert.equal(tasks[0].CreatedById, teamSync, 'Created By: team sync (source job_change)');
  const updates = state.recent_saves.filter((r) => r.source === 'job_change');
  assert.equal(updates.length, 1, 'one update: the page script\'s click did nothing: ' + JSON.stringify(updates));
  assert.equal(updates[0].status, 'updated');
  assert.equal(await page.getByTestId('job-change').textContent(), `Updated in Salesforce: VP Sales at Globex (was ${had}).`);
  await page.close();

  // The profile again: the record has the page's job now, so there is nothing to offer.
  await stopWorker(session.ext, options);
  const again = await session.ext.page(PROFILE);
  await lookupsDone(again);
  assert.equal(await again.getByTestId('job-change').count(), 0);
  assert.equal((await jobTasks(ada.Id)).length, 1, 'no second Task');
  await again.close();
});

test('Update in CRM with no Account of the new name keeps the AccountId and says so', { skip }, async () => {
  await pageSays('CTO', 'Nowhere Ltd');
  const before = await adaContact();
  const { page, text } = await updateFromProfile({ workerSleepsFirst: true });
  assert.match(text, /Updated in Salesforce: CTO at Globex \(was VP Sales at Globex\)/, text);
  assert.match(text, /No Account is named Nowhere Ltd, so the Contact stays with its Account Globex/, text);
  const ada = await adaContact();
  assert.equal(ada.Title, 'CTO');
  assert.equal(ada.AccountId, before.AccountId, 'never a guessed or new Account');
  assert.equal(ada.OwnerId, before.OwnerId);
  assert.equal((await jobTasks(ada.Id)).filter((t) => t.Subject === 'Job change: was VP Sales at Globex').length, 1);
  await page.close();
});

test('HubSpot: Update in CRM patches jobtitle and company and keeps the old job in one note', { skip }, async () => {
  const { ext, options, sandbox } = session;
  // The same browser moves to HubSpot: the Salesforce connection of the rep goes, team sync is
  // the sandbox's private app acting for integration@, and the rep owns what they save.
  assert.equal((await sendFrom(options, { kind: 'disconnect', role: 'personal' })).ok, true);
  const connected = await sendFrom(options, { kind: 'set_config', crm: 'hubspot', me_email: 'rep@acme.example',
    hubspot_private_token: 'pat-sandbox-integration', hubspot_team_sync_email: 'integration@acme.example' });
  assert.equal(connected.ok, true, JSON.stringify(connected));
  const repOwner = (await sendFrom(options, { kind: 'get_state' })).crm_users.find((u) => u.email === 'rep@acme.example');
  assert.equal((await sendFrom(options, { kind: 'set_owner_mapping', crm_user_id: repOwner.id })).ok, true);
  // The same worker life: the lookups it cached for Salesforce are not HubSpot's (regression:
  // the cache answered for the CRM it was filled from).
  const page = await ext.page(PROFILE);
  await lookupsDone(page);
  await page.getByTestId('save-prospect').first().click();
  await page.getByTestId('save-result').last().waitFor({ timeout: 20000 });
  await waitForState(options, (s) => s.outbox.length === 0 && s);
  await page.close();
  const contact = async () => (await sandbox.records('contacts')).records.find((c) => c.properties.lastname === 'Lovelace');
  const saved = await contact();
  assert.ok(saved, JSON.stringify((await sendFrom(options, { kind: 'get_state' })).recent_saves[0]));
  const was = { ...shown }; // the job the page showed at the save (the earlier tests move it on)
  assert.equal(saved.properties.jobtitle, was.title);

  await pageSays('Head of Data', 'Initech');
  const { page: updated, text } = await updateFromProfile();
  assert.ok(text.includes(`Updated in HubSpot: Head of Data at Initech (was ${was.title} at ${was.company})`), text);
  const now = await contact();
  assert.equal(now.properties.jobtitle, 'Head of Data');
  assert.equal(now.properties.company, 'Initech');
  assert.equal(now.properties.hubspot_owner_id, repOwner.id, 'the owner is unchanged');
  const notes = (await sandbox.records('notes')).records
    .filter((n) => (n.properties.hs_note_body || '').startsWith(`Job change: was ${was.title} at ${was.company}`));
  assert.equal(notes.length, 1, JSON.stringify(notes));
  await updated.close();
});
