#!/usr/bin/env bash
# One entry point for building, testing and running Leadline.
#
#   ./build.sh            build the extension (dist/extension/, dist/leadline-extension.zip)
#                         and the core for Node (dist/core-node/)
#   ./build.sh test       install what is missing, then run every check and test
#   ./build.sh demo       the whole story against the local sandbox org
#   ./build.sh sandbox [--port N]   start the sandbox org (default port 8443)
#   ./build.sh server [--port N]    start the team server (default port 8787; see README)
#   ./build.sh bench      run the benchmarks and write BENCHMARKS.md
#   ./build.sh mutants [crate[:k/n]]...   mutation testing (cargo-mutants); writes the scores
#                         to BENCHMARKS.md, one row per crate and sample (default: attribution,
#                         crm:0/8, saves:0/8; k/n is a round-robin sample;
#                         MUTANTS_TEST_ARGS=--tests skips doctests, MUTANTS_TIMEOUT=seconds
#                         per mutant's tests, default 300)
#
# On a fresh Debian machine it installs what it needs (apt packages, wasm-bindgen-cli, npm
# packages) and skips whatever is already present. See README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD

WASM_TARGET=wasm32-unknown-unknown
LLVM_BIN=/usr/lib/llvm-22/bin
# The two compilers (rustup's and Debian's rustc-web) keep separate target dirs so they never
# fight over fingerprints.
WASM_TARGET_DIR=$ROOT/target-wasm
DIST=$ROOT/dist

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# --- installing what is missing -------------------------------------------------------------

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
  else die "need root to run: $* (run as root or with passwordless sudo)"; fi
}

APT_UPDATED=0
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
  say "installing ${missing[*]} (apt)"
  if [ $APT_UPDATED = 0 ]; then as_root apt-get update -qq || die "apt-get update failed"; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "could not install ${missing[*]} with apt-get"
}

# The rustup toolchain has no wasm32 target on these machines and cannot download one; Debian's
# rustc-web (with its std source and lld's wasm-ld) builds std for wasm32 instead.
use_rustup_wasm_target() {
  command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"
}

ensure_wasm_toolchain() {
  if use_rustup_wasm_target; then return 0; fi
  ensure_apt rustc-web cargo-web rust-web-src lld-22
  [ -x "$LLVM_BIN/wasm-ld" ] || die "wasm-ld not found at $LLVM_BIN after installing lld-22"
}

# wasm-bindgen's CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_wasm_bindgen() {
  local want have
  want=$(wasm_bindgen_version)
  [ -n "$want" ] || die "wasm-bindgen is not in Cargo.lock"
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (cargo install, about 2 minutes)"
    # --locked fails here: one locked dependency version is missing from the registry mirror.
    cargo install -q wasm-bindgen-cli --version "$want" --force \
      || die "cargo install wasm-bindgen-cli --version $want failed"
  fi
}

ensure_node_modules() {
  command -v node >/dev/null || ensure_apt nodejs npm
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null || die "npm ci failed"
  fi
}

ensure_build_tools() {
  ensure_wasm_toolchain
  ensure_apt binaryen zip
  ensure_wasm_bindgen
  ensure_node_modules # esbuild bundles the service worker
}

ensure_test_tools() {
  ensure_build_tools
  ensure_apt chromium chromium-driver
  ensure_node_modules
}

# --- building -------------------------------------------------------------------------------

