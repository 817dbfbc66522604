// Gmail content scripts in real Chromium with a recording stub worker: who counts as a prospect
// in a thread (not the rep, not colleagues, not people in the hidden inbox), signature details,
// and "Log this email".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchExtension, fixtureServer } from './harness.mjs';

let ext;
let sandbox = null;
const THREAD = 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWvKkzBqRmTnQpLzXgHsWbCd';

before(async () => {
  sandbox = await fixtureServer();
  ext = await launchExtension({ sandbox, stubWorker: true });
});
after(async () => {
  await ext?.stop();
  await sandbox?.stop();
});

async function open(url) {
  await ext.currentWorker().evaluate(() => { globalThis.__seen.length = 0; });
  return ext.page(url);
}
async function messages(kind) {
  return (await ext.seen()).map((s) => s.message).filter((m) => m.kind === kind);
}

test('inbox: no panel until a thread is open; opening one by hash shows the external people only', async () => {
  const page = await open('https://mail.google.com/mail/u/0/#inbox');
  await page.waitForTimeout(600);
  assert.equal(await page.getByTestId('gmail-panel').count(), 0);
  await page.locator('tr.zA', { hasText: 'Pilot for Q1' }).click();
  await page.getByTestId('gmail-panel').waitFor();
  const emails = await page.getByTestId('gmail-participant').evaluateAll((rows) => rows.map((r) => r.dataset.email));
  assert.deepEqual(emails.sort(), ['ben.oneil@initech.example', 'jana.novakova@globex.example', 'marta@globex.example']);
  assert.match(await page.getByTestId('gmail-internal').textContent(), /you \(rep@acme\.example\) and 1 colleague/);
  await page.waitForTimeout(600);
  assert.equal(await page.getByTestId('gmail-panel').count(), 1);
  await ext.screenshot(page, 'gmail-thread-panel');
  await page.close();
});

test('lookup carries names, emails and signature details (title, company, phone) of each external person', async () => {
  const page = await open(THREAD);
  await page.getByTestId('gmail-panel').waitFor();
  const [lookup] = await messages('lookup');
  assert.equal(lookup.source, 'gmail_extension');
  const byEmail = Object.fromEntries(lookup.prospects.map((p) => [p.email, p]));
  assert.deepEqual(byEmail['marta@globex.example'], {
    full_name: 'Márta Kovács', first_name: 'Márta', last_name: 'Kovács', headline: null,
    title: 'Head of Procurement', company: 'Globex Corporation', location: null, linkedin_url: null,
    email: 'marta@globex.example', phone: '+36 1 555 0134',
  });
  const ben = byEmail['ben.oneil@initech.example'];
  assert.equal(ben.full_name, 'Ben O’Neil');
  assert.equal(ben.title, 'Chief Technology Officer');
  assert.equal(ben.company, 'Initech');
  assert.equal(ben.phone, '+1 (415) 555-0199');
  const jana = byEmail['jana.novakova@globex.example'];
  assert.equal(jana.full_name, 'Jana Nováková');
  assert.equal(jana.title, null); // she wrote nothing, so no signature to read
  await page.close();
});

test('Save on one person sends a single gmail save of that person only, and updates their badge', async () => {
  const page = await open(THREAD);
  await page.getByTestId('gmail-panel').waitFor();
  const ben = page.getByTestId('gmail-participant').filter({ hasText: 'ben.oneil@initech.example' });
  await ben.getByTestId('crm-status').filter({ hasText: 'Not in CRM yet' }).waitFor();
  await ben.getByTestId('save-prospect').click();
  await page.getByTestId('save-result').waitFor();
  const [save] = await messages('save');
  assert.equal(save.source, 'gmail_extension');
  assert.equal(save.push, 'single');
  assert.equal(save.activity, null);
  assert.deepEqual(save.prospects.map((p) => p.email), ['ben.oneil@initech.example']);
  assert.equal(await ben.getByTestId('crm-status').textContent(), 'In Salesforce · Owner: Rita Rep');
  await page.close();
});

test('Log this email records the latest open message without quoted history', async () => {
  const page = await open(THREAD);
  await page.getByTestId('log-email').click();
  await page.getByTestId('save-result').waitFor();
  const [save] = await messages('save');
  assert.equal(save.source, 'gmail_extension');
  assert.deepEqual(save.prospects.map((p) => p.email).sort(), ['ben.oneil@initech.example', 'jana.novakova@globex.example', 'marta@globex.example']);
  const a = save.activity;
  assert.equal(a.kind, 'email');
  assert.equal(a.subject, 'Pilot for Q1: pricing and next steps');
  assert.equal(a.date, '2026-11-21');
  assert.equal(a.message_id, 'msg-f:1801234567890000004');
  assert.match(a.body, /Can we start on December 1\?/);
  assert.doesNotMatch(a.body, /wrote:/);
  assert.doesNotMatch(a.body, /Account Executive/);
  await page.close();
});

test('a thread with colleagues only offers nothing to save', async () => {
  const page = await open('https://mail.google.com/mail/u/0/#inbox/FMfcgzQXKTeamOnlyZzZzZzZzZzZzZzZz');
  await page.getByTestId('gmail-panel').waitFor();
  assert.equal(await page.getByTestId('gmail-participant').count(), 0);
  assert.equal(await page.getByTestId('log-email').count(), 0);
  assert.match(await page.getByTestId('gmail-panel').textContent(), /No external people in this thread/);
  assert.equal((await messages('lookup')).length, 0);
  await page.close();
});

test('back to the inbox removes the panel', async () => {
  const page = await open(THREAD);
  await page.getByTestId('gmail-panel').waitFor();
  await page.evaluate(() => { location.hash = '#inbox'; });
  await page.waitForFunction(() => document.querySelectorAll('[data-leadline="gmail-panel"]').length === 0);
  await page.close();
});

test('without an account label or address in the title, the rep is found by Gmail\'s "me" label', async () => {
  const page = await open('https://mail.google.com/mail/u/1/#inbox/FMfcgzQXJWvKkzBqRmTnQpLzXgHsWbCd');
  await page.getByTestId('gmail-panel').waitFor();
  const emails = await page.getByTestId('gmail-participant').evaluateAll((rows) => rows.map((r) => r.dataset.email));
  assert.deepEqual(emails.sort(), ['ben.oneil@initech.example', 'jana.novakova@globex.example', 'marta@globex.example']);
  await page.close();
});

test('when nothing tells which address is the rep\'s, a clear message and nothing sent', async () => {
  const page = await open('https://mail.google.com/mail/u/1/#inbox/FMfcgzQXKTeamOnlyZzZzZzZzZzZzZzZz');
  const note = page.getByTestId('page-unreadable');
  await note.waitFor();
  assert.match(await note.textContent(), /cannot tell which address is yours.*Nothing was sent/s);
  assert.equal(await page.getByTestId('save-prospect').count(), 0);
  assert.deepEqual((await ext.seen()).filter((s) => s.url && s.url.includes('/u/1/')), []);
  await page.close();
});
