// Issue 5, "back-off ... chrome.alarms so it survives the worker sleeping", shown end to end: a
// save waiting on a 503 back-off is finished by the ALARM alone after the service worker was
// stopped. Every page of the extension and the LinkedIn tab are closed first and nothing sends
// the worker a message until the Contact is in the sandbox (only the sandbox is polled), so
// nothing but the alarm can start the worker again. Only after that does an options page ask
// for the state (outbox empty, the save journaled once).
//
// Why a 503 with `Retry-After`: while the worker is awake an in-memory timer (outbox.js
// `schedule`) retries too, so the save must still wait long enough to close everything and stop
// the worker first. The sandbox refuses the Composite save once with `Retry-After: 8` (HTTP's way
// for a 503 to say how long the service is away); the engine honours a Retry-After longer than
// its own back-off (saves::outbox::backoff::with_retry_after), so the next try is 8 s ahead — as much
// room as the shortest last step of the earlier four-503 storm (8–16 s), reached at once instead
// of after 1–2 + 2–4 + 4–8 s. The alarm then has to wake the stopped worker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxBinary, sendFrom, waitForState, connectedSession, settle, lookupsDone, waitUntil, elapse } from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
/** 503s for the Composite save: one, asking for RETRY_AFTER_S before the try that works. */
const FAULTS = 1;
/** The 503's `Retry-After` (seconds): the time to close every page and stop the worker. */
const RETRY_AFTER_S = 8;
/** How late after its time the alarm may land the save (Chrome's alarm granularity, a worker start, the call). */
const LATE_BOUND_MS = 40000;

const session = connectedSession({ before, after });

