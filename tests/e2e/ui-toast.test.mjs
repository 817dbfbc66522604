// The in-page widgets as a rep meets them, in real Chromium with the recording stub worker: the
// bulk bar's progress stays hidden (computed style, not the attribute) until a save starts;
// only a click the browser generated from a person saves (a page script's .click() on our
// button does nothing); a 25-person bulk toast is a short summary with its details behind
// "Show details", reachable by keyboard with a visible focus.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fixturesWith, searchPage, startSandbox, sandboxBinary, launchExtension } from './harness.mjs';

const BIG = 'https://www.linkedin.com/search/results/people/?set=T';
const session = { ext: null, sandbox: null, fixtures: null };

before(async () => {
  // Generated 25-person search page over the fixtures (served by the sandbox when built).
  session.fixtures = await fixturesWith({ 'www.linkedin.com/search/results/people/index.html': searchPage(25) });
  if (sandboxBinary()) session.sandbox = await startSandbox({ fixtures: session.fixtures.dir });
  session.ext = await launchExtension({ sandbox: session.sandbox, stubWorker: true });
});
after(async () => {
  await session.ext?.stop();
  await session.sandbox?.stop();
  await session.fixtures?.remove();
});

async function open(url) {
  await session.ext.currentWorker().evaluate(() => { globalThis.__seen.length = 0; globalThis.__answers.save = null; });
  return session.ext.page(url);
}
async function saves() {
  return (await session.ext.seen()).map((s) => s.message).filter((m) => m.kind === 'save');
}

/** Polls the stub worker until it has received `n` saves (10 s deadline). */
async function savesReach(n) {
  for (const end = Date.now() + 10000; Date.now() < end;) if ((await saves()).length >= n) return;
  throw new Error('the worker did not receive ' + n + ' saves');
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
