// Size experiments that take too long for the bench run (each is a full -Zbuild-std Wasm
// build, 3–5 minutes here): measured by hand on 2026-11-23 in a scratch copy of the repo
// (/tmp, same toolchain, same wasm-bindgen + `wasm-opt -Oz` flags as build.sh, `gzip -9`) and
// kept here as text. BENCHMARKS.md prints this section as it is; ./build.sh bench does not
// re-measure it, so re-run the experiments after large changes to the core crates.
export const SIZE_EXPERIMENTS = `### What would bring the Wasm under 150 KiB gzipped

Measured by hand on 2026-11-23 in a scratch copy of the repo (not re-measured by each bench
run): the sources as of 09:30 UTC, Debian's rustc 1.96 with \`-Zbuild-std\`, then wasm-bindgen and
\`wasm-opt -Oz\` exactly as \`build.sh\` runs them; gzip -9.

| variant | raw bytes | gzip -9 bytes | vs. as built |
|---|---|---|---|
| as built (\`opt-level="z"\`, LTO, 1 codegen unit, \`panic=abort\`) | 670,913 | 255,643 (249.7 KiB) | — |
| + \`-Zunstable-options -Cpanic=immediate-abort\` (std built without panic formatting) | 637,339 | 242,295 (236.6 KiB) | −13.3 KB gz (−5.2 %) |
| + \`-Zfmt-debug=none -Zlocation-detail=none\` (on the 09:10 sources) | −880 | −309 | ≈ 0: \`Debug\` formatting is not the weight |
| \`opt-level="s"\` instead of \`"z"\` (on the 09:10 sources, with immediate-abort) | +62,610 | +15,024 | worse |
| only the exports a save needs (decide, preview, lookups, plan_save, next_request, on_response, journal_*, refresh*, apply_policy), with immediate-abort | 495,179 | 195,657 (191.1 KiB) | −60.0 KB gz |
| the same save-path-only build on the 09:10 sources | 355,399 | 143,094 (139.7 KiB) | (the save path grew 37 % in 20 minutes of features) |

So build flags are worth about 5 % and splitting the module (a save-path module the worker
instantiates at every wake, and a connect/options/popup module instantiated only when such a
message arrives) a further 19 % (−46.6 KB gz on top of the flag); neither reaches 150 KiB on
today's code. The weight is the
code the core crates generate for their JSON types: serde's derived (de)serializers are the
serde rows above (about 29 % of the module before inlining; the exports such as \`ui_message\`
inline still more of them). Concrete changes, in order of measured or measurable gain:

1. **build.sh** (\`WASM_RUSTFLAGS\` on the Debian \`-Zbuild-std\` path): add
   \`"-Zunstable-options", "-Cpanic=immediate-abort"\` — measured −13.3 KB gz. A panic then traps
   without a message; the crates already never panic on input (workspace lints).
2. **saves / crm**: replace the internally tagged enums and \`flatten\` fields, which serde buffers
   through its \`Content\` type (see "buffered through serde Content" above; today
   \`#[serde(tag = "kind")]\` in \`saves/src/message.rs\` (3×), \`saves/src/step.rs\`,
   \`crm/src/error.rs\` (2×), \`crm/src/salesforce/{account,oauth}.rs\`, and \`#[serde(flatten)]\` in
   \`saves/src/{records,prospect}.rs\`), by reading the tag from the \`serde_json::Value\` and
   deserializing the variant's struct directly.
3. **saves / crm**: deserialize each wire type from one source only. Types read both from
   \`serde_json::Value\` and from JSON text get both sets of code ("deserializing from JSON text"
   above); read text into a \`Value\` once and go on from there. The biggest single ones
   (\`OutboxEntry\`, \`RawActivity\`, \`Prospect\`: 5–13 KB each) are worth hand-written readers over
   \`Value\` (\`get("field").and_then(Value::as_str)\`), which are a fraction of the derive's size.
4. **core-wasm**: split the exports into two wasm-bindgen modules as measured above (−46.6 KB gz
   from what the worker loads at every wake; total package bytes do not shrink).
5. **CI**: fail when the gzipped module grows past a budget (this bench's figure 4 already
   measures it), so size is kept rather than won back.`;
