// Connecting a CRM account: chrome.identity.launchWebAuthFlow with PKCE S256 and a random
// state (both from crypto.getRandomValues, checked by the core on return), then who the token
// belongs to and the user directory. Tokens go to storage under secret keys; the answer carries
// only the connection (who, permission, health) and, when one CRM account serves both roles of
// one person, a note saying so. The core refuses a CRM account another app user holds (rule 7)
// before any token is stored.
//
// HubSpot personal connections need the app's client secret for the code exchange and every
// refresh (HubSpot documents no secret-less exchange). The admin enters it in Options; it stays
// in this worker's storage (`secret:hubspot_client_secret`) and is only ever an argument of the
// core's request builders. Trade-off and mitigations: crates/saves/src/team.rs.
import { settingsCore } from './core.js';
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
 * Stores a connection the core accepted (`done(team) -> {ok, team, connection, note}`) and,
 * only then, its token. Resolves to the connect answer.
 */
async function keep(role, token, done, extra = {}) {
  let answer = null;
  await store.updateTeam(async (current) => {
    answer = done(current);
    if (!answer.ok) return current;
    await store.setToken(role, token);
    return answer.team;
  });
  if (!answer.ok) return answer;
  await store.clearReconnectNotice(role);
  return { ok: true, connection: answer.connection, note: answer.note || null, ...extra };
}

/** Runs the whole connect flow for `role` ("team_sync" | "personal"). */
export async function connect(role) {
  const team = await store.team();
  if (team.config && team.config.crm === 'hubspot') return connectHubspot(role, team);
  const c = await settingsCore();
  const redirect = redirectUrl();
  const start = c.oauth_start(team, redirect, crypto.getRandomValues(new Uint8Array(48)));
  if (!start.ok) return start;
  const returned = await signIn(start.url, c, team);
  if (!returned.ok) return returned;
  const exchange = c.oauth_exchange(team, redirect, returned.url, start.state, start.verifier);
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
  // A permission that could not be read is stored as "unknown" (never guessed): the UI says
  // it was not checked, and the core decides with it as standard.
  return keep(role, token.token, (current) => c.connected(current, role, token.token, identity.identity,
    permission.ok ? permission.permission : 'unknown', users, new Date().toISOString()),
  { permission_checked: permission.ok });
}

/** Every active HubSpot owner (the owner-mapping list), up to 20 pages. */
async function hubspotOwners(c, token, credential = 'oauth_connection') {
  const users = [];
  let after;
  for (let i = 0; i < 20; i += 1) {
    const page = await call(c.hubspot_owners_request(token, after), (r) => c.parse_hubspot_owners(r, credential));
    if (!page.ok) return page;
    users.push(...page.users);
    if (!page.after) break;
    after = page.after;
  }
  return { ok: true, users };
}

/**
 * HubSpot personal OAuth: state + PKCE, the code exchanged with the client secret, the token's
 * user_id mapped to a HubSpot owner. Team sync stays the private-app token.
 */
async function connectHubspot(role, team) {
  if (role !== 'personal') {
    return fail('unsupported', 'HubSpot team sync uses the private-app token, not a sign-in.',
      'Paste the private-app token in Options (step 1), or make your own connection the team sync.');
  }
  const secret = await store.hubspotSecret();
  if (!secret) {
    return fail('missing_client_secret', 'The HubSpot app’s client secret is not set, so personal HubSpot connections cannot be made.',
      'An admin enters the HubSpot app’s client id and client secret in Options (step 1).');
  }
  const c = await settingsCore();
  const redirect = redirectUrl();
  const start = c.oauth_start(team, redirect, crypto.getRandomValues(new Uint8Array(48)));
  if (!start.ok) return start;
  const returned = await signIn(start.url, c, team);
  if (!returned.ok) return returned;
  const exchange = c.hubspot_oauth_exchange(team, redirect, returned.url, start.state, start.verifier, secret);
  const token = await call(exchange, (r) => c.parse_hubspot_token(r));
  if (!token.ok) return token;
  const owner = await call(c.hubspot_owner_request(token.token, token.user_id), (r) => c.parse_hubspot_owner(r));
  if (!owner.ok) return owner;
  const owners = await hubspotOwners(c, token.token);
  return keep(role, token.token, (current) => c.connected_hubspot(current, role, owner.owner,
    owners.ok ? owners.users : [], new Date().toISOString()));
}

/**
 * A HubSpot team-sync token's kind, as `crm::Credential::of_hubspot_token` says it: private-app
 * tokens start with `pat-`, anything else is taken for a service key.
 */
export function hubspotTokenKind(token) {
  return String(token).startsWith('pat-') ? 'private_app_token' : 'service_key';
}

/**
 * HubSpot team sync with the admin's private-app token (or service key): a team-level secret
 * entered once by the admin and kept only in this worker's storage. It is stored like an OAuth
 * token (team sync role, no refresh token) and acts for the HubSpot owner named by `email`.
 */
export async function connectHubspotPrivateApp(privateToken, email) {
  const c = await settingsCore();
  const token = { access_token: String(privateToken), refresh_token: null, instance_url: 'https://api.hubapi.com', id: '' };
  const owners = await hubspotOwners(c, token, hubspotTokenKind(privateToken));
  if (!owners.ok) return owners;
  return keep('team_sync', token, (current) =>
    c.connected_private_app(current, owners.users, String(email || ''), new Date().toISOString()));
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
      ? c.hubspot_revoke_request(team, token, (await store.hubspotSecret()) || '')
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
