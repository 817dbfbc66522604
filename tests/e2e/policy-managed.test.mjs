// Team settings by policy (chrome.storage.managed) in real Chromium with the real worker:
// - with no policy set, the worker reads managed storage without error and nothing is locked;
// - the manifest declares the managed schema, and its fields are exactly the team settings
//   export's fields (one shape for policy, import and export);
// - with a real Chromium policy (a managed policy file for this extension's id under
//   /etc/chromium/policies/managed, only when that directory is writable), the policy values
//   win over local ones and the options page shows them locked.
// The merge rules themselves are tested natively in crates/saves (policy.rs).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, rmdir, writeFile, access } from 'node:fs/promises';
import { constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchExtension, extensionDir } from './harness.mjs';

const POLICY_DIR = '/etc/chromium/policies/managed';
const send = (page, message) => page.evaluate((m) => chrome.runtime.sendMessage(m), message);
const cleanups = [];

after(async () => {
  for (const clean of cleanups.reverse()) await clean();
});

test('no policy: managed storage reads cleanly, nothing locked, schema matches the export', async () => {
  const ext = await launchExtension();
  cleanups.push(() => ext.stop());
  const managed = await ext.currentWorker().evaluate(() => chrome.storage.managed.get(null));
  assert.deepEqual(managed, {});
  const options = await ext.openOptions();
  await options.getByTestId('crm-choice').waitFor();
  const state = await send(options, { kind: 'get_state' });
  assert.equal(state.ok, true, JSON.stringify(state));
  assert.deepEqual(state.policy, { active: false, locked: [], error: null });
  assert.equal(await options.getByTestId('policy-banner').isHidden(), true);
  assert.equal(await options.getByTestId('client-id').isDisabled(), false);

  const schemaPath = await ext.currentWorker().evaluate(() => chrome.runtime.getManifest().storage.managed_schema);
  const schema = await ext.currentWorker().evaluate(async (p) => (await fetch(chrome.runtime.getURL(p))).json(), schemaPath);
  const exported = JSON.parse((await send(options, { kind: 'export_settings' })).json);
  assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(exported).sort());
  assert.deepEqual(Object.keys(schema.properties.settings.properties).sort(), Object.keys(exported.settings).sort());
  assert.ok(!Object.keys(schema.properties).some((k) => /secret|token/.test(k)), 'no secrets by policy');
});

/** Chromium's id for an unpacked extension: SHA-256 of its absolute path, a–p encoded. */
function unpackedId(dir) {
  const hex = createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

/** Creates `dir` when missing (removing what it created at the end); false if not writable. */
async function writable(dir) {
  const created = [];
  for (let d = dir; !(await exists(d)); d = path.dirname(d)) created.push(d);
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  } finally {
    cleanups.unshift(async () => { for (const d of created) await rmdir(d).catch(() => {}); });
  }
}

async function exists(p) {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

const policySkip = (await writable(POLICY_DIR)) ? false : POLICY_DIR + ' is not writable (needs root)';

test('a real policy wins over local settings and is shown locked', { skip: policySkip }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-policy-ext-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(await extensionDir(), dir, { recursive: true });
  const id = unpackedId(dir);
  // Scoped to this test's own extension id: no other browser or extension is affected.
  const file = path.join(POLICY_DIR, 'leadline-test-' + id + '.json');
  const policy = { crm: 'salesforce', login_host: 'sandbox', client_id: 'policy-client-id', settings: { log_emails: false } };
  await writeFile(file, JSON.stringify({ '3rdparty': { extensions: { [id]: policy } } }));
  cleanups.push(() => rm(file, { force: true }));

  const ext = await launchExtension({ dir });
  cleanups.push(() => ext.stop());
  assert.equal(ext.extensionId, id);
  const managed = await ext.currentWorker().evaluate(() => chrome.storage.managed.get(null));
  assert.deepEqual(managed, policy);
  const options = await ext.openOptions();
  await options.getByTestId('policy-banner').waitFor();
  let state = await send(options, { kind: 'get_state' });
  assert.equal(state.policy.active, true);
  assert.deepEqual(state.policy.locked, ['crm', 'login_host', 'client_id', 'settings.log_emails']);
  assert.equal(state.config.client_id, 'policy-client-id');
  assert.equal(state.settings.log_emails, false);
  // A local change to a locked field does not stick; an unlocked one does.
  assert.equal((await send(options, { kind: 'set_config', client_id: 'local-id', me_email: 'rep@acme.example' })).ok, true);
  state = await send(options, { kind: 'get_state' });
  assert.equal(state.config.client_id, 'policy-client-id');
  assert.equal(state.me.email, 'rep@acme.example');
  await options.reload();
  await options.getByTestId('policy-banner').waitFor();
  assert.equal(await options.getByTestId('client-id').isDisabled(), true);
  assert.equal(await options.getByTestId('login-host').isDisabled(), true);
  assert.equal(await options.getByTestId('log-emails').isDisabled(), true);
  assert.equal(await options.getByTestId('match-account').isDisabled(), false);
  assert.match(await options.getByTestId('policy-banner').textContent(), /Managed by your organization/);
  await ext.screenshot(options, 'options-policy-locked');
});
