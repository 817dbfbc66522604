// Server mode (issue 15): this browser in a team whose connections a team server holds. With
// no server URL (a policy's `team_server_url`, else the one the rep entered in Options) nothing
// here runs and the extension is its own team, as always (solo mode).
//
// - Session: "Sign in with Salesforce" or "Sign in with HubSpot" (chrome.identity.
//   launchWebAuthFlow on the server's sign-in URL; the server runs the CRM's identity-only
//   login and hands back a one-time code, redeemed at POST /api/sign-in/finish) or an invite
//   code (POST /api/join). The session token
//   lives only under `secret:team_server_session` in this worker's storage (like the CRM
//   tokens: no message, page or log ever carries it).
// - Snapshot: GET /api/team on sign-in, on a worker wake when older than STALE_MS, and every
//   PERIOD_MINUTES (chrome.alarms). Passed to the core beside the stored team (`decidingTeam`),
//   which lays it over the team for every local decision: team sync is the server's
//   connection (rule 11, held by the team).
// - Saves: outbox.js hands each entry to `serverRoute`; an entry planned with the team sync
//   connection goes to POST /api/saves (`server_save` builds it, `server_answer` reads the
//   answer); the entry stays in the outbox until the server acknowledged it.
// - HubSpot: the rep's own HubSpot connection is exchanged and refreshed by the server
//   (`hubspotBroker`, POST /api/hubspot/token, which stores nothing); its tokens stay here.
// The server answers CORS for chrome-extension:// origins, so no host permission is needed.
import { core, previewCore } from './core.js';
import { execute } from './net.js';
import { store } from './storage.js';

export const TEAM_SERVER_ALARM = 'leadline-team-server';
const PERIOD_MINUTES = 15;
/** A snapshot older than this is fetched again when the worker wakes. */
const STALE_MS = 5 * 60 * 1000;

const fail = (code, message, hint = '') => ({ ok: false, error: { code, message, hint } });

/**
 * The server URL (the policy's, which wins and locks it, else the rep's) as the core accepts it
 * (https://, or http:// on loopback), or null: solo mode, or an address the core refuses.
 */
export async function serverUrl(team) {
  const raw = (team && team.policy && team.policy.team_server_url) || (await store.teamServerUrl());
  if (!raw) return null;
  // The preview module's check (a preview decides with the snapshot before the save module loads).
  const checked = (await previewCore()).team_server_url(raw);
  return checked.ok ? checked.url : null;
}

/** One JSON call to the server; `{status, json}` (status 0: not reachable). */
async function call(url, path, { method = 'GET', session = null, body } = {}) {
  const headers = [['Accept', 'application/json']];
  if (session) headers.push(['Authorization', 'Bearer ' + session]);
  if (body !== undefined) headers.push(['Content-Type', 'application/json']);
  const response = await execute({ method, url: url + path, headers, body: body === undefined ? null : JSON.stringify(body) });
  let json = null;
  try {
    json = JSON.parse(response.body);
  } catch {
    // Not JSON (a proxy's page, a network error's text): the status says enough.
  }
  return { status: response.status, json };
}

/** The server's own error, or a plain one for an unreachable server. */
function refusal(answer, what) {
  if (answer.status === 0) return fail('team_server_unreachable', 'The team server could not be reached.', 'Check the address, or try again when you are online.');
  const error = (answer.json && answer.json.error) || {};
  return fail(error.code || 'team_server_error', String(error.message || what + ' failed (' + answer.status + ').'), '');
}

/** `text` (at most 300 characters) as a sentence: a capital first letter. */
function sentence(text) {
  const cut = String(text).slice(0, 300);
  return cut.charAt(0).toUpperCase() + cut.slice(1);
}

/** The session (worker-only) for the configured URL, or null. */
async function session(url) {
  const stored = await store.serverSession();
  return stored && stored.url === url && typeof stored.token === 'string' ? stored : null;
}

/** Keeps a new session (from sign-in or join) and fetches the snapshot with it. */
async function keepSession(url, answer) {
  const body = answer.json || {};
  if (typeof body.session !== 'string') return fail('team_server_error', 'The team server did not answer a session.');
  await store.setServerSession({ url, token: body.session, expires_at: body.expires_at || null });
  await store.setTeamServer({ url, snapshot: null, synced_at: null, notice: null });
  await store.clearReconnectNotice('team_server'); // a session ending again is told again
  return sync({ force: true });
}

/**
 * "Sign in with Salesforce" (OpenID Connect) or "Sign in with HubSpot" (`crm`: the `oauth`
 * scope only), run by the team server: no API token reaches the server or this browser.
 */
