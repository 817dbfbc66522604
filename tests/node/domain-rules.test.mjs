// Domain rules have one owner, the Rust core, and the extension receives its answers: names go
// to the core unsplit and come back split (crates/crm/src/name.rs), the undo window and the
// waiting result come from the core (`contract`, `queued_result`). The one rule a page must
// answer before any round trip, "is this card a private member?" (the list pages count skipped
// people while the rep picks), is the core's `is_private_member`; this test holds the page's
// pre-check `dom.isPrivateMember` to the core's answer on a table of cards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const core = require(path.join(ROOT, 'dist', 'core-node'));

const context = vm.createContext({ URL });
context.globalThis = context;
vm.runInContext(fs.readFileSync(path.join(ROOT, 'extension', 'content', 'common', 'dom.js'), 'utf8'), context);
const { dom } = context.Leadline;

const team = {
  config: { crm: 'salesforce', client_id: 'abc', me_email: 'rep@acme.example' },
  connections: [{ role: 'team_sync', crm_user_id: '005I', name: 'Ivan', email: 'integration@acme.example',
    permission: 'admin', instance_url: 'https://acme.my.salesforce.com' }],
  crm_users: [{ id: '005I', name: 'Ivan', email: 'integration@acme.example', active: true }],
};

/** The core's plan for one person from a LinkedIn page. */
function plan(person) {
  const msg = { kind: 'save', source: 'linkedin_extension', push: 'single', prospects: [person] };
  const out = core.plan_save(team, msg, 's1', null);
  assert.equal(out.ok, true, JSON.stringify(out));
  return out;
}

test('the page and the core agree on who is a private member', () => {
  const rows = [
    ['LinkedIn Member', null, true],
    ['linkedin member', 'https://www.linkedin.com/in/x', true],
    ['Ada Lovelace', 'https://www.linkedin.com/search/results/people/headless?k=1', true],
    ['Ada Lovelace', 'https://www.linkedin.com/in/ada', false],
    ['LinkedIn Members Club', null, false],
  ];
  for (const [name, href, isPrivate] of rows) {
    assert.equal(dom.isPrivateMember(name, href), isPrivate, `page: ${name} ${href}`);
    const result = plan({ full_name: name, linkedin_url: href }).results[0];
    const refusedAsPrivate = result.status === 'failed' && /private/i.test(result.error.message);
    assert.equal(refusedAsPrivate, isPrivate, `core: ${name} ${href}: ${JSON.stringify(result)}`);
  }
});

test('the core splits the name the page sends as shown', () => {
  const rows = [
    ['Siobhán Ní Bhriain', 'Siobhán', 'Ní Bhriain'],
    ['Ada King Lovelace', 'Ada', 'King Lovelace'],
    ['Juan Carlos de la Cruz, MBA 🚀', 'Juan Carlos', 'de la Cruz'],
    ['Madonna', null, 'Madonna'],
  ];
  for (const [full, first, last] of rows) {
    const entry = plan(dom.prospect({ full_name: full, linkedin_url: 'https://www.linkedin.com/in/x' })).entries[0];
    assert.deepEqual([entry.prospect.first_name ?? null, entry.prospect.last_name], [first, last], full);
  }
});
