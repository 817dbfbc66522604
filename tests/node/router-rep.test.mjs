// The router's rule for people added by hand or imported (issue 18): `manual` and `csv_import`
// lookups, previews and saves come only from our popup and import page; no content script and
// no other page of ours may name those sources, and the rep's pages may not undo or claim a
// page's source.
import { test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.chrome = { runtime: { id: 'abcdefghijklmnopabcdefghijklmnop' } };
const { checkSender } = await import('../../extension/background/router.js');

const ID = globalThis.chrome.runtime.id;
const own = (path, withTab = false) => {
  const url = `chrome-extension://${ID}/${path}`;
  return withTab ? { id: ID, url, tab: { id: 4, url } } : { id: ID, url };
};
const linkedin = { id: ID, url: 'https://www.linkedin.com/in/ada/', tab: { id: 7, url: 'https://www.linkedin.com/in/ada/' } };
const save = (source) => ({ kind: 'save', source, push: 'bulk', prospects: [] });

test('manual and csv_import: only from the popup and the import page', () => {
  const rows = [
    [save('csv_import'), own('import/import.html', true), 'content'],
    [save('manual'), own('popup/popup.html'), 'content'],
    [{ kind: 'lookup', source: 'csv_import', prospects: [] }, own('import/import.html', true), 'content'],
    [{ kind: 'preview', source: 'manual', push: 'single' }, own('popup/popup.html'), 'content'],
    [save('csv_import'), own('options/options.html', true), 'unknown_sender'],
    [save('manual'), own('wasm/core_wasm.js'), 'unknown_sender'],
    [save('csv_import'), linkedin, 'unknown_sender'],
    [save('manual'), { ...own('popup/popup.html'), id: 'otherextension' }, 'unknown_sender'],
    [{ kind: 'undo', source: 'manual', save_id: 's1' }, own('popup/popup.html'), 'unknown_sender'],
    [save('linkedin_extension'), own('import/import.html', true), 'unknown_sender'],
    [{ kind: 'get_state' }, own('import/import.html', true), 'ui'],
  ];
  for (const [message, sender, want] of rows) {
    const got = checkSender(message, sender);
    const label = JSON.stringify([message.kind, message.source, sender.url, sender.id]);
    if (want === 'content' || want === 'ui') assert.deepEqual(got, { ok: true, channel: want }, label);
    else assert.equal(got.error && got.error.code, want, label + ' → ' + JSON.stringify(got));
  }
});
