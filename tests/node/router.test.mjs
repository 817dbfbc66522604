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