# cargo for the wasm32 target: the plain rustup target when installed, else Debian's compiler
# building std from source.
# Reference types stay off: wasm-bindgen would then use an externref table, which Debian's
# wasm-opt (binaryen 108) miscompiles (the module fails at start with "Table.set(): Argument 1
# is invalid for table").
WASM_RUSTFLAGS='["-C", "target-feature=-reference-types"]'
# With std built from source, a panic can trap without formatting its message: std, core and
# the crates then carry no panic-message machinery (measured -13 KB gzipped). The crates never
# panic on input (workspace lints), so this only changes how a bug would fail: a bare trap.
WASM_RUSTFLAGS_BUILD_STD='["-C", "target-feature=-reference-types", "-Zunstable-options", "-Cpanic=immediate-abort"]'
wasm_cargo() {
  # Only the shipped build traps on panic: the test harness cannot be built that way.
  local std_flags=$WASM_RUSTFLAGS
  if [ "$1" = build ]; then std_flags=$WASM_RUSTFLAGS_BUILD_STD; fi
  if use_rustup_wasm_target; then
    cargo "$@" --target "$WASM_TARGET" --target-dir "$WASM_TARGET_DIR/rustup" \
      --config "target.$WASM_TARGET.rustflags=$WASM_RUSTFLAGS"
  else
    PATH="$LLVM_BIN:$PATH" RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
      /usr/bin/cargo "$@" \
      --target "$WASM_TARGET" --target-dir "$WASM_TARGET_DIR/debian" \
      -Zbuild-std=std,panic_abort \
      --config "target.$WASM_TARGET.linker=\"wasm-ld\"" \
      --config "target.$WASM_TARGET.rustflags=$std_flags"
  fi
}

# The Wasm modules are built with Cargo.toml's size-minded `wasm` profile (native binaries use
# `release`, built for speed); cargo writes a profile's output under its own name.
WASM_PROFILE=wasm
wasm_out_dir() {
  if use_rustup_wasm_target; then echo "$WASM_TARGET_DIR/rustup/$WASM_TARGET/$WASM_PROFILE"
  else echo "$WASM_TARGET_DIR/debian/$WASM_TARGET/$WASM_PROFILE"; fi
}

# -Oz twice: binaryen's size pipeline run a second time finds what the first one's inlining
# and merging left (measured on core_engine: -1.5 KB gzipped; every module shrinks).
WASM_OPT_FLAGS=(-Oz -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --strip-debug --strip-producers)
# The preview module's own: V8 compiles a Wasm function whole on its first call, and binaryen
# inlines every function with one caller, which made `preview`'s export one 30 KB function of
# mostly cold paths (a save message's checks, server mode) that each wake's first preview
# compiled. Kept apart, that first call compiles 61 KB of functions instead of 79 KB, for
# 6 KB more module (3 KB less gzipped); BENCHMARKS.md §3.
WASM_OPT_PREVIEW_FLAGS=(--one-caller-inline-max-function-size=0)
# wasm_opt NAME IN OUT: the shipped optimisation of one module.
wasm_opt() {
  local extra=()
  if [ "$1" = core_preview ]; then extra=("${WASM_OPT_PREVIEW_FLAGS[@]}"); fi
  wasm-opt "${WASM_OPT_FLAGS[@]}" "${extra[@]}" "$2" -o "$3"
}

# The core is Wasm modules built from crates/core-wasm with one feature each (see its lib.rs):
# `preview` -> core_preview (the hover preview alone: bundled into the worker as base64 and
# compiled at every wake), `save` -> core_wasm (plans and the journal: loaded after a wake's
# first answer, or at once for a save) and `settings` -> core_settings (connecting, options,
# undo; instantiated only when such a message arrives). `engine` -> core_engine: the save
# engine's lookups and undo; `outbox` -> core_outbox: its runs of outbox entries (a save wake
# loads it; the whole engine in one module is over 200 KiB gzip).
CORE_MODULES=("preview core_preview" "save core_wasm" "settings core_settings" "engine core_engine" "outbox core_outbox")
# Built for dist/core-node only: the spec's JSON contract functions (`decide`, ...), which only
# tests and scripts call.
NODE_ONLY_MODULES=("contract core_contract")

