// The rep is told once, in the page, when their connection needs reconnecting: the personal
// connection's grant is revoked at the CRM and its access token expired; the next Gmail save
// waits in the outbox and its toast says "reconnect" with where to do it; the save after that
// waits too but the toast does not repeat the notice; reconnecting sends what waited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startSandbox, launchExtension, setupThroughOptions, connect, sandboxBinary, sendFrom, lookupsDone, waitUntil, waitForState,
} from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
const THREAD = 'https://mail.google.com/mail/u/0/#inbox/FMfcgzQXJWvKkzBqRmTnQpLzXgHsWbCd';
const NOTICE = /Leadline needs your attention.*Reconnect your connection \(rep@acme\.example\) in Options/;
let sandbox;
let ext;
let options;

const send = sendFrom;

before(async () => {
  if (skip) return;
  sandbox = await startSandbox();
  ext = await launchExtension({ sandbox });
  options = await setupThroughOptions(ext);
});

after(async () => {
  if (ext) await ext.stop();
  if (sandbox) await sandbox.stop();
});

/** Saves the Gmail participant at `index`; resolves to the toast's text once it is about them. */
async function saveParticipant(gmail, index) {
  const row = gmail.getByTestId('gmail-participant').nth(index);
  const name = (await row.locator('b').first().textContent()).trim();
  await row.getByTestId('save-prospect').click();
  const toast = gmail.getByTestId('save-result').last();
  return waitUntil(async () => {
    const text = (await toast.count()) ? await toast.textContent() : '';
    return text.includes(name + ':') && text;
  }, { timeout: 30000, what: 'a toast about ' + name });
}

test('a broken personal connection is announced once in the toast, then the saves wait', { skip }, async () => {
  await ext.currentWorker().evaluate(async () => {
    const t = (await chrome.storage.local.get('secret:token:personal'))['secret:token:personal'];
    await fetch('https://login.salesforce.com/services/oauth2/revoke', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=' + encodeURIComponent(t.refresh_token),
    });
  });
  await sandbox.post('/__sandbox/expire-tokens', {});
  const gmail = await ext.page(THREAD);
  await gmail.getByTestId('gmail-participant').first().waitFor({ timeout: 15000 });
  await lookupsDone(gmail);
  assert.ok((await gmail.getByTestId('gmail-participant').count()) >= 2, 'the thread has two external people');

  const first = await saveParticipant(gmail, 0);
  assert.match(first, /Kept, waiting for you to reconnect/);
  assert.match(first, NOTICE);
  await ext.screenshot(gmail, 'toast-reconnect-notice');

  const second = await saveParticipant(gmail, 1);
  assert.match(second, /Kept, waiting for you to reconnect/);
  assert.doesNotMatch(second, NOTICE, 'told once, not on every save');
  assert.match(second, /Reconnect your connection \(rep@acme\.example\) in Options/, 'a later save still says why it waits');

  let s = await send(options, { kind: 'get_state' });
  assert.equal(s.connections.find((c) => c.role === 'personal').health, 'reconnect_needed');
  assert.equal(s.outbox.length, 2, JSON.stringify(s.outbox));

  await options.reload();
  await connect(ext, options, 'personal', { username: 'rep@acme.example' });
  s = await waitForState(options, (st) => st.outbox.length === 0 && st, 30000);
  assert.equal(s.outbox.length, 0, 'the waiting saves went out after the reconnect');
  assert.equal(s.connections.find((c) => c.role === 'personal').health, 'ok');
});
