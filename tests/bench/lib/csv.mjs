// CSV import (issue 18): reading a 10,000-row file with the core's `import_rows` in Wasm (Node
// loads dist/core-node, the same module the import page's worker runs), first call after a
// warm-up, several runs: the median and spread in ms, and the file's size.
import { createRequire } from 'node:module';
import { summary } from './stats.mjs';

/** A spreadsheet-like export: `rows` people with every column the import maps. */
export function csvFile(rows) {
  const lines = ['First Name,Last Name,E-mail,Job Title,Organization,Phone,LinkedIn URL'];
  for (let i = 0; i < rows; i += 1) {
    lines.push(`Person${i},Lastname${i},person${i}@csv.example,Head of Sales,"Initech, Inc.",+1 555 0100,https://www.linkedin.com/in/person${i}`);
  }
  return lines.join('\r\n') + '\r\n';
}

/** `{rows, bytes, ms: summary}`: reading `rows` rows, `runs` times. */
export function csvImportTime(coreDir, { rows = 10000, runs = 7 } = {}) {
  const core = createRequire(import.meta.url)(coreDir);
  const text = csvFile(rows);
  const first = core.import_rows(text);
  if (!first || first.ok !== true || first.rows.length !== rows) {
    throw new Error('import_rows did not read the bench file: ' + JSON.stringify(first).slice(0, 300));
  }
  const times = [];
  for (let r = 0; r < runs; r += 1) {
    const t0 = performance.now();
    core.import_rows(text);
    times.push(performance.now() - t0);
  }
  return { rows, bytes: Buffer.byteLength(text), ms: summary(times) };
}
