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
