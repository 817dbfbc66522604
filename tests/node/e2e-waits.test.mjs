// The end-to-end suites wait on signals, not on the clock (issue 19). A bare `sleep(`,
// `waitForTimeout(` or `setTimeout(` in tests/e2e outside harness.mjs fails here: use the
// harness's helper for the signal it stands for (`lookupsDone`, `waitForOutboxEntry`,
// `waitForCounts`, `waitForState`, `settle`, `waitUntil`). Where time itself is
// the behaviour, the test calls `elapse(ms, why)`, and each such call must be in ALLOWED below
// with the reason it has to be a clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const E2E = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'e2e');

/** The one file that may wait on the clock directly: its helpers poll signals with a deadline. */
const HARNESS = 'harness.mjs';

/**
 * Bare clock waits: each must become the signal it stands for. The promise timers are refused at
 * their import, where a renamed `setTimeout` (`delay(500)`) would otherwise slip through.
 */
const BARE = [/\bsleep\s*\(/, /\bwaitForTimeout\s*\(/, /\bsetTimeout\s*\(/, /\bsetInterval\s*\(/,
  /['"](?:node:)?timers\/promises['"]/];

/**
 * Every remaining clock, by file and the `why` it passes to `elapse` (or, for `setTimeout`, the
 * line's text), with how many times it may occur and why it cannot be a signal.
 */
const ALLOWED = [
  { file: 'content-gmail.test.mjs', why: 'ABSENCE', count: 2,
    reason: 'no Gmail panel may appear on the inbox, and no second one on a thread: there is no event for "nothing was added"' },
  { file: 'content-gmail.test.mjs', why: 'the undo countdown: a second must pass for the button to count down', count: 1,
    reason: 'the undo button counts seconds: time is the behaviour' },
  { file: 'content-linkedin.test.mjs', why: 'ABSENCE', count: 2,
    reason: 'further router scans must not add a second Save button; the feed must get none' },
  { file: 'content-lists.test.mjs', why: 'ABSENCE', count: 2,
    reason: 'pagination and "Show more" must not double the list widgets' },
  { file: 'undo-salesforce.test.mjs', why: 'the undo window: past the worker’s grace after the toast closed', count: 1,
    reason: 'the undo window is a duration: an undo after it must be refused' },
  { file: 'worker-alarm.test.mjs', why: 'absence: no second save lands in the next seconds', count: 1,
    reason: 'after the alarm saved once, nothing may save again: a window in which nothing happens' },
  { file: 'worker-reliability.test.mjs', why: 'absence: no second run by the timer in the next seconds', count: 1,
    reason: 'after the network came back the back-off timer must not run the save again' },
  { file: 'demo.test.mjs', why: "const timer = setTimeout(() => { child.kill('SIGKILL');", count: 1,
    reason: 'a watchdog that kills a hung demo, not a wait' },
  { file: 'other-extension/sender.js', why: 'setTimeout(() => resolve({ disconnected: false, seen }), ms);', count: 1,
    reason: 'the deadline on a port another extension opens to Leadline: it resolves at once when the port is closed, and a port still open at the deadline is the finding' },
];

/** `elapse(ms, why)` calls: `why` as written (a quoted string's text, or an identifier). */
const ELAPSE = /\belapse\(\s*[^,()]+,\s*(?:'((?:[^'\\]|\\.)*)'|([A-Za-z_$][\w$]*))\s*\)/g;

/**
 * The clock waits in one file's text: `{bare: [line texts], elapse: Map(why → count)}`.
 * Comments are not code: lines starting with `//` or ` *` are skipped.
 */
function clockWaits(text) {
  const bare = [];
  const elapse = new Map();
  for (const line of text.split('\n')) {
    const code = line.trim();
    if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) continue;
    if (BARE.some((re) => re.test(code))) bare.push(code);
    for (const m of code.matchAll(ELAPSE)) {
      const why = m[1] ?? m[2];
      elapse.set(why, (elapse.get(why) || 0) + 1);
    }
  }
  return { bare, elapse };
}

/** What is not allowed in `file`'s text: a list of messages (empty when clean). */
function violations(file, text) {
  const { bare, elapse } = clockWaits(text);
  const allowed = ALLOWED.filter((a) => a.file === file);
  const out = [];
  for (const line of bare) {
    const entry = allowed.find((a) => line.includes(a.why));
    if (!entry) out.push(`${file}: a bare clock wait (use a harness signal helper): ${line}`);
  }
  for (const [why, n] of elapse) {
    const entry = allowed.find((a) => a.why === why);
    if (!entry) out.push(`${file}: elapse(…, ${why}) is not in the allow-list`);
    else if (n > entry.count) out.push(`${file}: elapse(…, ${why}) ${n} times, the allow-list says ${entry.count}`);
  }
  return out;
}

/** Every script under tests/e2e, subdirectories included, by its path there. */
const files = fs.readdirSync(E2E, { recursive: true })
  .filter((f) => /\.m?js$/.test(f) && f !== HARNESS && !f.split(path.sep).includes('artifacts')).sort();

test('no bare clock wait in tests/e2e outside the harness and the allow-list', () => {
  assert.ok(files.length > 10, 'found the e2e suites: ' + files.join(', '));
  const found = files.flatMap((f) => violations(f, fs.readFileSync(path.join(E2E, f), 'utf8')));
  assert.deepEqual(found, []);
});

test('every allow-list entry is still used, as often as it says (no stale permission)', () => {
  for (const entry of ALLOWED) {
    const text = fs.readFileSync(path.join(E2E, entry.file), 'utf8');
    const { bare, elapse } = clockWaits(text);
    const used = elapse.get(entry.why) || bare.filter((line) => line.includes(entry.why)).length;
    assert.equal(used, entry.count, `${entry.file}: "${entry.why}"`);
    assert.ok(entry.reason.length > 20, 'each entry says why it must be a clock');
  }
});

test('the check catches each kind of clock wait and lets signals through', () => {
  const rows = [
    ['  await sleep(1500);', 1],
    ['  await page.waitForTimeout(600);', 1],
    ['  await new Promise((r) => setTimeout(r, 2500)); // past the grace', 1],
    ['  await elapse(600, ABSENCE);', 1], // allowed in content-gmail only
    ["  await elapse(500, 'because');", 1],
    ['  await lookupsDone(page);', 0],
    ['  await waitUntil(async () => (await state()).outbox.length === 0);', 0],
    ['  // a comment that says sleep(100) is code no more', 0],
    ["import { setTimeout as delay } from 'node:timers/promises';", 1],
    ['  const poll = setInterval(check, 100);', 1],
  ];
  for (const [line, expected] of rows) {
    assert.equal(violations('save-linkedin.test.mjs', line).length, expected, line);
  }
  assert.deepEqual(violations('content-gmail.test.mjs', '  await elapse(600, ABSENCE);\n  await elapse(600, ABSENCE);'), []);
  assert.equal(violations('content-gmail.test.mjs', '  await elapse(600, ABSENCE);\n'.repeat(3)).length, 1, 'more uses than allowed');
});
