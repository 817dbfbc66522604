// Smoke run of the benchmarks, part of `./build.sh test` (BENCH_SMOKE=1, about 25 s): every
// step of tests/bench/bench.mjs runs once with the smallest counts (criterion, a release build,
// is left out), on the debug binaries the test run already built, and the report it writes names
// each section and no errors. Its figures are not checked: a debug build on a loaded machine
// measures nothing. Needs dist/ built, the sandbox, the team server and the bench binaries in
// BENCH_BIN_DIR (default target/debug, as `./build.sh test` builds them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, sandboxBinary } from '../e2e/harness.mjs';

const BIN_DIR = process.env.BENCH_BIN_DIR || path.join(ROOT, 'target', 'debug');
const BINS = ['api-calls', 'sandbox-load', 'server-load', 'team-input', 'leadline-server'];
const missing = BINS.filter((name) => !existsSync(path.join(BIN_DIR, name)));
const built = existsSync(path.join(ROOT, 'dist', 'core-node', 'core_wasm_bg.wasm'));
const skip = !sandboxBinary() ? 'no sandbox binary'
  : !built ? 'dist/ not built (./build.sh)'
    : missing.length ? `not built in ${BIN_DIR}: ${missing.join(', ')} (cargo build -p bench -p server --bins)` : false;

test('BENCH_SMOKE=1 runs every step of the bench and writes a report with every section and no errors', { skip, timeout: 180000 }, async () => {
  const out = path.join(os.tmpdir(), `leadline-bench-smoke-${process.pid}.md`);
  try {
    await promisify(execFile)(process.execPath, [path.join(ROOT, 'tests', 'bench', 'bench.mjs')], {
      env: { ...process.env, BENCH_SMOKE: '1', BENCH_BIN_DIR: BIN_DIR, BENCH_OUT: out }, maxBuffer: 1 << 24,
    });
    const md = readFileSync(out, 'utf8');
    for (const heading of ['## 1. API calls per save', '## 2. Click → confirmation latency',
      '## 3. Service worker cold start', '## 4. Size', '## 5. Content script cost', '## 6. Core throughput',
      '## 7. The sandbox itself under load', '## 7b. The team server under load']) {
      assert.ok(md.includes(heading), 'missing section ' + heading);
    }
    assert.ok(!md.includes('## Errors during this run'), md.slice(md.indexOf('## Errors')));
    // The bench's own sections: the mutation section after the marker is carried over from
    // BENCHMARKS.md as it is.
    const measured = md.split('<!-- mutants:section -->')[0];
    assert.ok(!measured.includes('Not measured'), measured.slice(measured.indexOf('Not measured') - 300));
    assert.match(md, /QUICK smoke run/);
    // Counts are exact even in a smoke run: the product's save is one call, the naive client's two.
    assert.match(md, /\| LinkedIn save, new person \(the save\) \| 1 \| 2 \|/);
    assert.match(md, /\| API calls, bulk 25 \(email \+ LinkedIn URL\) \| 2 \(naive 50/);
    assert.match(md, /Sandbox under load \(4 clients, 200 records\) \| \d+ requests\/s, 0 errors/);
    assert.match(md, /Team server saves\/s \(2 reps, SQLite\) \| \d+ saves\/s, 0 errors/);
    assert.match(md, /Machine: .+, \d+ cores/);
  } finally {
    rmSync(out, { force: true });
  }
});
