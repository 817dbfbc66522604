// Connecting a CRM account: chrome.identity.launchWebAuthFlow with PKCE S256 and a random
// state (both from crypto.getRandomValues, checked by the core on return); then the save
// engine (`engine_connect`, crates/saves `ConnectFlow` over fetch) reads who the token belongs
// to, their permission and the user directory, and the core stores the connection
// (`connect_finish`). Tokens go to storage under secret keys only after the core accepted the
// connection; the answer carries only the connection (who, permission, health) and, when one
// CRM account serves both roles of one person, a note saying so. The core refuses a CRM
// account another app user holds (rule 7) before any token is stored.
//
// HubSpot personal connections need the app's client secret for the code exchange and every
// refresh (HubSpot documents no secret-less exchange). In solo mode the admin enters it in
// Options; it stays in this worker's storage (`secret:hubspot_client_secret`) and is only ever
// an argument of the core's request builders (trade-off and mitigations:
// crates/saves/src/team/mod.rs). In server mode the team server does both with the secret only
// it holds (`hubspotBroker`: POST /api/hubspot/token with the session), and the sign-in uses
// the server's HubSpot app (its client id comes with the team snapshot): this browser needs
// and holds no HubSpot client secret.
import { engineCore, settingsCore } from './core.js';
import { execute } from './net.js';
import { store } from './storage.js';
import { decidingTeam, hubspotBroker, serverUrl } from './team-server.js';

const fail = (code, message, hint) => ({ ok: false, error: { code, message, hint } });

/** The redirect URL to register as the External Client App's callback. */
export function redirectUrl() {
  return chrome.identity.getRedirectURL('oauth2');
}

/**
 * Opens the CRM's sign-in page; resolves to the URL it came back with, or the core's refusal:
 * the window was closed, or the page refused to open (Chrome: "Authorization page could not be
 * loaded"), which is how a wrong client id or consumer key shows.
 */
async function signIn(url, c, team) {
  try {
    return { ok: true, url: String((await chrome.identity.launchWebAuthFlow({ url, interactive: true })) || '') };
  } catch (error) {
    const refused = /could not be loaded/i.test(String((error && error.message) || ''));
    return c.sign_in_failed(team, !refused);
  }
}

/**
 * Reads the account with the save engine (`start`: the core's `ConnectStart`; `broker`: who
 * exchanges a HubSpot code, `hubspotBroker`), then stores the connection the core accepts in
 * the team current at that moment and, only then, its token. Resolves to the connect answer.
 */
async function finish(c, team, start, broker) {
  const read = await (await engineCore()).engine_connect(store, team, start, broker || '');
  if (!read.ok) return read;
  let answer = null;
  await store.updateTeam(async (current) => {
    answer = c.connect_finish(current, read.finished, new Date().toISOString());
    if (!answer.ok) return current;
    await store.setToken(read.role, read.finished.token);
    return answer.team;
  });
  if (!answer.ok) return answer;
  await store.clearReconnectNotice(read.role);
  const extra = answer.permission_checked === undefined ? {} : { permission_checked: answer.permission_checked };
  return { ok: true, connection: answer.connection, note: answer.note || null, ...extra };
}

/** Runs the whole connect flow for `role` ("team_sync" | "personal"). */
export async function connect(role) {
  const team = await store.team();
  const hubspot = Boolean(team.config && team.config.crm === 'hubspot');
  const server = await serverUrl(team);
  let broker = '';
  if (hubspot) {
    if (role !== 'personal') {
      return fail('unsupported', 'HubSpot team sync uses the private-app token, not a sign-in.',
        'Paste the private-app token in Options (step 1), or make your own connection the team sync.');
    }
    broker = await hubspotBroker();
    if (server && !broker.session) {
      return fail('team_server_sign_in', 'Sign in to your team server first: it connects your HubSpot account for you (the HubSpot app’s client secret lives only on the server).',
        'Options → Team server → Sign in with HubSpot, or join with the invite code your admin sent.');
    }
    if (!server && !broker) {
      return fail('missing_client_secret', 'The HubSpot app’s client secret is not set, so personal HubSpot connections cannot be made.',
        'An admin enters the HubSpot app’s client id and client secret in Options (step 1).');
    }
  }
  const c = await settingsCore();
  const redirect = redirectUrl();
  // Server mode: the sign-in is for the team server's HubSpot app, whose client id the core
  // takes from the team snapshot (the server exchanges the code with that app's secret).
  const signInTeam = hubspot && server ? await decidingTeam() : team;
  const start = c.oauth_start(signInTeam, redirect, crypto.getRandomValues(new Uint8Array(48)));
  if (!start.ok) return start;
  const returned = await signIn(start.url, c, team);
  if (!returned.ok) return returned;
  return finish(c, team, { kind: 'oauth', role, redirect_uri: redirect, returned_url: returned.url, state: start.state, verifier: start.verifier }, broker);
}

/**
 * HubSpot team sync with the admin's private-app token (or service key): a team-level secret
 * entered once by the admin and kept only in this worker's storage. It is stored like an OAuth
 * token (team sync role, no refresh token) and acts for the HubSpot owner named by `email`.
 * `stated` is what the admin said they pasted (`service_key`, else a private-app token); the
 * core decides the kind from it and the token's format, and stores it with the token.
 */
export async function connectHubspotPrivateApp(privateToken, email, stated) {
  const c = await settingsCore();
  const start = { kind: 'private_app', token: String(privateToken), email: String(email || ''), stated: stated === 'service_key' ? 'service_key' : 'private_app_token' };
  return finish(c, await store.team(), start, '');
}

/** Forgets a role's connection (and revokes its token at the CRM, best effort). */
export async function disconnect(role) {
  const c = await settingsCore();
  const team = await store.team();
  const token = await store.token(role);
  const other = await store.token(role === 'team_sync' ? 'personal' : 'team_sync');
  // When "my connection" is also the team sync, both roles share one grant: keep it alive.
  const shared = token && other && token.refresh_token && token.refresh_token === other.refresh_token;
  if (token && !shared) {
    // HubSpot: the OAuth refresh token is revoked (a private-app token has none: request null).
    const revoke = team.config?.crm === 'hubspot'
      ? c.hubspot_revoke_request(team, token, await hubspotBroker())
      : c.revoke_request(team, token);
    if (revoke.ok && revoke.request) await execute(revoke.request);
  }
  await store.removeToken(role);
  await store.updateTeam((current) => ({
    ...current,
    team_sync_is_mine: role === 'team_sync' ? false : current.team_sync_is_mine,
    connections: (current.connections || []).filter((conn) => conn.role !== role),
  }));
  return { ok: true };
}
