// The report from made-up figures: verdicts follow the targets, misses carry their note, and
// twiggy rows are grouped by crate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render, summaryRows } from './lib/report.mjs';
import { crateOf } from './lib/size.mjs';

const calls = (n, ep = {}) => ({ calls: n, by_endpoint: { ...ep, total: n } });
function figures({ bulkCalls = 2, p95 = 40 } = {}) {
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
      spa: [], micro: [], cold: { cold: [30, 31], warm: [5, 6], restarted: 2, parts: [] } },
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
  assert.match(bad, /Target p95 ≤ 150 ms: \*\*missed\*\*/);
});

test('twiggy items are attributed to their crate', () => {
  assert.equal(crateOf('saves[bfe1]::api::pipeline::plan_save'), 'saves');
  assert.equal(crateOf('<serde_json[76]::value::Value as serde_core[71]::de::Deserializer>::x'), 'serde_json');
  assert.equal(crateOf('core[82]::fmt::write'), 'std/core/alloc');
  assert.equal(crateOf('"function names" subsection'), '(names section)');
  assert.equal(crateOf('data segment ".rodata.2"'), '(data: strings, tables)');
});
