// Everything the service worker persists, in chrome.storage.local. Team state, journal and
// outbox are plain JSON produced by the Rust core. Tokens and the HubSpot app's client secret
// live under `secret:*` keys that only this worker reads: no message answer, page or UI ever
// receives them, and nothing logs them. The worker restricts chrome.storage.local to trusted
// contexts (`restrictToTrustedContexts`), so content scripts cannot read it either.

const TEAM = 'team';
const JOURNAL = 'journal';
const OUTBOX = 'outbox';
const NOTIFIED = 'notified_reconnect';
const HUBSPOT_SECRET = 'secret:hubspot_client_secret';

/** Keeps chrome.storage.local away from content scripts (extension pages and worker only). */
export async function restrictToTrustedContexts() {
  try {
    await chrome.storage.local.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' });
  } catch {
    // Older browsers without setAccessLevel already keep local storage from page scripts.
  }
}

/** Storage key of a role's OAuth tokens (mirrors saves::Role::token_key). */
export function tokenKey(role) {
  return role === 'team_sync' ? 'secret:token:team_sync' : 'secret:token:personal';
}

async function get(key, fallback) {
  const found = await chrome.storage.local.get(key);
  return found[key] === undefined ? fallback : found[key];
}

async function set(key, value) {
  await chrome.storage.local.set({ [key]: value });
}

// Read-modify-write sections run one at a time (bulk saves update the outbox concurrently).
let queue = Promise.resolve();
function serial(fn) {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

export const store = {
  team: () => get(TEAM, {}),
  setTeam: (team) => set(TEAM, team),
  journal: () => get(JOURNAL, null),
  setJournal: (journal) => set(JOURNAL, journal),
  /** Applies `fn(journal) -> journal` atomically. */
  updateJournal: (fn) => serial(async () => set(JOURNAL, await fn(await get(JOURNAL, null)))),
  /** Applies `fn(team) -> team` atomically. */
  updateTeam: (fn) => serial(async () => {
    const next = await fn(await get(TEAM, {}));
    await set(TEAM, next);
    return next;
  }),

  outbox: () => get(OUTBOX, []),
  /** Inserts or replaces outbox entries (by id), atomically. */
  putEntries: (entries) => serial(async () => {
    const box = await get(OUTBOX, []);
    for (const entry of entries) {
      const i = box.findIndex((e) => e.id === entry.id);
      if (i >= 0) box[i] = entry; else box.push(entry);
    }
    await set(OUTBOX, box);
  }),
  removeEntry: (id) => serial(async () => {
    const box = await get(OUTBOX, []);
    await set(OUTBOX, box.filter((e) => e.id !== id));
  }),

  /** `{team_sync, personal}` tokens for the core's request builders (worker-only). */
  tokens: async () => {
    const found = await chrome.storage.local.get([tokenKey('team_sync'), tokenKey('personal')]);
    return { team_sync: found[tokenKey('team_sync')] || null, personal: found[tokenKey('personal')] || null };
  },
  token: (role) => get(tokenKey(role), null),
  setToken: (role, token) => set(tokenKey(role), token),
  removeToken: (role) => chrome.storage.local.remove(tokenKey(role)),
  /** The HubSpot app's client secret (personal OAuth), or null. Worker-only. */
  hubspotSecret: () => get(HUBSPOT_SECRET, null),
  setHubspotSecret: (secret) => set(HUBSPOT_SECRET, secret),


  /** True the first time a role's "reconnect needed" is reported (the rep is told once). */
  firstReconnectNotice: (role) => serial(async () => {
    const seen = await get(NOTIFIED, {});
    if (seen[role]) return false;
    seen[role] = true;
    await set(NOTIFIED, seen);
    return true;
  }),
  clearReconnectNotice: (role) => serial(async () => {
    const seen = await get(NOTIFIED, {});
    delete seen[role];
    await set(NOTIFIED, seen);
  }),
};
