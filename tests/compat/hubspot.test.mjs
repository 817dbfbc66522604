// Compatibility: @hubspot/api-client (HubSpot's own SDK) against the sandbox, unchanged.
// Run: cargo build -p sandbox && node --test tests/compat/
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSandbox } from './harness.mjs';

let sandbox;
const run = (scenario) => sandbox.runClient('hubspot-client.mjs', scenario);

before(async () => {
  sandbox = await startSandbox();
});

after(async () => {
  await sandbox?.stop();
});

test('create a contact, read it by email, 409 on a duplicate, 404 and 400 errors', async () => {
  const r = await run('contacts');
  assert.match(r.created.id, /^\d+$/);
  assert.equal(r.created.properties.email, 'ada@example.com');
  assert.equal(r.byEmail.id, r.created.id);
  assert.equal(r.byEmail.properties.hubspot_owner_id, '41629003');
  assert.equal(r.conflict.code, 409);
  assert.equal(r.conflict.body.category, 'CONFLICT');
  assert.equal(r.conflict.body.message, `Contact already exists. Existing ID: ${r.created.id}`);
  assert.equal(r.missing.code, 404);
  assert.equal(r.badOwner.code, 400);
  assert.equal(r.badOwner.body.category, 'VALIDATION_ERROR');
});

test('batch create, search (after the index lag), companies', async () => {
  const r = await run('batchAndSearch');
  assert.equal(r.batch.status, 'COMPLETE');
  assert.equal(r.batch.results.length, 3);
  assert.equal(r.fresh.total, 0, 'search lags new records, as HubSpot\'s index does');
  assert.equal(r.search.total, 1);
  assert.equal(r.search.results[0].properties.lastname, 'Batch1');
  assert.equal(r.company.properties.name, 'Analytical Engines');
});

test('owners: by email, all active, by userId', async () => {
  const r = await run('owners');
  assert.equal(r.page.results[0].id, '41629003');
  assert.equal(r.page.results[0].email, 'rep@acme.example');
  assert.equal(r.count, 8, 'the nine seeded users but gone@acme.example, who is archived');
  assert.equal(r.byUserId.id, '41629004');
});

test('OAuth code exchange with the SDK, token info, refresh, then 401 once expired', async () => {
  const r = await run('oauth');
  assert.equal(r.state, 'hs-state');
  assert.equal(r.tokens.expiresIn, 1800);
  assert.ok(r.tokens.refreshToken);
  assert.equal(r.info.user, 'rep@acme.example');
  assert.equal(r.info.hubId, 24681357);
  assert.equal(r.me.id, '41629003');
  assert.equal(r.created.properties.hubspot_owner_id, '41629003');
  assert.ok(r.refreshedDiffers);
  assert.equal(r.expired.code, 401);
  assert.equal(r.expired.body.category, 'EXPIRED_AUTHENTICATION');
});

test('429 from fault injection reaches the SDK as an ApiException', async () => {
  const r = await run('rateLimited');
  assert.equal(r.limited.code, 429);
  assert.equal(r.limited.body.category, 'RATE_LIMITS');
  assert.equal(r.afterCount, 8, 'the active owners, once the fault is spent');
});
