// The popup's recent saves in real Chromium with a recording stub worker: a bulk save (entries
// sharing a save_id) is one row with its counts, expandable by keyboard into each person; a
// single save stays its own row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchExtension } from './harness.mjs';

const bulk = Array.from({ length: 25 }, (_, i) => ({
  at: '2026-12-02T10:00:00Z', save_id: 'bulk-1', source: 'linkedin_extension', object: 'Contact',
  name: 'Person ' + String(i + 1).padStart(2, '0'),
  status: i < 20 ? 'created' : i < 23 ? 'linked' : 'failed', owner: '005REP', created_by: '005INT', reasons: [],
}));
const STATE = {
  ok: true, config: { crm: 'salesforce' }, me: { id: 'u_rep', email: 'rep@acme.example' }, connections: [], needs: [],
  crm_users: [{ id: '005INT', name: 'Ian Integration', active: true }, { id: '005REP', name: 'Rita Rep', active: true }],
  recent_saves: [
    { at: '2026-12-02T10:05:00Z', save_id: 'single-1', source: 'linkedin_extension', name: 'Ada Lovelace', status: 'created', object: 'Contact', owner: '005REP', created_by: '005INT', reasons: [] },
    ...bulk,
  ],
  outbox: [], error_log: [],
};

let ext;
let page;
before(async () => {
  ext = await launchExtension({ stubWorker: true });
  await ext.currentWorker().evaluate((state) => { globalThis.__answers.get_state = state; }, STATE);
  page = await ext.openPopup();
  await page.getByTestId('recent-group').waitFor();
});
after(async () => {
  await ext?.stop();
});

test('a bulk save is one row with its counts; a single save stays its own row', async () => {
  const rows = page.getByTestId('recent-saves').locator(':scope > li');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).textContent(), /^Ada Lovelace · Created Contact/);
  const group = page.getByTestId('recent-group');
  assert.match(await group.locator(':scope > .title').textContent(), /^Bulk save · 25 people: 20 created, 3 linked to existing, 2 not saved$/);
  assert.equal(await group.locator('ul.nested').isVisible(), false);
});

test('the group opens by keyboard, with a visible focus, into each person', async () => {
  const toggle = page.getByTestId('recent-group-toggle');
  let focused = false;
  for (let i = 0; i < 20 && !focused; i += 1) {
    await page.keyboard.press('Tab');
    focused = await toggle.evaluate((el) => document.activeElement === el);
  }
  assert.ok(focused, 'Tab reaches the group toggle');
  assert.notEqual(await toggle.evaluate((el) => getComputedStyle(el).outlineStyle), 'none');
  await page.keyboard.press('Enter');
  const nested = page.getByTestId('recent-group').locator('ul.nested');
  await nested.waitFor();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.equal(await nested.locator(':scope > li').count(), 25);
  assert.match(await nested.locator(':scope > li').nth(22).textContent(), /Person 23 · Linked to existing Contact/);
  await ext.screenshot(page, 'popup-bulk-group');
});
