// The bulk bar tells the truth (issue 5): "Save all" on a 216-person LinkedIn search page is
// two chunks (200 + 16, Salesforce sObject Collections take 200 records a call). When the CRM
// answers the second chunk with 503, its 16 people wait in the outbox for their back-off: the bar
// must say how many were saved and how many wait (and that they go by themselves), never
// "Done". Then the 16 land by themselves, each exactly once, and the bar counts them in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxBinary, waitForState, searchPage, connectedSession, lookupsDone, waitUntil } from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
const PEOPLE = 216;
const CREATE = 'POST /services/data/vXX.X/composite/sobjects';
let sandbox;
let ext;
let options;

connectedSession({ before, after }, {
  pages: { 'www.linkedin.com/search/results/people/index.html': searchPage(PEOPLE) },
  ready: (s) => ({ sandbox, ext, options } = s),
});

test('a 503 on the second chunk: the bar says "200 saved · 16 waiting to retry", not "Done"; then all 216 once', { skip }, async () => {
  const page = await ext.page('https://www.linkedin.com/search/results/people/?set=W');
  await page.getByTestId('save-all').first().waitFor({ timeout: 20000 });
  assert.equal(await page.locator('[data-leadline="pick"]').count(), PEOPLE);
  await lookupsDone(page, { timeout: 30000 }); // the page-load lookup is done
  await sandbox.post('/__sandbox/reset-counts');
  // Slow calls, so the fault can be armed after the first chunk's create and before the
  // second chunk's first call is answered.
  await sandbox.post('/__sandbox/latency', { ms: 1500 });
  let armed = false;
  try {
    await page.getByTestId('save-all').first().click();
    // Armed as soon as the sandbox counts the first chunk's create.
    await waitUntil(async () => ((await sandbox.counts())[CREATE] || 0) >= 1, { timeout: 60000, every: 50, what: 'the first chunk’s create' })
      .catch(() => {});
    if (((await sandbox.counts())[CREATE] || 0) >= 1) {
      await sandbox.post('/__sandbox/faults', { status: 503, count: 1, path_prefix: '/services/data' });
      armed = true;
    }
    assert.ok(armed, 'the first chunk was created');
    const text = page.getByTestId('save-progress-text');
    await text.filter({ hasText: /waiting to retry|Done/ }).waitFor({ timeout: 60000 });
    const said = await text.innerText();
    assert.doesNotMatch(said, /Done/, 'not "Done" while people wait: ' + said);
    assert.equal(said, '200 saved · 16 waiting to retry (CRM busy) — they will be sent automatically.');
    await ext.screenshot(page, 'worker-bulk-bar-waiting');
    assert.match(sandbox.log.join(''), /-> 503/, 'the CRM did answer 503');
  } finally {
    await sandbox.post('/__sandbox/latency', { ms: 0 });
  }
  // The waiting chunk goes by itself after its back-off.
  await waitForState(options, (s) => s.outbox.length === 0 && s, 60000);
  const { records } = await sandbox.records('Contact');
  const names = records.map((r) => String(r.FirstName)).filter((n) => n.startsWith('BulkW'));
  assert.equal(new Set(names).size, names.length, 'no duplicates');
  assert.equal(names.length, PEOPLE, 'all 216 in the CRM');
  // The worker tells the page when the waiting 16 landed: the bar counts them in.
  await page.getByTestId('save-progress-text').filter({ hasText: `Done: ${PEOPLE} of ${PEOPLE} handled.` }).waitFor({ timeout: 10000 });
  await page.close();
});
