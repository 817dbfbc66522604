// LinkedIn people search and company people pages in real Chromium with a recording stub
// worker: a checkbox per public person, private members skipped with a reason, hostile names kept
// as text, bulk saves with progress, and no doubled widgets after SPA changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stubWorkerSession, elapse, ABSENCE } from './harness.mjs';

const session = stubWorkerSession({ before, after });
const { open, messages } = session;
const HOSTILE = '<img src=x onerror="window.__leadlineXss=1">';

async function waitForPicks(page, count) {
  await page.waitForFunction((n) => document.querySelectorAll('[data-leadline="pick"]').length === n, count);
}

test('classic search: every public person gets a checkbox, the private member a reason', async () => {
  const page = await open('https://www.linkedin.com/search/results/people/?keywords=analytics');
  await waitForPicks(page, 6);
  assert.equal(await page.getByTestId('save-pick').count(), 5);
  const skipped = page.getByTestId('save-skipped');
  assert.equal(await skipped.count(), 1);
  assert.match(await skipped.textContent(), /Private profile.*skipped/);
  assert.match(await page.getByTestId('save-skipped-count').textContent(), /1 private profile will be skipped/);
  // The page's CSS hides every checkbox; ours live in shadow roots and stay visible.
  assert.equal(await page.getByTestId('save-pick').first().isVisible(), true);
  await page.close();
});

test('Save all sends one bulk save of the public people, with non-ASCII and hostile names intact', async () => {
  const page = await open('https://www.linkedin.com/search/results/people/?keywords=analytics');
  await page.getByTestId('save-all').click();
  const toast = page.getByTestId('save-result');
  await toast.waitFor();
  const [save] = await messages('save');
  assert.equal(save.push, 'bulk');
  assert.equal(save.source, 'linkedin_extension');
  assert.deepEqual(save.prospects.map((p) => p.full_name),
    ['Åsa Lindqvist', 'Chloé Dubois-Renard', 'Łukasz Wróbel', HOSTILE, 'Siobhán Ó Briain']);
  const asa = save.prospects[0];
  assert.equal(asa.title, 'Data Lead');
  assert.equal(asa.company, 'Nordvik AB');
  assert.equal(asa.location, 'Stockholm, Stockholm County, Sweden');
  assert.equal(asa.linkedin_url, 'https://www.linkedin.com/in/asa-lindqvist');
  assert.equal(save.prospects[4].linkedin_url, 'https://www.linkedin.com/in/siobhan-o-briain');
  assert.equal(save.prospects.some((p) => /LinkedIn Member/.test(p.full_name)), false);

  // The hostile name is shown as text in the toast and never runs.
  assert.match(await toast.textContent(), /<img src=x onerror="window\.__leadlineXss=1">: Created Contact/);
  assert.match(await toast.textContent(), /5 people: 5 created/);
  assert.equal(await page.evaluate(() => window.__leadlineXss), undefined);
  assert.equal(await toast.locator('img').count(), 0);
  // Progress reached the end.
  await page.waitForFunction(() => {
    const host = document.querySelector('[data-leadline="bulk"]');
    const bar = host && host.shadowRoot.querySelector('progress');
    return bar && bar.value === bar.max && bar.max === 5;
  });
  await session.ext.screenshot(page, 'linkedin-search-bulk');
  await page.close();
});

test('Save selected sends only the ticked people; nothing ticked sends nothing', async () => {
  const page = await open('https://www.linkedin.com/search/results/people/?keywords=analytics');
  await waitForPicks(page, 6);
  await page.getByTestId('save-selected').click();
  await page.getByTestId('save-result').filter({ hasText: 'Nothing selected' }).waitFor();
  assert.equal((await messages('save')).length, 0);
  await page.getByTestId('save-pick').nth(1).check();
  await page.getByTestId('save-pick').nth(2).check();
  await page.getByTestId('save-selected').click();
  await page.getByTestId('save-result').filter({ hasText: '2 people' }).waitFor();
  const [save] = await messages('save');
  assert.deepEqual(save.prospects.map((p) => p.full_name), ['Chloé Dubois-Renard', 'Łukasz Wróbel']);
  await page.close();
});

test('pagination by pushState: the new page gets its own widgets, never doubled', async () => {
  const page = await open('https://www.linkedin.com/search/results/people/?keywords=analytics');
  await waitForPicks(page, 6);
  await page.getByTestId('fixture-next-page').click();
  await page.getByText('Jürgen Kloß', { exact: true }).waitFor();
  await waitForPicks(page, 2);
  await elapse(800, ABSENCE);
  assert.equal(await page.locator('[data-leadline="pick"]').count(), 2);
  assert.equal(await page.locator('[data-leadline="bulk"]').count(), 1);
  await page.getByTestId('save-all').click();
  await page.getByTestId('save-result').waitFor();
  const [save] = await messages('save');
  assert.deepEqual(save.prospects.map((p) => p.full_name), ['Mei Chen', 'Jürgen Kloß']);
  await page.close();
});

test('SDUI search layout: lockup-title links, private member skipped', async () => {
  const page = await open('https://www.linkedin.com/search/results/people/?layout=sdui');
  await waitForPicks(page, 4);
  await page.getByTestId('save-all').click();
  await page.getByTestId('save-result').waitFor();
  const [save] = await messages('save');
  assert.deepEqual(save.prospects.map((p) => [p.full_name, p.first_name, p.last_name]), [
    ['Nguyễn Thị Minh Khai', null, null],
    ['Ólafur Árnason', null, null],
    ['Renée Zellweger-Smith', null, null],
  ]);
  assert.equal(save.prospects[0].company, 'Sông Hồng Data');
  assert.equal(save.prospects[0].location, 'Hà Nội, Vietnam');
  assert.equal(save.prospects[2].linkedin_url, 'https://www.linkedin.com/in/renee-zellweger-smith');
  await page.close();
});

test('company people: company from the page, private card skipped, "Show more" cards added once', async () => {
  const page = await open('https://www.linkedin.com/company/babbage-engines/people/');
  await waitForPicks(page, 4);
  await page.getByTestId('fixture-show-more').click();
  await waitForPicks(page, 6);
  await elapse(800, ABSENCE);
  assert.equal(await page.locator('[data-leadline="pick"]').count(), 6);
  assert.equal(await page.locator('[data-leadline="bulk"]').count(), 1);
  await page.getByTestId('save-all').click();
  await page.getByTestId('save-result').waitFor();
  const [save] = await messages('save');
  assert.deepEqual(save.prospects.map((p) => p.full_name),
    ['Charles Babbage', 'Mary Somerville', 'Inés García-Núñez', 'Augustus De Morgan', 'Hannah O’Connor']);
  assert.ok(save.prospects.every((p) => p.company === 'Babbage Engines'));
  assert.equal(save.prospects[1].title, 'Science Communicator');
  assert.equal(save.prospects[0].linkedin_url, 'https://www.linkedin.com/in/charles-babbage');
  await page.close();
});
