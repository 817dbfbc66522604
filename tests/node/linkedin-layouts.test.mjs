// LinkedIn layouts register themselves (extension/content/linkedin/layouts.js): a layout is one
// file that calls `layouts.register(...)` plus its line in manifest.json, and main.js names no
// layout. This test fails when a layout file exists but the manifest does not load it (or the
// manifest loads one that does not register), when a layout loads before the registry or after
// main.js, and when main.js names a layout module instead of asking the registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXT = path.join(ROOT, 'extension');
const DIR = path.join(EXT, 'content', 'linkedin');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
const linkedinScripts = manifest.content_scripts.find((c) => c.matches.includes('https://www.linkedin.com/*')).js;

/** LinkedIn content files (relative to extension/) whose code registers a layout. */
function layoutFiles() {
  return fs.readdirSync(DIR).filter((f) => f.endsWith('.js'))
    .filter((f) => /\blayouts\.register\(|\bregister\(\{\s*name:/.test(fs.readFileSync(path.join(DIR, f), 'utf8')))
    .map((f) => 'content/linkedin/' + f);
}

/** Runs the manifest's LinkedIn scripts (all but the entry point) as Chrome would, in order. */
function loadScripts(files) {
  const context = vm.createContext({ URL, console });
  context.globalThis = context;
  for (const file of files) {
    vm.runInContext(fs.readFileSync(path.join(EXT, file), 'utf8'), context, { filename: file });
  }
  return context.Leadline;
}

test('every layout file is in the manifest, and every manifest layout registers', () => {
  const files = layoutFiles();
  assert.ok(files.length >= 4, `layout files: ${files}`);
  assert.deepEqual(files.filter((f) => !linkedinScripts.includes(f)), [], 'layout files manifest.json does not load');
  const Leadline = loadScripts(linkedinScripts.filter((f) => !f.endsWith('/main.js')));
  const names = Leadline.linkedin.layouts.names();
  assert.equal(names.length, files.length, `registered ${names} from ${files}`);
  for (const page of Leadline.linkedin.layouts.PAGES) {
    assert.ok(Leadline.linkedin.layouts.forPage(page).length >= 1, `no layout reads ${page} pages`);
  }
});

test('the registry loads before every layout, the entry point after all of them', () => {
  const at = (file) => linkedinScripts.indexOf(file);
  const registry = at('content/linkedin/layouts.js');
  assert.ok(registry >= 0, 'layouts.js is in the manifest');
  for (const file of layoutFiles()) {
    assert.ok(at(file) > registry, `${file} loads after layouts.js`);
    assert.ok(at(file) < at('content/linkedin/main.js'), `${file} loads before main.js`);
  }
});

test('main.js asks the registry and names no layout', () => {
  const main = fs.readFileSync(path.join(DIR, 'main.js'), 'utf8');
  assert.match(main, /layouts\.forPage\(/);
  assert.doesNotMatch(main, /\b(profileClassic|profileNew|searchList|companyPeople)\b/);
});

test('a malformed or repeated layout is refused at load', () => {
  const { layouts } = loadScripts(['content/common/dom.js', 'content/linkedin/layouts.js']).linkedin;
  layouts.register({ name: 'x', page: 'profile', read: () => ({ status: 'none' }) });
  assert.throws(() => layouts.register({ name: 'x', page: 'profile', read: () => null }), /twice/);
  assert.throws(() => layouts.register({ name: 'y', page: 'feed', read: () => null }), /page kind/);
  assert.throws(() => layouts.register({ name: 'z', page: 'search' }), /read/);
  assert.deepEqual([...layouts.names()], ['x']);
});

test('the one stale-card check: another profile in the card is stale, none or the same is not', () => {
  const { layouts } = loadScripts(['content/common/dom.js', 'content/linkedin/layouts.js']).linkedin;
  const card = (...hrefs) => ({ querySelectorAll: () => hrefs.map((href) => ({ href })) });
  const url = 'https://www.linkedin.com/in/ada-lovelace/';
  assert.equal(layouts.isStale(card('https://www.linkedin.com/in/grace-hopper/'), url, 'a'), true);
  assert.equal(layouts.isStale(card('https://www.linkedin.com/in/ada-lovelace/overlay/contact-info/'), url, 'a'), false);
  assert.equal(layouts.isStale(card(), url, 'a'), false);
  assert.equal(layouts.isStale(card('https://www.linkedin.com/in/grace-hopper/'), 'https://www.linkedin.com/feed/', 'a'), false);
});
