// "Add a person" when the rep has no connection of their own (issue 18, spec rule 5): the
// person is pushed with team sync (the fallback of rule 3), and the rep still owns it, found by
// email in the CRM user directory because this is the single "push to CRM" action. A person the
// CRM cannot take lands in the error log under the source "Manual".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxBinary, startSandbox, launchExtension, connectedSalesforce, waitForState } from './harness.mjs';

const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';
let sandbox;
let ext;
let options;

before(async () => {
  if (skip) return;
  sandbox = await startSandbox();
  ext = await launchExtension({ sandbox });
  options = await connectedSalesforce(ext, { personalUser: null });
});
after(async () => {
  await ext?.stop();
  await sandbox?.stop();
});

async function addPerson(popup, fields) {
  await popup.getByTestId('add-first-name').fill(fields.first);
  await popup.getByTestId('add-last-name').fill(fields.last);
  await popup.getByTestId('add-email').fill(fields.email || '');
  await popup.getByTestId('add-person-save').click();
  const line = popup.getByTestId('add-person-result');
  await line.filter({ hasText: /^(Created|Not saved|Already)/ }).waitFor({ timeout: 30000 });
  return line.innerText();
}

test('no personal connection: team sync creates it, the rep owns it by email match', { skip }, async () => {
  const state = await waitForState(options, (s) => s.connections.length === 1 && s.crm_users.length > 0 && s);
  const teamSync = state.connections[0].crm_user_id;
  const rep = state.crm_users.find((u) => u.email === 'rep@acme.example');
  assert.ok(rep && rep.id !== teamSync, 'the directory knows the rep: ' + JSON.stringify(state.crm_users));

  const popup = await ext.openPopup();
  await popup.getByText('Add a person').click();
  const text = await addPerson(popup, { first: 'Hedy', last: 'Byhand', email: 'hedy.byhand@manual.example' });
  const [record] = (await sandbox.records('Contact')).records.filter((r) => r.Email === 'hedy.byhand@manual.example');
  assert.ok(record, 'the person is in Salesforce');
  assert.equal(record.CreatedById, teamSync, 'Created By: team sync (the rep has no connection)');
  assert.equal(record.OwnerId, rep.id, 'Owner: the rep, matched by email (rule 5)');
  const saved = (await waitForState(options, (s) => s.recent_saves.find((r) => r.name === 'Hedy Byhand') && s))
    .recent_saves.find((r) => r.name === 'Hedy Byhand');
  assert.equal(text, `Created in Salesforce: Hedy Byhand (Contact) · Owner: ${saved.owner.name} · Created By: ${saved.created_by.name} · Source: added by hand`);
  assert.notEqual(saved.owner.name, saved.created_by.name);
  assert.ok(saved.reasons.some((r) => /email/i.test(r)), 'a reason names the email match: ' + JSON.stringify(saved.reasons));

  // A last name of blanks: refused before any request, and logged under the source "Manual".
  const refused = await addPerson(popup, { first: 'Nameless', last: '   ' });
  assert.match(refused, /^Not saved: Nameless \(Contact\) · Source: added by hand · .*a last name is required.*Fill in the last name and add the person again/);
  await popup.reload();
  const log = await popup.getByTestId('error-log').innerText();
  assert.match(log, /Nameless[\s\S]*Manual/, log);
  await popup.close();
});
