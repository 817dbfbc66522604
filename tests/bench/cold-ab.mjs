// Cold starts of several builds of the extension side by side (issue 13's A/B): each build in
// its own Chromium with the bench's setup (sandbox, both connections, SAVES saves), the stub
// worker in another, and one cold preview of each in turn per round, so a busy moment on the
// machine falls on all of them. Prints each build's median and its ratio to the stub's.
//
//   SANDBOX_BIN=target/debug/sandbox DIRS=main:/path/to/ext,branch:dist/extension \
//     SAVES=30 RUNS=20 [GETSTATE=1] node tests/bench/cold-ab.mjs
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
  const stub = await launchExtension({ stubWorker: true });
  const stubOptions = await stub.openOptions();
  builds.push({ name: 'stub', stop: () => stub.stop(), ext: stub, page: stubOptions, any: true, res: {},
    paths: { save: (await previewAsk(stub)).ask } });
  for (let i = 0; i < RUNS; i += 1) {
    const order = builds.slice(i % builds.length).concat(builds.slice(0, i % builds.length));
    for (const b of order) {
      for (const [path, o] of Object.entries(await coldStarts(b.ext, b.page, b.paths, 1, { anyAnswer: b.any }))) {
        const acc = b.res[path] || (b.res[path] = { cold: [], restarted: 0, refused: 0 });
        acc.cold.push(...o.cold);
        acc.restarted += o.restarted;
        acc.refused += o.refused;
      }
    }
  }
  const floor = median(builds[builds.length - 1].res.save.cold);
  for (const b of builds) {
    for (const [path, acc] of Object.entries(b.res)) {
      const m = median(acc.cold);
      process.stdout.write(`${b.name}\t${path}\tn=${acc.cold.length}\trestarted=${acc.restarted}\trefused=${acc.refused}\tmedian=${m.toFixed(1)} ms\tratio=${(m / floor).toFixed(2)}\n`);
    }
  }
} finally {
  for (const b of builds) await b.stop().catch(() => {});
}