export async function signIn(crm = 'salesforce') {
  const url = await serverUrl(await store.team());
  if (!url) return fail('no_team_server', 'Enter your team server’s address first.');
  const state = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  const redirect = chrome.identity.getRedirectURL('team-server');
  let returned;
  try {
    returned = String(await chrome.identity.launchWebAuthFlow({
      url: url + '/api/sign-in/' + (crm === 'hubspot' ? 'hubspot' : 'salesforce') + '?redirect=' + encodeURIComponent(redirect) + '&state=' + state,
      interactive: true,
    }) || '');
  } catch (error) {
    return fail('sign_in_cancelled', 'The sign-in did not finish.', String((error && error.message) || '').slice(0, 200));
  }
  let params;
  try {
    params = new URL(returned).searchParams;
  } catch {
    return fail('sign_in_failed', 'The team server did not send you back to Leadline.');
  }
  if (params.get('state') !== state) return fail('sign_in_failed', 'The sign-in came back without a valid code; sign in again.');
  // The server refused who signed in (another org, not a member…): its words, as OAuth's
  // error redirect carries them (RFC 6749 §4.1.2.1).
  if (params.get('error')) return fail('sign_in_refused', sentence(params.get('error_description') || 'The team server did not sign you in.'));
  if (!params.get('code')) return fail('sign_in_failed', 'The sign-in came back without a valid code; sign in again.');
  const answer = await call(url, '/api/sign-in/finish', { method: 'POST', body: { code: params.get('code') } });
  if (answer.status !== 201 && answer.status !== 200) return refusal(answer, 'Signing in');
  return keepSession(url, answer);
}

/**
 * Who performs the rep's HubSpot code exchange and refreshes (both need the HubSpot app's
 * client secret), as the core's engine reads it (`saves::api::HubspotBroker`): in server mode
 * the team server (`{team_server, session}`; the browser holds no client secret, and without
 * a session the server's 401 says to sign in again), else the secret an admin entered in this
 * browser (solo mode; '' when none).
 */
export async function hubspotBroker() {
  const url = await serverUrl(await store.team());
  if (!url) return (await store.hubspotSecret()) || '';
  const current = await session(url);
  return { team_server: url, session: current ? current.token : '' };
}

/** "Join with an invite code". */
export async function join(code, email) {
  const url = await serverUrl(await store.team());
  if (!url) return fail('no_team_server', 'Enter your team server’s address first.');
  const body = { code: String(code || '').trim() };
  if (email && String(email).trim()) body.email = String(email).trim();
  const answer = await call(url, '/api/join', { method: 'POST', body });
  if (answer.status !== 201 && answer.status !== 200) return refusal(answer, 'Joining');
  return keepSession(url, answer);
}

/** Signs out (the server revokes the session) and forgets the session and the snapshot. */
export async function signOut() {
  const url = await serverUrl(await store.team());
  const current = url && (await session(url));
  if (current) await call(url, '/api/sign-out', { method: 'POST', session: current.token, body: {} });
  await store.removeServerSession();
  await store.setTeamServer(null);
  return { ok: true };
}

/**
 * Remembers why the session ended, for the options page. The last snapshot stays: saves keep
 * being planned for the team server and wait in the outbox until the rep signs in again
 * (never pushed from this browser with another connection meanwhile).
 */
async function sessionEnded() {
  await store.removeServerSession();
  const state = (await store.teamServer()) || {};
  await store.setTeamServer({ ...state, notice: 'Your team server session ended: sign in to your team server again.' });
}

/**
 * Fetches the team snapshot (`GET /api/team`) when there is a session and the last one is
 * older than STALE_MS (or `force`). A 401 ends the session (expired or revoked).
 */
export async function sync({ force = false } = {}) {
  const url = await serverUrl(await store.team());
  if (!url) return { ok: true };
  const current = await session(url);
  if (!current) return { ok: true };
  const state = (await store.teamServer()) || {};
  if (!force && state.url === url && state.synced_at && Date.now() - Date.parse(state.synced_at) < STALE_MS) return { ok: true };
  const answer = await call(url, '/api/team', { session: current.token });
  if (answer.status === 401) {
    await sessionEnded();
    return refusal(answer, 'Reading the team');
  }
  if (answer.status !== 200 || !answer.json) return refusal(answer, 'Reading the team');
  await store.setTeamServer({ url, snapshot: answer.json, synced_at: new Date().toISOString(), notice: null });
  return { ok: true };
}

/** Starts the periodic snapshot sync (idempotent) and syncs now when stale. */
export function watch() {
  chrome.alarms.get(TEAM_SERVER_ALARM).then((alarm) => {
    if (!alarm) chrome.alarms.create(TEAM_SERVER_ALARM, { periodInMinutes: PERIOD_MINUTES });
  }).catch(() => {});
  return sync().catch(() => ({ ok: false }));
}

