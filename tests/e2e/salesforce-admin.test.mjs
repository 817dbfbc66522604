// The Salesforce counterpart of hubspot-admin.test.mjs (issue 16), in the real extension
// against the sandbox: a wrong consumer key (Salesforce's sign-in page answers "invalid_client_id",
// so Chrome cannot open it) is named with its fix, and a refused reconnect leaves
// the working connection in use and says so; the team sync card shows the active credential.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, launchExtension, sandboxBinary, connect, lookupsDone } from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
const GOOD_KEY = 'leadline-sandbox-client'; // the sandbox's External Client App
const WRONG_KEY = 'leadline-wrong-consumer-key';
let sandbox;
let ext;
let options;

before(async () => {
  if (skip) return;
  sandbox = await startSandbox();
  ext = await launchExtension({ sandbox });
  options = await ext.openOptions();
  await options.getByTestId('crm-choice').waitFor();
  await options.getByTestId('login-host').selectOption('production');
  await options.locator('#status', { hasText: 'Login host saved.' }).waitFor();
  await options.locator('#me-email').fill('rep@acme.example');
});

after(async () => {
  if (ext) await ext.stop();
  if (sandbox) await sandbox.stop();
});

/** Saves `key` as the consumer key and clicks Connect (or Reconnect) for team sync; resolves
 *  once the page shows the refusal. */
async function connectWithKey(key) {
  await options.getByTestId('client-id').fill(key);
  await options.getByTestId('save-config').click();
  await options.locator('#status', { hasText: 'CRM settings saved.' }).waitFor();
  await options.getByTestId('connect-team-sync').click();
  await options.getByTestId('options-error').waitFor();
}

const MESSAGE = 'Connecting team sync refused: Salesforce’s sign-in page refused to open for this consumer key. ' +
  'Salesforce does so for a consumer key it does not know (“invalid_client_id”) or a callback URL its app does not list. ' +
  'Copy it again from Setup → External Client App Manager → your app → OAuth Settings → Consumer Key, into Leadline’s options (step 1). ' +
  'Check that the app lists the callback URL shown in step 1. (sign_in_refused)';

test('a wrong consumer key: the sign-in page that would not open is explained with the key and its fix', { skip }, async () => {
  await connectWithKey(WRONG_KEY);
  assert.equal(await options.getByTestId('options-error').textContent(), MESSAGE);
});

test('a refused reconnect leaves the working connection in use, and the page says which', { skip }, async () => {
  await options.getByTestId('client-id').fill(GOOD_KEY);
  await options.getByTestId('save-config').click();
  await options.locator('#status', { hasText: 'CRM settings saved.' }).waitFor();
  await connect(ext, options, 'team_sync', { username: 'integration@acme.example' });
  const card = options.getByTestId('connection-team_sync');
  await card.getByText('integration@acme.example').waitFor({ timeout: 15000 });
  assert.equal(await card.getByTestId('active-credential').textContent(), 'Active: signed-in account');
  assert.equal(await options.getByTestId('connect-team-sync').textContent(), 'Reconnect');
  const before = await ext.currentWorker().evaluate(() => chrome.storage.local.get('secret:token:team_sync'));

  await connectWithKey(WRONG_KEY);
  const error = await options.getByTestId('options-error').textContent();
  assert.ok(error.startsWith(MESSAGE), error);
  assert.match(error, / The signed-in account \(connected as .+\) is still the one in use\.$/);
  const after = await ext.currentWorker().evaluate(() => chrome.storage.local.get('secret:token:team_sync'));
  assert.deepEqual(after, before, 'the working grant was not replaced');
  assert.match(await card.textContent(), /integration@acme\.example/);
});

