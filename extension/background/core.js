// Loads the Rust core (wasm-bindgen --target web glue, built into ../wasm/ by ./build.sh), each
// module exactly once per service-worker life, only when first needed:
// - `previewCore()`: the hover preview alone (`core_preview`: `preview`, `team_server_url`),
//   compiled at every wake from the bytes bundled into the worker: what a wake for a hover needs.
// - `core()`: the save path (`core_wasm`): plan, the journal, the undo record of a finished
//   save, server mode's hand-off (and the preview's two functions too). Loaded after a wake's
//   first answer, or at once for a message that needs it.
// - `settingsCore()`: all of `core()` plus `core_settings`: connecting, the reconnect line of
//   the error log, the managed policy, the options page's and popup's messages (`ui_message`,
//   `state_view`), undo's record and plan, the error-log CSV.
// - `outboxCore()`: the save engine's outbox runs (`core_outbox`: `engine_run`, an outbox entry
//   run to its outcome), loaded when a save or a resume runs an entry.
// - `engineCore()`: the save engine's other calls (`core_engine`): a page's lookup and an undo.
//   (The whole engine in one module would be over the 200 KiB gzip ceiling.)
// The engine's exports (`engine_*`, crates/engine in Wasm) run the requests to completion over
// fetch with the engine's one 401 policy, reading and writing the outbox and tokens through
// storage.js's `store`: they take that store first, then their arguments, and answer a Promise.
// The raw exports take one JSON text (the array of arguments) and answer JSON text (see
// crates/core-wasm/src/lib.rs); the functions here take and return plain objects. Arguments
// JSON cannot hold (a BigInt, a cycle) answer invalid_input, like any malformed input.
import initPreview, * as previewExports from '../wasm/core_preview.js';
import initSave, * as saveExports from '../wasm/core_wasm.js';
import initSettings, * as settingsExports from '../wasm/core_settings.js';
import initEngine, * as engineExports from '../wasm/core_engine.js';
import initOutbox, * as outboxExports from '../wasm/core_outbox.js';
// The preview module's bytes, bundled into the worker as base64 (build.sh, esbuild's base64
// loader): a waking worker compiles them without a fetch (see `previewModuleBytes`).
import previewModuleBase64 from '../wasm/core_preview_bg.wasm';

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
function wrapAll(exports) {
  const out = {};
  for (const [name, raw] of Object.entries(exports)) {
    if (typeof raw === 'function' && name !== 'default' && name !== 'initSync') {
      out[name] = name.startsWith('engine_') ? wrapEngine(raw) : wrap(raw);
    }
  }
  return out;
}

/**
 * Each other module's Wasm file, named from this file: the shipped worker is one bundled file
 * (build.sh), where the glue's own `import.meta.url` would point at the wrong folder.
 */
const wasmUrl = (name) => new URL('../wasm/' + name + '_bg.wasm', import.meta.url);

/**
 * The preview module's bytes, decoded from the bundle. Every wake instantiates this module, and
 * a fetch was the largest part of a cold start: the worker's first fetch (its loader set up on
 * the worker thread) and the streamed response cost about 8 ms more than compiling the same
 * bytes from memory (BENCHMARKS.md §3). `WebAssembly.compile` compiles them off the worker
 * thread. `Uint8Array.fromBase64` is Chrome 140+; older ones decode through atob.
 */
function previewModuleBytes() {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(previewModuleBase64);
  return Uint8Array.from(atob(previewModuleBase64), (c) => c.charCodeAt(0));
}

let preview = null;
let save = null;
let all = null;

/**
 * The hover preview's exports, after the preview module is instantiated (once). It is what a
 * wake validates and compiles before its first answer: a fraction of the save module, whose
 * `preview` runs the same Rust function, so the hover and the save decide alike.
 */
export function previewCore() {
  if (!preview) {
    // The compile starts here, at once: the glue's init awaits before it compiles, which would
    // start it only after the worker's whole first script has run (about 2 ms later).
    const compiled = WebAssembly.compile(previewModuleBytes());
    preview = initPreview({ module_or_path: compiled }).then(() => Object.freeze(wrapAll(previewExports)));
  }
  return preview;
}

/** The save path's exports, after its Wasm module is fetched and instantiated (once). */
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

let engine = null;

/** The save engine's lookup and undo (`engine_lookup`, `engine_undo`), once loaded. */
export function engineCore() {
  if (!engine) engine = initEngine({ module_or_path: wasmUrl('core_engine') }).then(() => Object.freeze(wrapAll(engineExports)));
  return engine;
}

let outbox = null;

/** The save engine's outbox runs (`engine_run`), once loaded. */
export function outboxCore() {
  if (!outbox) outbox = initOutbox({ module_or_path: wasmUrl('core_outbox') }).then(() => Object.freeze(wrapAll(outboxExports)));
  return outbox;
}
