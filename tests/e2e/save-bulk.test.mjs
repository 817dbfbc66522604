// Bulk saves and list lookups at the API-call bar (issues 4 and 6), through the real extension,
// worker and Wasm core against the sandbox org: the page-load lookup of a list page is ONE
// call; "Save all" costs at most 2 calls per chunk of 200 (one Composite call of dedupe queries
// + one sObject Collections create); a second "Save all" creates nobody again; every person keeps their own decision
// (Created By = team sync user, Owner = the rep).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  sandboxBinary, waitForState, searchPage, settle as settleAt, contentScriptWorld,
  stopWorker as stopTheWorker, connectedSession, waitForOutboxEntry, lookupsDone, waitUntil,
} from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
const SEARCH = 'https://www.linkedin.com/search/results/people/';
const COMPANY = 'https://www.linkedin.com/company/babbage-engines/people/';
let sandbox;
let ext;
let options;

const contacts = async () => (await sandbox.records('Contact')).records;

const settle = (quietMs) => settleAt(sandbox, { ext, quietMs });

/** Sends `message` from the content script's own isolated world of `page` (as the list UI does). */
async function askAsContentScript(page, message) {
  const world = await contentScriptWorld(ext, page);
  return world(`chrome.runtime.sendMessage(${JSON.stringify(message)})`);
}

/** Stops the service worker (its in-memory lookup cache goes with it). */
async function stopWorker() {
  await stopTheWorker(ext, options);
}

/** Opens a list page with fresh counts; resolves to {page, counts} once its lookup is done. */
async function openList(url) {
  await sandbox.post('/__sandbox/reset-counts');
  const page = await ext.page(url);
  await page.getByTestId('save-all').first().waitFor({ timeout: 15000 });
  await lookupsDone(page);
  return { page, counts: await settle() };
}

/** Clicks "Save all" with fresh counts; resolves to {counts, state} once the outbox is empty. */
async function saveAll(page) {
  await sandbox.post('/__sandbox/reset-counts');
  await page.getByTestId('save-all').first().click();
  await page.getByTestId('save-result').first().waitFor({ timeout: 30000 });
  const state = await waitForState(options, (st) => st.outbox.length === 0 && st);
  return { counts: await settle(600), state };
}

connectedSession({ before, after }, { ready: (s) => ({ sandbox, ext, options } = s) });

test('Save all costs at most 2 calls per chunk, and a second Save all creates nobody again', { skip }, async () => {
  const ids = Object.fromEntries((await waitForState(options, (s) => s.connections.length === 2 && s)).connections
    .map((c) => [c.role, c.crm_user_id]));
  const before = (await contacts()).length;
  let { page, counts: loadCounts } = await openList(SEARCH);
  // The page-load badges: one CRM query for the whole list, and a badge per person.
  assert.equal(loadCounts.total, 1, 'the list page looked everyone up in one call: ' + JSON.stringify(loadCounts));
  const badges = page.getByTestId('crm-status');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-leadline="pick"]')]
    .every((h) => !/Checking/.test(h.shadowRoot.textContent)));
  assert.ok((await badges.allInnerTexts()).every((t) => t === 'Not in CRM yet'), (await badges.allInnerTexts()).join(' | '));
  const first = await saveAll(page);
  const created = (await contacts()).length - before;
  const after = await badges.allInnerTexts();
  assert.equal(after.length, created, 'one badge per saved person');
  assert.ok(after.every((t) => /^In Salesforce · Owner: /.test(t)), 'badges turn into the CRM state after the save: ' + after.join(' | '));
  assert.ok(created >= 3, `the first Save all created the page's people (${created})`);
  const chunks = Math.ceil(created / 200);
  assert.ok(first.counts.total <= 2 * chunks,
    `${created} people in ${first.counts.total} calls (bar: ${2 * chunks}): ` + JSON.stringify(first.counts));
  assert.ok(Object.keys(first.counts).some((k) => k.includes('composite/sobjects')), 'one sObject Collections create: ' + JSON.stringify(first.counts));
  const mine = first.state.recent_saves.filter((r) => r.status === 'created');
  assert.equal(mine.length, created, 'every person has their own result line');
  for (const r of mine) {
    assert.equal(r.owner.id, ids.personal, 'Owner = the rep');
    assert.equal(r.created_by.id, ids.team_sync, 'Created By = team sync');
    assert.ok(r.reasons.length > 0);
  }
  const records = (await contacts()).slice(before);
  assert.ok(records.every((r) => r.OwnerId === ids.personal && r.CreatedById === ids.team_sync), JSON.stringify(records.map((r) => [r.OwnerId, r.CreatedById])));
  await page.close();

  // A new page load and a second Save all: everyone is linked, nobody created twice.
  ({ page } = await openList(SEARCH));
  const second = await saveAll(page);
  assert.equal((await contacts()).length, before + created, 'the second Save all created nobody again');
  assert.ok(second.counts.total <= 2 * chunks, JSON.stringify(second.counts));
  const names = (await contacts()).map((r) => `${r.FirstName} ${r.LastName}`);
  assert.equal(new Set(names).size, names.length, 'no duplicate names: ' + names.join(', '));
  const toast = await page.getByTestId('save-result').first().innerText();
  assert.ok(toast.length > 0);
  await page.close();
});

