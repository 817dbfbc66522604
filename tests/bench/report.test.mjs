// The report from made-up figures: verdicts follow the targets, misses carry their note, and
// twiggy rows are grouped by crate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render, summaryRows } from './lib/report.mjs';
import { crateOf } from './lib/size.mjs';

const calls = (n, ep = {}) => ({ calls: n, by_endpoint: { ...ep, total: n } });
const coldPath = (cold, warm) => ({ cold, warm, restarted: cold.length, preStarted: 0, refused: 0, refusal: null,
  parts: cold.map((c) => ({ spawn: 3, inWorker: c - 3 })) });
function figures({ bulkCalls = 2, p95 = 40, saveCold = [30, 31], settingsCold = [58, 60], stubCold = [20, 21] } = {}) {
  const r = {
    quick: false, errors: {}, seconds: 1,
    machine: { cpu: 'Test CPU', cores: 2, memory: '1 GiB', os: 'TestOS', kernel: '1', node: 'v20', rustc: 'r', wasmRustc: 'w', chromium: 'C', wasmOpt: 'o', date: 'today' },
    api: { scenarios: [
      { name: 'linkedin_single_new', people: 1, product_view: calls(1), product_save: calls(1), naive: calls(2) },
      { name: 'linkedin_single_known', people: 1, product_view: calls(1), product_save: calls(0), naive: calls(1) },
      { name: 'gmail_single_with_activity', people: 1, product_view: calls(1), product_save: calls(1), naive: calls(3) },
      { name: 'bulk_25', people: 25, keys: 'email', product_save: calls(bulkCalls), naive: calls(50), target_max: 2 },
    ] },
    size: { wasmRaw: 100000, wasmGzip: 140000, glueRaw: 1, zip: 2 },
    browser: { calls: null, saves: [1, 2, 3].map((i) => ({ total: p95 - i, network: 1, worker: 2, content: p95 - i - 3, view: { total: 4, parts: {} } })),
      spa: [], micro: [], cold: { save: coldPath(saveCold, [2, 3]), settings: coldPath(settingsCold, [5, 6]),
        stub: { save: coldPath(stubCold, [1, 1]) } } },
  };
  r.summary = summaryRows(r);
  return r;
}

test('targets met read "met", and a bulk miss explains what bounds it', () => {
  const good = render(figures());
  assert.match(good, /\| API calls, bulk 25 \(email\) \| 2 .*\| ≤ 2 \| met \|/);
  assert.ok(!good.includes('Bulk misses the target'));
  const bad = render(figures({ bulkCalls: 4, p95: 200 }));
  assert.match(bad, /\| API calls, bulk 25 \(email\) \| 4 .*\| missed \|/);
  assert.ok(bad.includes('Bulk misses the target'));
  assert.match(bad, /Target p95 ≤ 100 ms .*: \*\*missed\*\*/);
  assert.match(render(figures({ p95: 95 })), /Target p95 ≤ 100 ms .*: \*\*met\*\*/);
});

