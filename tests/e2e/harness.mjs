// Shared end-to-end harness: the sandbox org, real headless Chromium with the real extension,
// and helpers for the pages tests drive. Hostnames stay real (www.linkedin.com,
// mail.google.com, login.salesforce.com, ...) and are mapped to the sandbox by Chromium's
// host-resolver rules, so the extension runs with no test-only code path.
//
//   const sandbox = await startSandbox();              // SANDBOX_BIN or ./target/debug/sandbox
//   const ext = await launchExtension({ sandbox });     // EXT_DIR or ./dist/extension
//   const page = await ext.context.newPage(); await page.goto('https://www.linkedin.com/in/ada-lovelace/');
//   ...; await ext.stop(); await sandbox.stop();
//
// `startTeamServer(sandbox)` runs the team server binary against the sandbox (server mode).
// `launchExtension({ stubWorker: true })` swaps the service worker for a recording stub (content
// script tests: exact messages, canned answers; a list page's cards answered by the built core). Without a sandbox binary, `launchExtension`
// serves tests/fixtures itself through Playwright routes (fixture pages only, no CRM).
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { cp, mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = path.join(ROOT, 'tests', 'fixtures');
export const ARTIFACTS = path.join(ROOT, 'tests', 'e2e', 'artifacts');
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

/** Hostnames the browser resolves to the sandbox. */
export const MAPPED_HOSTS = [
  'www.linkedin.com', 'mail.google.com', 'login.salesforce.com', 'test.salesforce.com',
  'acme.my.salesforce.com', 'acme--uat.sandbox.my.salesforce.com', 'api.hubapi.com', 'app.hubspot.com',
];

/** The sandbox binary to run, or null when none is built. */
export function sandboxBinary() {
  const bin = process.env.SANDBOX_BIN || path.join(ROOT, 'target', 'debug', 'sandbox');
  return existsSync(bin) ? bin : null;
}

/**
 * Starts the sandbox org on a free port with a fresh data dir and tests/fixtures; resolves to
 * {url, port, dataDir, certPath, stop(), records(object), counts(), get(path), post(path, body)}.
 */
export async function startSandbox({ bin = sandboxBinary(), fixtures = FIXTURES, args = [] } = {}) {
  if (!bin) throw new Error('No sandbox binary: build it (cargo build -p sandbox) or set SANDBOX_BIN.');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'leadline-sandbox-'));
  const proc = spawn(bin, ['--port', '0', '--data', dataDir, '--fixtures', fixtures, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  proc.stderr.on('data', (chunk) => log.push(String(chunk)));
  const ready = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('sandbox did not print SANDBOX_READY within 30 s:\n' + log.join(''))), 30000);
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /SANDBOX_READY (https:\/\/\S+)/.exec(out);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error('sandbox exited with ' + code + ':\n' + log.join(''))); });
  });
  let url;
  try {
    url = await ready;
  } catch (error) {
    proc.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const port = Number(new URL(url).port);
  const certPath = path.join(dataDir, 'cert.pem');
  const sandbox = {
    url, port, dataDir, certPath, proc, log,
    async get(p) { return sandboxFetch(sandbox, 'GET', p); },
    async post(p, body) { return sandboxFetch(sandbox, 'POST', p, body); },
    /** Records of one object (`Contact`, `Lead`, `Task`, ...) as the sandbox stores them. */
    async records(object) { return sandbox.get('/__sandbox/records?object=' + encodeURIComponent(object)); },
    /** Record counts per object. */
    async counts() { return sandbox.get('/__sandbox/counts'); },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((resolve) => { proc.once('exit', resolve); setTimeout(resolve, 3000); });
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return sandbox;
}

/** A free loopback port (the server's public URL must be known before it starts). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The team server binary to run (SERVER_BIN or ./target/debug/leadline-server), or null. */
export function teamServerBinary() {
  const bin = process.env.SERVER_BIN || path.join(ROOT, 'target', 'debug', 'leadline-server');
  return existsSync(bin) ? bin : null;
}

/**
 * Starts `leadline-server` (issue 15's team server) on a free loopback port against `sandbox`
 * (from startSandbox), with a fresh data dir and team "Acme" on `crm` (salesforce or hubspot):
 * its own confidential Salesforce app (sign-in and the team's connection) and HubSpot app (reps'
 * HubSpot sign-in, code exchange and refreshes), the sandbox's certificate, the CRM hosts pinned
 * to the sandbox. Resolves to {url, dataDir, log, invite (the first admin's code),
 * api(method, path, {session, body}) → {status, json, location, text}, stop()}.
 */
export async function startTeamServer(sandbox, { bin = teamServerBinary(), crm = 'salesforce' } = {}) {
  if (!bin) throw new Error('No leadline-server binary: build it (cargo build -p server) or set bin.');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'leadline-server-'));
  const invite = spawnSync(bin, ['admin-invite', '--team', 'Acme', '--crm', crm, '--data', dataDir], { encoding: 'utf8' });
  if (invite.status !== 0) throw new Error('leadline-server admin-invite failed:\n' + invite.stderr);
  const port = await freePort();
  const url = 'http://127.0.0.1:' + port;
  const pins = ['login.salesforce.com', 'test.salesforce.com', 'acme.my.salesforce.com', 'api.hubapi.com']
    .map((host) => host + '=127.0.0.1:' + sandbox.port).join(',');
  const proc = spawn(bin, ['serve', '--port', String(port), '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, RUST_LOG: 'info', LEADLINE_PUBLIC_URL: url,
      LEADLINE_SF_LOGIN_URL: sandbox.url, LEADLINE_SF_CLIENT_ID: 'leadline-sandbox-server',
      LEADLINE_SF_CLIENT_SECRET: 'leadline-sandbox-server-secret', LEADLINE_CA_FILE: sandbox.certPath,
      // The sandbox's HubSpot app: the server alone holds its secret (reps' HubSpot sign-in,
      // code exchange and refreshes); its authorize pages and token endpoint are the sandbox's.
      LEADLINE_HS_CLIENT_ID: 'leadline-hubspot-client', LEADLINE_HS_CLIENT_SECRET: 'leadline-hubspot-secret',
      LEADLINE_HS_API_BASE: sandbox.url, LEADLINE_HS_APP_URL: sandbox.url,
      LEADLINE_CRM_RESOLVE: pins,
    },
  });
  const log = [];
  proc.stderr.on('data', (chunk) => log.push(String(chunk)));
  await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('leadline-server did not start:\n' + log.join(''))), 30000);
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('listening on')) { clearTimeout(timer); resolve(); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error('leadline-server exited with ' + code + ':\n' + log.join(''))); });
  });
  const api = async (method, p, { session = null, body } = {}) => {
    const response = await fetch(url + p, {
      method, redirect: 'manual',
      headers: { ...(session ? { authorization: 'Bearer ' + session } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* a redirect or a page */ }
    return { status: response.status, json, location: response.headers.get('location'), text };
  };
  return {
    url, dataDir, log, invite: invite.stdout.trim(), api,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((resolve) => { proc.once('exit', resolve); setTimeout(resolve, 5000); });
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * For tests that only need fixture pages: the sandbox when one is built and starts, else null
 * (launchExtension then serves tests/fixtures through Playwright routes) with a note on stderr.
 * FIXTURES_VIA=routes forces routes; FIXTURES_VIA=sandbox makes a sandbox failure fatal.
 */
export async function fixtureServer(dir = null) {
  const via = process.env.FIXTURES_VIA || 'auto';
  if (via === 'routes' || (via === 'auto' && !sandboxBinary())) return null;
  try {
    return await startSandbox(dir ? { fixtures: dir } : {});
  } catch (error) {
    if (via === 'sandbox') throw error;
    process.stderr.write('note: sandbox unavailable (' + String(error.message).split('\n')[0] + '); serving fixtures via routes\n');
    return null;
  }
}

/** JSON request to the sandbox's own endpoints (self-signed certificate accepted). */
async function sandboxFetch(sandbox, method, p, body) {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(sandbox.url + p, { method, rejectUnauthorized: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        if (res.statusCode >= 400) return reject(new Error(method + ' ' + p + ' → ' + res.statusCode + ': ' + text));
        try { resolve(text ? JSON.parse(text) : null); } catch { resolve(text); }
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(typeof body === 'string' ? body : JSON.stringify(body));
    req.end();
  });
}

/**
 * The unpacked extension to load: EXT_DIR, else dist/extension (./build.sh output, with the Wasm
 * core), else — or with `fromSources` — a temp copy of manifest.json + extension/ (no Wasm).
 */
export async function extensionDir({ fromSources = false } = {}) {
  if (process.env.EXT_DIR && !fromSources) return process.env.EXT_DIR;
  const dist = path.join(ROOT, 'dist', 'extension');
  if (!fromSources && existsSync(path.join(dist, 'manifest.json'))) return dist;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-ext-'));
  await cp(path.join(ROOT, 'extension'), dir, { recursive: true });
  await cp(path.join(ROOT, 'manifest.json'), path.join(dir, 'manifest.json'));
  return dir;
}

/**
 * The stub's one call into the real core: a list page's cards (who is a private member, whose
 * card shows no name) are the core's to answer, so the stub asks the core's lookup (`lookup_list`
 * of core_engine, with no connection: no CRM is asked) and keeps only its own canned CRM status
 * for the people. Without a built core (no ./build.sh yet) a list page's lookup is refused.
 */
const STUB_CORE = `
import initEngine, { lookup_list } from '../wasm/core_engine.js';
const engineReady = initEngine({ module_or_path: new URL('../wasm/core_engine_bg.wasm', import.meta.url) });
async function coreLookup(message) {
  await engineReady;
  return JSON.parse(lookup_list(JSON.stringify([{}, message, {}, {}, [], null, Date.now()])));
}
`;
const STUB_NO_CORE = `
async function coreLookup() {
  return { ok: false, error: { code: 'stub_without_core', message: 'The stub worker has no core: run ./build.sh first.', hint: '' } };
}
`;

/** A recording service worker: keeps every message in __seen and answers from __answers. */
export const STUB_WORKER = `
globalThis.__seen = [];
globalThis.__answers = {
  lookup: null,
  preview: { ok: true, decision: { ok: true, credential: { kind: 'team_sync', user: 'u_integration' },
    created_by: 'Ian Integration', owner: 'Rita Rep', needs: [], warnings: [],
    reasons: ['LinkedIn saves are pushed with the team sync connection', 'You own it through your owner mapping'] } },
  save: null,
};
function person(p, i) {
  return { status: 'created', object: 'Contact', record_id: '003STUB' + i, record_url: 'https://acme.my.salesforce.com/003STUB' + i,
    name: p.full_name, owner: { id: '005REP', name: 'Rita Rep' }, created_by: { id: '005INT', name: 'Ian Integration' },
    reasons: ['LinkedIn saves are pushed with the team sync connection'], warnings: [], error: null };
}
chrome.runtime.onMessage.addListener((message, sender, respond) => {
  globalThis.__seen.push({ message, tab: sender.tab ? sender.tab.id : null, url: sender.url || null, id: sender.id });
  const canned = globalThis.__answers[message.kind];
  if (canned) { respond(canned); return false; }
  if (message.kind === 'lookup' && Array.isArray(message.cards)) {
    // The core answers each card by key; the first person is "found", as for prospects below.
    coreLookup(message).then((plan) => {
      let people = 0;
      const cards = (plan.cards || []).map((c) => (c.skipped || !plan.ok ? c : (people++ === 0
        ? { key: c.key, found: true, object: 'Contact', record_id: '003FOUND', record_url: 'https://acme.my.salesforce.com/003FOUND', owner_name: 'Rita Rep' }
        : { key: c.key, found: false })));
      respond(plan.ok ? { ok: true, results: [], cards } : { ok: false, error: plan.error, cards });
    });
    return true;
  }
  if (message.kind === 'lookup') {
    respond({ ok: true, results: (message.prospects || []).map((p, i) => i === 0
      ? { found: true, object: 'Contact', record_id: '003FOUND', record_url: 'https://acme.my.salesforce.com/003FOUND', owner_name: 'Rita Rep' }
      : { found: false }) });
    return false;
  }
  if (message.kind === 'save') {
    const prospects = message.prospects || [];
    (async () => {
      if (message.push === 'bulk' && sender.tab) {
        for (let i = 1; i <= prospects.length; i++) {
          await chrome.tabs.sendMessage(sender.tab.id, { kind: 'save_progress', save_id: 's1', done: i, total: prospects.length }).catch(() => {});
        }
      }
      respond({ ok: true, save_id: 's1', results: prospects.map(person) });
    })();
    return true;
  }
  respond({ ok: false, error: { code: 'unknown_kind', message: 'stub', hint: '' } });
  return false;
});
`;

/**
 * Puts the built core's lookup module (core_engine, from EXT_DIR or dist/extension) into the
 * stub's extension dir, unless it has one already; false when there is none to copy.
 */
async function stubCore(extDir) {
  const files = ['core_engine.js', 'core_engine_bg.wasm'];
  if (files.every((f) => existsSync(path.join(extDir, 'wasm', f)))) return true;
  const built = path.join(process.env.EXT_DIR || path.join(ROOT, 'dist', 'extension'), 'wasm');
  if (!files.every((f) => existsSync(path.join(built, f)))) {
    process.stderr.write('note: no built core in ' + built + ': the stub worker refuses list pages\' lookups (run ./build.sh)\n');
    return false;
  }
  await mkdir(path.join(extDir, 'wasm'), { recursive: true });
  for (const f of files) await cp(path.join(built, f), path.join(extDir, 'wasm', f));
  return true;
}

/** Serves tests/fixtures/<host>/<path> for the given hosts through Playwright routes. */
export async function routeFixtures(context, hosts = ['www.linkedin.com', 'mail.google.com']) {
  for (const host of hosts) {
    await context.route('https://' + host + '/**', async (route) => {
      const url = new URL(route.request().url());
      const rel = decodeURIComponent(url.pathname);
      const base = path.join(FIXTURES, host, rel);
      const candidates = rel.endsWith('/') || !path.extname(rel) ? [path.join(base, 'index.html'), base.replace(/\/$/, '') + '.html'] : [base];
      for (const file of candidates) {
        if (!file.startsWith(path.join(FIXTURES, host))) break;
        try {
          if ((await stat(file)).isFile()) {
            const type = file.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8';
            return route.fulfill({ status: 200, contentType: type, body: await readFile(file) });
          }
        } catch { /* try the next candidate */ }
      }
      return route.fulfill({ status: 404, contentType: 'text/plain', body: 'no fixture for ' + rel });
    });
  }
}

/**
 * Launches Chromium with the extension. Options: `sandbox` (from startSandbox; else fixtures are
 * routed), `stubWorker` (recording stub instead of the real worker), `dir` (extension dir),
 * `headless` (default true; the demo shows the window when a display exists), `extraExtensions`
 * (more unpacked extension dirs loaded alongside, without a service worker of their own),
 * `extraArgs` (more Chromium switches).
 * Resolves to {context, extensionId, worker, page(url), openOptions(), openPopup(),
 * screenshot(page, name), seen(), stop()}.
 */
export async function launchExtension({ sandbox = null, stubWorker = false, dir = null, headless = true, extraExtensions = [], extraArgs = [] } = {}) {
  // The stub runs the current sources (never a stale dist/ of them), with only the built core's
  // lookup module beside them (stubCore: a list page's cards are the core's to answer).
  let extDir = dir || (await extensionDir({ fromSources: stubWorker }));
  const temps = [];
  if (!dir && path.basename(extDir).startsWith('leadline-ext-') && extDir.startsWith(os.tmpdir())) temps.push(extDir);
  if (stubWorker) {
    if (dir) {
      extDir = await mkdtemp(path.join(os.tmpdir(), 'leadline-ext-stub-'));
      await cp(dir, extDir, { recursive: true });
      temps.push(extDir);
    }
    await mkdir(path.join(extDir, 'background'), { recursive: true });
    const withCore = await stubCore(extDir);
    await writeFile(path.join(extDir, 'background', 'worker.js'), (withCore ? STUB_CORE : STUB_NO_CORE) + STUB_WORKER);
  }
  const profile = await mkdtemp(path.join(os.tmpdir(), 'leadline-profile-'));
  temps.push(profile);
  const args = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    '--disable-extensions-except=' + [extDir, ...extraExtensions].join(','),
    '--load-extension=' + [extDir, ...extraExtensions].join(','),
    ...extraArgs,
  ];
  if (sandbox) {
    args.push('--host-resolver-rules=' + MAPPED_HOSTS.map((h) => 'MAP ' + h + ' 127.0.0.1:' + sandbox.port).join(', '));
    args.push('--ignore-certificate-errors');
  }
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless, args, viewport: { width: 1280, height: 900 } });
  if (!sandbox) await routeFixtures(context);
  const worker = context.serviceWorkers()[0] || (await context.waitForEvent('serviceworker', { timeout: 15000 }));
  const extensionId = new URL(worker.url()).host;
  const ext = {
    context, extensionId, worker, extDir,
    /** Opens `url` in a new tab. */
    async page(url) { const p = await context.newPage(); if (url) await p.goto(url); return p; },
    async openOptions() { return ext.page('chrome-extension://' + extensionId + '/options/options.html'); },
    /** The popup as a tab, sized like the real popup. */
    async openPopup() {
      const p = await context.newPage();
      await p.setViewportSize({ width: 420, height: 600 });
      await p.goto('chrome-extension://' + extensionId + '/popup/popup.html');
      return p;
    },
    /** Saves a PNG into tests/e2e/artifacts/ and returns its path. */
    async screenshot(page, name) {
      await mkdir(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, name.replace(/[^A-Za-z0-9_.-]/g, '_') + '.png');
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    /** Messages the stub worker received (stubWorker only). */
    async seen() { return ext.currentWorker().evaluate(() => globalThis.__seen); },
    currentWorker() { return context.serviceWorkers().find((w) => w.url().includes(extensionId)) || worker; },
    async stop() {
      await context.close().catch(() => {});
      for (const dir of temps) await rm(dir, { recursive: true, force: true });
    },
  };
  return ext;
}

/**
 * Runs the OAuth connect flow from the options page: clicks the connect button for `role`
 * ("team_sync" | "personal"), signs in on the sandbox login page that opens, clicks Allow.
 */
export async function connect(ext, optionsPage, role, { username, password = 'sandbox' }) {
  const testid = role === 'team_sync' ? 'connect-team-sync' : 'connect-personal';
  const popup = ext.context.waitForEvent('page', { timeout: 15000 });
  await optionsPage.getByTestId(testid).click();
  const login = await popup;
  await login.waitForLoadState('domcontentloaded');
  const user = login.locator('input[name="username"]');
  if (await user.count()) {
    await user.fill(username);
    await login.locator('input[name="password"]').fill(password);
    const submit = login.locator('[data-testid="login"], button[type="submit"], input[type="submit"]');
    if (await submit.count()) await submit.first().click();
    else await login.locator('input[name="password"]').press('Enter');
  }
  // Listen before clicking: the sign-in window may close before click() returns.
  const closed = login.waitForEvent('close', { timeout: 15000 }).catch(() => {});
  await login.getByTestId('allow').click({ timeout: 15000 });
  await closed;
}

/**
 * The admin's and rep's setup through the options page, as a person would do it: Salesforce
 * production login host, the sandbox's consumer key, the rep's login email, then "Connect team
 * sync" as `teamUser` and "Connect my account" as `personalUser` (either may be null to skip).
 * Resolves to the options page.
 */
export async function setupThroughOptions(ext, {
  clientId = 'leadline-sandbox-client', meEmail = 'rep@acme.example',
  teamUser = 'integration@acme.example', personalUser = 'rep@acme.example',
} = {}) {
  const options = await ext.openOptions();
  await options.getByTestId('crm-choice').waitFor();
  await options.getByTestId('login-host').selectOption('production');
  await options.locator('#status', { hasText: 'Login host saved.' }).waitFor();
  await options.getByTestId('client-id').fill(clientId);
  await options.locator('#me-email').fill(meEmail);
  await options.getByTestId('save-config').click();
  await options.locator('#status', { hasText: 'CRM settings saved.' }).waitFor();
  if (teamUser) {
    await connect(ext, options, 'team_sync', { username: teamUser });
    await options.getByTestId('connection-team_sync').getByText(teamUser).waitFor({ timeout: 15000 });
  }
  if (personalUser) {
    await connect(ext, options, 'personal', { username: personalUser });
    await options.getByTestId('connection-personal').getByText(personalUser).waitFor({ timeout: 15000 });
  }
  return options;
}

// --- waiting on signals ---------------------------------------------------------------------
//
// Tests wait for what a fixed wait stood for: the badge leaving "Checking CRM…", an outbox
// entry's state, the sandbox's request counts, the worker's own state. Only
// `elapse` waits on the clock, where time itself is the behaviour under test;
// tests/node/e2e-waits.test.mjs allows it only where its allow-list says why.

/** How often the helpers below look again. */
const POLL_MS = 100;

/**
 * Polls `probe()` (sync or async) until it returns a truthy value and resolves to that value;
 * rejects after `timeout` ms with `what` and the last value seen.
 */
export async function waitUntil(probe, { timeout = 20000, what = 'a condition', every = POLL_MS } = {}) {
  let last;
  for (const end = Date.now() + timeout; ;) {
    last = await probe();
    if (last) return last;
    if (Date.now() >= end) break;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error('timed out after ' + timeout + ' ms waiting for ' + what + '; last seen: ' + JSON.stringify(last)?.slice(0, 2000));
}

/**
 * Waits on the clock for `ms`: only where time itself is the behaviour (the undo countdown and
 * window, a window in which nothing may happen). `why` says which; tests/node/e2e-waits.test.mjs
 * checks each call against its allow-list.
 */
export function elapse(ms, why) {
  if (!why) throw new Error('elapse(ms, why): say why this wait must be a clock');
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The reason for `elapse` in checks that something does NOT happen on a page (no panel on the
 * inbox, no second button): there is no event for "nothing was added", so the test gives the
 * content script's router (scans debounced by 150 ms) a few chances to get it wrong.
 */
export const ABSENCE = 'absence: the content script’s router rescans a few times and must add nothing';

/**
 * The page-load lookups answered: at least one CRM badge is under `scope` (a page or locator)
 * and none of them says "Checking CRM…" any more.
 */
export async function lookupsDone(scope, { timeout = 20000 } = {}) {
  const badges = scope.getByTestId('crm-status');
  await badges.first().waitFor({ timeout });
  await badges.filter({ hasText: 'Checking CRM…' }).first().waitFor({ state: 'detached', timeout });
}

/** Polls the sandbox's API-call counts until `pick(counts)` is truthy; resolves to the counts. */
export function waitForCounts(sandbox, pick, { timeout = 20000, what = 'the sandbox counts' } = {}) {
  return waitUntil(async () => { const counts = await sandbox.counts(); return pick(counts) && counts; }, { timeout, what });
}

/** The worker's stored outbox (its own storage: entries persist before their first request). */
export async function storedOutbox(ext) {
  const stored = await ext.currentWorker().evaluate(() => chrome.storage.local.get('outbox'));
  return stored.outbox || [];
}

/**
 * Waits until the worker is idle and resolves to the sandbox's counts: its stored outbox is
 * empty (when `ext` is given: no save waiting or in flight) and the sandbox has counted no new
 * API call for `quietMs` (polled every 100 ms), so a lookup or save the page started is over.
 * Wait for a positive signal first where there is one (`lookupsDone`, a toast).
 * `settle(sandbox, 600)` is short for `settle(sandbox, { quietMs: 600 })`.
 */
export async function settle(sandbox, options = {}) {
  const { ext = null, quietMs = 500, timeout = 60000 } = typeof options === 'number' ? { quietMs: options } : options;
  if (ext) await waitUntil(async () => (await storedOutbox(ext)).length === 0, { timeout, what: 'an empty outbox' });
  let counts = await sandbox.counts();
  let since = Date.now();
  return waitUntil(async () => {
    const now = await sandbox.counts();
    if (now.total !== counts.total) { counts = now; since = Date.now(); }
    return Date.now() - since >= quietMs && now;
  }, { timeout, what: 'no API call for ' + quietMs + ' ms' });
}

/**
 * Stops the extension's running service worker through CDP (from `page`, one of our extension
 * pages), as Chrome does when it kills an idle or crashed worker: its memory is gone, its
 * storage stays. Resolves once Chrome reports it stopped; throws when no running worker of the
 * extension is found.
 */
export async function stopWorker(ext, page) {
  const cdp = await ext.context.newCDPSession(page);
  const versions = [];
  cdp.on('ServiceWorker.workerVersionUpdated', (e) => versions.push(...e.versions));
  await cdp.send('ServiceWorker.enable');
  const running = await waitUntil(
    () => versions.find((v) => v.scriptURL.includes(ext.extensionId) && v.runningStatus === 'running'),
    { timeout: 5000, every: 20, what: 'a running service worker of the extension' });
  await cdp.send('ServiceWorker.stopWorker', { versionId: running.versionId });
  await waitUntil(() => versions.some((v) => v.versionId === running.versionId && v.runningStatus === 'stopped'),
    { timeout: 5000, every: 20, what: 'the service worker to stop' });
  await cdp.detach();
}

/**
 * Polls the worker's stored outbox until an entry matching `pick` (default: any entry in
 * flight) is there; resolves to it, or to null after `tries` polls 100 ms apart.
 */
export async function waitForOutboxEntry(ext, pick = (e) => e.in_flight, tries = 40) {
  return waitUntil(async () => (await storedOutbox(ext)).find(pick), { timeout: tries * POLL_MS, every: POLL_MS, what: 'an outbox entry' })
    .catch(() => null);
}

/**
 * For content-script suites: registers `before`/`after` hooks that start the fixture server
 * (serving `pages`, `{path: html}`, over the fixtures when given) and Chromium with the
 * recording stub worker. Returns `{ext, open(url), messages(kind)}`: `open` clears the stub's
 * record and opens `url`; `messages` lists what the content scripts sent of that kind.
 */
export function stubWorkerSession({ before, after }, { pages = null } = {}) {
  const session = { ext: null, server: null, fixtures: null };
  before(async () => {
    if (pages) session.fixtures = await fixturesWith(pages);
    session.server = await fixtureServer(session.fixtures?.dir);
    session.ext = await launchExtension({ sandbox: session.server, stubWorker: true });
  });
  after(async () => {
    await session.ext?.stop();
    await session.server?.stop();
    await session.fixtures?.remove();
  });
  session.open = async (url) => {
    await session.ext.currentWorker().evaluate(() => { globalThis.__seen.length = 0; });
    return session.ext.page(url);
  };
  session.messages = async (kind) => (await session.ext.seen()).map((s) => s.message).filter((m) => m.kind === kind);
  return session;
}

/**
 * For suites against the sandbox org with Salesforce connected (team sync integration@,
 * personal rep@, through the options page): registers `before`/`after` hooks that start the
 * sandbox (serving `pages`, `{path: html}`, over the fixtures when given), Chromium with the
 * built extension, and connect, then call `ready(session)` with `{sandbox, ext, options}`
 * (nothing starts without a sandbox binary).
 */
export function connectedSession({ before, after }, { pages = null, ready = () => {} } = {}) {
  const session = { sandbox: null, ext: null, options: null, fixtures: null };
  before(async () => {
    if (!sandboxBinary()) return;
    if (pages) session.fixtures = await fixturesWith(pages);
    session.sandbox = await startSandbox(session.fixtures ? { fixtures: session.fixtures.dir } : {});
    session.ext = await launchExtension({ sandbox: session.sandbox });
    session.options = await connectedSalesforce(session.ext);
    ready(session); // node:test does not wait for one top-level `before` before the next
  });
  after(async () => {
    await session.ext?.stop();
    await session.sandbox?.stop();
    await session.fixtures?.remove();
  });
  return session;
}

/**
 * Clicks the options page's team-server sign-in button (`button`: its test id; HubSpot's is
 * `team-server-sign-in-hubspot`) and goes through the sandbox's pages as `email` in the auth
 * window. Resolves, once the window has closed, to the URL the window first opened.
 */
export async function signInPages(ext, options, email, { button = 'team-server-sign-in' } = {}) {
  const popup = ext.context.waitForEvent('page', { timeout: 15000 });
  await options.getByTestId(button).click();
  const login = await popup;
  await login.waitForLoadState('domcontentloaded');
  const opened = login.url();
  const user = login.locator('input[name="username"]');
  if (await user.count()) {
    await user.fill(email);
    await login.locator('input[name="password"]').fill('sandbox');
    await login.locator('[data-testid="login"], button[type="submit"], input[type="submit"]').first().click();
  }
  const closed = login.waitForEvent('close', { timeout: 15000 }).catch(() => {});
  await login.getByTestId('allow').click({ timeout: 15000 });
  await closed;
  return opened;
}

/**
 * `signInPages`, then waits until the options page says "Signed in as <email>". Resolves to
 * `{opened, status}`: the auth window's first URL and the status line's text.
 */
export async function signInToTeamServer(ext, options, email, { button } = {}) {
  const opened = await signInPages(ext, options, email, { button });
  const status = options.getByTestId('team-server-status').filter({ hasText: 'Signed in as ' + email });
  await status.waitFor({ timeout: 15000 });
  return { opened, status: (await status.innerText()).trim() };
}

/** Sends `message` to the worker from an extension page (options or popup) of ours. */
export function sendFrom(page, message) {
  return page.evaluate((m) => chrome.runtime.sendMessage(m), message);
}

/**
 * Polls the worker's state (`get_state` from `page`, an options or popup page) until
 * `pick(state)` is truthy; resolves to that value, or rejects with the last state.
 */
export async function waitForState(page, pick, timeoutMs = 60000) {
  let last = null;
  for (const end = Date.now() + timeoutMs; Date.now() < end;) {
    last = await sendFrom(page, { kind: 'get_state' });
    const found = pick(last);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error('timed out waiting for the worker: ' + JSON.stringify(last).slice(0, 3000));
}

/**
 * While the browser is offline: presses "Retry now" (the popup's button, the `retry` message
 * sent from `page`, an options or popup page) on the outbox entry `pick` selects until its next
 * timed try is at least `minLeftMs` away. Each try offline fails at once and grows the entry's
 * back-off (1–2, 2–4, 4–8, 8–16 s…), so a test gets a long back-off in a second instead of
 * waiting out the short steps. Resolves to the entry as last seen (null if none appeared):
 * the caller asserts on it.
 */
export async function backOffOffline(page, pick, minLeftMs, { timeout = 30000 } = {}) {
  let entry = null;
  await waitUntil(async () => {
    entry = (await sendFrom(page, { kind: 'get_state' })).outbox.find(pick) || null;
    if (entry && entry.next_at_ms - Date.now() >= minLeftMs) return true;
    if (entry) await sendFrom(page, { kind: 'retry', outbox_id: entry.id });
    return false;
  }, { timeout, what: `an outbox entry's next try ${minLeftMs} ms away` }).catch(() => {});
  return entry;
}

/**
 * A Salesforce setup for saving: CRM settings through the options page's own message, then
 * team sync (integration@) and the rep (rep@) connected through the real OAuth pages.
 * Resolves to the options page.
 */
export async function connectedSalesforce(ext, { teamUser = 'integration@acme.example', personalUser = 'rep@acme.example' } = {}) {
  const options = await ext.openOptions();
  await sendFrom(options, { kind: 'set_config', crm: 'salesforce', login_host: 'production',
    client_id: 'leadline-sandbox-client', me_email: 'rep@acme.example' });
  for (const [role, username] of [['team_sync', teamUser], ['personal', personalUser]]) {
    if (!username) continue;
    await connect(ext, options, role, { username });
    await waitForState(options, (s) => s.connections.find((c) => c.role === role && c.email === username && c.health === 'ok'), 20000);
  }
  return options;
}

/** The token values the worker keeps (`secret:*` keys): access and refresh tokens. */
export async function storedTokenValues(ext) {
  const stored = await ext.currentWorker().evaluate(() => chrome.storage.local.get(null));
  return Object.entries(stored)
    .filter(([key]) => key.startsWith('secret:'))
    .flatMap(([, v]) => [v && v.access_token, v && v.refresh_token])
    .filter((v) => typeof v === 'string' && v.length >= 8);
}

/**
 * A copy of tests/fixtures in a temp dir, with `files` ({relative path: content}) written over
 * it; resolves to {dir, remove()}. For generated fixture pages (e.g. a 200-person search).
 */
export async function fixturesWith(files) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'leadline-fixtures-'));
  await cp(FIXTURES, dir, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A LinkedIn people-search page (classic entity-result layout) listing `count` people. The page
 * builds its list from `?set=X` (default A), so one fixture serves several distinct batches:
 * person NNN of set X is `BulkXNNN Person`, https://www.linkedin.com/in/bulk-x-NNN, "Analyst NNN at"
 * `companies[NNN - 1]` (cycling; an empty name: no company).
 */
export function searchPage(count, companies = ['Bulk Corp']) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>"bulk" | Search | LinkedIn</title></head>
<body><main class="scaffold-layout__main" aria-label="Search results"><div class="search-results-container">
<h2>About ${count} results</h2><ul class="reusable-search__entity-result-list list-style-none" role="list" id="list"></ul>
<script>
(function () {
  const set = (new URLSearchParams(location.search).get('set') || 'A').replace(/[^A-Za-z]/g, '').slice(0, 4) || 'A';
  const list = document.getElementById('list');
  const companies = ${JSON.stringify(companies)}; // person i works at companies[i - 1], cycling ('' = none)
  for (let i = 1; i <= ${count}; i += 1) {
    const company = companies[(i - 1) % companies.length];
    const n = String(i).padStart(3, '0');
    const name = 'Bulk' + set + n + ' Person';
    const li = document.createElement('li');
    li.className = 'reusable-search__result-container';
    li.innerHTML = '<div class="entity-result" data-chameleon-result-urn="urn:li:member:' + set + n + '"><div class="entity-result__content">'
      + '<span class="entity-result__title-line"><span class="entity-result__title-text t-16"><a class="app-aware-link" href="https://www.linkedin.com/in/bulk-'
      + set.toLowerCase() + '-' + n + '?miniProfileUrn=x"><span dir="ltr"><span aria-hidden="true">' + name + '</span><span class="visually-hidden">View '
      + name + '’s profile</span></span></a></span></span><div class="entity-result__primary-subtitle t-14 t-black t-normal">Analyst ' + n
      + (company ? ' at ' + company : '') + '</div><div class="entity-result__secondary-subtitle t-14 t-normal">Berlin, Germany</div></div></div>';
    list.append(li);
  }
})();
</script></div></main></body></html>
`;
}

/** Every markup of a page, shadow roots included (Leadline's widgets live in shadow roots). */
export function deepMarkup(page) {
  return page.evaluate(() => {
    const parts = [document.documentElement.outerHTML];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) { parts.push(el.shadowRoot.innerHTML); walk(el.shadowRoot); }
      }
    };
    walk(document);
    return parts.join('\n');
  });
}

/**
 * The content script's isolated world in `page` (through CDP): resolves to
 * `evaluate(expression)`, which awaits the expression there and returns its value.
 */
export async function contentScriptWorld(ext, page) {
  const cdp = await ext.context.newCDPSession(page);
  const contexts = [];
  cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
  await cdp.send('Runtime.enable');
  const isolated = () => contexts.find((c) => c.auxData && c.auxData.type === 'isolated' && c.origin.includes(ext.extensionId))
    || contexts.find((c) => c.auxData && c.auxData.type === 'isolated');
  const world = await waitUntil(isolated, { timeout: 5000, every: 20, what: 'the content script world in ' + page.url() });
  return async (expression) => {
    const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
      contextId: world.id, awaitPromise: true, returnByValue: true, expression,
    });
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description || exceptionDetails.text);
    return result.value;
  };
}
