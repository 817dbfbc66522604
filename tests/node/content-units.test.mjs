// The content scripts' pure parsers, run in Node (no browser): name and headline splitting,
// profile URLs, who is internal in Gmail, email signatures and Gmail dates. Tables of
// situations, one row per case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const FILES = ['common/dom.js', 'common/layouts.js', 'gmail/account.js', 'gmail/signature.js', 'gmail/layouts.js', 'gmail/thread.js'];
const sandbox = vm.createContext({ URL });
sandbox.globalThis = sandbox;
for (const file of FILES) {
  vm.runInContext(fs.readFileSync(path.join(ROOT, 'extension', 'content', file), 'utf8'), sandbox, { filename: file });
}
const { dom, gmail } = sandbox.Leadline;
const plain = (value) => JSON.parse(JSON.stringify(value));

// Names are split by the core's one rule (crates/crm/src/name.rs, whose table holds the rows
// this file's splitName table had, "Ada Lovelace, PhD 🚀" and particles included): a content
// script sends the name as the page shows it, and a first/last name only when the page shows
// them apart.
test('prospect sends the name as shown; the core splits it', () => {
  const rows = [
    [{ full_name: 'Siobhán Ní Bhriain' }, 'Siobhán Ní Bhriain', null, null],
    [{ full_name: '  Ada   King Lovelace ' }, 'Ada King Lovelace', null, null],
    [{ full_name: 'Ada Lovelace, PhD 🚀' }, 'Ada Lovelace, PhD 🚀', null, null],
    [{ full_name: 'Ada Lovelace', first_name: ' Augusta ', last_name: 'King' }, 'Ada Lovelace', 'Augusta', 'King'],
    [{ full_name: '  ' }, null, null, null],
  ];
  for (const [fields, full, first, last] of rows) {
    const p = plain(dom.prospect(fields));
    assert.deepEqual([p.full_name, p.first_name, p.last_name], [full, first, last], JSON.stringify(fields));
  }
  assert.equal(dom.splitName, undefined, 'no name rule in the content scripts');
});

test('splitHeadline reads "Title at Company" and leaves other shapes as a title', () => {
  const rows = [
    ['Head of Analytics at Babbage Engines | Numbers', 'Head of Analytics', 'Babbage Engines'],
    ['CTO @ Piekarnia.io', 'CTO', 'Piekarnia.io'],
    ['Directrice commerciale chez Lumière SA', 'Directrice commerciale chez Lumière SA', null],
    ['Robotics Program Manager · Building friendly factories', 'Robotics Program Manager', null],
    [null, null, null],
  ];
  for (const [headline, title, company] of rows) {
    assert.deepEqual(plain(dom.splitHeadline(headline)), { title, company }, String(headline));
  }
});

test('profileUrl keeps only public /in/ profiles on www.linkedin.com, without query or trailing slash', () => {
  const rows = [
    ['https://www.linkedin.com/in/asa-lindqvist?miniProfileUrn=urn%3Ali', 'https://www.linkedin.com/in/asa-lindqvist'],
    ['/in/ada-lovelace/overlay/contact-info/', 'https://www.linkedin.com/in/ada-lovelace'],
    ['https://www.linkedin.com/search/results/people/headless?x=1', null],
    ['https://evil.example/in/ada-lovelace', null],
    ['javascript:alert(1)', null],
    [null, null],
  ];
  for (const [href, url] of rows) assert.equal(dom.profileUrl(href), url, String(href));
});

test('internalTest: the rep and the company domain (with subdomains) are internal, public mail domains are not shared', () => {
  const acme = gmail.account.internalTest('rep@acme.example');
  const rows = [
    ['rep@acme.example', true],
    ['REP@Acme.Example', true],
    ['sam@acme.example', true],
    ['lee@eu.acme.example', true],
    ['marta@globex.example', false],
    ['x@notacme.example', false],
  ];
  for (const [email, internal] of rows) assert.equal(acme(email), internal, email);
  const gmailRep = gmail.account.internalTest('rita.rep@gmail.com');
  assert.equal(gmailRep('rita.rep@gmail.com'), true);
  assert.equal(gmailRep('prospect@gmail.com'), false);
});

test('signature.parse: Gmail, Outlook and bare signatures', () => {
  const rows = [
    [['Márta Kovács', 'Head of Procurement', 'Globex Corporation', 'Tel: +36 1 555 0134', 'globex.example'], 'Márta Kovács', true,
      { title: 'Head of Procurement', company: 'Globex Corporation', phone: '+36 1 555 0134' }],
    [['Thanks all.', 'Ben O’Neil', 'Chief Technology Officer | Initech', 'Mobile: +1 (415) 555-0199'], "Ben O'Neil", false,
      { title: 'Chief Technology Officer', company: 'Initech', phone: '+1 (415) 555-0199' }],
    [['Best,', 'Jo', 'VP Sales, Umbrella Corp', 'm. 020 7946 0958'], 'Jo Smith', false,
      { title: 'VP Sales', company: 'Umbrella Corp', phone: '020 7946 0958' }],
    [['Can we start on December 1?', 'Best,'], 'Nobody Here', false, { title: null, company: null, phone: null }],
    [['Call me on 2026'], 'X', true, { title: 'Call me on 2026', company: null, phone: null }],
  ];
  for (const [lines, name, marked, expected] of rows) {
    assert.deepEqual(plain(gmail.signature.parse(lines, name, marked)), expected, lines.join(' / '));
  }
});

test('isoDate reads Gmail date titles in US and UK order', () => {
  const rows = [
    ['Fri, Nov 21, 2026, 9:14 AM', '2026-11-21'],
    ['21 Nov 2026, 09:14', '2026-11-21'],
    ['Thu, 5 Feb 2026 at 10:02', '2026-02-05'],
    ['yesterday', null],
  ];
  for (const [text, iso] of rows) assert.equal(gmail.thread.isoDate(text), iso, text);
});
