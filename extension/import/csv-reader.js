// The import page's dedicated worker: reads a CSV file's text with the core's `import_rows` (its
// own instance of the save module), so a large file never freezes the page and the service
// worker never sees the file. Text in, the core's JSON answer out (see crates/saves import).
import initCore, { import_rows as importRows } from '../wasm/core_wasm.js';

const ready = initCore();

self.onmessage = async (event) => {
  await ready;
  self.postMessage(importRows(JSON.stringify([String(event.data)])));
};
