// A field the page shows but Leadline cannot read, through the real extension, worker and Wasm
// core against the sandbox org: the profile fixture `cara-lindgren` shows its location where
// no extractor reads it; the save goes through without it, and the popup's recent-save line
// says "location not found on this layout" (the core carried `missing` into the journal).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxBinary, connectedSession, waitForState, lookupsDone } from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
let ext;
let options;
connectedSession({ before, after }, { ready: (s) => ({ ext, options } = s) });

test('the popup says which field a saved profile was saved without', { skip }, async () => {
  const page = await ext.page('https://www.linkedin.com/in/cara-lindgren/');
  await lookupsDone(page);
  await page.getByTestId('save-prospect').first().click();
  await page.getByTestId('save-missing').waitFor({ timeout: 20000 });
  const line = await waitForState(options, (s) => s.outbox.length === 0
    && s.recent_saves.find((r) => r.name === 'Cara Lindgren' && r.status === 'created'));
  assert.deepEqual(line.missing, ['location'], 'the journal line keeps the missing field');
  await page.close();

  const popup = await ext.openPopup();
  const row = popup.getByTestId('recent-saves').locator(':scope > li').filter({ hasText: 'Cara Lindgren' });
  const note = row.getByTestId('recent-missing');
  await note.waitFor();
  assert.equal(await note.textContent(), 'location not found on this layout (saved without it)');
  assert.equal(await note.isVisible(), true);
  assert.equal(await popup.getByTestId('recent-missing').count(), 1, 'only the person with a missing field says so');
  await popup.close();
});
