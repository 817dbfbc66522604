// LinkedIn profile content scripts in real Chromium, on the fixture pages under their real
// hostname, with a recording stub service worker: what is extracted from each layout, what is
// shown, what is sent, and SPA navigation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stubWorkerSession, elapse, ABSENCE } from './harness.mjs';

const session = stubWorkerSession({ before, after });
const { open, messages } = session;

test('classic profile: one Save button, the badge, and the prospect read from the page', async () => {
  const page = await open('https://www.linkedin.com/in/ada-lovelace/');
  await page.getByTestId('save-prospect').waitFor();
  assert.equal(await page.getByTestId('save-prospect').count(), 1);
  await assert.doesNotReject(page.getByTestId('crm-status').filter({ hasText: 'In Salesforce · Owner: Rita Rep' }).waitFor());
  const [lookup] = await messages('lookup');
  assert.equal(lookup.source, 'linkedin_extension');
  assert.deepEqual(lookup.prospects, [{
    full_name: 'Ada Lovelace', first_name: null, last_name: null,
    headline: 'Head of Analytics at Babbage Engines | Numbers, engines and poetry',
    title: 'Head of Analytics', company: 'Babbage Engines', location: 'London, England, United Kingdom',
    linkedin_url: 'https://www.linkedin.com/in/ada-lovelace', email: null, phone: null,
  }]);
  const layout = await page.locator('[data-leadline="save"]').evaluate((host) => host.shadowRoot.querySelector('[data-layout]').dataset.layout);
  assert.equal(layout, 'classic');
  await page.close();
});

test('new (SDUI) profile: name from an h2, company from the org line, location without "Contact info"', async () => {
  const page = await open('https://www.linkedin.com/in/zoe-nakamura/');
  await page.getByTestId('save-prospect').waitFor();
  const [lookup] = await messages('lookup');
  assert.deepEqual(lookup.prospects[0], {
    full_name: 'Zoë Nakamura', first_name: null, last_name: null,
    headline: 'Robotics Program Manager · Building friendly factories',
    title: 'Robotics Program Manager', company: 'Kyoto Robotics', location: 'Kyōto, Kyoto, Japan',
    linkedin_url: 'https://www.linkedin.com/in/zoe-nakamura', email: null, phone: null,
  });
  await page.close();
});

test('hover shows the preview; Save sends one single save and the toast explains it', async () => {
  const page = await open('https://www.linkedin.com/in/ada-lovelace/');
  const button = page.getByTestId('save-prospect');
  await button.hover();
  const preview = page.getByTestId('save-preview');
  await preview.filter({ hasText: 'Created By: Ian Integration (team sync)' }).waitFor();
  assert.match(await preview.textContent(), /Owner: Rita Rep/);
  assert.match(await preview.textContent(), /LinkedIn saves are pushed with the team sync connection/);
  assert.doesNotMatch(await preview.textContent(), /null|undefined/);

  await button.click();
  const toast = page.getByTestId('save-result');
  await toast.waitFor();
  const text = await toast.textContent();
  assert.match(text, /Ada Lovelace: Created Contact/);
  assert.match(text, /Owner: Rita Rep/);
  assert.match(text, /Created By: Ian Integration/);
  const reasons = page.getByTestId('save-reasons');
  assert.equal(await reasons.isVisible(), false);
  await page.getByTestId('save-why').click();
  assert.equal(await reasons.isVisible(), true);
  await session.ext.screenshot(page, 'linkedin-profile-toast');

  const saves = await messages('save');
  assert.equal(saves.length, 1);
  assert.equal(saves[0].push, 'single');
  assert.equal(saves[0].source, 'linkedin_extension');
  assert.equal(saves[0].activity, null);
  assert.equal(saves[0].page_url, 'https://www.linkedin.com/in/ada-lovelace/');
  assert.equal(saves[0].prospects[0].full_name, 'Ada Lovelace');
  await page.close();
});

test('an error answer is shown in plain words with its hint', async () => {
  await session.ext.currentWorker().evaluate(() => {
    globalThis.__answers.save = { ok: false, error: { code: 'reconnect_needed', message: 'Your Salesforce connection expired.', hint: 'Reconnect in Leadline options.' } };
  });
  try {
    const page = await open('https://www.linkedin.com/in/ada-lovelace/');
    await page.getByTestId('save-prospect').click();
    const toast = page.getByTestId('save-result');
    await toast.waitFor();
    assert.match(await toast.textContent(), /Not saved.*Your Salesforce connection expired\..*Reconnect in Leadline options\./s);
    await page.getByTestId('save-result-close').click();
    assert.equal(await toast.count(), 0);
    await page.close();
  } finally {
    await session.ext.currentWorker().evaluate(() => { globalThis.__answers.save = null; });
  }
});

test('SPA navigation to another profile re-injects exactly once, for the new person', async () => {
  const page = await open('https://www.linkedin.com/in/ada-lovelace/');
  await page.getByTestId('save-prospect').waitFor();
  await page.getByTestId('fixture-next-profile').click();
  await page.waitForURL('**/in/jose-muller/');
  await page.locator('h1', { hasText: 'José Müller-Øster' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-leadline="save"]').length === 1 &&
    document.querySelector('[data-leadline="save"]').getAttribute('data-leadline-key').includes('jose-muller'));
  await elapse(800, ABSENCE); // a few more router ticks must not add a second button
  assert.equal(await page.getByTestId('save-prospect').count(), 1);
  const names = (await messages('lookup')).map((m) => m.prospects[0].full_name);
  assert.deepEqual(names, ['Ada Lovelace', 'José Müller-Øster']);
  const jose = (await messages('lookup'))[1].prospects[0];
  assert.equal(jose.company, 'Øresund Logistik');
  assert.equal(jose.location, 'Malmö, Skåne County, Sweden');
  await page.close();
});

test('feed → profile by SPA navigation gets the Save button (script runs on all of linkedin.com)', async () => {
  const page = await open('https://www.linkedin.com/feed/');
  await elapse(500, ABSENCE);
  assert.equal(await page.getByTestId('save-prospect').count(), 0);
  await page.getByTestId('fixture-feed-to-profile').click();
  await page.getByTestId('save-prospect').waitFor();
  assert.equal(await page.getByTestId('save-prospect').count(), 1);
  await page.close();
});

test('changed layout: a clear message, no button, nothing sent', async () => {
  const page = await open('https://www.linkedin.com/in/changed-layout/');
  const note = page.getByTestId('page-unreadable');
  await note.waitFor({ timeout: 8000 });
  assert.match(await note.textContent(), /cannot read this profile.*Nothing was sent/s);
  assert.equal(await page.getByTestId('save-prospect').count(), 0);
  assert.deepEqual((await session.ext.seen()).filter((s) => s.url && s.url.includes('changed-layout')), []);
  await session.ext.screenshot(page, 'linkedin-changed-layout');

  // The rep may still save what they confirm: the name guessed from the tab title, edited.
  assert.equal(await page.getByTestId('confirm-name').inputValue(), 'Quentin Changed');
  await page.getByLabel('Company').fill('Unknown Layout Inc');
  await page.getByTestId('save-confirmed').click();
  await page.getByTestId('save-result').waitFor();
  const saves = await messages('save');
  assert.equal(saves.length, 1);
  assert.equal(saves[0].push, 'single');
  assert.deepEqual(saves[0].prospects, [{
    full_name: 'Quentin Changed', first_name: null, last_name: null, headline: null, title: null,
    company: 'Unknown Layout Inc', location: null, linkedin_url: 'https://www.linkedin.com/in/changed-layout', email: null, phone: null,
  }]);
  await page.close();
});
