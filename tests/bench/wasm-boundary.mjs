// The Wasm boundary (issue 13): what the save module's hot exports cost per call through
// today's boundary (the wrapper's JSON.stringify of the argument array, one JSON text into
// Wasm, serde_json there, JSON text out, JSON.parse) and, when a module built with the
// experiment's extra exports is given, through serde-wasm-bindgen (`<name>_swb`: JS values in,
// `serde_wasm_bindgen::from_value` into the same `serde_json::Value` the API reads, the answer
// out with `Serializer::json_compatible()`), on the same inputs in the same process. Also the
// save module's size, gzip -9, of each build.
//
//   node tests/bench/wasm-boundary.mjs [core-node dir] [experiment's core-node dir]
//
// The first directory defaults to dist/core-node. The experiment's build is on branch
// core13-swb (crates/core-wasm feature `swb`): build.sh's `wasm_cargo build --profile wasm -p
// core-wasm --no-default-features --features "save swb"`, then `wasm-bindgen --target nodejs`
// and `wasm-opt` with build.sh's flags into a directory of its own. BENCHMARKS.md §4 has the
// figures and the decision. Both paths must answer the same objects, or the script stops.
// The middle column's share spent in JS on JSON.stringify of the arguments and JSON.parse of
// the answer is printed beside it (the rest is Wasm: serde_json both ways and the core).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summary, fmt } from './lib/stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const [baseDir, swbDir] = [process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, 'dist', 'core-node'), process.argv[3] && path.resolve(process.argv[3])];

// A team as the worker stores it (integration user as team sync, the rep connected too).
const team = {
  config: { crm: 'salesforce', login_host: 'production', client_id: 'leadline-sandbox-client', me_email: 'rep@acme.example' },
  settings: { record_kind: 'contact', match_account: false, log_emails: true },
  connections: [
    { role: 'team_sync', crm_user_id: '005I', name: 'Integration', email: 'integration@acme.example', permission: 'admin', instance_url: 'https://acme.my.salesforce.com' },
    { role: 'personal', crm_user_id: '005R', name: 'Rita Rep', email: 'rep@acme.example', permission: 'standard', instance_url: 'https://acme.my.salesforce.com' },
  ],
  crm_users: Array.from({ length: 50 }, (_, i) => ({ id: `005U${i}`, name: `User ${i}`, email: `u${i}@acme.example`, active: i % 7 !== 0 })),
};
const preview = { kind: 'preview', source: 'linkedin_extension', push: 'single' };
const person = (i) => ({
  full_name: `Person ${i} Example`, email: `p${i}@example.com`, title: 'VP Sales', company: `Company ${i % 17}`,
  linkedin_url: `https://www.linkedin.com/in/person-${i}`, location: 'Berlin, Germany', headline: 'Selling things',
});
const bulk200 = { kind: 'save', source: 'linkedin_extension', push: 'bulk', activity: null, prospects: Array.from({ length: 200 }, (_, i) => person(i)) };
const single = { kind: 'save', source: 'linkedin_extension', push: 'single', activity: null, prospects: [person(0)] };

const CASES = [
  { name: 'preview (hover)', fn: 'preview', args: [team, preview] },
  { name: 'plan_save, single', fn: 'plan_save', args: [team, single, 's1', {}, null, 1_700_000_000_000] },
  { name: 'plan_save, 200-person chunk', fn: 'plan_save', args: [team, bulk200, 's2', {}, null, 1_700_000_000_000] },
];

/**
 * µs per call of each function, {median, p95, min}: rounds of `per` calls, the functions
 * taking turns round by round (so both see the same load on a shared machine), after a
 * warm-up.
 */
function time(calls, { warm = 200, runs = 30, per = 20 } = {}) {
  for (const call of calls) for (let i = 0; i < warm; i += 1) call();
  const us = calls.map(() => []);
  for (let r = 0; r < runs; r += 1) {
    calls.forEach((call, k) => {
      const t0 = performance.now();
      for (let i = 0; i < per; i += 1) call();
      us[k].push(((performance.now() - t0) * 1000) / per);
    });
  }
  return us.map(summary);
}

const cell = (t) => `${fmt(t.median)} (${fmt(t.p95)}; min ${fmt(t.min)})`;

function load(dir) {
  const raw = require(path.join(dir, 'core_wasm.js'));
  const wasm = readFileSync(path.join(dir, 'core_wasm_bg.wasm'));
  return { raw, bytes: wasm.length, gzip: gzipSync(wasm, { level: 9 }).length };
}

const base = load(baseDir);
const swb = swbDir ? load(swbDir) : null;
const json = (raw, fn) => (...args) => JSON.parse(raw[fn](JSON.stringify(args)));
console.log(`save module core_wasm: ${base.bytes} B, gzip -9 ${base.gzip} B (${baseDir})`);
if (swb) console.log(`with the serde-wasm-bindgen exports: ${swb.bytes} B, gzip -9 ${swb.gzip} B (${swbDir}): ${swb.gzip - base.gzip >= 0 ? '+' : ''}${swb.gzip - base.gzip} B`);
console.log('\n| export, input | JSON text (µs/call: median (p95; min)) | of which JSON.stringify + JSON.parse in JS (median) | serde-wasm-bindgen (µs/call: median (p95; min)) |');
console.log('|---|---|---|---|');
for (const c of CASES) {
  const viaJson = json(base.raw, c.fn);
  const answer = viaJson(...c.args);
  if (answer.ok !== true) throw new Error(`${c.name}: ${JSON.stringify(answer).slice(0, 300)}`);
  const answerText = JSON.stringify(answer);
  const calls = [() => viaJson(...c.args), () => JSON.parse(answerText) && JSON.stringify(c.args)];
  if (swb) {
    const direct = swb.raw[`${c.fn}_swb`];
    if (typeof direct !== 'function') throw new Error(`${swbDir} has no ${c.fn}_swb`);
    if (!isDeepStrictEqual(direct(...c.args), answer)) throw new Error(`${c.name}: the two boundaries answer differently`);
    calls.push(() => direct(...c.args));
  }
  const [t, js, s] = time(calls, c.fn === 'plan_save' && c.args[1].prospects.length > 1 ? { warm: 10, runs: 30, per: 2 } : undefined);
  console.log(`| ${c.name} | ${cell(t)} | ${fmt(js.median)} | ${s ? cell(s) : 'not built'} |`);
}
