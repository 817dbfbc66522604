// Starts the sandbox binary for a compatibility suite and runs client scripts against it.
//
// Node reads NODE_EXTRA_CA_CERTS only at startup, so each client scenario runs in a child
// `node` process whose environment trusts the sandbox's self-signed certificate; the client
// libraries themselves run unchanged.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const START_TIMEOUT_MS = 30_000;
const CLIENT_TIMEOUT_MS = 60_000;

/** Starts `sandbox --port 0 --data <tmp>` and resolves once it printed SANDBOX_READY. */
export async function startSandbox() {
  const bin = process.env.SANDBOX_BIN ?? path.join(ROOT, 'target/debug/sandbox');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'leadline-compat-'));
  const child = spawn(bin, ['--port', '0', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk) => {
    log = (log + chunk).slice(-200_000);
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sandbox did not start within ${START_TIMEOUT_MS} ms\n${log}`)), START_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/^SANDBOX_READY (\S+)$/m);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${bin} (${e.message}); run \`cargo build -p sandbox\` first or set SANDBOX_BIN`));
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited early with ${code}\n${log}`));
    });
  });
  const certPath = path.join(dataDir, 'cert.pem');
  const ca = readFileSync(certPath);

  /** Calls the admin API (`/__sandbox/<route>`) and returns its JSON. */
  function admin(method, route, body) {
    return new Promise((resolve, reject) => {
      const req = https.request(`${url}/__sandbox/${route}`, { method, ca, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          if (res.statusCode >= 300) reject(new Error(`admin ${route}: ${res.statusCode} ${text}`));
          else resolve(JSON.parse(text || '{}'));
        });
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  /** Runs `node <script> <scenario>` trusting the sandbox; resolves with the scenario's result. */
  function runClient(script, scenario) {
    return new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, [path.join(HERE, script), scenario], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath, SANDBOX_URL: url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      const timer = setTimeout(() => proc.kill('SIGKILL'), CLIENT_TIMEOUT_MS);
      proc.stdout.on('data', (c) => (out += c));
      proc.stderr.on('data', (c) => (err += c));
      proc.on('exit', (code) => {
        clearTimeout(timer);
        const line = out.split('\n').find((l) => l.startsWith('RESULT '));
        if (!line) return reject(new Error(`${script} ${scenario} exited ${code} without a result\n${out}\n${err}`));
        const parsed = JSON.parse(line.slice('RESULT '.length));
        if (!parsed.ok) return reject(new Error(`${script} ${scenario} failed: ${JSON.stringify(parsed.error)}\n${err}`));
        resolve(parsed.result);
      });
    });
  }

  /** Stops the sandbox with SIGTERM; resolves with its exit status. */
  async function stop() {
    child.kill('SIGTERM');
    const status = await exited;
    rmSync(dataDir, { recursive: true, force: true });
    return status;
  }

  return { url, dataDir, certPath, admin, runClient, stop, log: () => log };
}

/** Runs one scenario in a client script: prints `RESULT {"ok":...}` for the parent. */
export async function runScenario(scenarios) {
  const name = process.argv[2];
  const scenario = scenarios[name];
  let outcome;
  if (!scenario) {
    outcome = { ok: false, error: { message: `unknown scenario ${name}` } };
  } else {
    try {
      outcome = { ok: true, result: await scenario() };
    } catch (e) {
      outcome = { ok: false, error: { name: e?.name, message: e?.message, errorCode: e?.errorCode, code: e?.code, stack: e?.stack } };
    }
  }
  process.stdout.write(`RESULT ${JSON.stringify(outcome)}\n`);
}

/** From a client process: calls the sandbox's admin API (`/__sandbox/<route>`, POST JSON). */
export async function adminPost(route, body = {}) {
  const res = await fetch(`${process.env.SANDBOX_URL}/__sandbox/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`admin ${route}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Captures what a client library throws, for assertions in the parent. */
export async function caught(promise) {
  try {
    const value = await promise;
    return { threw: false, value };
  } catch (e) {
    return { threw: true, name: e?.name, errorCode: e?.errorCode, code: e?.code, message: e?.message, data: e?.data ?? null, body: e?.body ?? null };
  }
}

/** Decodes the few HTML entities the sandbox's pages use. */
function unescapeHtml(s) {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The hidden inputs and action of the first form on a page. */
function readForm(html, base) {
  const action = html.match(/<form[^>]*action="([^"]*)"/)?.[1];
  if (!action) throw new Error(`no form on page:\n${html}`);
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields.append(unescapeHtml(m[1]), unescapeHtml(m[2]));
  }
  return { action: new URL(unescapeHtml(action), base).toString(), fields };
}

/** Drives an OAuth authorize page like a person: log in, then click Allow; returns the redirect URL. */
export async function signInAndAllow(authorizeUrl, username, password = 'sandbox') {
  const login = await fetch(authorizeUrl);
  const loginHtml = await login.text();
  if (!/name="username"/.test(loginHtml)) throw new Error(`no login form:\n${loginHtml}`);
  const form = readForm(loginHtml, authorizeUrl);
  form.fields.set('username', username);
  form.fields.set('password', password);
  const consent = await fetch(form.action, { method: 'POST', body: form.fields });
  const consentHtml = await consent.text();
  if (!/data-testid="allow"/.test(consentHtml)) throw new Error(`no consent screen:\n${consentHtml}`);
  const allow = readForm(consentHtml, authorizeUrl);
  allow.fields.set('decision', 'allow');
  const redirect = await fetch(allow.action, { method: 'POST', body: allow.fields, redirect: 'manual' });
  const location = redirect.headers.get('location');
  if (redirect.status !== 302 || !location) throw new Error(`expected a redirect, got ${redirect.status}`);
  return location;
}