test('the cold-start row is judged on the save path and names the get_state median beside it', () => {
  const met = render(figures());
  assert.match(met, /\| Worker cold start → ready \| save path .*median 30\.5 ms; options\/popup .*median 59\.0 ms \| ≤ 2× the stub worker \(save path\) \| met \|/);
  assert.match(met, /≤ 2× the plain-JS stub worker's.*: \*\*met\*\* \(median 30\.5 ms vs the stub's 20\.5 ms: 1\.49×\)/);
  assert.match(met, /options\/popup path, for comparison: median 59\.0 ms, over 50 ms/);
  assert.ok(!met.includes('What bounds the save path'));
  const missed = render(figures({ saveCold: [70, 72], settingsCold: [40, 42] }));
  assert.match(missed, /\| Worker cold start → ready \| .*\| missed \|/);
  assert.match(missed, /: \*\*missed\*\* \(median 71\.0 ms vs the stub's 20\.5 ms: 3\.46×\)/);
  assert.match(missed, /also within 50 ms; 30\.0 ms less than the save path/);
  assert.ok(missed.includes('What bounds the save path'));
  const refused = figures({ saveCold: [] });
  refused.browser.cold.save.refused = 2;
  refused.browser.cold.save.refusal = { code: 'unknown_sender' };
  refused.summary = summaryRows(refused);
  const md = render(refused);
  assert.match(md, /\| Worker cold start → ready \| .*\| not measured \|/);
  assert.match(md, /2 run\(s\) were refused and not timed \(unknown_sender\)/);
});

test('twiggy items are attributed to their crate', () => {
  assert.equal(crateOf('saves[bfe1]::api::pipeline::plan_save'), 'saves');
  assert.equal(crateOf('<serde_json[76]::value::Value as serde_core[71]::de::Deserializer>::x'), 'serde_json');
  assert.equal(crateOf('core[82]::fmt::write'), 'std/core/alloc');
  assert.equal(crateOf('"function names" subsection'), '(names section)');
  assert.equal(crateOf('data segment ".rodata.2"'), '(data: strings, tables)');
});

test('the sandbox load row is met only at ≥ 1,000 requests/s with no error', () => {
  const load = (perSecond, errors) => ({ records: 10000, clients: 50, seconds: 10, seed_seconds: 3, requests: perSecond * 10,
    errors, first_errors: [], per_second: perSecond, p50_ms: 20, p99_ms: 90, max_ms: 150 });
  const withLoad = (l) => { const r = figures(); r.sandboxLoad = l; r.summary = summaryRows(r); return render(r); };
  const good = withLoad(load(1500, 0));
  assert.match(good, /\| Sandbox under load \(50 clients, 10000 records\) \| 1500 requests\/s, 0 errors.*\| met \|/);
  assert.match(good, /## 7\. The sandbox itself under load[\s\S]*\| 15000 \| 0 \| 1500 \|/);
  assert.match(withLoad(load(900, 0)), /\| Sandbox under load .*\| missed \|/);
  assert.match(withLoad(load(1500, 2)), /\| Sandbox under load .*\| missed \|/);
  assert.match(render(figures()), /## 7\. The sandbox itself under load\n\nNot measured/);
  const timed = figures();
  timed.api.scenarios.push({ name: 'bulk_1000', people: 1000, keys: 'email', product_save: calls(10), naive: { ...calls(2000), seconds: 4.2 }, target_max: 10 });
  timed.sandboxLoad = load(1500, 0);
  timed.summary = summaryRows(timed);
  assert.match(render(timed), /1,000-person run of section 1 \(2000 sequential requests\) took 4\.2 s\n\(target ≤ 5 s: \*\*met\*\*\)/);
});

test('the Wasm size row holds each module to 200 KiB gzipped, the settings module too', () => {
  const r = figures();
  assert.match(render(r), /\| Wasm gzipped \| .*\| ≤ 200 KiB each module \| met \|/);
  r.size.settingsGzip = 210 * 1024;
  r.summary = summaryRows(r);
  assert.match(render(r), /\| Wasm gzipped \| .*settings module 210\.0 KiB.*\| ≤ 200 KiB each module \| missed \|/);
  // The save engine's modules are held to the same ceiling.
  const e = figures();
  e.size.engines = [{ name: 'core_outbox', what: 'outbox runs', raw: 500000, gzip: 190 * 1024 }];
  e.summary = summaryRows(e);
  assert.match(render(e), /\| Wasm gzipped \| .*core_outbox 190\.0 KiB.*\| met \|/);
  assert.match(render(e), /\| save engine module `core_outbox` \(outbox runs\) \| 500000 \|/);
  e.size.engines[0].gzip = 201 * 1024;
  e.summary = summaryRows(e);
  assert.match(render(e), /\| Wasm gzipped \| .*core_outbox 201\.0 KiB.*\| ≤ 200 KiB each module \| missed \|/);
});

test('the team server section reports saves/s and the hop, each against its target', () => {
  const single = (p50, p95) => ({ n: 100, p50_ms: p50, p95_ms: p95, p99_ms: p95 });
  const withServer = (perSecond, hop, errors = []) => {
    const r = figures();
    r.serverLoad = { reps: 50, seconds: 10, pushed: perSecond * 10, saves_per_second: perSecond, save_latency: single(40, 90),
      single_through_server: single(12, 15 + hop), single_direct_engine: single(10, 15), hop_p50_ms: 2, hop_p95_ms: hop, errors };
    r.summary = summaryRows(r);
    return render(r);
  };
  const good = withServer(650, 3.5);
  assert.match(good, /\| Team server saves\/s \(50 reps, SQLite\) \| 650 saves\/s, 0 errors \| ≥ 500\/s \| met \|/);
  assert.match(good, /\| Team server hop, single save \| \+3\.50 ms at p95 .*\| p95 ≤ 10 ms \| met \|/);
  assert.match(good, /## 7b\. The team server under load[\s\S]*\| 6500 \| 650 \|[\s\S]*adds 3\.50 ms at p95 .* and 2\.00 ms at p50/);
  assert.match(withServer(400, 3.5), /\| Team server saves\/s .*\| missed \|/);
  assert.match(withServer(650, 12), /\| Team server hop, single save .*\| missed \|/);
  assert.match(withServer(650, 3.5, ['500 boom']), /\| Team server saves\/s .*\| missed \|/);
  assert.doesNotMatch(render(figures()), /## 7b\./);
});

test('the team server section reports CPU per save, memory per team and the history when measured', () => {
  const single = (p50, p95) => ({ n: 100, p50_ms: p50, p95_ms: p95, p99_ms: p95 });
  const r = figures();
  r.serverLoad = { reps: 50, seconds: 10, pushed: 3000, saves_per_second: 300, save_latency: single(40, 90),
    single_through_server: single(12, 15), single_direct_engine: single(10, 14), hop_p50_ms: 2, hop_p95_ms: 1, errors: [],
    server_cpu_ms_per_save: 2.5, memory: { teams: 1000, seconds: 30, rss_before_kib: 8192, rss_after_kib: 8192 + 20480, kib_per_team: 20.48 } };
  r.serverHistory = '### How it got there\n\nhistory text';
  r.summary = summaryRows(r);
  const text = render(r);
  assert.match(text, /2\.50 ms of CPU per save .* about 400 saves\/s/);
  assert.match(text, /### Memory per team[\s\S]*\| 1000 \| 8\.0 MiB \| 28\.0 MiB \| 20\.5 KiB \| 20\.0 MiB \|/);
  assert.match(text, /\| Team server memory \(1000 teams\) \| 20\.5 KiB per team \(20\.0 MiB per 1,000 teams\) \|/);
  assert.match(text, /### How it got there\n\nhistory text/);
  delete r.serverLoad.memory;
  delete r.serverLoad.server_cpu_ms_per_save;
  r.summary = summaryRows(r);
  assert.doesNotMatch(render(r), /Memory per team|CPU per save/);
});
