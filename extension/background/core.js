// Loads the Rust core (wasm-bindgen --target web glue, built into ../wasm/ by ./build.sh), each
// module exactly once per service-worker life, only when first needed:
// - `core()`: the save path (`core_wasm`): preview, lookups, plan, requests and answers, the
//   journal, the undo record of a finished save. Everything a wake for a page needs.
// - `settingsCore()`: all of `core()` plus `core_settings`: connecting, token refresh and a
//   refused refresh (reconnect needed), the managed policy, the options page's and popup's messages (`ui_message`, `state_view`), undo,
//   the error-log CSV.
// The raw exports take one JSON text (the array of arguments) and answer JSON text (see
// crates/core-wasm/src/lib.rs); the functions here take and return plain objects. Arguments
// JSON cannot hold (a BigInt, a cycle) answer invalid_input, like any malformed input.
import initSave, * as saveExports from '../wasm/core_wasm.js';
import initSettings, * as settingsExports from '../wasm/core_settings.js';

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

/** The module's exports as plain-object functions (not its init functions). */
function wrapAll(exports) {
  const out = {};
  for (const [name, raw] of Object.entries(exports)) {
    if (typeof raw === 'function' && name !== 'default' && name !== 'initSync') out[name] = wrap(raw);
  }
  return out;
}

/**
 * Each module's Wasm file, named from this file: the shipped worker is one bundled file
 * (build.sh), where the glue's own `import.meta.url` would point at the wrong folder.
 */
const wasmUrl = (name) => new URL('../wasm/' + name + '_bg.wasm', import.meta.url);

let save = null;
let all = null;

/** The save path's exports, after its Wasm module is instantiated (once). */
export function core() {
  if (!save) save = initSave({ module_or_path: wasmUrl('core_wasm') }).then(() => Object.freeze(wrapAll(saveExports)));
  return save;
}

/** Every export (save path and settings), after both modules are instantiated (once each). */
export function settingsCore() {
  if (!all) {
    all = Promise.all([core(), initSettings({ module_or_path: wasmUrl('core_settings') })])
      .then(([saveCore]) => Object.freeze({ ...saveCore, ...wrapAll(settingsExports) }));
  }
  return all;
}