test('Save all on a company people page: one chunk, each person once, no errors', { skip }, async () => {
  const before = (await contacts()).length;
  const { page } = await openList(COMPANY);
  const { counts, state } = await saveAll(page);
  const created = (await contacts()).length - before;
  const lines = state.recent_saves.slice(0, 20).filter((r) => r.status === 'created' || r.status === 'linked');
  assert.ok(lines.length >= 2, JSON.stringify(state.recent_saves.slice(0, 5)));
  assert.ok(counts.total <= 2 * Math.max(1, Math.ceil((created || 1) / 200)), JSON.stringify(counts));
  assert.equal(state.error_log.filter((e) => e.source === 'linkedin_extension' && e.code !== 'invalid_prospect').length, 0,
    JSON.stringify(state.error_log));
  await page.close();
});

test('a list lookup (the whole page, cache cold) is one CRM call, then cached', { skip }, async () => {
  const saved = (await contacts()).filter((r) => r.LinkedIn_URL__c).slice(0, 8);
  assert.ok(saved.length >= 3, 'the Save all above stored LinkedIn URLs');
  const unknown = [1, 2, 3].map((i) => ({ full_name: `Nobody Known${i}`, linkedin_url: `https://www.linkedin.com/in/nobody-known-${i}/` }));
  const prospects = [...saved.map((r) => ({ full_name: `${r.FirstName || ''} ${r.LastName}`.trim(), linkedin_url: r.LinkedIn_URL__c })), ...unknown];
  await stopWorker();
  const { page } = await openList(SEARCH);
  await settle();
  await sandbox.post('/__sandbox/reset-counts');
  const answer = await askAsContentScript(page, { kind: 'lookup', source: 'linkedin_extension', prospects });
  assert.equal(answer.ok, true, JSON.stringify(answer));
  const counts = await sandbox.counts();
  assert.equal(counts.total, 1, `${prospects.length} people looked up in one call: ` + JSON.stringify(counts));
  assert.deepEqual(answer.results.map((r) => r.found), prospects.map((_, i) => i < saved.length));
  for (const [i, r] of saved.entries()) assert.equal(answer.results[i].record_id, r.Id);

  const again = await askAsContentScript(page, { kind: 'lookup', source: 'linkedin_extension', prospects });
  assert.deepEqual(again.results.map((r) => r.found), answer.results.map((r) => r.found));
  assert.equal((await sandbox.counts()).total, 1, 'the second lookup is answered from the cache');
  await page.close();
});

test('the worker killed while a chunk\'s create is on the wire: resumed at the dedupe, nobody twice', { skip }, async () => {
  const batch = async () => (await contacts()).filter((r) => String(r.FirstName || '').startsWith('BulkK'));
  // A generated 30-person search page (harness.searchPage), served for this URL only.
  const generated = (url) => url.searchParams.get('set') === 'K';
  await ext.context.route(generated, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: searchPage(30) }));
  const page = await ext.page(SEARCH + '?set=K');
  await page.getByTestId('save-all').first().waitFor({ timeout: 15000 });
  await lookupsDone(page);
  await settle();
  await sandbox.post('/__sandbox/latency', { ms: 2500 });
  await page.getByTestId('save-all').first().click();
  const inFlight = await waitForOutboxEntry(ext, (e) => e.chunk && e.in_flight && e.phase === 'save', 100);
  assert.ok(inFlight, 'the chunk was persisted in flight before its create');
  assert.equal(inFlight.chunk.members.length, 30);
  await stopWorker();
  // The sandbox finishes the create after its latency.
  await waitUntil(async () => (await batch()).length >= 30, { what: 'the dead worker’s create' }).catch(() => {});
  await sandbox.post('/__sandbox/latency', { ms: 0 });
  assert.equal((await batch()).length, 30, 'the CRM made the records although the worker died');

  await sandbox.post('/__sandbox/reset-counts');
  const state = await waitForState(options, (st) => st.outbox.length === 0 && st); // wakes the worker: it resumes
  const counts = await settle(600);
  const names = (await batch()).map((r) => r.FirstName);
  assert.equal(names.length, 30, 'nobody created twice');
  assert.equal(new Set(names).size, 30);
  assert.ok(counts.total <= 2, 'the resumed chunk cost one dedupe call: ' + JSON.stringify(counts));
  assert.ok(!Object.keys(counts).some((k) => k.includes('composite/sobjects')), 'and no second create: ' + JSON.stringify(counts));
  const lines = state.recent_saves.filter((r) => String(r.name).startsWith('BulkK'));
  assert.ok(lines.length > 0 && lines.every((r) => r.status === 'linked'), JSON.stringify(lines.slice(0, 3)));
  await page.close();
  await ext.context.unroute(generated);
});
