// Smoke run of the benchmarks (BENCH_QUICK=1, about a minute): every figure is measured with
// small counts and the report names each section, its targets and no errors. Needs what
// ./build.sh bench needs: dist/ built and a sandbox binary (SANDBOX_BIN or target/debug).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, sandboxBinary } from '../e2e/harness.mjs';

const built = existsSync(path.join(ROOT, 'dist', 'core-node', 'core_wasm_bg.wasm'));
const skip = !sandboxBinary() ? 'no sandbox binary' : !built ? 'dist/ not built (./build.sh)' : false;

test('BENCH_QUICK=1 writes a report with every figure and no errors', { skip, timeout: 300000 }, async () => {
  const out = path.join(os.tmpdir(), `leadline-bench-smoke-${process.pid}.md`);
  try {
    await promisify(execFile)(process.execPath, [path.join(ROOT, 'tests', 'bench', 'bench.mjs')], {
      env: { ...process.env, BENCH_QUICK: '1', BENCH_OUT: out }, maxBuffer: 1 << 24,
    });
    const md = readFileSync(out, 'utf8');
    for (const heading of ['## 1. API calls per save', '## 2. Click → confirmation latency',
      '## 3. Service worker cold start', '## 4. Size', '## 5. Content script cost', '## 6. Core throughput']) {
      assert.ok(md.includes(heading), 'missing section ' + heading);
    }
    assert.ok(!md.includes('## Errors during this run'), md.slice(md.indexOf('## Errors')));
    assert.match(md, /\| LinkedIn save, new person \(the save\) \| 1 \| 2 \|/);
    assert.match(md, /Machine: .+, \d+ cores/);
  } finally {
    rmSync(out, { force: true });
  }
});
