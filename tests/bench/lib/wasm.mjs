// Decisions per second inside Wasm: Node loads dist/core-node and calls `decide` in a timed
// loop after a warm-up; several runs, the median and spread reported.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { summary } from './stats.mjs';

/** Per input: decisions/s over `runs` runs of `ms` milliseconds each. */
export function wasmThroughput(coreDir, inputs, { runs = 7, ms = 500 } = {}) {
  const core = createRequire(import.meta.url)(coreDir);
  return inputs.map(({ users, source, input }) => {
    const first = core.decide(input);
    if (!first || first.ok !== true) throw new Error('decide refused the bench input: ' + JSON.stringify(first).slice(0, 300));
    for (let end = performance.now() + ms; performance.now() < end;) core.decide(input); // warm-up
    const rates = [];
    for (let r = 0; r < runs; r += 1) {
      let n = 0;
      const t0 = performance.now();
      let t = t0;
      while (t - t0 < ms) {
        for (let i = 0; i < 50; i += 1) core.decide(input);
        n += 50;
        t = performance.now();
      }
      rates.push(n / ((t - t0) / 1000));
    }
    return { users, source, rate: summary(rates) };
  });
}

/**
 * Compiling + instantiating the shipped module in V8 (what a cold worker pays after the
 * fetch), first time in a fresh Node process each run (V8 caches a module it has compiled):
 * ms.
 */
export function compileTime(wasmPath, runs = 9) {
  const script = `const b=require('fs').readFileSync(${JSON.stringify(wasmPath)});const t0=performance.now();` +
    'const m=new WebAssembly.Module(b);const imports={};' +
    'for(const i of WebAssembly.Module.imports(m)){(imports[i.module]??={})[i.name]=i.kind==="function"?()=>{}:undefined}' +
    'try{new WebAssembly.Instance(m,imports)}catch{}console.log(performance.now()-t0)';
  const times = [];
  for (let i = 0; i < runs; i += 1) {
    times.push(Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim()));
  }
  return summary(times);
}