build() {
  ensure_build_tools
  local work feature name wasm
  work="$WASM_TARGET_DIR/modules"
  mkdir -p "$work"
  for module in "${CORE_MODULES[@]}" "${NODE_ONLY_MODULES[@]}"; do
    read -r feature name <<<"$module"
    say "building the core for wasm32 ($name: feature $feature)"
    # The features all build one file name, deps/core_wasm.wasm (a cdylib has no hash in its
    # name): a feature cargo finds fresh would be handed the module built last (a second build
    # with no source change made core_wasm the outbox module). Without it, cargo builds this
    # feature's module again (its dependencies stay built: a few seconds).
    rm -f "$(wasm_out_dir)/core_wasm.wasm" "$(wasm_out_dir)/deps/core_wasm.wasm"
    wasm_cargo build -q --profile "$WASM_PROFILE" -p core-wasm --no-default-features --features "$feature"
    wasm="$(wasm_out_dir)/core_wasm.wasm"
    [ -f "$wasm" ] || die "expected $wasm after the build"
    # A new file, never written through: a worktree whose target dir was seeded by hard links
    # would otherwise change every linked copy.
    rm -f "$work/$name.wasm"
    cp "$wasm" "$work/$name.wasm"
  done

  say "assembling dist/extension"
  rm -rf "$DIST/extension" "$DIST/core-node" "$DIST/bundled"
  mkdir -p "$DIST/extension"
  cp manifest.json "$DIST/extension/"
  cp -R extension/. "$DIST/extension/"
  for module in "${CORE_MODULES[@]}"; do
    read -r feature name <<<"$module"
    wasm-bindgen --target web --no-typescript --out-dir "$DIST/extension/wasm" "$work/$name.wasm"
    wasm_opt "$name" "$DIST/extension/wasm/${name}_bg.wasm" "$DIST/extension/wasm/${name}_bg.wasm"
  done
  bundle_worker "$DIST/extension"
  # The preview module ships inside the worker's bundle only (base64, compiled from memory at
  # every wake): its .wasm and glue leave the package for dist/bundled/, where the size test and
  # the bench read the very bytes the bundle carries.
  mkdir -p "$DIST/bundled"
  mv "$DIST/extension/wasm/core_preview_bg.wasm" "$DIST/extension/wasm/core_preview.js" "$DIST/bundled/"
  rm -f "$DIST/leadline-extension.zip"
  (cd "$DIST/extension" && zip -q -r -X ../leadline-extension.zip .)

  say "assembling dist/core-node"
  for module in "${CORE_MODULES[@]}" "${NODE_ONLY_MODULES[@]}"; do
    read -r feature name <<<"$module"
    wasm-bindgen --target nodejs --no-typescript --out-dir "$DIST/core-node" "$work/$name.wasm"
    wasm_opt "$name" "$DIST/core-node/${name}_bg.wasm" "$DIST/core-node/${name}_bg.wasm"
  done
  # Both modules behind one object of plain-object functions (the JSON wrapper).
  cp crates/core-wasm/js/core-node.cjs "$DIST/core-node/index.js"
  cat > "$DIST/core-node/package.json" <<'JSON'
{ "name": "leadline-core", "private": true, "type": "commonjs", "main": "index.js" }
JSON
  say "built dist/extension ($(du -sh "$DIST/extension" | cut -f1)), dist/leadline-extension.zip, dist/core-node"
}

# The service worker ships as ONE module file: extension/background/ is a dozen small ES
# modules (plus the Wasm glue and shared/messages.js), and a worker that wakes must load every
# one of them before its first line runs. esbuild joins them into background/worker.js (ESM).
# The other background files are not shipped.
# Measured on the save path's cold start: about 10 ms less in the worker (BENCHMARKS.md §3).
# The preview module's bytes go into the bundle too, as a base64 string (`--loader:.wasm=base64`,
# imported by core.js): every wake instantiates that module, and fetching it (the worker's first
# fetch) cost about 8 ms more than compiling it from memory. Only the preview module is bundled
# (build moves its files out of wasm/ afterwards); wasm/core_wasm_bg.wasm stays for the import
# page's worker and the worker's fetch after the first answer.
# Whitespace and syntax are minified (a waking worker reads, decodes and compiles the whole file
# on its one thread before its first line runs); names are kept, and background/worker.js.map
# maps stack traces in DevTools back to the source files.
bundle_worker() { # dist extension dir
  local out=$1/background
  rm -rf "$out.bundle"
  node_modules/.bin/esbuild "$out/worker.js" --bundle --format=esm --target=chrome120 \
    --loader:.wasm=base64 --minify-whitespace --minify-syntax --sourcemap=linked --sources-content=false \
    --log-level=warning --legal-comments=none --outfile="$out.bundle/worker.js"
  rm -rf "$out" && mv "$out.bundle" "$out"
}

