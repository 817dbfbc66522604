// `./build.sh bench`: measures every figure of issue 6 and writes BENCHMARKS.md.
//
//   SANDBOX_BIN=target/release/sandbox EXT_DIR=dist/extension node tests/bench/bench.mjs
//
// BENCH_QUICK=1: a smoke run of a few seconds of browser work and small counts (no bulk 1,000,
// short criterion), written to BENCH_OUT or a temp file instead of BENCHMARKS.md.
// BENCH_SMOKE=1: what `./build.sh test` runs (tests/bench/smoke.test.mjs): BENCH_QUICK with the
// smallest counts and no criterion (`cargo bench` is a release build), to check that every part
// of the bench still runs and the report renders; its figures mean nothing.
// BENCH_BIN_DIR=dir: the bench binaries (api-calls, sandbox-load, server-load, team-input) and
// leadline-server are already built there (e.g. target/debug): no cargo build.
// BENCH_ONLY=cold: the cold-start section alone (§3: the saves that leave the state a wake
// reads, both cold-start paths, the stub worker, the V8 compile figures), printed to stdout or
// written to BENCH_OUT; BENCHMARKS.md is left alone.
// BENCH_ONLY=server: the team server section alone (§7b: saves/s through one server process, the
// hop, memory per team), printed to stdout or written to BENCH_OUT; BENCHMARKS.md is left alone.
// Needs no dist/; SANDBOX_BIN names the sandbox (target/release/sandbox for real figures).
// BENCH_OUT=path: where to write the report. A figure that fails to measure is reported as an
// error in the file; the exit code is 1 then.
import { writeFileSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../e2e/harness.mjs';
import { machine } from './lib/machine.mjs';
import { buildBins, apiCalls, sandboxLoad, serverLoad, criterion, teamInput, CASES } from './lib/native.mjs';
import { wasmThroughput, compileTime } from './lib/wasm.mjs';
import { csvImportTime } from './lib/csv.mjs';
import { sizes, ensureTwiggy, weights } from './lib/size.mjs';
import { browserBench, coldBench } from './lib/browser.mjs';
import { render, summaryRows, coldSection, serverSection } from './lib/report.mjs';
import { SIZE_EXPERIMENTS } from './size-experiments.mjs';
import { SERVER_HISTORY } from './server-history.mjs';

const smoke = process.env.BENCH_SMOKE === '1';
const quick = smoke || process.env.BENCH_QUICK === '1';
/** Counts per size: the real run, BENCH_QUICK, BENCH_SMOKE. */
const pick = (full, quickCount, smokeCount) => (smoke ? smokeCount : quick ? quickCount : full);
const out = process.env.BENCH_OUT || (quick ? path.join(os.tmpdir(), 'BENCHMARKS.quick.md') : path.join(ROOT, 'BENCHMARKS.md'));
const dist = path.join(ROOT, 'dist');
const log = (s) => process.stderr.write(s + '\n');
const started = Date.now();

/**
 * The save module as cargo built it, names kept (before wasm-bindgen and wasm-opt):
 * build.sh copies each module to target-wasm/modules/, because cargo's own core_wasm.wasm is
 * whichever module it built last (the settings one).
 */
function rawWasm() {
  const saveModule = path.join(ROOT, 'target-wasm', 'modules', 'core_wasm.wasm');
  return existsSync(saveModule) ? saveModule : null;
}

const r = { quick, machine: machine(), errors: {} };
/** The team server section's counts (§7b): 50 reps for 10 s in the real run. */
const SERVER_COUNTS = pick({ reps: 50, seconds: 10, singles: 100, teams: 1000 },
  { reps: 10, seconds: 2, singles: 20, teams: 100 }, { reps: 2, seconds: 1, singles: 3, teams: 3 });
async function step(name, fn) {
  const t0 = Date.now();
  try {
    return await fn();
  } catch (error) {
    r.errors[name] = String((error && error.message) || error).split('\n').slice(0, 3).join(' ');
    log(`bench: ${name} failed: ${r.errors[name]}`);
    return null;
  } finally {
    log(`bench: ${name} took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

if (process.env.BENCH_ONLY === 'server') {
  const bin = process.env.BENCH_BIN_DIR ? path.resolve(process.env.BENCH_BIN_DIR) : buildBins(ROOT);
  const load = await step('server_load', () => serverLoad(bin, SERVER_COUNTS));
  const text = (load ? serverSection(load, SERVER_HISTORY) : '## 7b. The team server under load\n\nFailed: ' + r.errors.server_load) + '\n';
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, text); else process.stdout.write(text);
  process.exit(Object.keys(r.errors).length ? 1 : 0);
}

if (!existsSync(path.join(dist, 'extension', 'wasm', 'core_wasm_bg.wasm'))) {
  log('bench: dist/ is not built; run ./build.sh bench (or ./build.sh first)');
  process.exit(1);
}

if (process.env.BENCH_ONLY === 'cold') {
  const compile = await step('compile', () => compileTime(path.join(dist, 'bundled', 'core_preview_bg.wasm')));
  const compileSettings = await step('compile_settings', () => compileTime(path.join(dist, 'extension', 'wasm', 'core_settings_bg.wasm')));
  const cold = await step('browser', () => coldBench({ quick, log }));
  const text = coldSection(cold, compile, compileSettings) + '\n';
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, text); else process.stdout.write(text);
  process.exit(Object.keys(r.errors).length ? 1 : 0);
}

let bin = process.env.BENCH_BIN_DIR && path.resolve(process.env.BENCH_BIN_DIR);
if (!bin) {
  log('bench: building the bench binaries');
  bin = buildBins(ROOT);
}
log('bench: API calls (protocol crate vs naive client, sandbox counts)');
r.api = await step('api', () => apiCalls(bin, { bulk: pick([25, 200, 1000], [25, 200], [25]) }));
log('bench: the sandbox itself under load');
r.sandboxLoad = await step('sandbox_load', () => sandboxLoad(bin, pick({ records: 10000, clients: 50, seconds: 10 },
  { records: 1000, clients: 10, seconds: 2 }, { records: 200, clients: 4, seconds: 1 })));
log('bench: the team server under load (saves through one server process)');
r.serverLoad = await step('server_load', () => serverLoad(bin, SERVER_COUNTS));
r.serverHistory = SERVER_HISTORY;
log('bench: sizes');
r.size = sizes(dist);
r.weights = await step('weights', () => {
  const raw = rawWasm();
  const twiggy = quick ? null : ensureTwiggy();
  return raw && twiggy ? weights(raw, twiggy) : null;
});
r.experiments = SIZE_EXPERIMENTS;
log('bench: Wasm throughput in Node');
r.wasm = await step('wasm', () => wasmThroughput(path.join(dist, 'core-node'),
  CASES.map(([users, source]) => ({ users, source, input: teamInput(bin, users, source) })),
  pick({ runs: 7, ms: 500 }, { runs: 3, ms: 100 }, { runs: 2, ms: 20 })));
r.csv = await step('csv_import', () => csvImportTime(path.join(dist, 'core-node'),
  pick({ rows: 10000, runs: 7 }, { rows: 1000, runs: 3 }, { rows: 200, runs: 2 })));
const compileRuns = pick(9, 9, 2);
r.compile = await step('compile', () => compileTime(path.join(dist, 'bundled', 'core_preview_bg.wasm'), compileRuns));
r.compileSettings = await step('compile_settings', () => compileTime(path.join(dist, 'extension', 'wasm', 'core_settings_bg.wasm'), compileRuns));
if (smoke) {
  r.native = null; // criterion needs a release build of the bench crate: not in a smoke run
} else {
  log('bench: native throughput (criterion)');
  r.native = await step('criterion', () => criterion(ROOT, { quick }));
}
log('bench: browser (Chromium + extension + sandbox)');
r.browser = await step('browser', () => browserBench({ quick, smoke, log }));
r.seconds = (Date.now() - started) / 1000;
r.summary = summaryRows(r);
// `./build.sh mutants` owns the section after this marker: carry it over unchanged.
const MUTANTS = '<!-- mutants:section -->';
const previous = path.join(ROOT, 'BENCHMARKS.md');
const mutants = existsSync(previous) ? readFileSync(previous, 'utf8').split(MUTANTS)[1] : undefined;
writeFileSync(out, render(r) + (mutants === undefined ? '' : `\n${MUTANTS}${mutants}`));
log(`bench: wrote ${out} in ${r.seconds.toFixed(0)} s`);
if (Object.keys(r.errors).length) process.exit(1);
