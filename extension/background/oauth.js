// Connecting a CRM account: chrome.identity.launchWebAuthFlow with PKCE S256 and a random
// state (both from crypto.getRandomValues, checked by the core on return), then identity →
// permission → user directory. Tokens go to storage under secret keys; the answer carries
// only the connection (who, permission, health).
import { core } from './core.js';
import { execute } from './net.js';
import { store } from './storage.js';

const fail = (code, message, hint) => ({ ok: false, error: { code, message, hint } });

/** The redirect URL to register as the External Client App's callback. */
export function redirectUrl() {
  return chrome.identity.getRedirectURL('oauth2');
}

async function call(build, parse) {
  if (!build.ok) return build;
  return parse(await execute(build.request));
}

/** Runs the whole connect flow for `role` ("team_sync" | "personal"). */
export async function connect(role) {
  const c = await core();
  const team = await store.team();
  if (team.config && team.config.crm === 'hubspot') {
    return fail('unsupported', 'HubSpot connects with a private-app token for team sync in this version.',
      'Paste the private-app token in Options (HubSpot section).');
  }
  const redirect = redirectUrl();
  const start = c.oauth_start(team, redirect, crypto.getRandomValues(new Uint8Array(48)));
  if (!start.ok) return start;
  let returned;
  try {
    returned = await chrome.identity.launchWebAuthFlow({ url: start.url, interactive: true });
  } catch (error) {
    return fail('oauth_cancelled', 'The sign-in window was closed before access was granted.',
      'Click Connect again and approve access on the Salesforce page.');
  }
  const exchange = c.oauth_exchange(team, redirect, String(returned || ''), start.state, start.verifier);
  const token = await call(exchange, (r) => c.parse_token(r));
  if (!token.ok) return token;
  const identity = await call(c.identity_request(team, token.token), (r) => c.parse_identity(r));
  if (!identity.ok) return identity;
  const permission = await call(c.permission_request(team, token.token, identity.identity.user_id), (r) => c.parse_permission(r));
  const users = [];
  let page = await call(c.users_request(team, token.token, undefined), (r) => c.parse_users(r));
  for (let i = 0; page.ok && i < 20; i += 1) {
    users.push(...page.users);
    if (!page.next_records_url) break;
    page = await call(c.users_request(team, token.token, page.next_records_url), (r) => c.parse_users(r));
  }
  await store.setToken(role, token.token);
  await store.clearReconnectNotice(role);
  let connection = null;
  let refused = null;
  await store.updateTeam((current) => {
    const done = c.connected(current, role, token.token, identity.identity,
      permission.ok ? permission.permission : 'standard', users, new Date().toISOString());
    if (!done.ok) { refused = done; return current; }
    connection = done.connection;
    return done.team;
  });
  if (refused) return refused;
  return { ok: true, connection, permission_checked: permission.ok };
}

/**
 * HubSpot team sync with the admin's private-app token. HubSpot's OAuth token exchange needs
 * the app's client secret, which an extension cannot keep; a private-app token is a team-level
 * secret entered once by the admin and kept only in this worker's storage. It is stored like an
 * OAuth token (team sync role) and acts for the HubSpot user named by `email`.
 */
export async function connectHubspotPrivateApp(privateToken, email) {
  const c = await core();
  const token = { access_token: String(privateToken), refresh_token: null, instance_url: 'https://api.hubapi.com', id: '' };
  const users = [];
  let after;
  for (let i = 0; i < 20; i += 1) {
    const page = await call(c.hubspot_owners_request(token, after), (r) => c.parse_hubspot_owners(r));
    if (!page.ok) return page;
    users.push(...page.users);
    if (!page.after) break;
    after = page.after;
  }
  let answer = null;
  await store.updateTeam((current) => {
    answer = c.connected_private_app(current, users, String(email || ''), new Date().toISOString());
    return answer.ok ? answer.team : current;
  });
  if (!answer.ok) return answer;
  await store.setToken('team_sync', token);
  await store.clearReconnectNotice('team_sync');
  return { ok: true, connection: answer.connection };
}

/** Forgets a role's connection (and revokes its token at the CRM, best effort). */
export async function disconnect(role) {
  const c = await core();
  const team = await store.team();
  const token = await store.token(role);
  if (token && team.config?.crm !== 'hubspot') {
    const revoke = c.revoke_request(team, token);
    if (revoke.ok) await execute(revoke.request);
  }
  await store.removeToken(role);
  await store.updateTeam((current) => ({
    ...current,
    connections: (current.connections || []).filter((conn) => conn.role !== role),
  }));
  return { ok: true };
}

/** Refreshes a role's access token: `{ok:true}` or `{ok:false, error, reconnect}`. */
export async function refresh(role) {
  const c = await core();
  const team = await store.team();
  const token = await store.token(role);
  if (!token) return { ...fail('not_connected', 'This connection is missing.', 'Reconnect in Options.'), reconnect: true };
  const request = c.refresh_request(team, token);
  if (!request.ok) return { ...request, reconnect: true };
  const parsed = c.parse_refresh(await execute(request.request), token);
  if (!parsed.ok) return parsed;
  await store.setToken(role, parsed.token);
  return { ok: true };
}
