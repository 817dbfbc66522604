// Layouts register themselves (extension/content/common/layouts.js, one registry per site:
// linkedin/layouts.js, gmail/layouts.js): a layout is one file that calls
// `layouts.register(...)` plus its line in manifest.json, and a site's main.js names no layout.
// For each site this test fails when a layout file exists but the manifest does not load it (or
// the manifest loads one that does not register), when a layout loads before its registry or
// after main.js, and when main.js names a layout module instead of asking the registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXT = path.join(ROOT, 'extension');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));

/** Each site: its content folder, its manifest entry, and the layout modules main.js must not name. */
const SITES = [
  { site: 'linkedin', match: 'https://www.linkedin.com/*', modules: /\b(profileClassic|profileNew|searchList|companyPeople)\b/, least: 4 },
  { site: 'gmail', match: 'https://mail.google.com/*', modules: /\bthread\.(identify|read)\(|\bgmail\.thread\b|\{[^}]*\bthread\b[^}]*\}\s*=\s*Leadline\.gmail/, least: 1 },
];

const scriptsOf = (match) => manifest.content_scripts.find((c) => c.matches.includes(match)).js;

/** A site's content files (relative to extension/) whose code registers a layout. */
function layoutFiles(site) {
  const dir = path.join(EXT, 'content', site);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.js'))
    .filter((f) => /\blayouts\.register\(|\bregister\(\{\s*name:/.test(fs.readFileSync(path.join(dir, f), 'utf8')))
    .map((f) => 'content/' + site + '/' + f);
}

/** Runs `files` as Chrome would, in order, in one fresh context; answers its `Leadline`. */
function loadScripts(files) {
  const context = vm.createContext({ URL, console });
  context.globalThis = context;
  for (const file of files) {
    vm.runInContext(fs.readFileSync(path.join(EXT, file), 'utf8'), context, { filename: file });
  }
  return context.Leadline;
}

for (const { site, match, modules, least } of SITES) {
  const scripts = scriptsOf(match);

  test(`${site}: every layout file is in the manifest, and every manifest layout registers`, () => {
    const files = layoutFiles(site);
    assert.ok(files.length >= least, `layout files: ${files}`);
    assert.deepEqual(files.filter((f) => !scripts.includes(f)), [], 'layout files manifest.json does not load');
    const Leadline = loadScripts(scripts.filter((f) => !f.endsWith('/main.js')));
    const { layouts } = Leadline[site];
    const names = layouts.names();
    assert.equal(names.length, files.length, `registered ${names} from ${files}`);
    for (const page of layouts.PAGES) {
      assert.ok(layouts.forPage(page).length >= 1, `no layout reads ${page} pages`);
    }
  });

  test(`${site}: the registry loads before every layout, the entry point after all of them`, () => {
    const at = (file) => scripts.indexOf(file);
    const registry = at(`content/${site}/layouts.js`);
    assert.ok(registry >= 0, 'layouts.js is in the manifest');
    assert.ok(at('content/common/layouts.js') >= 0 && at('content/common/layouts.js') < registry, 'the shared registry loads first');
    for (const file of layoutFiles(site)) {
      assert.ok(at(file) > registry, `${file} loads after layouts.js`);
      assert.ok(at(file) < at(`content/${site}/main.js`), `${file} loads before main.js`);
    }
  });

  test(`${site}: main.js asks the registry and names no layout`, () => {
    const main = fs.readFileSync(path.join(EXT, 'content', site, 'main.js'), 'utf8');
    assert.match(main, /layouts\.forPage\(/);
    assert.doesNotMatch(main, modules);
  });
}

test('the main.js patterns catch a main.js that names its layouts', () => {
  const gmail = SITES.find((s) => s.site === 'gmail').modules;
  assert.match('const { account, thread, logEmail } = Leadline.gmail;', gmail);
  assert.match('const open = thread.identify(document);', gmail);
  assert.doesNotMatch('for (const layout of layouts.forPage(\'thread\')) layout.identify(document); // the open thread', gmail);
  assert.match('const info = Leadline.linkedin.searchList.read(document);', SITES[0].modules);
});

test('a malformed or repeated layout is refused at load', () => {
  const { layouts } = loadScripts(['content/common/dom.js', 'content/common/layouts.js', 'content/linkedin/layouts.js']).linkedin;
  layouts.register({ name: 'x', page: 'profile', read: () => ({ status: 'none' }) });
  assert.throws(() => layouts.register({ name: 'x', page: 'profile', read: () => null }), /twice/);
  assert.throws(() => layouts.register({ name: 'y', page: 'feed', read: () => null }), /page kind/);
  assert.throws(() => layouts.register({ name: 'z', page: 'search' }), /read/);
  assert.deepEqual([...layouts.names()], ['x']);
  const gmail = loadScripts(['content/common/layouts.js', 'content/gmail/layouts.js']).gmail.layouts;
  assert.throws(() => gmail.register({ name: 'g', page: 'thread', read: () => null }), /identify/);
  gmail.register({ name: 'g', page: 'thread', read: () => null, identify: () => null });
  assert.deepEqual([...gmail.names()], ['g']);
  assert.equal(typeof gmail.forPage('thread')[0].identify, 'function', 'a layout keeps what its site asks of it');
});

test('the one stale-card check: another profile in the card is stale, none or the same is not', () => {
  const { layouts } = loadScripts(['content/common/dom.js', 'content/common/layouts.js', 'content/linkedin/layouts.js']).linkedin;
  const card = (...hrefs) => ({ querySelectorAll: () => hrefs.map((href) => ({ href })) });
  const url = 'https://www.linkedin.com/in/ada-lovelace/';
  assert.equal(layouts.isStale(card('https://www.linkedin.com/in/grace-hopper/'), url, 'a'), true);
  assert.equal(layouts.isStale(card('https://www.linkedin.com/in/ada-lovelace/overlay/contact-info/'), url, 'a'), false);
  assert.equal(layouts.isStale(card(), url, 'a'), false);
  assert.equal(layouts.isStale(card('https://www.linkedin.com/in/grace-hopper/'), 'https://www.linkedin.com/feed/', 'a'), false);
});
