// Loads the Rust core (wasm-bindgen --target web glue, built into ../wasm/ by ./build.sh), each
// module exactly once per service-worker life, only when first needed:
// - `core()`: the save path (`core_wasm`): preview, lookups, plan, requests and answers, the
//   journal, the undo record of a finished save. Everything a wake for a page needs.
// - `settingsCore()`: all of `core()` plus `core_settings`: connecting, token refresh and a
//   refused refresh (reconnect needed), the managed policy, the options page's and popup's messages (`ui_message`, `state_view`), undo,
//   the error-log CSV.
// - `engineCore()`: the save engine (`core_engine`, crates/engine in Wasm): a page's lookup, an
//   undo and a token refresh, each one awaited call that runs the requests to completion over
//   fetch with the engine's one 401 policy, reading and writing tokens through storage.js's
//   `store`. Its functions take that store first, then their arguments.
// The raw exports take one JSON text (the array of arguments) and answer JSON text (see
// crates/core-wasm/src/lib.rs); the functions here take and return plain objects. Arguments
// JSON cannot hold (a BigInt, a cycle) answer invalid_input, like any malformed input.
import initSave, * as saveExports from '../wasm/core_wasm.js';
import initSettings, * as settingsExports from '../wasm/core_settings.js';
import initEngine, * as engineExports from '../wasm/core_engine.js';

const bytesAsArray = (_key, value) => (value instanceof Uint8Array ? Array.from(value) : value);

function argsText(args) {
  try {
    return JSON.stringify(args, bytesAsArray);
  } catch {
    return ''; // not JSON: the core answers invalid_input
  }
}

function wrap(raw) {
  return (...args) => JSON.parse(raw(argsText(args)));
}

/** An engine export: `(store, ...args)` → a Promise of the plain-object answer. */
function wrapEngine(raw) {
  return async (hostStore, ...args) => JSON.parse(await raw(argsText(args), hostStore));
}

/** The module's exports as plain-object functions (not its init functions). */
function wrapAll(exports, wrapOne = wrap) {
  const out = {};
  for (const [name, raw] of Object.entries(exports)) {
    if (typeof raw === 'function' && name !== 'default' && name !== 'initSync') out[name] = wrapOne(raw);
  }
  return out;
}

let save = null;
let all = null;

/** The save path's exports, after its Wasm module is instantiated (once). */
export function core() {
  if (!save) save = initSave().then(() => Object.freeze(wrapAll(saveExports)));
  return save;
}

/** Every export (save path and settings), after both modules are instantiated (once each). */
export function settingsCore() {
  if (!all) {
    all = Promise.all([core(), initSettings()])
      .then(([saveCore]) => Object.freeze({ ...saveCore, ...wrapAll(settingsExports) }));
  }
  return all;
}

let engine = null;

/** The save engine's exports (`engine_lookup`, `engine_undo`, `engine_refresh`), once loaded. */
export function engineCore() {
  if (!engine) engine = initEngine().then(() => Object.freeze(wrapAll(engineExports, wrapEngine)));
  return engine;
}
