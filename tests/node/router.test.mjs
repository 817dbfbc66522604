// The service worker's sender checks (extension/background/router.js), run in Node with a
// stand-in `chrome.runtime.id`: other extensions, web pages and the wrong site are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.chrome = { runtime: { id: 'abcdefghijklmnopabcdefghijklmnop' } };
const { checkSender } = await import('../../extension/background/router.js');

const ID = globalThis.chrome.runtime.id;
const tab = (url) => ({ id: ID, url, tab: { id: 7, url } });
const save = (source) => ({ kind: 'save', source, push: 'single', prospects: [] });

test('content messages: only our content script on LinkedIn or Gmail, with the matching source', () => {
  const rows = [
    [save('linkedin_extension'), tab('https://www.linkedin.com/in/ada/'), 'content'],
    [save('gmail_extension'), tab('https://mail.google.com/mail/u/0/#inbox'), 'content'],
    [save('gmail_extension'), tab('https://www.linkedin.com/in/ada/'), 'invalid_message'],
    [save('linkedin_extension'), tab('https://evil.example/www.linkedin.com'), 'unknown_sender'],
    [save('linkedin_extension'), tab('http://www.linkedin.com/in/ada/'), 'unknown_sender'],
    [save('linkedin_extension'), { ...tab('https://www.linkedin.com/in/ada/'), id: 'otherextension' }, 'unknown_sender'],
    [save('linkedin_extension'), { id: ID, url: `chrome-extension://${ID}/options/options.html` }, 'unknown_sender'],
    [{ kind: 'get_state' }, tab('https://www.linkedin.com/in/ada/'), 'unknown_sender'],
  ];
  for (const [message, sender, want] of rows) {
    const got = checkSender(message, sender);
    const label = JSON.stringify([message.kind, message.source, sender.url, sender.id]);
    if (want === 'content') assert.deepEqual(got, { ok: true, channel: 'content' }, label);
    else assert.equal(got.error.code, want, label);
  }
});

test('undo: only from our content script on the site whose source it claims', () => {
  const undo = (source) => ({ kind: 'undo', source, save_id: '00000000-0000-4000-8000-000000000000' });
  const page = (path, withTab) => {
    const url = `chrome-extension://${ID}/${path}`;
    return withTab ? { id: ID, url, tab: { id: 9, url } } : { id: ID, url };
  };
  const linkedin = tab('https://www.linkedin.com/in/ada/');
  const gmail = tab('https://mail.google.com/mail/u/0/#inbox/FMfcg');
  const rows = [
    [undo('linkedin_extension'), linkedin, 'content'],
    [undo('gmail_extension'), gmail, 'content'],
    // Our own popup and options page (as a popup, or opened in a tab) may not undo.
    [undo('linkedin_extension'), page('popup/popup.html', false), 'unknown_sender'],
    [undo('linkedin_extension'), page('popup/popup.html', true), 'unknown_sender'],
    [undo('gmail_extension'), page('options/options.html', false), 'unknown_sender'],
    [undo('linkedin_extension'), page('options/options.html', true), 'unknown_sender'],
    // The source must be the tab's site.
    [undo('gmail_extension'), linkedin, 'invalid_message'],
    [undo('linkedin_extension'), gmail, 'invalid_message'],
    [undo('web_form'), linkedin, 'invalid_message'],
    [{ kind: 'undo', save_id: 's1' }, linkedin, 'invalid_message'],
    // Another extension, or a look-alike host.
    [undo('linkedin_extension'), { ...linkedin, id: 'otherextension' }, 'unknown_sender'],
    [undo('linkedin_extension'), tab('https://www.linkedin.com.evil.example/in/ada/'), 'unknown_sender'],
  ];
  for (const [message, sender, want] of rows) {
    const got = checkSender(message, sender);
    const label = JSON.stringify([message.source, sender.url, sender.id, Boolean(sender.tab)]);
    if (want === 'content') assert.deepEqual(got, { ok: true, channel: 'content' }, label);
    else assert.equal(got.error?.code, want, label + ' → ' + JSON.stringify(got));
  }
});

test('UI messages: only our own options and popup pages', () => {
  const page = (path) => ({ id: ID, url: `chrome-extension://${ID}/${path}` });
  assert.deepEqual(checkSender({ kind: 'get_state' }, page('options/options.html')), { ok: true, channel: 'ui' });
  assert.deepEqual(checkSender({ kind: 'connect', role: 'personal' }, page('popup/popup.html')), { ok: true, channel: 'ui' });
  assert.equal(checkSender({ kind: 'get_state' }, page('wasm/core_wasm.js')).ok, false);
  assert.equal(checkSender({ kind: 'get_state' }, { id: ID, url: 'chrome-extension://someoneelse/options/options.html' }).ok, false);
});

test('junk never throws', () => {
  for (const message of [null, undefined, 42, 'save', {}, { kind: 7 }, { kind: 'nope' }]) {
    for (const sender of [null, undefined, {}, { id: ID }]) {
      assert.equal(checkSender(message, sender).ok, false);
    }
  }
});

test('job_change ("Update in CRM"): a save from our content script on LinkedIn only', () => {
  const rows = [
    [save('job_change'), tab('https://www.linkedin.com/in/ada/'), 'content'],
    [save('job_change'), tab('https://mail.google.com/mail/u/0/#inbox'), 'invalid_message'],
    [{ kind: 'lookup', source: 'job_change', prospects: [] }, tab('https://www.linkedin.com/in/ada/'), 'invalid_message'],
    [{ kind: 'undo', source: 'job_change', save_id: 's1' }, tab('https://www.linkedin.com/in/ada/'), 'invalid_message'],
    [save('job_change'), { ...tab('https://www.linkedin.com/in/ada/'), id: 'otherextension' }, 'unknown_sender'],
    [save('job_change'), { id: ID, url: `chrome-extension://${ID}/popup/popup.html` }, 'unknown_sender'],
  ];
  for (const [message, sender, want] of rows) {
    const got = checkSender(message, sender);
    const label = JSON.stringify([message.kind, message.source, sender.url]);
    if (want === 'content') assert.deepEqual(got, { ok: true, channel: 'content' }, label);
    else assert.equal(got.error.code, want, label);
  }
});
