// LinkedIn saves through the real extension, worker and Wasm core against the sandbox org:
// a profile save creates a Contact whose CreatedById is the team sync (integration) user and
// whose OwnerId is the rep, with exactly one CRM API call; a bulk save of a search page run
// twice creates every public person once; no token value reaches a content script's answers,
// the page DOM (shadow roots included) or the popup/options DOM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startSandbox, launchExtension, connect, sandboxBinary, sendFrom, waitForState as pollState, settle as settleAt, deepMarkup,
  lookupsDone, waitUntil,
} from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
let sandbox;
let ext;
let options;
let ids;

const send = sendFrom;
const settle = (quietMs) => settleAt(sandbox, { ext, quietMs });

/** Polls the worker's state (through the options page) until `pick(state)` is truthy. */
const waitForState = (pick, timeoutMs) => pollState(options, pick, timeoutMs);

/** Connects `role` with the options page's button and the sandbox's login + consent pages. */
async function connectRole(role, username) {
  await connect(ext, options, role, { username });
  return waitForState((s) => s.connections.find((c) => c.role === role && c.email === username && c.health === 'ok'));
}


before(async () => {
  if (skip) return;
  sandbox = await startSandbox();
  ext = await launchExtension({ sandbox });
  options = await ext.openOptions();
  await send(options, { kind: 'set_config', crm: 'salesforce', login_host: 'production',
    client_id: 'leadline-sandbox-client', me_email: 'rep@acme.example' });
  const team = await connectRole('team_sync', 'integration@acme.example');
  const rep = await connectRole('personal', 'rep@acme.example');
  ids = { integration: team.crm_user_id, rep: rep.crm_user_id };
});

after(async () => {
  if (ext) await ext.stop();
  if (sandbox) await sandbox.stop();
});

test('a profile save: Created By = integration user, Owner = rep, one API call', { skip }, async () => {
  const page = await ext.page('https://www.linkedin.com/in/ada-lovelace/');
  const saveButton = page.getByTestId('save-prospect').first();
  await lookupsDone(page);
  await settle();
  await sandbox.post('/__sandbox/reset-counts');
  await saveButton.click();
  const toast = page.getByTestId('save-result').first();
  await toast.waitFor({ timeout: 20000 });
  await waitForState((st) => st.outbox.length === 0 && st);
  const counts = await sandbox.counts();
  assert.equal(counts.total, 1, 'exactly one CRM API call for the save: ' + JSON.stringify(counts));
  const { records } = await sandbox.records('Contact');
  const ada = records.filter((r) => r.LastName === 'Lovelace');
  assert.equal(ada.length, 1, JSON.stringify(ada));
  assert.equal(ada[0].CreatedById, ids.integration);
  assert.equal(ada[0].OwnerId, ids.rep);
  assert.match(String(ada[0].Description || ''), /on behalf of rep@acme\.example/);
  const s = await send(options, { kind: 'get_state' });
  assert.equal(s.recent_saves[0].status, 'created');
  assert.ok(s.recent_saves[0].reasons.length > 0);
  await ext.screenshot(page, 'save-linkedin-toast');
});

test('a bulk save of a search page twice creates every public person once', { skip }, async () => {
  const url = 'https://www.linkedin.com/search/results/people/';
  const countContacts = async () => (await sandbox.records('Contact')).records.length;
  const before = await countContacts();
  let page = await ext.page(url);
  await page.getByTestId('save-all').first().waitFor({ timeout: 15000 });
  await lookupsDone(page);
  await settle();
  await page.getByTestId('save-all').first().click();
  await page.getByTestId('save-result').first().waitFor({ timeout: 30000 });
  await waitForState((st) => st.outbox.length === 0 && st);
  const afterFirst = await countContacts();
  assert.ok(afterFirst > before, 'the first bulk save created people');
  await page.close();

  page = await ext.page(url);
  await page.getByTestId('save-all').first().waitFor({ timeout: 15000 });
  await lookupsDone(page);
  await settle();
  await page.getByTestId('save-all').first().click();
  await page.getByTestId('save-result').first().waitFor({ timeout: 30000 });
  await waitForState((st) => st.outbox.length === 0 && st);
  assert.equal(await countContacts(), afterFirst, 'the second bulk save created nobody again');
  const { records } = await sandbox.records('Contact');
  const names = records.map((r) => `${r.FirstName} ${r.LastName}`);
  assert.equal(new Set(names).size, names.length, 'no duplicate names: ' + names.join(', '));
  assert.ok(!names.some((n) => /LinkedIn Member/.test(n)), 'private members are never saved');
});

test('no token value in content-script answers, page DOM, popup or options DOM', { skip }, async () => {
  const stored = await ext.currentWorker().evaluate(() => chrome.storage.local.get(null));
  const secrets = Object.entries(stored)
    .filter(([key]) => key.startsWith('secret:'))
    .flatMap(([, v]) => [v && v.access_token, v && v.refresh_token])
    .filter(Boolean);
  assert.ok(secrets.length >= 2);

  // Ask the worker from the content script's own isolated world, as the content script does.
  const page = await ext.page('https://www.linkedin.com/in/ada-lovelace/');
  await page.getByTestId('save-prospect').first().waitFor({ timeout: 15000 });
  const cdp = await ext.context.newCDPSession(page);
  const contexts = [];
  cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
  await cdp.send('Runtime.enable');
  const isolated = await waitUntil(() => contexts.find((c) => c.auxData && c.auxData.type === 'isolated' && c.origin.includes(ext.extensionId))
    || contexts.find((c) => c.auxData && c.auxData.type === 'isolated'), { timeout: 5000, every: 20, what: 'the content script world' }).catch(() => null);
  assert.ok(isolated, 'the content script world is reachable');
  const ask = async (message) => {
    const { result } = await cdp.send('Runtime.evaluate', {
      contextId: isolated.id, awaitPromise: true, returnByValue: true,
      expression: `chrome.runtime.sendMessage(${JSON.stringify(message)})`,
    });
    return result.value;
  };
  const prospect = { full_name: 'Ada Lovelace', linkedin_url: 'https://www.linkedin.com/in/ada-lovelace/' };
  const answers = [
    await ask({ kind: 'lookup', source: 'linkedin_extension', prospects: [prospect] }),
    await ask({ kind: 'preview', source: 'linkedin_extension', push: 'single' }),
    await ask({ kind: 'save', source: 'linkedin_extension', push: 'single', prospects: [prospect], activity: null, page_url: page.url() }),
    await ask({ kind: 'get_state' }),
    await ask({ kind: 'save', source: 'gmail_extension', push: 'single', prospects: [prospect], activity: null }),
  ];
  assert.equal(answers[0].ok, true, JSON.stringify(answers[0]));
  assert.equal(answers[2].ok, true, JSON.stringify(answers[2]));
  assert.equal(answers[2].results[0].status, 'linked', 'saving a known person links it');
  assert.equal(answers[3].ok, false, 'a content script may not read the state');
  assert.equal(answers[3].error.code, 'unknown_sender');
  assert.equal(answers[4].ok, false, 'a LinkedIn page may not claim the Gmail source');

  const popup = await ext.openPopup();
  await popup.waitForLoadState('load');
  await options.reload();
  await options.getByTestId('connection-team_sync').getByText('integration@acme.example').waitFor(); // rendered from the state
  const texts = [JSON.stringify(answers), await deepMarkup(page), await deepMarkup(popup), await deepMarkup(options)];
  for (const secret of secrets) {
    for (const text of texts) assert.ok(!text.includes(secret), 'a token leaked');
  }
});
