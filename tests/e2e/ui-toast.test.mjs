// The in-page widgets as a rep meets them, in real Chromium with the recording stub worker: the
// bulk bar's progress stays hidden (computed style, not the attribute) until a save starts;
// only a click the browser generated from a person saves (a page script's .click() on our
// button does nothing); a 25-person bulk toast is a short summary with its details behind
// "Show details", reachable by keyboard with a visible focus.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { searchPage, stubWorkerSession, waitUntil } from './harness.mjs';

const BIG = 'https://www.linkedin.com/search/results/people/?set=T';
// Generated 25-person search page over the fixtures.
const session = stubWorkerSession({ before, after }, { pages: { 'www.linkedin.com/search/results/people/index.html': searchPage(25) } });

async function open(url) {
  await session.ext.currentWorker().evaluate(() => { globalThis.__answers.save = null; });
  return session.open(url);
}
function saves() {
  return session.messages('save');
}

/** Waits until the stub worker has received `n` saves. */
function savesReach(n) {
  return waitUntil(async () => (await saves()).length >= n, { timeout: 10000, what: n + ' saves at the worker' });
}

/** The bulk bar's progress row as the browser renders it: computed display and visibility. */
function progressShown(page) {
  return page.evaluate(() => {
    const host = document.querySelector('[data-leadline="bulk"]');
    const bar = host.shadowRoot.querySelector('progress');
    const row = bar.parentElement;
    return { display: getComputedStyle(row).display, visible: bar.checkVisibility(), height: row.getBoundingClientRect().height };
  });
}

test('the bulk bar shows no progress until the first save starts (computed style)', async () => {
  const page = await open(BIG);
  await page.getByTestId('save-all').waitFor();
  assert.deepEqual(await progressShown(page), { display: 'none', visible: false, height: 0 });
  await page.getByTestId('save-all').click();
  await page.getByTestId('save-progress-text').filter({ hasText: 'Done:' }).waitFor();
  const shown = await progressShown(page);
  assert.notEqual(shown.display, 'none');
  assert.equal(shown.visible, true);
  await page.close();
});

test('a click a page script makes on our Save button (isTrusted false) never saves; the rep\'s click does', async () => {
  const page = await open('https://www.linkedin.com/in/ada-lovelace/');
  await page.getByTestId('save-prospect').waitFor();
  // page.evaluate runs in the page's own (main) world, like LinkedIn's scripts: the shadow root
  // is open, so a page can reach the button and click it or dispatch a click at it.
  const reached = await page.evaluate(() => {
    const button = document.querySelector('[data-leadline="save"]').shadowRoot.querySelector('[data-testid="save-prospect"]');
    button.click();
    button.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    button.focus();
    button.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    return button.textContent;
  });
  // A click that started a save turns the button into "Saving…" at once (synchronously).
  assert.equal(reached, 'Save to CRM', 'the page script\'s clicks started no save');
  assert.equal((await saves()).length, 0);
  // The rep clicks, then presses Enter: each trusted activation saves once.
  await page.getByTestId('save-prospect').click();
  await savesReach(1);
  await page.getByTestId('save-result').waitFor();
  await page.getByTestId('save-prospect').filter({ hasText: 'Save to CRM' }).waitFor();
  await page.getByTestId('save-prospect').press('Enter');
  await savesReach(2);
  await page.getByTestId('save-prospect').filter({ hasText: 'Save to CRM' }).waitFor();
  assert.equal((await saves()).length, 2, 'exactly the two trusted activations saved');
  await page.close();
});

/** A canned bulk answer for the 25-person page: 20 created, 3 linked, 2 failed. */
function bulkAnswer() {
  const results = Array.from({ length: 25 }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    const status = i < 20 ? 'created' : i < 23 ? 'linked' : 'failed';
    return {
      status, object: 'Contact', name: 'BulkT' + n + ' Person', record_url: 'https://acme.my.salesforce.com/003T' + n,
      owner: { id: '005REP', name: 'Rita Rep' }, created_by: status === 'created' ? { id: '005INT', name: 'Ian Integration' } : null,
      reasons: ['LinkedIn saves are pushed with the team sync connection'], warnings: [],
      error: status === 'failed' ? { code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Refused by a validation rule.', hint: 'Ask your admin.' } : null,
    };
  });
  return { ok: true, save_id: 's25', results, undo: { save_id: 's25', seconds: 30 } };
}

/** The toast as rendered: its height, its line count (distinct line boxes of visible text). */
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
    const style = getComputedStyle(box);
    return { height: box.getBoundingClientRect().height, lines: tops.size, lineHeight: parseFloat(style.lineHeight) };
  });
}

test('a 25-person bulk toast: one summary line, details behind "Show details", at most four lines tall', async (t) => {
  const page = await open(BIG);
  await session.ext.currentWorker().evaluate((answer) => { globalThis.__answers.save = answer; }, bulkAnswer());
  await page.getByTestId('save-all').click();
  const toast = page.getByTestId('save-result');
  await toast.waitFor();
  assert.equal(await page.getByTestId('save-summary').textContent(), '25 people: 20 created, 3 linked, 2 failed');
  assert.equal(await toast.getAttribute('role'), 'status');
  assert.equal(await toast.getAttribute('aria-live'), 'polite');
  const details = page.getByTestId('save-details');
  assert.equal(await details.isVisible(), false);
  const collapsed = await toastShape(page);
  assert.ok(collapsed.lines <= 4, 'lines: ' + JSON.stringify(collapsed));
  assert.ok(collapsed.height <= 4 * 26 + 30, 'height: ' + JSON.stringify(collapsed)); // 4 lines (26 px button rows) + padding
  t.diagnostic('collapsed toast: ' + JSON.stringify(collapsed));
  await session.ext.screenshot(page, 'linkedin-bulk-25-toast');

  // Keyboard: Tab reaches "Show details" with a visible focus ring; Enter opens the details.
  const toggle = page.getByTestId('save-details-toggle');
  let focused = false;
  for (let i = 0; i < 80 && !focused; i += 1) {
    await page.keyboard.press('Tab');
    focused = await toggle.evaluate((el) => el.getRootNode().activeElement === el);
  }
  assert.ok(focused, 'Tab reaches "Show details"');
  const ring = await toggle.evaluate((el) => { const s = getComputedStyle(el); return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) }; });
  assert.notEqual(ring.style, 'none');
  assert.ok(ring.width >= 2, JSON.stringify(ring));
  await page.keyboard.press('Enter');
  await details.waitFor();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.equal(await details.locator('.ll-result').count(), 25);
  assert.match(await details.textContent(), /BulkT021 Person: Already in Salesforce/);
  const expanded = await toastShape(page);
  assert.ok(expanded.height <= 0.7 * 900 + 1, 'the open toast stays within 70% of the window: ' + JSON.stringify(expanded));
  t.diagnostic('expanded toast: ' + JSON.stringify(expanded));
  await session.ext.screenshot(page, 'linkedin-bulk-25-toast-details');
  await page.close();
});
