// The machine the figures were measured on: CPU, cores, OS, tool versions, date.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function osName() {
  try {
    const line = readFileSync('/etc/os-release', 'utf8').split('\n').find((l) => l.startsWith('PRETTY_NAME='));
    return line ? line.slice('PRETTY_NAME='.length).replace(/"/g, '') : os.type();
  } catch {
    return os.type();
  }
}

/** {cpu, cores, memory, os, kernel, node, rustc, wasmRustc, chromium, wasmOpt, date}. */
export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus.length ? cpus[0].model.trim() : 'unknown',
    cores: cpus.length,
    memory: (os.totalmem() / 2 ** 30).toFixed(1) + ' GiB',
    os: osName(),
    kernel: os.release(),
    node: process.version,
    rustc: run('rustc', ['--version']),
    wasmRustc: run('/usr/bin/rustc', ['--version']),
    chromium: run(process.env.CHROMIUM_BIN || '/usr/bin/chromium', ['--version']).split('\n').pop(),
    wasmOpt: run('wasm-opt', ['--version']),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}