# --- checks and tests -----------------------------------------------------------------------

# Node test files, NODE_TEST_CONCURRENCY (default 3) at a time. Files are independent: each
# e2e file starts its own sandbox on port 0 and its own Chromium profile, and much of an e2e
# file's time is spent waiting (sandbox latency, back-offs, the undo window, HubSpot's search
# lag), so two at a time kept about one core of two busy; three overlap those waits. Measured
# on a shared 2-core machine (other jobs holding a load of 8-13): 483-521 s two at a time,
# 337-346 s three at a time; the stage's own processes use about 360 s of CPU (Chromium 280,
# Node 77, sandbox 6), so the floor on two idle cores is about 180 s. One at a time took 746 s
# in an earlier measure.
# NODE_TEST_CONCURRENCY=1 runs them one at a time, e.g. to read one failure's log in order.
node_tests() {
  local files
  files=$(find "$@" -name '*.test.mjs' 2>/dev/null | sort)
  [ -n "$files" ] || return 0
  # shellcheck disable=SC2086
  node --test --test-concurrency="${NODE_TEST_CONCURRENCY:-3}" $files
}

# Stage timing: `stage NAME CMD...` runs CMD, prints how long it took and keeps the figure for
# the table `stage_summary` prints at exit, so the next slowdown shows. CMD runs under `set -e`
# as before (no `||` around it, which would switch errexit off inside functions such as build);
# when it fails the script exits and the table names the stage that was running.
STAGE_NAMES=()
STAGE_MS=()
STAGE_RUNNING=""
STAGE_START=0
now_ms() { date +%s%3N; }
secs() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }
stage() {
  STAGE_RUNNING=$1
  shift
  say "$STAGE_RUNNING"
  STAGE_START=$(now_ms)
  "$@"
  local took=$(($(now_ms) - STAGE_START))
  STAGE_NAMES+=("$STAGE_RUNNING")
  STAGE_MS+=("$took")
  STAGE_RUNNING=""
  printf '    took %s s\n' "$(secs "$took")" >&2
}
stage_summary() {
  local i total=0
  if [ -n "$STAGE_RUNNING" ]; then
    STAGE_NAMES+=("$STAGE_RUNNING (FAILED)")
    STAGE_MS+=("$(($(now_ms) - STAGE_START))")
  fi
  [ ${#STAGE_NAMES[@]} -gt 0 ] || return 0
  printf '\n%-64s %8s\n' "stage" "seconds" >&2
  for i in "${!STAGE_NAMES[@]}"; do
    printf '%-64s %8s\n' "${STAGE_NAMES[$i]}" "$(secs "${STAGE_MS[$i]}")" >&2
    total=$((total + STAGE_MS[i]))
  done
  printf '%-64s %8s\n' "total" "$(secs "$total")" >&2
}

wasm_tests() {
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner wasm_cargo test -p core-wasm
}

run_tests() {
  ensure_test_tools
  trap stage_summary EXIT
  stage "cargo fmt --check" cargo fmt --all -- --check
  stage "eslint (extension/ and tests/, warnings are errors)" \
    node_modules/.bin/eslint --max-warnings 0 extension tests eslint.config.js
  stage "cargo clippy (warnings are errors)" cargo clippy -q --workspace --all-targets -- -D warnings
  stage "native tests (cargo test; tidy checks purity and cycles)" cargo test -q --workspace
  # The bench's binaries too (cargo test already built them for its integration test): the
  # bench's smoke test runs them.
  stage "sandbox, team server and bench binaries build" cargo build -q -p sandbox -p server -p bench --bins
  stage "Wasm build (dist/extension, dist/core-node)" build
  stage "Wasm tests (wasm-bindgen-test in Node)" wasm_tests
  export SANDBOX_BIN="$ROOT/target/debug/sandbox" EXT_DIR="$DIST/extension"
  stage "Node tests (core for Node, CRM clients, bench units and smoke, Chromium)" \
    node_tests tests/node tests/compat tests/bench tests/e2e
  say "all tests passed"
}

# --- mutation testing (issue 19) -------------------------------------------------------------

ensure_cargo_mutants() {
  command -v cargo-mutants >/dev/null 2>&1 && return 0
  say "installing cargo-mutants from crates.io"
  cargo install --locked cargo-mutants || cargo install cargo-mutants
}

# Replaces (or adds) the row of one run in the "Mutation scores" table of BENCHMARKS.md: one
# row per crate and sample (`all`, or each shard k/n), so the shards of a crate are each kept; a
# new sample's row goes after the crate's other rows.
record_mutation_score() { # crate sample tested caught missed unviable timeouts seconds commit command key
  local viable=$(($4 + $5 + $7)) score row
  score=$(awk -v c="$(($4 + $7))" -v v="$viable" 'BEGIN { if (v > 0) printf "%.1f %%", 100 * c / v; else print "-" }')
  row="| \`$1\` | $2 | $3 | $(date -u +%F) | \`$9\` | $4 | $5 | $6 | $7 | $score | $(($8 / 60)) min $(($8 % 60)) s | \`${10}\` |"
  grep -q '^<!-- mutants:rows -->$' BENCHMARKS.md || die "BENCHMARKS.md has no '<!-- mutants:rows -->' table"
  awk -v crate="| \`$1\` |" -v key="| \`$1\` | ${11}" -v row="$row" '
    /^<!-- mutants:rows -->$/ { inside = 1 }
    inside && index($0, key) == 1 { print row; done = 1; next }
    inside && !done && last && index($0, crate) != 1 { print row; done = 1 }
    inside { last = index($0, crate) == 1 }
    /^<!-- \/mutants:rows -->$/ { if (!done) print row; done = 1; inside = 0 }
    { print }' BENCHMARKS.md > BENCHMARKS.md.new
  mv BENCHMARKS.md.new BENCHMARKS.md
}

# How many mutants of one outcome (caught, missed, unviable, timeout) a run wrote.
mutant_count() { # out outcome
  local file=$1/mutants.out/$2.txt
  if [ -f "$file" ]; then grep -c . "$file" || true; else echo 0; fi
}

# Runs cargo-mutants over each `crate[:k/n]` and records each score; survivors are listed in
# target/mutants/<crate>[-k-of-n]/mutants.out/missed.txt.
# - A shard k/n is a sample: every n-th mutant in source order from the k-th (round-robin, so
#   the sample spans every file; cargo-mutants' default slices take consecutive mutants).
# - The CPU is shared: `nice -n 19`, one mutant at a time, one compiler job (CARGO_BUILD_JOBS).
# - Each mutant's tests stop after MUTANTS_TIMEOUT seconds (default 300; a timeout counts as
#   caught: an infinite loop is noticed).
# - The builds go to target/mutants-build/<crate>, kept between runs so the dependencies build
#   once, without debug info (links faster; the tests are the same); one directory per crate, so
#   two crates' runs can go side by side (`./build.sh mutants crm:5/16 & ./build.sh mutants
#   saves:4/16`), and BENCHMARKS.md is written under a lock.
# - MUTANTS_TEST_ARGS go to `cargo test`, e.g. "--tests" to skip doctests (faster, and can only
#   lower the score).
run_mutants() {
  ensure_cargo_mutants
  local spec crate shard out cmd rc args started took total sample commit
  [ $# -gt 0 ] || set -- attribution crm:0/8 saves:0/8
  for spec in "$@"; do
    crate=${spec%%:*}
    shard=${spec#"$crate"}; shard=${shard#:}
    out=$ROOT/target/mutants/$crate${shard:+-${shard%/*}-of-${shard#*/}}
    args=(-p "$crate" --jobs 1 --timeout "${MUTANTS_TIMEOUT:-300}")
    [ -z "$shard" ] || args+=(--shard "$shard" --sharding round-robin)
    # shellcheck disable=SC2206
    [ -z "${MUTANTS_TEST_ARGS:-}" ] || args+=(-- $MUTANTS_TEST_ARGS)
    cmd="cargo mutants ${args[*]}"
    total=$(cargo mutants --list -p "$crate" | grep -c .)
    say "mutants: $cmd"
    rm -rf "$out" && mkdir -p "$out"
    # The commit the copy was taken from (+changes: the crate had uncommitted edits then).
    commit=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
    git diff --quiet HEAD -- "crates/$crate" 2>/dev/null || commit="$commit+changes"
    started=$(date +%s)
    # Exit code 2 (mutants survived) or 3 (timeouts) is a result, not a failure of the run.
    rc=0
    CARGO_TARGET_DIR=$ROOT/target/mutants-build/$crate CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1} \
      CARGO_PROFILE_DEV_DEBUG=0 CARGO_PROFILE_TEST_DEBUG=0 \
      nice -n 19 cargo mutants --output "$out" "${args[@]}" || rc=$?
    took=$(($(date +%s) - started))
    case $rc in 0|2|3) ;; *) die "cargo mutants failed for $crate (exit $rc)" ;; esac
    sample="all $total" key="all "
    [ -z "$shard" ] || sample="shard $shard of $total (1 in ${shard#*/}, round-robin)" key="shard $shard of "
    exec 9>"$ROOT/target/mutants/.lock" && flock 9
    record_mutation_score "$crate" "$sample" \
      "$(($(mutant_count "$out" caught) + $(mutant_count "$out" missed) + $(mutant_count "$out" unviable) + $(mutant_count "$out" timeout)))" \
      "$(mutant_count "$out" caught)" "$(mutant_count "$out" missed)" "$(mutant_count "$out" unviable)" \
      "$(mutant_count "$out" timeout)" "$took" "$commit" "$cmd" "$key"
    exec 9>&-
    if [ -s "$out/mutants.out/missed.txt" ]; then
      say "surviving mutants in $crate:"; cat "$out/mutants.out/missed.txt" >&2
    fi
  done
}

# The team server; its data (database, master key) goes to $LEADLINE_DATA, default server-data/.
# `./build.sh server admin-invite --team NAME` prints the first admin's invite code.
run_server() {
  cargo build -q --release -p server
  LEADLINE_DATA=${LEADLINE_DATA:-$ROOT/server-data} exec "$ROOT/target/release/leadline-server" "$@"
}

run_sandbox() {
  cargo build -q --release -p sandbox
  exec "$ROOT/target/release/sandbox" --fixtures "$ROOT/tests/fixtures" "$@"
}

case "${1:-build}" in
  build) build ;;
  test) run_tests ;;
  sandbox) shift; run_sandbox "$@" ;;
  server) shift; run_server "$@" ;;
  demo)
    [ -f tests/demo/demo.mjs ] || die "the demo comes with the extension issue (#4) and is not there yet"
    ensure_test_tools; cargo build -q --release -p sandbox -p server; build
    SANDBOX_BIN="$ROOT/target/release/sandbox" EXT_DIR="$DIST/extension" node tests/demo/demo.mjs &&
      SANDBOX_BIN="$ROOT/target/release/sandbox" SERVER_BIN="$ROOT/target/release/leadline-server" EXT_DIR="$DIST/extension" node tests/demo/team-story.mjs ;;
  bench)
    [ -f tests/bench/bench.mjs ] || die "the benchmarks come with issue #6 and are not there yet"
    ensure_test_tools; cargo build -q --release -p sandbox; build
    SANDBOX_BIN="$ROOT/target/release/sandbox" EXT_DIR="$DIST/extension" node tests/bench/bench.mjs ;;
  mutants) shift; run_mutants "$@" ;;
  -h|--help|help) sed -n '2,18p' "$0" ;;
  *) die "unknown command '$1' (try ./build.sh help)" ;;
esac
