// Extraction on layout variants written from public markup (tests/fixtures/www.linkedin.com/in/
// and the search page's ?layout= variants), in real Chromium with the recording stub worker:
// fields found by what they are (the location beside "Contact info", wherever its container
// is), optional parts missing without guessing, and a field the page shows but Leadline cannot
// read reported with the save instead of dropped silently.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stubWorkerSession } from './harness.mjs';

const session = stubWorkerSession({ before, after });
const { open, messages } = session;

/** Opens a profile, waits for its Save button; resolves to {page, prospect, layout, missing}. */
async function readProfile(slug) {
  const page = await open('https://www.linkedin.com/in/' + slug + '/');
  await page.getByTestId('save-prospect').waitFor();
  const [lookup] = await until(() => messages('lookup'));
  const shown = await page.locator('[data-leadline="save"]').evaluate((host) => {
    const box = host.shadowRoot.querySelector('[data-layout]');
    return { layout: box.dataset.layout, missing: box.dataset.missing };
  });
  return { page, prospect: lookup.prospects[0], layout: shown.layout, missing: shown.missing };
}

/** Polls `read()` until it gives a non-empty list (10 s deadline). */
async function until(read, deadline = Date.now() + 10000) {
  for (;;) {
    const list = await read();
    if (list.length || Date.now() > deadline) return list;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const person = (fields) => ({ headline: null, title: null, company: null, location: null, email: null, phone: null, ...fields });

test('classic profile, location in a sibling line of the "Contact info" link, no company button', async () => {
  const { page, prospect, layout, missing } = await readProfile('aoife-kelleher');
  assert.equal(layout, 'classic');
  assert.deepEqual(prospect, person({
    full_name: 'Aoife Kelleher', first_name: null, last_name: null, headline: 'Customer Success Lead',
    title: 'Customer Success Lead', company: 'Harbour Software', location: 'Cork, County Cork, Ireland',
    linkedin_url: 'https://www.linkedin.com/in/aoife-kelleher',
  }));
  assert.equal(missing, '');
  await page.close();
});

test('classic profile with optional parts missing: no experience, no company, no contact link', async () => {
  const { page, prospect, missing } = await readProfile('bram-visser');
  assert.deepEqual(prospect, person({
    full_name: 'Bram Visser', first_name: null, last_name: null, headline: 'Independent consultant',
    title: 'Independent consultant', location: 'Utrecht, Netherlands', linkedin_url: 'https://www.linkedin.com/in/bram-visser',
  }));
  assert.equal(missing, '', 'nothing the page does not show is reported missing');
  await page.close();
});

test('SDUI profile, location a sibling <p> of the "Contact info" paragraph', async () => {
  const { page, prospect, layout, missing } = await readProfile('maeve-brennan');
  assert.equal(layout, 'sdui');
  assert.deepEqual(prospect, person({
    full_name: 'Maeve Brennan', first_name: null, last_name: null, headline: 'Head of Partnerships at Liffey Analytics',
    title: 'Head of Partnerships', company: 'Liffey Analytics', location: 'Dublin, County Dublin, Ireland',
    linkedin_url: 'https://www.linkedin.com/in/maeve-brennan',
  }));
  assert.equal(missing, '');
  await page.close();
});

test('SDUI profile with spans instead of <p>s, no org line and no experience card', async () => {
  const { page, prospect, layout, missing } = await readProfile('tomas-horak');
  assert.equal(layout, 'sdui');
  assert.deepEqual(prospect, person({
    full_name: 'Tomáš Horák', first_name: null, last_name: null, headline: 'Growth marketer · B2B SaaS',
    title: 'Growth marketer', location: 'Brno, South Moravia, Czechia', linkedin_url: 'https://www.linkedin.com/in/tomas-horak',
  }));
  assert.equal(missing, '');
  await page.close();
});

test('a location the page shows where Leadline cannot read it is reported with the save and in the toast', async () => {
  const { page, prospect, missing } = await readProfile('cara-lindgren');
  assert.equal(prospect.location, null);
  assert.equal(prospect.company, 'Fjord Freight');
  assert.equal(missing, 'location');
  await page.getByTestId('save-prospect').click();
  const note = page.getByTestId('save-missing');
  await note.waitFor();
  assert.equal(await note.textContent(), 'location not found on this layout (saved without it)');
  const [save] = await messages('save');
  assert.deepEqual(save.missing, [{ index: 0, fields: ['location'] }]);
  await page.close();
});

test('a save with every field read carries no "missing" list', async () => {
  const { page } = await readProfile('maeve-brennan');
  await page.getByTestId('save-prospect').click();
  await page.getByTestId('save-result').waitFor();
  const [save] = await messages('save');
  assert.equal('missing' in save, false);
  assert.equal(await page.getByTestId('save-missing').count(), 0);
  await page.close();
});

/** Opens a search variant and waits for `count` per-person widgets. */
async function openSearch(query, count) {
  const page = await open('https://www.linkedin.com/search/results/people/' + query);
  await page.waitForFunction((n) => document.querySelectorAll('[data-leadline="pick"]').length === n, count);
  return page;
}

/** Saves the whole page and resolves to {save, toast text, bar text} once the bar says Done. */
async function saveAll(page) {
  await page.getByTestId('save-all').click();
  await page.getByTestId('save-progress-text').filter({ hasText: 'Done:' }).waitFor();
  const [save] = await messages('save');
  return { save, toast: await page.getByTestId('save-result').textContent(), bar: await page.getByTestId('save-progress-text').textContent() };
}

for (const [layout, query, names] of [
  ['classic (private member shown without a link)', '?layout=classic-b', ['Priya Raman']],
  ['SDUI (private cards without a title link)', '?layout=sdui-b', ['Inès Moreau', 'Kwame Asante']],
  ['SDUI (private card with a title link)', '?layout=sdui', ['Nguyễn Thị Minh Khai', 'Ólafur Árnason', 'Renée Zellweger-Smith']],
]) {
  test(`bulk save on the ${layout} layout reports its skipped private members with count and reason`, async () => {
    const cards = names.length + (query === '?layout=sdui-b' ? 2 : 1);
    const page = await openSearch(query, cards);
    const privateCount = cards - names.length;
    assert.equal(await page.getByTestId('save-pick').count(), names.length);
    assert.equal(await page.getByTestId('save-skipped').filter({ hasText: 'Private profile' }).count(), privateCount);
    assert.equal(await page.getByTestId('save-skipped-count').textContent(),
      privateCount + (privateCount === 1 ? ' private profile' : ' private profiles') + ' will be skipped.');
    const { save, toast, bar } = await saveAll(page);
    assert.deepEqual(save.prospects.map((p) => p.full_name), names);
    const people = names.length === 1 ? '1 person' : names.length + ' people';
    assert.match(toast, new RegExp(people + ': ' + names.length + ' created, ' + privateCount + ' skipped'));
    assert.match(toast, new RegExp('Skipped: ' + privateCount + ' private profiles? \\(“LinkedIn Member”\\): LinkedIn hides who they are'));
    assert.match(bar, new RegExp('Done: ' + names.length + ' of ' + names.length + ' handled\\. Skipped: ' + privateCount + ' private profile'));
    await page.close();
  });
}

test('optional parts missing on search cards: no location line gives no location, nothing guessed', async () => {
  const page = await openSearch('?layout=sdui-b', 4);
  const { save } = await saveAll(page);
  const kwame = save.prospects[1];
  assert.deepEqual([kwame.title, kwame.company, kwame.location], ['Account Executive', 'Volta Payments', null]);
  const classic = await openSearch('?layout=classic-b', 2);
  await page.close();
  const again = await saveAll(classic);
  assert.deepEqual([again.save.prospects[0].company, again.save.prospects[0].location], ['Kaveri Labs', null]);
  await classic.close();
});

for (const [slug, cards, people, privateCount] of [
  ['difference-works', 3, [['Ada Byron King', 'Programmer', 'Difference Works'], ['George Scheutz', null, 'Difference Works']], 1],
  ['analytical-society', 4, [['John Herschel', 'Astronomer', 'Analytical Society'], ['George Peacock', 'Secretary', 'Analytical Society']], 2],
]) {
  test(`company people variant ${slug}: company, titles, missing subtitles and ${privateCount} private skipped`, async () => {
    const page = await open('https://www.linkedin.com/company/' + slug + '/people/');
    await page.waitForFunction((n) => document.querySelectorAll('[data-leadline="pick"]').length === n, cards);
    assert.equal(await page.getByTestId('save-pick').count(), people.length);
    const { save, toast } = await saveAll(page);
    assert.deepEqual(save.prospects.map((p) => [p.full_name, p.title, p.company]), people);
    assert.match(toast, new RegExp(people.length + ' people: ' + people.length + ' created, ' + privateCount + ' skipped'));
    await page.close();
  });
}
