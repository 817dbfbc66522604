// How the team server's throughput was brought up (issue 15): kept with the figures of section
// 7b by every `./build.sh bench`, like the Wasm size experiments of section 4.
export const SERVER_HISTORY = `### Where a save's time went, and what changed (issue 15, 2026-12-03)

Measured with \`server-load\` (50 reps, 10 s) and \`/proc/<pid>/stat\` CPU times, \`perf stat\`
context switches and per-thread counts on the 2-core VM while other builds ran (load average
6–12, so saves/s moved by ±30 % between identical runs; CPU per save is the steadier figure).

| | server CPU per save | sandbox CPU per save | server context switches per save | saves/s |
|---|---|---|---|---|
| before (one TLS connection per CRM request; ~37 database round trips per save, each pool use pinged) | 4.6–6.0 ms | 2.9 ms | ~200 | 128–216 |
| after | 2.5–2.8 ms | 1.1–1.2 ms | ~85 | 250–345 |

- **Half the server's CPU was thread hand-offs, not SQL.** \`perf\` showed 50 % of the server's
  samples in the kernel's scheduler: sqlx runs each SQLite connection on its own thread, so every
  statement, \`BEGIN\`, \`COMMIT\` and pool ping is a round trip between a tokio worker and that
  thread (each statement itself took 2–40 µs). The pools no longer ping a connection before each
  use (a local file does not drop like a socket); a save's team rows are read on one connection
  (\`Store::team_snapshot\`); a one-row outbox write is one statement, not a transaction; the
  settle reads the ledger row and the entries left in one statement; a recorded save is not read
  back; the push of a just-recorded save reuses the team and connection rows the request read.
- **The engine writes no outbox step around a GET.** The entry is still written in flight before
  every request that may change the CRM (the create), so a killed process resumes with a lookup
  and never creates twice; a lookup (GET) and its answer are not written (repeating a read after a
  crash changes nothing). A new person's save: three write transactions instead of five.
- **Keep-alive to the CRM.** The engine's HTTPS transport opened a TCP + TLS connection per
  request (two per save); it now keeps idle connections per host (30 s, up to 64) and sends a
  request on a reused one only if hyper still sees it open, a request it could not start there
  being handed back unsent (\`try_send_request\`) for a new connection: never sent twice. The
  sandbox's own CPU per save fell by 60 % with it.
- **The hop** (single saves one at a time, through the server minus directly): its p95 moved
  between 1.7 and 46 ms across runs of the same build on the loaded VM (one stall of another
  process is enough), its p50 stayed 2–4.5 ms.
- **Already in place:** WAL with \`synchronous = NORMAL\` (every commit survives a killed
  process), one writer connection (no lock fights). The ≥ 500 saves/s target is out of reach on
  this shared VM: server, sandbox and bench together take about 4 ms of CPU per save, 2 cores give
  at most ~500/s with nothing else running; the server's own share allows ~400/s per core.`;