test('Gmail says which CRM user a save is Created By when it is not the mailbox (issue 17)', { skip }, async () => {
  const thread = 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWvKkzBqRmTnQpLzXgHsWbCd'; // signed in as rep@
  await options.getByTestId('client-id').fill(GOOD_KEY);
  await options.getByTestId('save-config').click();
  await options.locator('#status', { hasText: 'CRM settings saved.' }).waitFor();
  await connect(ext, options, 'personal', { username: 'rep2@acme.example' }); // Remy Rep in Salesforce
  await options.getByTestId('connection-personal').getByText('rep2@acme.example').waitFor({ timeout: 15000 });
  let gmail = await ext.page(thread);
  await gmail.getByTestId('gmail-participant').first().waitFor({ timeout: 15000 });
  await lookupsDone(gmail);
  const warning = gmail.getByTestId('mailbox-mismatch');
  await warning.waitFor();
  assert.equal(await warning.textContent(), 'Saving as Remy Rep in Salesforce; you’re signed in to Gmail as rep@acme.example.');
  await gmail.close();

  await connect(ext, options, 'personal', { username: 'rep@acme.example' }); // now the mailbox's own user
  await options.getByTestId('connection-personal').getByText('rep@acme.example').waitFor({ timeout: 15000 });
  gmail = await ext.page(thread);
  await gmail.getByTestId('gmail-participant').first().waitFor({ timeout: 15000 });
  await lookupsDone(gmail);
  assert.equal(await gmail.getByTestId('mailbox-mismatch').count(), 0, 'no warning when they match');
  await gmail.close();
});

test('the options page shows the Gmail mailbox mismatch: the last mailbox seen vs the rep\'s own CRM user (issue 17)', { skip }, async () => {
  const thread = 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWvKkzBqRmTnQpLzXgHsWbCd'; // signed in as rep@
  const line = options.getByTestId('options-mailbox-mismatch');
  const openThread = async () => {
    const gmail = await ext.page(thread);
    await gmail.getByTestId('gmail-participant').first().waitFor({ timeout: 15000 });
    await lookupsDone(gmail);
    await gmail.close();
  };
  await connect(ext, options, 'personal', { username: 'rep2@acme.example' }); // Remy Rep in Salesforce
  await options.getByTestId('connection-personal').getByText('rep2@acme.example').waitFor({ timeout: 15000 });
  await openThread();
  await options.reload();
  await line.waitFor({ timeout: 15000 });
  assert.equal(await line.textContent(), 'Your Gmail mailbox (rep@acme.example) is not the CRM user of this connection ' +
    '(Remy Rep <rep2@acme.example>): what you save from Gmail is Created By Remy Rep. Connect the matching CRM account if that is not what you want; ' +
    'if rep@acme.example is also your address, add it to your other email addresses below.');
  assert.equal(await options.getByTestId('my-connection').getByTestId('options-mailbox-mismatch').count(), 1, 'beside the rep\'s own connection');

  // The rep says the mailbox is theirs too: no line here, no warning in Gmail (a sub-address
  // of a listed address is the same inbox).
  await options.getByTestId('mailbox-aliases').fill('not an address');
  await options.getByTestId('save-aliases').click();
  await options.locator('#error', { hasText: '“not” is not an email address.' }).waitFor();
  await options.getByTestId('mailbox-aliases').fill('Rep+crm@acme.example, remy@home.example');
  await options.getByTestId('save-aliases').click();
  await options.locator('#status', { hasText: 'Other addresses saved.' }).waitFor();
  assert.equal(await line.isVisible(), false, 'a listed address is the rep\'s own mailbox');
  assert.equal(await options.getByTestId('mailbox-aliases').inputValue(), 'rep+crm@acme.example, remy@home.example');
  const gmail = await ext.page(thread);
  await gmail.getByTestId('gmail-participant').first().waitFor({ timeout: 15000 });
  await lookupsDone(gmail);
  assert.equal(await gmail.getByTestId('mailbox-mismatch').count(), 0, 'no Gmail warning for a listed address');
  await gmail.close();
  await options.getByTestId('mailbox-aliases').fill('');
  await options.getByTestId('save-aliases').click();
  await options.locator('#status', { hasText: 'Other addresses saved.' }).waitFor();
  await line.waitFor({ timeout: 15000 });

  await connect(ext, options, 'personal', { username: 'rep@acme.example' }); // now the mailbox's own user
  await options.getByTestId('connection-personal').getByText('rep@acme.example').waitFor({ timeout: 15000 });
  await openThread();
  await options.reload();
  await options.getByTestId('connection-personal').getByText('rep@acme.example').waitFor({ timeout: 15000 });
  assert.equal(await line.isVisible(), false, 'no line when they match');
});
