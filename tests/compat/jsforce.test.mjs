// Compatibility: jsforce (a Salesforce client nobody here wrote) against the sandbox, unchanged.
// Run: cargo build -p sandbox && node --test tests/compat/
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSandbox } from './harness.mjs';

let sandbox;
const run = (scenario) => sandbox.runClient('jsforce-client.mjs', scenario);

before(async () => {
  sandbox = await startSandbox();
});

after(async () => {
  const status = await sandbox?.stop();
  assert.deepEqual(status, { code: 0, signal: null }, 'SIGTERM exits cleanly');
});

test('username-password login, identity', async () => {
  const r = await run('login');
  assert.equal(r.instanceUrl, sandbox.url);
  assert.match(r.info.id, /^005\w{15}$/);
  assert.match(r.info.organizationId, /^00D\w{15}$/);
  assert.equal(r.identity.username, 'rep@acme.example');
  assert.equal(r.identity.user_id, r.info.id);
});

test("web server flow with jsforce's own PKCE, then refresh", async () => {
  const r = await run('webServerFlowWithPkce');
  assert.equal(r.state, 'jsforce-state');
  assert.equal(r.me.Username, 'rep2@acme.example');
  assert.equal(r.me.Id, r.info.id);
  assert.ok(r.hasRefreshToken);
  assert.ok(r.refreshedHasAccess);
});

test('five approvals per user per app: the sixth revokes the first, whose refresh gets invalid_grant', async () => {
  const r = await run('sixthApprovalRevokesTheFirst');
  assert.equal(r.first.threw, true);
  assert.equal(r.first.name, 'invalid_grant');
  assert.match(r.first.message, /expired access\/refresh token/);
  assert.ok(r.secondHasAccess);
  assert.ok(r.sixthHasAccess);
  const approvals = await sandbox.admin('GET', 'approvals?user=readonly%40acme.example&client_id=leadline-sandbox-client');
  assert.equal(approvals.total, 5);
});

test('a confidential app refuses a code exchange or refresh without its secret', async () => {
  const r = await run('confidentialClientNeedsItsSecret');
  assert.equal(r.withoutSecret.threw, true);
  assert.equal(r.withoutSecret.name, 'invalid_client');
  assert.match(r.withoutSecret.message, /invalid client credentials/);
  assert.ok(r.withSecretHasRefresh);
  assert.equal(r.refreshWithoutSecret.name, 'invalid_client');
});

test('create, retrieve, update, query with escaped literals, count, describe, delete', async () => {
  const r = await run('crud');
  assert.equal(r.created.success, true);
  assert.match(r.created.id, /^003\w{15}$/);
  assert.equal(r.retrieved.LastName, "O'Brien");
  assert.equal(r.retrieved.attributes.type, 'Contact');
  assert.equal(r.updated.success, true);
  assert.equal(r.escaped.totalSize, 1);
  assert.equal(r.escaped.records[0].Title, 'CTO');
  assert.equal(r.escaped.records[0].Owner.Name, 'Rita Rep');
  assert.deepEqual(r.found.map((c) => c.Email), ['ada.obrien@example.com']);
  assert.equal(r.count, 1);
  assert.ok(r.describedFields > 10);
  assert.equal(r.destroyed.success, true);
  assert.equal(r.afterDelete.errorCode, 'NOT_FOUND');
  assert.equal(r.limitInfo.apiUsage.limit, 15000);
  assert.ok(r.limitInfo.apiUsage.used > 0, 'jsforce read Sforce-Limit-Info');
});

test('sObject Collections through jsforce (create/retrieve/update/destroy arrays)', async () => {
  const r = await run('collections');
  assert.deepEqual(r.created.map((x) => x.success), [true, true]);
  assert.deepEqual(r.retrieved.map((x) => x.LastName), ['Collection One', 'Collection Two']);
  assert.deepEqual(r.updated.map((x) => x.success), [true, true]);
  assert.deepEqual(r.partial.map((x) => x.success), [true, false, false]);
  assert.equal(r.partial[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING');
  assert.equal(r.partial[2].errors[0].statusCode, 'DUPLICATES_DETECTED');
  assert.deepEqual(r.destroyed.map((x) => x.success), [true, true]);
});

test('composite with references, and allOrNone rollback', async () => {
  const r = await run('composite');
  assert.deepEqual(r.ok.compositeResponse.map((s) => s.httpStatusCode), [201, 201, 201]);
  assert.deepEqual(
    r.halted.compositeResponse.map((s) => s.body[0].errorCode),
    ['PROCESSING_HALTED', 'REQUIRED_FIELD_MISSING'],
  );
  assert.equal(r.rolledBackAccounts, 0);
});

test("errors surface as jsforce's own error objects", async () => {
  const r = await run('errors');
  const codes = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.threw && v.errorCode]));
  assert.deepEqual(codes, {
    duplicate: 'DUPLICATES_DETECTED',
    required: 'REQUIRED_FIELD_MISSING',
    tooLong: 'STRING_TOO_LONG',
    malformed: 'MALFORMED_QUERY',
    noAccess: 'INSUFFICIENT_ACCESS_OR_READONLY',
    inactiveOwner: 'INACTIVE_OWNER_OR_USER',
    limit: 'REQUEST_LIMIT_EXCEEDED',
  });
  assert.ok(r.duplicate.data.duplicateResut.matchResults[0].matchRecords[0].record.Id.startsWith('003'));
  assert.deepEqual(r.required.data.fields, ['LastName']);
});

test('INVALID_SESSION_ID after expire-tokens; a password session logs in again by itself', async () => {
  const r = await run('sessionExpiry');
  assert.equal(r.before, 1);
  assert.equal(r.expired.errorCode, 'INVALID_SESSION_ID');
  assert.equal(r.again, 1);
  assert.ok(r.tokenChanged);
});
