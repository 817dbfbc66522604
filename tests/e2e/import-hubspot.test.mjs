// CSV import and "Add a person" on HubSpot (issue 18, spec rule 10): the same import page and
// popup form, the same core; contacts land with hubspot_owner_id = the rep's owner (their owner
// mapping), people already in HubSpot are linked (found by e-mail), bad rows never reach
// HubSpot, and a second import creates nobody. Team sync is the admin's private app; the rep has
// no connection of their own, so team sync pushes (rule 3's fallback).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, launchExtension, sandboxBinary, sendFrom, waitForState } from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
const PRIVATE_APP_TOKEN = 'pat-sandbox-integration'; // the sandbox's seeded private app
let sandbox;
let ext;
let options;
let repOwner;

before(async () => {
  if (skip) return;
  sandbox = await startSandbox();
  ext = await launchExtension({ sandbox });
  options = await ext.openOptions();
  const connected = await sendFrom(options, { kind: 'set_config', crm: 'hubspot', me_email: 'rep@acme.example',
    hubspot_private_token: PRIVATE_APP_TOKEN, hubspot_team_sync_email: 'integration@acme.example' });
  assert.equal(connected.ok, true, JSON.stringify(connected));
  const state = await waitForState(options, (s) => s.crm_users.length > 0 && s);
  repOwner = state.crm_users.find((u) => u.email === 'rep@acme.example');
  assert.equal((await sendFrom(options, { kind: 'set_owner_mapping', crm_user_id: repOwner.id })).ok, true);
});
after(async () => {
  await ext?.stop();
  await sandbox?.stop();
});

const contacts = async (re) => (await sandbox.records('contacts')).records.filter((c) => re.test(c.properties.email || ''));

async function importCsv(csv) {
  const page = await ext.page(`chrome-extension://${ext.extensionId}/import/import.html`);
  await page.getByTestId('import-file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await page.waitForFunction(() => /skipped$/.test(document.querySelector('[data-testid="import-summary"]').textContent)
    && !document.getElementById('push').hidden, null, { timeout: 30000 });
  const summary = await page.getByTestId('import-summary').innerText();
  await page.getByTestId('import-start').click();
  const result = page.getByTestId('import-result');
  await result.filter({ hasText: /^Import done|^The import stopped/ }).waitFor({ timeout: 60000 });
  const text = await result.innerText();
  await page.close();
  return { summary, result: text };
}

test('HubSpot: a CSV import owned by the rep, bad rows skipped, known people linked, nobody twice', { skip }, async () => {
  const known = 'Email;First name;Last name\n' + Array.from({ length: 10 }, (_, i) => `hsknown${i}@csv.example;Known${i};Hubspot`).join('\n');
  assert.match((await importCsv(known)).result, /^Import done: 10 created, 0 linked to people already in HubSpot/);

  const rows = [
    ...Array.from({ length: 130 }, (_, i) => `hsnew${i}@csv.example;New${i};Hubspot;Buyer`),
    ...Array.from({ length: 10 }, (_, i) => `hsknown${i}@csv.example;Known${i};Hubspot;`),
    ...Array.from({ length: 5 }, (_, i) => `hsbad${i}@@csv.example;Bad${i};Hubspot;`),
    ...Array.from({ length: 5 }, (_, i) => `hsformula${i}@csv.example;Formula${i};Hubspot;+SUM(1;2)`),
  ];
  const big = '\uFEFFE-mail;Given name;Surname;Job title\n' + rows.join('\n') + '\n';
  const first = await importCsv(big);
  assert.equal(first.summary, '140 to import (130 new, 10 already in HubSpot: linked, not created again) · 10 skipped');
  assert.match(first.result, /^Import done: 130 created, 10 linked to people already in HubSpot, 10 rows skipped\./);
  const created = await contacts(/^hsnew\d+@csv\.example$/);
  assert.equal(created.length, 130);
  assert.ok(created.every((c) => String(c.properties.hubspot_owner_id) === repOwner.id), 'the rep owns every imported contact');
  assert.ok(created.every((c) => c.properties.jobtitle === 'Buyer'), 'the title came along');
  assert.equal((await contacts(/hsbad|hsformula/)).length, 0, 'no bad row reached HubSpot');

  const again = await importCsv(big);
  assert.match(again.result, /^Import done: 0 created, 140 linked/);
  assert.equal((await contacts(/^hs(new|known)\d+@csv\.example$/)).length, 140, 'the second import created nobody');
});

test('HubSpot: Add a person is owned by the rep and says so', { skip }, async () => {
  const popup = await ext.openPopup();
  await popup.getByText('Add a person').click();
  await popup.getByTestId('add-first-name').fill('Radia');
  await popup.getByTestId('add-last-name').fill('Byhand');
  await popup.getByTestId('add-email').fill('radia.byhand@manual.example');
  await popup.getByTestId('add-person-save').click();
  const line = popup.getByTestId('add-person-result');
  await line.filter({ hasText: /^(Created|Not saved)/ }).waitFor({ timeout: 30000 });
  const text = await line.innerText();
  const [contact] = await contacts(/^radia\.byhand@manual\.example$/);
  assert.ok(contact, 'the person is in HubSpot: ' + text);
  assert.equal(String(contact.properties.hubspot_owner_id), repOwner.id);
  assert.match(text, new RegExp(`^Created in HubSpot: Radia Byhand \\(Contact\\) · Owner: ${repOwner.name || repOwner.email} · Created By: .+ · Source: added by hand$`));
  await popup.close();
});
