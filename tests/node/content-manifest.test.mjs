// Conventions of the manifest and the extension pages, checked by a machine: the narrowest
// permissions, nothing exposed to web pages, every content script declared and present, icons
// that are real PNGs of the declared size, and no HTML-string sinks in extension code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
const EXT = path.join(ROOT, 'extension');

function filesUnder(dir, ext) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(path.join(dir, d.name), ext) : d.name.endsWith(ext) ? [path.join(dir, d.name)] : []);
}

test('MV3 with a module service worker and the narrowest permissions', () => {
  assert.equal(manifest.manifest_version, 3);
  assert.deepEqual(manifest.background, { service_worker: 'background/worker.js', type: 'module' });
  assert.deepEqual([...manifest.permissions].sort(), ['alarms', 'identity', 'storage']);
  assert.deepEqual([...manifest.host_permissions].sort(), [
    'https://*.my.salesforce.com/*', 'https://api.hubapi.com/*', 'https://login.salesforce.com/*', 'https://test.salesforce.com/*',
  ]);
  assert.equal(manifest.content_security_policy.extension_pages, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
});

test('nothing is exposed to web pages or other extensions', () => {
  assert.equal('web_accessible_resources' in manifest, false);
  assert.equal('externally_connectable' in manifest, false);
});

test('content scripts: LinkedIn everywhere (SPA) and Gmail, every file declared exists, every file is declared', () => {
  const [linkedin, gmail] = manifest.content_scripts;
  assert.deepEqual(linkedin.matches, ['https://www.linkedin.com/*']);
  assert.deepEqual(gmail.matches, ['https://mail.google.com/*']);
  const declared = new Set(manifest.content_scripts.flatMap((c) => c.js));
  for (const file of declared) assert.ok(fs.existsSync(path.join(EXT, file)), file + ' is missing');
  const present = filesUnder(path.join(EXT, 'content'), '.js').map((f) => path.relative(EXT, f));
  assert.deepEqual(present.filter((f) => !declared.has(f)), [], 'content files not in the manifest');
  // Site entry points run last, after the shared files and extractors they use.
  assert.equal(linkedin.js.at(-1), 'content/linkedin/main.js');
  assert.equal(gmail.js.at(-1), 'content/gmail/main.js');
  assert.deepEqual(linkedin.js.slice(0, 5), gmail.js.slice(0, 5));
});

test('options page, popup and icons are present; icons are PNGs of their declared size', () => {
  assert.deepEqual(manifest.options_ui, { page: 'options/options.html', open_in_tab: true });
  assert.equal(manifest.action.default_popup, 'popup/popup.html');
  for (const page of [manifest.options_ui.page, manifest.action.default_popup]) assert.ok(fs.existsSync(path.join(EXT, page)), page);
  for (const [size, file] of Object.entries(manifest.icons)) {
    const png = fs.readFileSync(path.join(EXT, file));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', file);
    assert.equal(png.readUInt32BE(16), Number(size), file + ' width');
    assert.equal(png.readUInt32BE(20), Number(size), file + ' height');
  }
});

test('extension pages and content scripts never build HTML from strings and each file says what it is', () => {
  const files = ['content', 'options', 'popup'].flatMap((d) => filesUnder(path.join(EXT, d), '.js'));
  assert.ok(files.length >= 15);
  for (const file of files) {
    const code = fs.readFileSync(file, 'utf8');
    const body = code.replace(/^\s*\/\/.*$/gm, '');
    assert.doesNotMatch(body, /\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write\(|\beval\(|new Function\(/, file);
    assert.match(code, /^\/\/ \S/, file + ' starts with a comment saying what it is for');
  }
});
