// Loads the Rust core (wasm-bindgen --target web glue, built into ../wasm/ by ./build.sh)
// exactly once per service-worker life. `core()` resolves to the module's exports.
import init, * as exports from '../wasm/core_wasm.js';

let ready = null;

/** The core's exports, after the Wasm module is instantiated (once). */
export function core() {
  if (!ready) ready = init().then(() => exports);
  return ready;
}
