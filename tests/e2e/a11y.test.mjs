// Accessibility in real Chromium: axe-core (npm) run over the options page (real worker and
// Wasm core), the popup (a canned state with a grouped bulk save, opened) and a LinkedIn page
// with a bulk toast (its details open) must report no serious or critical violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { launchExtension, fixtureServer } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in `page` (injected through the DevTools protocol, so extension pages' CSP
 * does not apply) over the whole document, or over the elements matching `scope`, and resolves
 * to {serious: ["impact rule: target summary", ...], passed: number of rules that passed}.
 * `passed` proves axe looked at something.
 */
async function axe(page, scope = null) {
  await page.evaluate(await AXE_SOURCE);
  return page.evaluate(async (sel) => {
    const context = sel ? { include: [...document.querySelectorAll(sel)] } : document;
    const result = await globalThis.axe.run(context, { resultTypes: ['violations'] });
    const serious = result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.impact + ' ' + v.id + ': ' + v.nodes.map((n) => JSON.stringify(n.target) + ' ' + n.failureSummary).join(' | '));
    return { serious, passed: result.passes.length };
  }, scope);
}

const stub = { ext: null, server: null };
before(async () => {
  stub.server = await fixtureServer();
  stub.ext = await launchExtension({ sandbox: stub.server, stubWorker: true });
});
after(async () => {
  await stub.ext?.stop();
  await stub.server?.stop();
});

test('options page (real worker): no serious or critical axe violation', async () => {
  const ext = await launchExtension({});
  try {
    const page = await ext.openOptions();
    await page.getByTestId('crm-choice').waitFor();
    await page.locator('#status, [data-testid="connection-personal"]').first().waitFor({ state: 'attached' });
    const { serious, passed } = await axe(page);
    assert.ok(passed > 10, 'axe checked the page: ' + passed + ' rules passed');
    assert.deepEqual(serious, []);
  } finally {
    await ext.stop();
  }
});

