// Toasts about two or three people, in real Chromium with the recording stub worker: one
// summary line with a count per outcome kind ("2 people: 1 created, 1 linked"), each person's
// details behind "Show details", the whole toast at most four lines tall (measured: rendered
// line boxes and height). A single person's toast still shows its details at once (its
// owner, Created By and "why?" are what the rep checks after a profile save), in four lines too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { searchPage, stubWorkerSession } from './harness.mjs';

const SEARCH = 'https://www.linkedin.com/search/results/people/?set=F';
const session = stubWorkerSession({ before, after }, { pages: { 'www.linkedin.com/search/results/people/index.html': searchPage(3) } });

/** One canned result per status, for people `BulkF001 Person`... in order. */
function answer(statuses) {
  const results = statuses.map((status, i) => {
    const n = String(i + 1).padStart(3, '0');
    return {
      status, object: 'Contact', name: 'BulkF' + n + ' Person', record_url: 'https://acme.my.salesforce.com/003F' + n,
      owner: { id: '005REP', name: 'Rita Rep' }, created_by: status === 'created' ? { id: '005INT', name: 'Ian Integration' } : null,
      reasons: ['LinkedIn saves are pushed with the team sync connection'], warnings: [],
      error: status === 'failed' ? { code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Refused by a validation rule.', hint: 'Ask your admin.' } : null,
    };
  });
  return { ok: true, save_id: 'sF' + statuses.length, results, undo: { save_id: 'sF' + statuses.length, seconds: 10 } };
}

/** Opens the 3-person page with `reply` as the worker's answer to a save. */
async function open(reply) {
  await session.ext.currentWorker().evaluate((a) => { globalThis.__answers.save = a; }, reply);
  const page = await session.open(SEARCH);
  await page.waitForFunction(() => document.querySelectorAll('[data-leadline="pick"]').length === 3);
  return page;
}

/** The toast as rendered: height, line count (distinct line boxes of visible text), line height. */
function toastShape(page) {
  return page.evaluate(() => {
    const box = document.querySelector('[data-leadline="toast"]').shadowRoot.querySelector('[data-testid="save-result"]');
    const tops = new Set();
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.nodeValue.trim() || !node.parentElement.checkVisibility()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) if (rect.height > 0) tops.add(Math.round(rect.top / 4));
    }
    return { height: box.getBoundingClientRect().height, lines: tops.size, text: box.innerText };
  });
}

/** Asserts the collapsed shape: at most four lines, no per-person line showing. */
function assertShort(shape) {
  assert.ok(shape.lines <= 4, 'lines: ' + JSON.stringify(shape));
  assert.ok(shape.height <= 4 * 26 + 30, 'height: ' + JSON.stringify(shape)); // 4 rows of 26 px + padding
  assert.doesNotMatch(shape.text, /Already in Salesforce|Owner:|BulkF00/, 'no per-person detail shows: ' + shape.text);
}

test('three people: one summary line per outcome kind, details behind "Show details", four lines at most', async (t) => {
  const page = await open(answer(['created', 'linked', 'failed']));
  await page.getByTestId('save-all').click();
  await page.getByTestId('save-summary').waitFor();
  assert.equal(await page.getByTestId('save-summary').textContent(), '3 people: 1 created, 1 linked, 1 failed');
  const details = page.getByTestId('save-details');
  assert.equal(await details.isVisible(), false);
  const collapsed = await toastShape(page);
  assertShort(collapsed);
  t.diagnostic('collapsed 3-person toast: ' + JSON.stringify({ ...collapsed, text: undefined }));
  await page.getByTestId('save-details-toggle').click();
  await details.waitFor();
  assert.equal(await details.locator('.ll-result').count(), 3);
  assert.match(await details.innerText(), /BulkF002 Person: Already in Salesforce/);
  assert.match(await details.innerText(), /Refused by a validation rule/);
  assert.ok((await toastShape(page)).lines > collapsed.lines, 'the details open below the summary');
  await page.close();
});

test('two people ("1 linked, 1 created"): the same short toast', async () => {
  const page = await open(answer(['linked', 'created']));
  await page.getByTestId('save-pick').nth(0).check();
  await page.getByTestId('save-pick').nth(1).check();
  await page.getByTestId('save-selected').click();
  await page.getByTestId('save-summary').waitFor();
  assert.equal(await page.getByTestId('save-summary').textContent(), '2 people: 1 created, 1 linked');
  assertShort(await toastShape(page));
  assert.equal(await page.getByTestId('save-details-toggle').textContent(), 'Show details');
  assert.equal(await page.getByTestId('save-details').isVisible(), false);
  await page.close();
});

test('one person: the details show at once, with no "Show details" toggle', async () => {
  const page = await open(answer(['created']));
  await page.getByTestId('save-pick').nth(0).check();
  await page.getByTestId('save-selected').click();
  await page.getByTestId('save-result').waitFor();
  assert.equal(await page.getByTestId('save-details-toggle').count(), 0);
  assert.equal(await page.getByTestId('save-summary').count(), 0);
  const shape = await toastShape(page);
  assert.match(shape.text, /BulkF001 Person: Created Contact/);
  assert.match(shape.text, /Owner: Rita Rep · Created By: Ian Integration/);
  for (const id of ['save-why', 'save-undo']) assert.equal(await page.getByTestId(id).isVisible(), true, id);
  assert.equal(await page.getByRole('link', { name: 'Open in Salesforce' }).isVisible(), true);
  // Title, who, actions (link, why?, Undo): four lines at most, like a list's summary.
  assert.ok(shape.lines <= 4, 'lines: ' + JSON.stringify(shape));
  assert.ok(shape.height <= 4 * 26 + 30, 'height: ' + JSON.stringify(shape));
  // "why?" opens its reasons below the actions, inside the toast.
  await page.getByTestId('save-why').click();
  assert.equal(await page.getByTestId('save-reasons').isVisible(), true);
  assert.ok((await toastShape(page)).lines > shape.lines, 'the reasons open on lines of their own');
  await page.close();
});
