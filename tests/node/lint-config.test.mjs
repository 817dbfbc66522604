// The lint stage of `./build.sh test` (eslint.config.js) is real: with the project's config,
// eslint reports the bugs it is there for, in each kind of file (content script, service
// worker module, test), and passes the same code written correctly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const eslint = new ESLint({ cwd: ROOT });

/** The rule ids eslint reports for `code` as if it were the file at `file` (relative to the root). */
async function rulesFor(code, file) {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.map((m) => m.ruleId).sort();
}

test('the config catches undefined names, unused variables, loose equality and accidental globals', async () => {
  const content = "'use strict';\nvar leaked = 1;\nfunction unused() { return typo === 1 || leaked == 2; }\n";
  assert.deepEqual(await rulesFor(content, 'extension/content/linkedin/example.js'),
    ['eqeqeq', 'no-implicit-globals', 'no-implicit-globals', 'no-undef', 'no-unused-vars', 'no-var']);
  const worker = "import { x } from './y.js';\nexport function f(a) { return a == null ? chrome.runtime.id : undeclared; }\n";
  assert.deepEqual(await rulesFor(worker, 'extension/background/example.js'), ['no-undef', 'no-unused-vars']);
  const nodeTest = "import { test } from 'node:test';\ntest('x', () => { process.exit(noSuchThing); });\n";
  assert.deepEqual(await rulesFor(nodeTest, 'tests/node/example.test.mjs'), ['no-undef']);
});

test('correct code in each kind of file passes', async () => {
  const content = "'use strict';\n(function (root) {\n  const Leadline = (root.Leadline = root.Leadline || {});\n  Leadline.x = document.title === '' ? chrome.runtime.id : null;\n})(globalThis);\n";
  assert.deepEqual(await rulesFor(content, 'extension/content/linkedin/example.js'), []);
  const worker = "export function f(a) { return a == null ? chrome.runtime.id : self.registration; }\n";
  assert.deepEqual(await rulesFor(worker, 'extension/background/example.js'), []);
});
