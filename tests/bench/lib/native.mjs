// The Rust side: the api-calls binary against the sandbox (protocol crate vs a naive client),
// criterion's decisions per second, and the team inputs the Wasm run reuses.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox } from '../../e2e/harness.mjs';

/** Builds the bench crate's binaries (release) and returns their directory. */
export function buildBins(root) {
  execFileSync('cargo', ['build', '-q', '--release', '-p', 'bench', '-p', 'server', '--bins'], { cwd: root, stdio: 'inherit' });
  return path.join(root, 'target', 'release');
}

/**
 * API calls per scenario, counted by a fresh sandbox. Asynchronous on purpose: the sandbox's
 * log pipes are drained by this process's event loop, which a synchronous child would block.
 */
export async function apiCalls(bin, { bulk }) {
  const sandbox = await startSandbox();
  try {
    const { stdout } = await promisify(execFile)(path.join(bin, 'api-calls'),
      ['--url', sandbox.url, '--cert', sandbox.certPath, '--bulk', bulk.join(',')],
      { encoding: 'utf8', maxBuffer: 1 << 24 });
    return JSON.parse(stdout);
  } finally {
    await sandbox.stop();
  }
}

/**
 * The sandbox's own throughput (`sandbox-load`): a fresh sandbox filled with `records`
 * Contacts, then `clients` concurrent clients for `seconds` on loopback. Rejects when any
 * request failed.
 */
export async function sandboxLoad(bin, { records, clients, seconds }) {
  const sandbox = await startSandbox();
  try {
    const { stdout } = await promisify(execFile)(path.join(bin, 'sandbox-load'),
      ['--url', sandbox.url, '--cert', sandbox.certPath, '--records', String(records),
        '--clients', String(clients), '--seconds', String(seconds)],
      { encoding: 'utf8', maxBuffer: 1 << 24 });
    return JSON.parse(stdout);
  } finally {
    await sandbox.stop();
  }
}

/**
 * Saves through one team server process (`leadline-server`, release) against a fresh sandbox:
 * `--reps` concurrent reps for `--seconds`, then `--singles` one-at-a-time saves through the
 * server and through the engine directly, then the memory of a fresh server holding `--teams`
 * teams (`target/release/server-load`).
 */
export async function serverLoad(bin, { reps, seconds, singles, teams }) {
  const sandbox = await startSandbox();
  const loadBefore = os.loadavg()[0];
  try {
    const { stdout } = await promisify(execFile)(path.join(bin, 'server-load'),
      ['--url', sandbox.url, '--cert', sandbox.certPath, '--server', path.join(bin, 'leadline-server'),
        '--reps', String(reps), '--seconds', String(seconds), '--singles', String(singles), '--teams', String(teams),
        '--sandbox-pid', String(sandbox.proc.pid)],
      { encoding: 'utf8', maxBuffer: 1 << 24 });
    // The machine's 1-minute load average before and after: what else ran beside the bench.
    return { ...JSON.parse(stdout), load_average: [loadBefore, os.loadavg()[0]] };
  } finally {
    await sandbox.stop();
  }
}

/** `bench::team_input(users, source)` as a JS object. */
export function teamInput(bin, users, source) {
  return JSON.parse(execFileSync(path.join(bin, 'team-input'), [String(users), source], { encoding: 'utf8' }));
}

/** The criterion cases of benches/decide.rs: [users, source]. */
export const CASES = [[2, 'linkedin_extension'], [2, 'gmail_extension'], [50, 'linkedin_extension']];

/**
 * Runs `cargo bench -p bench` and reads criterion's estimates: per case the median time per
 * decision (ns) with its 95 % confidence interval.
 */
export function criterion(root, { quick }) {
  const args = ['bench', '-q', '-p', 'bench', '--bench', 'decide', '--', '--noplot', '--quiet',
    '--warm-up-time', quick ? '0.5' : '2', '--measurement-time', quick ? '1' : '5'];
  const r = spawnSync('cargo', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error('cargo bench failed: ' + r.stdout);
  return CASES.map(([users, source]) => {
    const file = path.join(root, 'target', 'criterion', 'decide_json', source, String(users), 'new', 'estimates.json');
    if (!existsSync(file)) return { users, source, error: 'no estimates at ' + file };
    const e = JSON.parse(readFileSync(file, 'utf8'));
    return { users, source, median_ns: e.median.point_estimate,
      lo_ns: e.median.confidence_interval.lower_bound, hi_ns: e.median.confidence_interval.upper_bound };
  });
}