/** The alarm listener's part (worker.js registers one listener for every alarm). */
export function onAlarm(alarm) {
  if (alarm && alarm.name === TEAM_SERVER_ALARM) sync({ force: true }).catch(() => {});
}

/**
 * The team every local decision uses (preview, plan, the server hand-off): in server mode with
 * a snapshot, the stored team with the snapshot beside it (`team_server_snapshot`), which the
 * core lays over it (saves::team_server); else the stored team itself. Never stored.
 */
export async function decidingTeam() {
  const team = await store.team();
  const url = await serverUrl(team);
  const state = url ? await store.teamServer() : null;
  if (!state || state.url !== url || !state.snapshot) return team;
  return { ...team, team_server_snapshot: state.snapshot };
}

/** What the options page shows of server mode (never the session token). */
export async function view(team) {
  const url = await serverUrl(team);
  if (!url) return { url: null, signed_in: false };
  const state = (await store.teamServer()) || {};
  const signedIn = Boolean(await session(url));
  const snapshot = state.url === url ? state.snapshot : null;
  let teamSync = null;
  if (snapshot && snapshot.state) {
    const holder = (snapshot.state.users || []).find((u) => u.id === snapshot.state.team_sync);
    teamSync = holder && holder.personal ? { email: holder.personal.email, permission: holder.personal.permission } : null;
  }
  return {
    url, signed_in: signedIn,
    locked: Boolean(team.policy && team.policy.team_server_url),
    me: snapshot ? { email: snapshot.me.email, role: snapshot.me.role } : null,
    team: snapshot ? snapshot.team.name : null,
    team_sync: teamSync,
    synced_at: state.synced_at || null,
    notice: state.notice || null,
  };
}

/**
 * outbox.js's hook: null when this browser pushes `entry` itself (solo mode, or a save with
 * the rep's own connection); else `{run()}`, which posts the entry to the team server and
 * resolves to the core's step for its answer (`done`, `settled`, `wait`, `sign_in`, `failed`).
 */
export async function serverRoute(entry) {
  const stored = await store.team();
  const url = await serverUrl(stored);
  if (!url) return null;
  const team = await decidingTeam();
  const c = await core();
  const current = await session(url);
  const planned = c.server_save(team, entry, url, current ? current.token : '');
  if (!planned.ok || !planned.via_server) return null;
  return {
    team,
    async run() {
      if (!current) {
        return c.server_answer(team, entry, { status: 401, headers: [], body: '' }, Date.now()).step;
      }
      const response = await execute(planned.request);
      const answer = c.server_answer(team, entry, response, Date.now());
      if (answer.ok && answer.step.kind === 'sign_in') await sessionEnded();
      return answer.ok ? answer.step : { kind: 'wait', reason: answer.error, next_at_ms: Date.now() + 60000, waiting_for: 'retry' };
    },
  };
}

/** True when the team server pushes any of `entries` (their undo is not this browser's). */
export async function anyViaServer(team, entries) {
  const url = await serverUrl(team);
  if (!url || !team.team_server_snapshot) return false;
  const c = await core();
  return entries.some((entry) => {
    const planned = c.server_save(team, entry, url, '');
    return planned.ok && planned.via_server;
  });
}

/**
 * The rep's server URL (empty: back to solo mode), checked by the core first so a refusal says
 * why; refused while a policy sets it.
 */
async function setUrl(raw) {
  const team = await store.team();
  if (team.policy && team.policy.team_server_url) {
    return fail('locked_by_policy', 'Your admin set the team server address by policy.', 'Ask your admin to change it.');
  }
  const text = String(raw || '').trim();
  if (!text) {
    await store.setTeamServerUrl(null);
    return { ok: true };
  }
  const checked = (await core()).team_server_url(text);
  if (!checked.ok) return checked;
  await store.setTeamServerUrl(checked.url);
  return sync({ force: true });
}

/** The options page's team server actions (UI_TO_WORKER.TEAM_SERVER with its `action`). */
export async function handleAction(message) {
  const text = (value, max) => (typeof value === 'string' && value.length <= max ? value : null);
  switch (message.action) {
    case 'set_url': return text(message.url, 300) === null ? fail('invalid_message', 'The address must be text.') : setUrl(message.url);
    case 'sign_in': return signIn(message.crm === 'hubspot' ? 'hubspot' : 'salesforce');
    case 'join': {
      const code = text(message.code, 200);
      if (!code || !code.trim()) return fail('invalid_message', 'Enter the invite code your admin sent you.');
      return join(code, text(message.email, 254) || '');
    }
    case 'sign_out': return signOut();
    case 'sync': return sync({ force: true });
    default: return fail('invalid_message', 'Unknown team server action.');
  }
}
