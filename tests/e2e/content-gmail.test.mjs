// Gmail content scripts in real Chromium with a recording stub worker: who counts as a prospect
// in a thread (not the rep, not colleagues, not people in the hidden inbox), signature details,
// "Log this email" (who it is logged on, what the toast says), the Undo offer and notices.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchExtension, fixtureServer, contentScriptWorld, elapse, waitUntil, ABSENCE } from './harness.mjs';

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
  await elapse(600, ABSENCE);
  assert.equal(await page.getByTestId('gmail-panel').count(), 0);
  await page.locator('tr.zA', { hasText: 'Pilot for Q1' }).click();
  await page.getByTestId('gmail-panel').waitFor();
  const emails = await page.getByTestId('gmail-participant').evaluateAll((rows) => rows.map((r) => r.dataset.email));
  assert.deepEqual(emails.sort(), ['ben.oneil@initech.example', 'jana.novakova@globex.example', 'marta@globex.example']);
  assert.match(await page.getByTestId('gmail-internal').textContent(), /you \(rep@acme\.example\) and 1 colleague/);
  await elapse(600, ABSENCE);
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
    full_name: 'Márta Kovács', first_name: null, last_name: null, headline: null,
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

test('Log this email records the latest open message on its sender, and nobody else is created', async () => {
  // The stub's lookup finds the first person of the thread (Márta) and nobody else.
  const page = await open(THREAD);
  await page.getByTestId('gmail-participant').filter({ hasText: 'marta@globex.example' })
    .getByTestId('crm-status').filter({ hasText: 'In Salesforce' }).waitFor();
  await page.getByTestId('log-email').click();
  await page.getByTestId('save-result').waitFor();
  const [save] = await messages('save');
  assert.equal(save.source, 'gmail_extension');
  // The latest message is from Márta to the rep, Ben, Jana and Sam: only Márta (its external
  // sender) is sent; Ben and Jana are not in the CRM, so they are listed, not created.
  assert.deepEqual(save.prospects.map((p) => p.email), ['marta@globex.example']);
  const a = save.activity;
  assert.equal(a.kind, 'email');
  assert.equal(a.subject, 'Pilot for Q1: pricing and next steps');
  assert.equal(a.date, '2026-11-21');
  assert.equal(a.message_id, 'msg-f:1801234567890000004');
  assert.match(a.body, /Can we start on December 1\?/);
  assert.doesNotMatch(a.body, /wrote:/);
  assert.doesNotMatch(a.body, /Account Executive/);
  const skipped = await page.getByTestId('log-skipped').textContent();
  assert.match(skipped, /Ben O’Neil — not in your CRM — Save them first/);
  assert.match(skipped, /Jana Nováková — not in your CRM — Save them first/);
  assert.doesNotMatch(skipped, /Márta|Sam/);
  await page.close();
});

test('Log this email also goes on the message\'s people already in the CRM; the toast says so and offers Undo', async () => {
  const worker = ext.currentWorker();
  await worker.evaluate(() => {
    const person = (name, status, id, activity) => ({ status, object: 'Contact', record_id: id,
      record_url: 'https://acme.my.salesforce.com/lightning/r/Contact/' + id + '/view', name,
      owner: { id: '005REP', name: 'Rita Rep' }, created_by: { id: '005REP', name: 'Rita Rep' },
      reasons: ['Gmail saves are pushed with your own connection'], warnings: [], error: null, activity_id: activity });
    globalThis.__answers.save = { ok: true, save_id: 's-log', notice: null, undo: { save_id: 's-log', seconds: 10 },
      results: [person('Márta Kovács', 'created', '003NEW', '00TONE'), person('Ben O’Neil', 'linked', '003BEN', '00TTWO')] };
    globalThis.__answers.undo = { ok: true, failed: [], deleted: [
      { name: 'Márta Kovács', object: 'Task', is_person: false }, { name: 'Ben O’Neil', object: 'Task', is_person: false },
      { name: 'Márta Kovács', object: 'Contact', is_person: true }] };
  });
  // This time the lookup finds Ben only (answers in the order the panel asks).
  const first = await open(THREAD);
  await first.getByTestId('gmail-panel').waitFor();
  const asked = await waitUntil(async () => (await messages('lookup'))[0], { what: 'the panel’s lookup' });
  await first.close();
  await worker.evaluate((emails) => {
    globalThis.__answers.lookup = { ok: true, results: emails.map((e) => (e === 'ben.oneil@initech.example'
      ? { found: true, object: 'Contact', record_id: '003BEN', record_url: null, owner_name: 'Rita Rep' } : { found: false })) };
  }, asked.prospects.map((p) => p.email));
  try {
    const page = await open(THREAD);
    await page.getByTestId('gmail-panel').waitFor();
    await page.getByTestId('log-email').click();
    await page.getByTestId('log-create').click(); // creating the new sender is the rep's choice (issue 16)
    await page.getByTestId('log-summary').waitFor();
    const [save] = await messages('save');
    assert.deepEqual(save.prospects.map((p) => p.email), ['marta@globex.example', 'ben.oneil@initech.example']);
    assert.equal(await page.getByTestId('log-summary').textContent(),
      'Email logged as a Task on Márta Kovács (Contact, new) · also on 1 existing contact');
    const toastText = await page.getByTestId('save-result').textContent();
    assert.match(toastText, /Owner: Rita Rep/);
    assert.match(toastText, /Created By: Rita Rep/);
    assert.match(await page.getByTestId('log-skipped').textContent(), /Jana Nováková — not in your CRM — Save them first/);
    const undo = page.getByTestId('save-undo');
    assert.match(await undo.textContent(), /^Undo \((10|9)s\)$/);
    await elapse(1200, 'the undo countdown: a second must pass for the button to count down');
    assert.match(await undo.textContent(), /^Undo \([89]s\)$/, 'the undo button counts down');
    await undo.click();
    await page.locator('[data-testid="undo-row"][data-state="undone"]').waitFor();
    assert.equal(await page.getByTestId('undo-status').textContent(), 'Undone: deleted Márta Kovács (Contact) and 2 Tasks.');
    const [sent] = await messages('undo');
    assert.deepEqual(sent, { kind: 'undo', source: 'gmail_extension', save_id: 's-log' });
    const marta = page.getByTestId('gmail-participant').filter({ hasText: 'marta@globex.example' });
    assert.equal(await marta.getByTestId('crm-status').textContent(), 'Not in CRM yet', 'her badge follows the undo');
    await page.close();
  } finally {
    await worker.evaluate(() => { globalThis.__answers.save = null; globalThis.__answers.undo = null; globalThis.__answers.lookup = null; });
  }
});