test('import page with a file read and the popup\'s Add a person open (real worker): no serious or critical axe violation', async () => {
  const ext = await launchExtension({});
  try {
    const page = await ext.page(`chrome-extension://${ext.extensionId}/import/import.html`);
    const csv = 'First Name,Last Name,E-mail,Job Title\nAda,Lovelace,ada@example.com,CTO\nGrace,,bad,=1+2\n';
    await page.getByTestId('import-file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('import-bad-row').first().waitFor();
    await page.getByTestId('import-row').first().waitFor();
    const imported = await axe(page);
    assert.ok(imported.passed > 10, 'axe checked the import page: ' + imported.passed + ' rules passed');
    assert.deepEqual(imported.serious, []);
    const popup = await ext.openPopup();
    await popup.getByText('Add a person').click();
    await popup.getByTestId('add-person-save').waitFor();
    const added = await axe(popup, '[data-testid="add-person"]');
    assert.ok(added.passed > 3, 'axe checked the form: ' + added.passed + ' rules passed');
    assert.deepEqual(added.serious, []);
  } finally {
    await ext.stop();
  }
});

test('popup with a grouped bulk save, opened: no serious or critical axe violation', async () => {
  const saves = Array.from({ length: 5 }, (_, i) => ({
    at: '2026-12-02T10:00:00Z', save_id: 'bulk-1', source: 'linkedin_extension', object: 'Contact', name: 'Person ' + i,
    status: i < 3 ? 'created' : 'linked', owner: '005REP', created_by: '005INT', reasons: ['LinkedIn saves are pushed with the team sync connection'],
  }));
  const state = {
    ok: true, config: { crm: 'salesforce' }, me: { id: 'u_rep', email: 'rep@acme.example' }, needs: [],
    connections: [{ role: 'personal', name: 'Rita Rep', email: 'rep@acme.example', crm_user_id: '005REP', permission: 'standard', health: 'ok', last_success: null }],
    crm_users: [{ id: '005INT', name: 'Ian Integration', active: true }, { id: '005REP', name: 'Rita Rep', active: true }],
    recent_saves: saves, outbox: [{ id: 'ob-1', name: 'Márta Kovács', status: 'retrying', attempts: 1 }],
    error_log: [{ at: '2026-12-02T09:00:00Z', code: 'INSUFFICIENT_ACCESS', message: 'Cannot create Lead records.', hint: 'Ask your admin.', name: 'Ben', source: 'gmail_extension' }],
  };
  await stub.ext.currentWorker().evaluate((s) => { globalThis.__answers.get_state = s; }, state);
  const page = await stub.ext.openPopup();
  await page.getByTestId('recent-group-toggle').click();
  await page.getByTestId('recent-group').locator('ul.nested').waitFor();
  const { serious, passed } = await axe(page);
  assert.ok(passed > 10, 'axe checked the popup: ' + passed + ' rules passed');
  assert.deepEqual(serious, []);
  await page.close();
});

test('LinkedIn search page with a bulk toast, details open: no serious or critical axe violation in our widgets', async () => {
  const page = await stub.ext.page('https://www.linkedin.com/search/results/people/?keywords=analytics');
  await page.getByTestId('save-all').click();
  await page.getByTestId('save-details-toggle').click();
  await page.getByTestId('save-details').waitFor();
  // Only Leadline's widgets (toast, bulk bar, checkboxes; in their shadow roots) are ours to
  // judge: the fixture page around them imitates LinkedIn's own markup.
  const { serious, passed } = await axe(page, '[data-leadline]');
  assert.ok(passed > 5, 'axe checked the widgets: ' + passed + ' rules passed');
  assert.deepEqual(serious, []);
  await page.close();
});

/** Leadline's buttons whose accessible name does not contain their visible text. */
function labelNotInName(page) {
  return page.evaluate(() => {
    const bad = [];
    for (const host of document.querySelectorAll('[data-leadline]')) {
      for (const control of host.shadowRoot.querySelectorAll('button')) {
        const visible = (control.innerText || '').trim();
        if (!/[A-Za-z]/.test(visible)) continue; // symbols (×) have no words to contain
        const name = (control.getAttribute('aria-label') || control.textContent || '').trim();
        if (!name.toLowerCase().includes(visible.toLowerCase())) bad.push(JSON.stringify({ visible, name }));
      }
    }
    return bad;
  });
}

test('every Leadline button\'s accessible name contains its visible text', async () => {
  const answer = { ok: true, save_id: 'a1', undo: { save_id: 'a1', seconds: 10 }, results: [{ status: 'created', object: 'Contact', name: 'Ada Lovelace',
    record_url: 'https://acme.my.salesforce.com/003A', owner: { id: '005REP', name: 'Rita Rep' }, reasons: ['LinkedIn saves are pushed with the team sync connection'], warnings: [] }] };
  await stub.ext.currentWorker().evaluate((a) => { globalThis.__answers.save = a; }, answer);
  try {
    const profile = await stub.ext.page('https://www.linkedin.com/in/ada-lovelace/');
    await profile.getByTestId('save-prospect').click();
    await profile.getByTestId('save-undo').waitFor();
    assert.deepEqual(await labelNotInName(profile), []);
    assert.equal(await profile.getByRole('button', { name: 'Save to CRM: Ada Lovelace' }).count(), 1);
    assert.equal(await profile.getByRole('button', { name: /^Undo \(\d+s\)$/ }).count(), 1);
    await profile.close();
  } finally {
    await stub.ext.currentWorker().evaluate(() => { globalThis.__answers.save = null; });
  }
  const search = await stub.ext.page('https://www.linkedin.com/search/results/people/?keywords=analytics');
  await search.getByTestId('save-all').click();
  await search.getByTestId('save-result').waitFor();
  assert.deepEqual(await labelNotInName(search), []);
  assert.ok(await search.evaluate(() => document.querySelectorAll('[data-leadline]').length) > 5);
  await search.close();
});
