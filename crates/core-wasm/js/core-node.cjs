// dist/core-node/index.js: the core for Node (tests, scripts). Both Wasm modules (`core_wasm`,
// the save path, and `core_settings`, the rest; see crates/core-wasm/src/lib.rs) behind one
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

for (const file of ['./core_wasm.js', './core_settings.js']) {
  for (const [name, raw] of Object.entries(require(file))) {
    if (typeof raw === 'function' && !name.startsWith('__')) module.exports[name] = wrap(raw);
  }
}
