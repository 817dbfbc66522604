// Cold starts of several builds of the extension side by side (issue 13's A/B): each build in
// its own Chromium with the bench's setup (sandbox, both connections, SAVES saves), the stub
// worker in another, and one cold preview of each in turn per round, so a busy moment on the
// machine falls on all of them. Prints each build's median and its ratio to the stub's.
//
//   SANDBOX_BIN=target/debug/sandbox DIRS=main:/path/to/ext,branch:dist/extension \
//     SAVES=30 RUNS=20 [GETSTATE=1] [STUBS=name:/path/to/ext,...] node tests/bench/cold-ab.mjs
// STUBS: stub workers in copies of these extension dirs (their manifests: e.g. a classic worker
// beside a module one); default one stub in the sources' extension. Ratios are to the first stub.
import { setup, saveLoop, previewAsk, coldStarts, getStateAsk } from './lib/browser.mjs';
import { launchExtension } from '../e2e/harness.mjs';

const SAVES = Number(process.env.SAVES || 30);
const RUNS = Number(process.env.RUNS || 15);
const dirs = (process.env.DIRS || '').split(',').filter(Boolean).map((s) => [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)]);
if (!dirs.length) {
  process.stderr.write('cold-ab: set DIRS=name:/extension/dir,...\n');
  process.exit(2);
}
const median = (a) => {
  const s = a.slice().sort((x, y) => x - y);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const builds = [];
try {
  for (const [name, dir] of dirs) {
    const env = await setup(SAVES, { dir });
    builds.push({ name, stop: () => env.stop(), ext: env.ext, page: env.options, any: false, res: {} });
    if (SAVES) await saveLoop(env, SAVES, (s) => process.stderr.write(`${name}: ${s}\n`));
    const preview = await previewAsk(env.ext);
    builds[builds.length - 1].paths = { save: preview.ask, ...(process.env.GETSTATE === '1' ? { settings: getStateAsk(env.options) } : {}) };
  }
  const stubs = (process.env.STUBS || 'stub:').split(',').filter(Boolean).map((s) => [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)]);
  let firstStub = null;
  for (const [name, dir] of stubs) {
    const stub = await launchExtension({ stubWorker: true, dir: dir || null });
    const stubOptions = await stub.openOptions();
    builds.push({ name, stop: () => stub.stop(), ext: stub, page: stubOptions, any: true, res: {},
      paths: { save: (await previewAsk(stub)).ask } });
    firstStub = firstStub || builds[builds.length - 1];
  }
  for (let i = 0; i < RUNS; i += 1) {
    const order = builds.slice(i % builds.length).concat(builds.slice(0, i % builds.length));
    for (const b of order) {
      for (const [path, o] of Object.entries(await coldStarts(b.ext, b.page, b.paths, 1, { anyAnswer: b.any }))) {
        const acc = b.res[path] || (b.res[path] = { cold: [], restarted: 0, refused: 0 });
        acc.cold.push(...o.cold);
        acc.restarted += o.restarted;
        acc.refused += o.refused;
        acc.parts = (acc.parts || []).concat(o.parts);
      }
    }
  }
  const floor = median(firstStub.res.save.cold);
  // Paired by round against the first build: a busy moment on the shared machine falls on the
  // whole round, so the per-round difference is steadier than the difference of medians.
  const first = builds[0].res.save ? builds[0].res.save.cold : [];
  const q = (a, p) => { const s = a.slice().sort((x, y) => x - y); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN; };
  for (const b of builds) {
    for (const [path, acc] of Object.entries(b.res)) {
      const m = median(acc.cold);
      const marks = {};
      for (const p of acc.parts) for (const [k, v] of Object.entries(p.marks || {})) (marks[k] = marks[k] || []).push(v);
      marks.spawn = acc.parts.map((p) => p.spawn);
      const split = Object.entries(marks).map(([k, v]) => `${k}=${median(v).toFixed(1)}`).join(' ');
      const paired = path === 'save' && acc.cold.length === first.length ? acc.cold.map((x, i) => x - first[i]) : [];
      const diff = paired.length ? `\tvs ${builds[0].name} per round=${median(paired).toFixed(1)} (${q(paired, 0.25).toFixed(1)}..${q(paired, 0.75).toFixed(1)})` : '';
      process.stdout.write(`${b.name}\t${path}\tn=${acc.cold.length}\trestarted=${acc.restarted}\trefused=${acc.refused}\tmedian=${m.toFixed(1)} ms\tp25-p75=${q(acc.cold, 0.25).toFixed(1)}-${q(acc.cold, 0.75).toFixed(1)}\tratio=${(m / floor).toFixed(2)}${diff}\t${split}\n`);
    }
  }
} finally {
  for (const b of builds) await b.stop().catch(() => {});
}
