// Domain rules have one owner, the Rust core, and the extension receives its answers: names go
// to the core unsplit and come back split (crates/crm/src/name.rs), the undo window and the
// waiting result come from the core (`contract`, `queued_result`), and who on a list page is a
// private member is the core's answer for each card (the lookup's `cards`, tested natively in
// crates/saves: inbound/card.rs, tests/bulk.rs; the page has no rule of its own). These tests
// check that the page leaves a person's name to the core, and that no content script holds a
// private-member rule of its own.
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

/** Every content script's source, by path relative to extension/. */
function contentScripts() {
  const dir = path.join(ROOT, 'extension', 'content');
  return fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.js'))
    .map((f) => ['content/' + f, fs.readFileSync(path.join(dir, f), 'utf8')]);
}

/** How a private-member rule would read in a content script, each with what it does. */
const PRIVATE_RULES = [
  [/\/\^?\s*linkedin\\?\s+member/i, 'tests a name against "LinkedIn Member"'],
  [/['"`]linkedin member['"`]\s*[)=!]|[=!]=+\s*['"`]linkedin member['"`]/i, 'compares a name with "LinkedIn Member"'],
  [/(includes|indexOf|startsWith|endsWith|test|match)\(\s*['"`/][^'"`]*headless/, 'tests a link for /headless'],
  [/\bisPrivateMember\b/, 'names a private-member check'],
];

test('no content script decides who is a private member: the core answers each card', () => {
  const files = contentScripts();
  assert.ok(files.some(([f]) => f.endsWith('search-list.js')), files.map(([f]) => f).join(' '));
  for (const [file, text] of files) {
    for (const [rule, what] of PRIVATE_RULES) assert.doesNotMatch(text, rule, `${file} ${what}`);
  }
  // Each pattern finds the rule it stands for.
  const rules = ["/^linkedin member$/i.test(n)", "name === 'LinkedIn Member'", "href.includes('/headless')", 'dom.isPrivateMember(n)'];
  rules.forEach((text, i) => assert.match(text, PRIVATE_RULES[i][0]));
});
