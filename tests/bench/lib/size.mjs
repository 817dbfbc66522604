// Sizes: the shipped Wasm module (raw and gzipped after wasm-opt -Oz), the extension zip, and
// what weighs most in the module (twiggy on a build with names kept, grouped by crate).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';

const OPT = ['-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals'];

/**
 * The other modules: the preview module, compiled from the worker's bundle at every wake, and
 * the save engine's, loaded when an entry runs, or for a lookup, an undo or a connect.
 */
const ENGINE_MODULES = [
  { name: 'core_preview', label: 'preview module', what: 'the hover preview alone, compiled from the worker bundle at every wake', bundled: true },
  { name: 'core_outbox', what: 'outbox runs' },
  { name: 'core_engine', what: 'lookups, undo and connects' },
];

/**
 * {wasmRaw, wasmGzip, glueRaw} of the save module (loaded after a wake's first answer), the same as
 * {settingsRaw, settingsGzip} for the settings module (loaded for options, popup, connect,
 * refresh and undo only, when it exists), `engines` ({name, what, raw, gzip} of the preview
 * module and each save engine module that exists), and the zip, in bytes.
 */
export function sizes(dist) {
  const dir = path.join(dist, 'extension', 'wasm');
  const wasm = readFileSync(path.join(dir, 'core_wasm_bg.wasm'));
  let settings = null;
  try {
    settings = readFileSync(path.join(dir, 'core_settings_bg.wasm'));
  } catch {
    // A build with one module.
  }
  return {
    wasmRaw: wasm.length,
    wasmGzip: gzipSync(wasm, { level: 9 }).length,
    glueRaw: statSync(path.join(dir, 'core_wasm.js')).size,
    settingsRaw: settings ? settings.length : null,
    settingsGzip: settings ? gzipSync(settings, { level: 9 }).length : null,
    engines: ENGINE_MODULES.flatMap(({ name, what, bundled }) => {
      try {
        // The preview module is not a file of the package: build.sh keeps the bytes the worker
        // bundle carries in dist/bundled/.
        const bytes = readFileSync(path.join(bundled ? path.join(dist, 'bundled') : dir, name + '_bg.wasm'));
        return [{ name, what, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }];
      } catch {
        return []; // a build without it
      }
    }),
    zip: statSync(path.join(dist, 'leadline-extension.zip')).size,
  };
}

/** The largest gzipped module (the one the 200 KiB ceiling binds first). */
export function largestGzip(size) {
  return Math.max(size.wasmGzip, size.settingsGzip || 0, ...(size.engines || []).map((e) => e.gzip));
}

/** twiggy on PATH, installed with `cargo install twiggy` when missing (null when that fails). */
export function ensureTwiggy() {
  if (spawnSync('twiggy', ['--version']).status === 0) return 'twiggy';
  const r = spawnSync('cargo', ['install', '-q', 'twiggy'], { stdio: 'inherit' });
  return r.status === 0 ? 'twiggy' : null;
}

/** The crate an item belongs to, from its (demangled) name. */
export function crateOf(name) {
  if (/subsection|^custom section/.test(name)) return '(names section)';
  if (/^(Σ|\.\.\. and)/.test(name)) return '(summary row)';
  if (name.startsWith('data segment')) return '(data: strings, tables)';
  const m = /([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/.exec(name);
  if (m) return m[1] === 'alloc' || m[1] === 'core' || m[1] === 'std' ? 'std/core/alloc' : m[1];
  if (/^(import|export|table|elem|type|global|memory|code section|wasm magic|"?custom)/.test(name)) return '(wasm structure)';
  return 'core_wasm (exports, bindgen shims)';
}

/** Which kind of serde-generated code an item is, or null. */
export function serdeKind(name) {
  if (/ContentDeserializer|ContentRefDeserializer|private::de::content|TaggedContent|FlatMap/.test(name)) return 'buffered through serde Content (untagged / internally tagged enums, flatten)';
  if (/Deserialize>::deserialize|Visitor|Deserializer|MapAccess|SeqAccess|EnumAccess/.test(name)) {
    if (/StrRead|SliceRead|IoRead/.test(name)) return 'deserializing from JSON text';
    return 'deserializing from serde_json::Value / JS values';
  }
  if (/Serialize>::serialize|Serializer|SerializeMap|SerializeStruct|SerializeSeq/.test(name)) return 'serializing';
  return null;
}

/**
 * twiggy's biggest items and a per-crate sum, measured on the same Wasm after wasm-bindgen and
 * wasm-opt -Oz with names kept (sizes without the names section match the shipped module).
 */
export function weights(rawWasm, twiggy) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leadline-twiggy-'));
  try {
    execFileSync('wasm-bindgen', ['--target', 'web', '--no-typescript', '--keep-debug', '--out-dir', dir, rawWasm]);
    const named = path.join(dir, 'named.wasm');
    execFileSync('wasm-opt', [...OPT, '--debuginfo', path.join(dir, 'core_wasm_bg.wasm'), '-o', named]);
    const out = execFileSync(twiggy, ['top', '-n', '100000', '--format', 'json', named], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const items = JSON.parse(out).filter((i) => typeof i.shallow_size === 'number');
    const code = items.filter((i) => !['(names section)', '(summary row)'].includes(crateOf(i.name)));
    const codeTotal = code.reduce((a, i) => a + i.shallow_size, 0);
    const byCrate = {};
    for (const i of code) byCrate[crateOf(i.name)] = (byCrate[crateOf(i.name)] || 0) + i.shallow_size;
    const crates = Object.entries(byCrate).sort((a, b) => b[1] - a[1]).map(([crate, bytes]) => ({ crate, bytes }));
    const top = code.slice(0, 15)
      .map((i) => ({ name: i.name.replace(/\[[0-9a-f]{12,}\]/g, ''), bytes: i.shallow_size }));
    const serde = {};
    for (const i of code) {
      const kind = serdeKind(i.name);
      if (kind) serde[kind] = (serde[kind] || 0) + i.shallow_size;
    }
    return { codeTotal, crates, top, serde };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
