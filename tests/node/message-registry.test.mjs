// One message registry: extension/shared/messages.js is the only place a message kind is
// written. This test fails when its kinds differ from the ones the Rust core handles
// (`contract().kinds`, from dist/core-node), when an extension file writes a message kind as a
// string literal (`kind: 'save'`, `case 'lookup':` in a switch on a message's kind) instead
// of the registry's constant, or when a page imports the registry by name (it is a classic
// script: `import '../shared/messages.js'`, then `globalThis.Leadline.messages`), or when the
// worker's switch has no case for a content-script kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXT = path.join(ROOT, 'extension');
const REGISTRY = path.join(EXT, 'shared', 'messages.js');
const require = createRequire(import.meta.url);

/** The registry as a content script sees it (a classic script run in a fresh context). */
function loadRegistry() {
  const context = vm.createContext({});
  context.globalThis = context;
  vm.runInContext(fs.readFileSync(REGISTRY, 'utf8'), context, { filename: 'shared/messages.js' });
  return context.Leadline.messages;
}

function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(path.join(dir, d.name)) : d.name.endsWith('.js') ? [path.join(dir, d.name)] : []);
}

const registry = loadRegistry();
const kindsOf = (group) => Object.values(group).sort();
const ALL_KINDS = new Set([registry.CONTENT_TO_WORKER, registry.WORKER_TO_CONTENT, registry.UI_TO_WORKER].flatMap(Object.values));

/**
 * Message kinds written as literals in `code`: a `kind` compared with or set to a literal, and
 * the `case` labels of a `switch (message.kind)`. Comments are dropped first.
 */
export function literalKinds(code) {
  const body = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const found = [];
  for (const m of body.matchAll(/\bkind\s*(?:[!=]==?|:)\s*(['"`])([a-z_]+)\1/g)) found.push(m[2]);
  for (const m of body.matchAll(/(['"`])([a-z_]+)\1\s*[!=]==?\s*[\w.]*\bkind\b/g)) found.push(m[2]);
  for (const m of body.matchAll(/switch\s*\(\s*(?:message|msg|request)\.kind\s*\)\s*\{/g)) {
    let depth = 1;
    let i = m.index + m[0].length;
    while (depth && i < body.length) depth += body[i] === '{' ? 1 : body[i] === '}' ? -1 : 0, i += 1;
    for (const c of body.slice(m.index, i).matchAll(/\bcase\s+(['"`])([a-z_]+)\1/g)) found.push(c[2]);
  }
  return found.filter((kind) => ALL_KINDS.has(kind));
}

test('the registry and the Rust core list the same message kinds, by direction', () => {
  const core = require(path.join(ROOT, 'dist', 'core-node'));
  const contract = core.contract();
  assert.equal(contract.ok, true);
  assert.deepEqual(kindsOf(registry.CONTENT_TO_WORKER), [...contract.kinds.content_to_worker].sort(), 'content → worker');
  assert.deepEqual(kindsOf(registry.WORKER_TO_CONTENT), [...contract.kinds.worker_to_content].sort(), 'worker → content');
  assert.deepEqual(kindsOf(registry.UI_TO_WORKER), [...contract.kinds.ui_to_worker].sort(), 'options/popup → worker');
  assert.ok(contract.kinds.ui_to_worker.length >= 10, 'a real list');
});

test('the worker handles every content-script kind: a case of its switch per constant', () => {
  const worker = fs.readFileSync(path.join(EXT, 'background', 'worker.js'), 'utf8');
  const handled = new Set([...worker.matchAll(/\bcase IN\.([A-Z_]+):/g)].map((m) => m[1]));
  assert.ok(handled.size >= 3, `cases: ${[...handled]}`);
  assert.deepEqual(Object.keys(registry.CONTENT_TO_WORKER).filter((k) => !handled.has(k)), [], 'content kinds worker.js has no case for');
  assert.deepEqual([...handled].filter((k) => !(k in registry.CONTENT_TO_WORKER)), [], 'cases for kinds the registry does not have');
});

test('the registry is the only place a message kind is written', () => {
  const files = filesUnder(EXT).filter((f) => f !== REGISTRY);
  assert.ok(files.length >= 25, `${files.length} extension files`);
  const offenders = files.flatMap((file) =>
    literalKinds(fs.readFileSync(file, 'utf8')).map((kind) => `${path.relative(ROOT, file)}: '${kind}'`));
  assert.deepEqual(offenders, [], 'message kinds written as literals (use the registry in extension/shared/messages.js)');
});

test('the literal finder catches the shapes it is for, and not other kinds', () => {
  assert.deepEqual(literalKinds("send({ kind: 'save', x: 1 })"), ['save']);
  assert.deepEqual(literalKinds('if (message.kind === "set_config") go();'), ['set_config']);
  assert.deepEqual(literalKinds("if ('undo' !== m.kind) return;"), ['undo']);
  assert.deepEqual(literalKinds("switch (message.kind) {\n case 'lookup': a(); break;\n case 'get_state': { b(); }\n}"), ['lookup', 'get_state']);
  // Not message kinds: an activity's kind, a step's kind, a comment, a switch on something else.
  assert.deepEqual(literalKinds("activity: { kind: 'email' }"), []);
  assert.deepEqual(literalKinds("switch (step.kind) { case 'done': case 'retry': break; }"), []);
  assert.deepEqual(literalKinds("switch (phase) { case 'retry': break; }"), []);
  assert.deepEqual(literalKinds("// sends {kind: 'save'}\n/* kind: 'lookup' */"), []);
});

test('pages and the worker load the registry as a script, never by named import', () => {
  for (const file of filesUnder(EXT)) {
    const code = fs.readFileSync(file, 'utf8');
    assert.doesNotMatch(code, /import\s*\{[^}]*\}\s*from\s*['"][./]*shared\/messages\.js['"]/, path.relative(ROOT, file));
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
  for (const scripts of manifest.content_scripts) assert.equal(scripts.js[0], 'shared/messages.js', 'the registry loads first');
});
