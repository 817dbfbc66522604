// dist/core-node/index.js: the core for Node (tests, scripts). The Wasm modules (`core_wasm`,
// the save path (its `preview` and `team_server_url` also alone in `core_preview`, under
// `previewModule`), `core_settings`, the rest, `core_engine`, lookups and undo on the save
// engine, `core_outbox`, its outbox runs, and `core_contract`, the spec's JSON contract
// functions, in this package only; the engine's `engine_*` functions take a store
// object first and answer a Promise;
// see crates/core-wasm/src/lib.rs) behind one
// object whose functions take and return plain objects, as the worker's core.js gives them:
// the arguments go in as one JSON array (a Uint8Array as an array of numbers) and the JSON
// answer is parsed. Arguments JSON cannot hold (a BigInt, a cycle) answer invalid_input.
'use strict';

const bytesAsArray = (_key, value) => (value instanceof Uint8Array ? Array.from(value) : value);

function wrap(raw) {
  return (...args) => {
    let text = '';
    try {
      text = JSON.stringify(args, bytesAsArray);
    } catch {
      // `text` stays '' (not JSON): the core answers invalid_input.
    }
    return JSON.parse(raw(text));
  };
}

/** An engine export (`engine_*`): `(store, ...args)` → a Promise of the answer object. */
function wrapEngine(raw) {
  return async (store, ...args) => {
    let text = '';
    try {
      text = JSON.stringify(args, bytesAsArray);
    } catch {
      // `text` stays '' (not JSON): the engine answers invalid_input.
    }
    return JSON.parse(await raw(text, store));
  };
}

/** One raw module's exports as plain-object functions. */
function wrapModule(file) {
  const out = {};
  for (const [name, raw] of Object.entries(require(file))) {
    if (typeof raw === 'function' && !name.startsWith('__')) out[name] = name.startsWith('engine_') ? wrapEngine(raw) : wrap(raw);
  }
  return out;
}

for (const file of ['./core_wasm.js', './core_settings.js', './core_engine.js', './core_outbox.js', './core_contract.js']) {
  Object.assign(module.exports, wrapModule(file));
}

// The preview module (`core_preview`: `preview` and `team_server_url` alone, what the worker
// compiles at every wake) apart: the same names as the save module's, which tests compare.
Object.defineProperty(module.exports, 'previewModule', { value: Object.freeze(wrapModule('./core_preview.js')), enumerable: false });
