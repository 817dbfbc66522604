// `./build.sh demo` (tests/demo/demo.mjs) tells the whole story and exits 0 with the records
// and screenshots; a missing piece makes it exit 1 naming the step; a slow step is cut off by
// its own time limit with the step's name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT, sandboxBinary } from './harness.mjs';
import { step, StepError } from '../demo/narrate.mjs';

const DEMO = path.join(ROOT, 'tests', 'demo', 'demo.mjs');
const skip = sandboxBinary() ? false : 'no sandbox binary (cargo build -p sandbox)';

/** Runs the demo with extra env; resolves to {code, stdout, stderr}. */
function runDemo(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO], { env: { ...process.env, DISPLAY: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('the demo ran over 150 s:\n' + stdout + stderr)); }, 150000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

test('the demo runs the whole story and prints the records with Owner and Created By', { skip }, async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'leadline-demo-'));
  try {
    const { code, stdout, stderr } = await runDemo({ LEADLINE_DEMO_OUT: out });
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /Demo finished: every step passed\./);
    assert.match(stdout, /https:\/\/[a-p]{32}\.chromiumapp\.org\/oauth2/, 'the callback URL is shown');
    const row = (name) => stdout.split('\n').find((l) => l.trim().startsWith(name) && l.includes('<'));
    assert.match(row('Ada Lovelace'), /Rita Rep <rep@acme\.example>\s+Ivan Integration <integration@acme\.example>/);
    assert.match(row('Márta Kovács'), /Rita Rep <rep@acme\.example>\s+Rita Rep <rep@acme\.example>/);
    assert.match(stdout, /Pilot for Q1: pricing and next steps\s+Email\s+Márta Kovács/);
    assert.match(stdout, /LinkedIn saves are pushed with the team sync connection/);
    assert.match(stdout, /Toast: 25 people: 25 created \(each person behind "Show details"\)/);
    assert.match(stdout, /The bulk save is one row: Bulk save · 25 people: 25 created/);
    for (const name of ['options', 'popup', 'toast-linkedin', 'toast-gmail', 'toast-gmail-log', 'toast-bulk-25', 'popup-group-open']) {
      const file = path.join(out, name + '.png');
      assert.ok(stdout.includes(file), 'the path of ' + name + ' is printed');
      assert.ok((await stat(file)).size > 10000, name + '.png is a real screenshot');
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('a missing sandbox makes the demo exit 1 naming the step', async () => {
  const { code, stderr } = await runDemo({ SANDBOX_BIN: path.join(os.tmpdir(), 'no-such-sandbox') });
  assert.equal(code, 1);
  assert.match(stderr, /Demo failed: step 1 "Start the sandbox org[^"]*" failed: No sandbox binary/);
});

test('a step that overruns its time limit fails with the step\'s name', async () => {
  const never = () => new Promise(() => {});
  await assert.rejects(step('Wait for something that never comes', never, { timeoutMs: 50 }), (error) => {
    assert.ok(error instanceof StepError);
    assert.match(error.message, /"Wait for something that never comes" failed: no result within 50 ms/);
    return true;
  });
});