test('the Undo offer closes after its window', async () => {
  const worker = ext.currentWorker();
  await worker.evaluate(() => {
    globalThis.__answers.save = { ok: true, save_id: 's-short', notice: null, undo: { save_id: 's-short', seconds: 2 },
      results: [{ status: 'created', object: 'Contact', record_id: '003NEW', record_url: null, name: 'Ben O’Neil',
        owner: { id: '005REP', name: 'Rita Rep' }, created_by: { id: '005REP', name: 'Rita Rep' }, reasons: [], warnings: [], error: null }] };
  });
  try {
    const page = await open(THREAD);
    const ben = page.getByTestId('gmail-participant').filter({ hasText: 'ben.oneil@initech.example' });
    await ben.getByTestId('save-prospect').click();
    await page.getByTestId('save-undo').waitFor();
    await page.locator('[data-testid="undo-row"][data-state="closed"]').waitFor({ timeout: 5000 });
    assert.equal(await page.getByTestId('save-undo').count(), 0);
    assert.match(await page.getByTestId('undo-status').textContent(), /undo window has closed/);
    await page.close();
  } finally {
    await worker.evaluate(() => { globalThis.__answers.save = null; });
  }
});

test('who an email is logged on: the external sender, else the first external To recipient', async () => {
  const page = await open(THREAD);
  await page.getByTestId('gmail-panel').waitFor();
  const world = await contentScriptWorld(ext, page);
  const rows = await world(`(() => {
    const { pick } = Leadline.gmail.logEmail;
    const ext = [{ email: 'marta@globex.example', name: 'Márta' }, { email: 'ben@initech.example', name: 'Ben' }, { email: 'jana@globex.example', name: 'Jana' }];
    const show = (r) => [r.primary && r.primary.name, r.also.map((p) => p.name), r.skipped.map((s) => s.person.name)];
    return [
      // rep → colleague, Ben, Márta (Márta known): Ben is the primary, Márta also.
      show(pick({ from: { email: 'rep@acme.example' }, to: [{ email: 'sam@acme.example' }, { email: 'BEN@initech.example' }, { email: 'marta@globex.example' }] }, ext, new Set(['marta@globex.example']))),
      // Márta → rep, Ben, Jana (nobody known): Márta only.
      show(pick({ from: { email: 'marta@globex.example' }, to: [{ email: 'rep@acme.example' }, { email: 'ben@initech.example' }, { email: 'jana@globex.example' }] }, ext, new Set())),
      // colleague → rep: nobody external.
      show(pick({ from: { email: 'sam@acme.example' }, to: [{ email: 'rep@acme.example' }] }, ext, new Set(['marta@globex.example']))),
    ];
  })()`);
  assert.deepEqual(rows, [
    ['Ben', ['Márta'], []],
    ['Márta', [], ['Ben', 'Jana']],
    [null, [], []],
  ]);
  await page.close();
});

test('a notice from the worker is shown once, as text', async () => {
  const worker = ext.currentWorker();
  await worker.evaluate(() => {
    globalThis.__answers.save = { ok: true, save_id: 's-n', undo: null,
      notice: { code: 'invalid_grant', message: '<img src=x onerror="window.__pwned=1"> Your Salesforce session expired.', hint: 'Reconnect your account in Leadline options.' },
      results: [{ status: 'queued', object: 'Contact', record_id: null, record_url: null, name: 'Ben O’Neil',
        owner: { id: '005REP', name: 'Rita Rep' }, created_by: { id: '005REP', name: 'Rita Rep' }, reasons: [], warnings: [],
        error: { code: 'invalid_grant', message: '<img src=x onerror="window.__pwned=1"> Your Salesforce session expired.', hint: 'Reconnect your account in Leadline options.' } }] };
  });
  try {
    const page = await open(THREAD);
    const ben = page.getByTestId('gmail-participant').filter({ hasText: 'ben.oneil@initech.example' });
    await ben.getByTestId('save-prospect').click();
    const notice = page.getByTestId('save-notice');
    await notice.waitFor();
    assert.match(await notice.textContent(), /<img src=x onerror="window.__pwned=1"> Your Salesforce session expired\./);
    assert.match(await notice.textContent(), /Reconnect your account in Leadline options\./);
    assert.equal(await page.getByTestId('save-result').locator('img').count(), 0, 'text, never HTML');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    const text = await page.getByTestId('save-result').textContent();
    assert.equal(text.split('Your Salesforce session expired.').length - 1, 1, 'said once (the notice), not twice: ' + text);
    assert.equal(await page.getByTestId('save-undo').count(), 0, 'nothing created: no Undo');
    await page.close();
  } finally {
    await worker.evaluate(() => { globalThis.__answers.save = null; });
  }
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