test('a waiting save is finished by the alarm alone after the service worker stopped', { skip, timeout: 90000 }, async (t) => {
  const { sandbox, ext, options } = session;
  const contacts = async () => (await sandbox.records('Contact')).records.filter((r) => r.LastName === 'Lovelace');
  const composite503s = () => sandbox.log.join('').split('\n').filter((l) => /\/composite -> 503/.test(l)).length;

  // The profile loads and its page-load lookup is done before the Composite call is made to fail.
  const linkedin = await ext.page('https://www.linkedin.com/in/ada-lovelace/');
  await lookupsDone(linkedin);
  await settle(sandbox, { ext });
  const version = /\/services\/data\/(v\d+\.\d+)\//.exec(sandbox.log.join(''));
  assert.ok(version, 'the sandbox saw an API call (the page-load lookup) naming the API version');
  const compositePath = '/services/data/' + version[1] + '/composite';
  await sandbox.post('/__sandbox/faults', { status: 503, count: FAULTS, path_prefix: compositePath, retry_after: RETRY_AFTER_S });
  assert.equal((await contacts()).length, 0, 'Ada Lovelace is not in the org yet');
  const clickedAt = Date.now();
  await linkedin.getByTestId('save-prospect').first().click();

  // Waits in the outbox after the last 503, with its next try set well ahead.
  const waiting = await waitForState(options, (s) => {
    const e = s.outbox.find((x) => x.name === 'Ada Lovelace');
    return e && e.attempts >= FAULTS && e.waiting && e.waiting.code === 'SERVER_UNAVAILABLE' && e;
  }, 40000);
  assert.equal(typeof waiting.next_at_ms, 'number', 'next_at_ms is set: ' + JSON.stringify(waiting));
  assert.ok(waiting.next_at_ms >= clickedAt + RETRY_AFTER_S * 1000,
    `the next try honours the 503's Retry-After: ${waiting.next_at_ms - clickedAt} ms after the click`);
  assert.equal(composite503s(), FAULTS, 'every injected 503 was answered to the Composite save');
  // The alarms as Chrome holds them (chrome.alarms from the page: no message to the worker).
  const alarms = await options.evaluate(() => chrome.alarms.getAll());
  const alarm = alarms.find((a) => a.name === 'leadline-outbox');
  assert.ok(alarm, 'the outbox set its chrome.alarms alarm: ' + JSON.stringify(alarms));
  t.diagnostic(`waiting: attempts ${waiting.attempts}, next try in ${waiting.next_at_ms - Date.now()} ms, alarm in ${Math.round(alarm.scheduledTime - Date.now())} ms`);

  // A plain page (not ours, sends nothing) keeps the browser open and carries the CDP session.
  const blank = await ext.context.newPage();
  await blank.goto('about:blank');
  for (const p of ext.context.pages()) if (p !== blank) await p.close();
  assert.deepEqual(ext.context.pages().map((p) => p.url()), ['about:blank'], 'only about:blank is open');

  const cdp = await ext.context.newCDPSession(blank);
  const statuses = []; // {at, status} of the extension's worker, as Chrome reports them
  cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
    for (const v of e.versions) if (v.scriptURL.includes(ext.extensionId)) statuses.push({ at: Date.now(), status: v.runningStatus });
  });
  await cdp.send('ServiceWorker.enable');
  await waitUntil(() => statuses.length > 0, { timeout: 5000, every: 20, what: 'Chrome to report the worker' });
  await cdp.send('ServiceWorker.stopAllWorkers');
  await waitUntil(() => statuses.at(-1)?.status === 'stopped', { timeout: 5000, every: 20, what: 'the worker to stop' }).catch(() => {});
  const stoppedAt = Date.now();
  assert.equal(statuses.at(-1)?.status, 'stopped', 'the service worker stopped: ' + JSON.stringify(statuses));
  assert.ok(stoppedAt < waiting.next_at_ms - 500,
    `stopped ${waiting.next_at_ms - stoppedAt} ms before the next try, so no in-memory timer of the old worker can have run it`);
  const stopIndex = statuses.length;

  // From here on: no message, no extension page. Only the sandbox is polled.
  let landedAt = null;
  let found = [];
  const deadline = Math.max(waiting.next_at_ms, alarm.scheduledTime) + LATE_BOUND_MS;
  await waitUntil(async () => {
    found = await contacts();
    if (found.length) landedAt = Date.now();
    return landedAt;
  }, { timeout: Math.max(0, deadline - Date.now()), every: 250, what: 'the Contact' }).catch(() => {});
  const restart = statuses.slice(stopIndex).find((s) => s.status === 'starting' || s.status === 'running');
  assert.ok(landedAt, `the Contact never reached the sandbox within ${LATE_BOUND_MS} ms of the alarm time with the worker stopped `
    + `(worker after the stop: ${JSON.stringify(statuses.slice(stopIndex))}; Composite 503s: ${composite503s()}; `
    + `alarm was due ${Math.round(alarm.scheduledTime - stoppedAt)} ms after the stop)`);
  assert.ok(restart, 'the worker was started again: ' + JSON.stringify(statuses.slice(stopIndex)));
  const wokeAfter = restart.at - stoppedAt;
  t.diagnostic(`worker restarted ${wokeAfter} ms after the stop, ${restart.at - alarm.scheduledTime} ms after the alarm time; `
    + `Contact seen ${landedAt - waiting.next_at_ms} ms after next_at_ms`);
  // It was the alarm: nothing started the worker before the alarm's time, nor saved before next_at_ms.
  assert.ok(restart.at >= alarm.scheduledTime - 100, `the worker restarted ${alarm.scheduledTime - restart.at} ms BEFORE the alarm time: something else woke it`);
  assert.ok(landedAt >= waiting.next_at_ms, `saved ${waiting.next_at_ms - landedAt} ms before its back-off ended`);
  const created = Date.parse(found[0].CreatedDate);
  if (!Number.isNaN(created)) assert.ok(created >= waiting.next_at_ms - 1000, `CreatedDate ${found[0].CreatedDate} is before next_at_ms`);

  // Exactly once, and it stays once.
  await elapse(2000, 'absence: no second save lands in the next seconds');
  assert.equal((await contacts()).length, 1, 'Ada Lovelace is in the org exactly once');
  assert.equal(composite503s(), FAULTS, 'no further refused call');
  const counts = await sandbox.counts();
  t.diagnostic('sandbox counts: ' + JSON.stringify(counts));
  await cdp.detach();

  // Now (the record is there) the state may be asked: outbox empty, the save journaled once.
  const page = await ext.openOptions();
  const state = await waitForState(page, (s) => s.outbox.length === 0 && s, 10000);
  const lines = state.recent_saves.filter((r) => r.name === 'Ada Lovelace');
  assert.equal(lines.length, 1, 'the journal has the save once: ' + JSON.stringify(state.recent_saves));
  assert.equal(lines[0].status, 'created', JSON.stringify(lines[0]));
  assert.equal(lines[0].record_id, found[0].Id, 'the journal names the record the alarm created');
  assert.deepEqual(state.error_log.filter((e) => e.name === 'Ada Lovelace'), [], 'a 503 that lifts is not an error');
  assert.equal((await sendFrom(page, { kind: 'get_state' })).outbox.length, 0);
  await page.close();
});
