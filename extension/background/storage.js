// Everything the service worker persists, in chrome.storage.local. Team state, journal and
// outbox are plain JSON produced by the Rust core. Tokens and the HubSpot app's client secret
// live under `secret:*` keys that only this worker reads: no message answer, page or UI ever
// receives them, and nothing logs them. The worker restricts chrome.storage.local to trusted
// contexts (`restrictToTrustedContexts`), so content scripts cannot read it either.
//
// One read per wake: `load()` takes a snapshot of the whole area (`get(null)`) once, started
// at the top of worker.js; every read after that is served from it. The worker's own writes
// update the snapshot at once (then go to chrome.storage.local, awaited: the outbox is on disk
// before a request leaves); writes made elsewhere (another extension page, devtools) come in
// through `onStorageChanged`. Values in the snapshot are never mutated in place: every writer
// here builds a new array or object.

const TEAM = 'team';
const JOURNAL = 'journal';
const OUTBOX = 'outbox';
const NOTIFIED = 'notified_reconnect';
const LAST_PUSH = 'last_push';
/** The last Gmail mailbox a Gmail panel looked people up from: `{email, at}` (not a secret). */
const GMAIL_MAILBOX = 'gmail_mailbox';
const HUBSPOT_SECRET = 'secret:hubspot_client_secret';
/** Server mode: `{url, snapshot, synced_at, notice}` (the team snapshot; no secret). */
const TEAM_SERVER = 'team_server';
/** The team server address the rep entered (a policy's wins; team-server.js). */
const TEAM_SERVER_URL = 'team_server_url';
/** Server mode: the team server session `{url, token, expires_at}` (worker-only). */
const TEAM_SERVER_SESSION = 'secret:team_server_session';

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

let snapshot = null;
let loading = null;
/** storage.onChanged events seen before the snapshot arrived (replayed over it, in order). */
const early = [];
/** Keys with a write of ours in flight: their onChanged echo is older than the snapshot. */
const writing = new Map();

function applyChanges(changes) {
  for (const [key, change] of Object.entries(changes || {})) {
    if ((writing.get(key) || 0) > 0) continue;
    if (change && Object.prototype.hasOwnProperty.call(change, 'newValue')) snapshot[key] = change.newValue;
    else delete snapshot[key];
  }
}

/** Reads the whole storage area once per worker life; resolves when the snapshot is ready. */
export function load() {
  if (!loading) {
    loading = chrome.storage.local.get(null).then((all) => {
      snapshot = { ...(all || {}) };
      for (const changes of early.splice(0)) applyChanges(changes);
      return snapshot;
    }, (error) => {
      loading = null; // the next read tries again
      throw error;
    });
  }
  return loading;
}

/** The chrome.storage.onChanged listener (registered synchronously by worker.js). */
export function onStorageChanged(changes, area) {
  if (area !== 'local') return;
  if (snapshot) applyChanges(changes); else early.push(changes);
}

async function get(key, fallback) {
  await load();
  return snapshot[key] === undefined ? fallback : snapshot[key];
}

/** Writes `values` ({key: value}) in ONE chrome.storage.local.set (atomic), snapshot first. */
async function setMany(values) {
  await load();
  const keys = Object.keys(values);
  for (const key of keys) {
    snapshot[key] = values[key];
    writing.set(key, (writing.get(key) || 0) + 1);
  }
  try {
    await chrome.storage.local.set(values);
  } finally {
    for (const key of keys) {
      const n = (writing.get(key) || 1) - 1;
      if (n > 0) writing.set(key, n); else writing.delete(key);
    }
  }
}

const set = (key, value) => setMany({ [key]: value });

async function remove(key) {
  await load();
  delete snapshot[key];
  writing.set(key, (writing.get(key) || 0) + 1);
  try {
    await chrome.storage.local.remove(key);
  } finally {
    const n = (writing.get(key) || 1) - 1;
    if (n > 0) writing.set(key, n); else writing.delete(key);
  }
}

// Read-modify-write sections run one at a time (bulk saves update the outbox concurrently).
let queue = Promise.resolve();
function serial(fn) {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

/** `box` with `entries` inserted or replaced (by id); a new array. */
function withEntries(box, entries) {
  const out = box.slice();
  for (const entry of entries) {
    const i = out.findIndex((e) => e.id === entry.id);
    if (i >= 0) out[i] = entry; else out.push(entry);
  }
  return out;
}

/** Token refreshes under way, per role: `{done, release}` (see `beginRefresh`). */
const refreshLocks = new Map();

export const store = {
  /**
   * Per CRM origin, the run of refusals (429/5xx) met this worker life, `{origin: [count,
   * last_ms]}`: the save engine's guess that Chromium holds requests back reads it. One object
   * for every Wasm module, so what a lookup met counts for the save after it.
   */
  refusals: Object.create(null),
  team: () => get(TEAM, {}),
  setTeam: (team) => set(TEAM, team),
  journal: () => get(JOURNAL, null),
  setJournal: (journal) => set(JOURNAL, journal),
  /** Applies `fn(journal) -> journal` atomically. */
  updateJournal: (fn) => serial(async () => set(JOURNAL, await fn(await get(JOURNAL, null)))),
  /** Applies `fn(team) -> team` atomically; returning the same object writes nothing. */
  updateTeam: (fn) => serial(async () => {
    const current = await get(TEAM, {});
    const next = await fn(current);
    if (next !== current) await set(TEAM, next);
    return next;
  }),

  outbox: () => get(OUTBOX, []),
  /** The stored outbox entry with this id, or null (done and removed, or never stored). */
  entry: async (id) => (await get(OUTBOX, [])).find((e) => e.id === id) || null,
  /** Inserts or replaces outbox entries (by id), atomically. */
  putEntries: (entries) => serial(async () => set(OUTBOX, withEntries(await get(OUTBOX, []), entries))),
  removeEntry: (id) => serial(async () => set(OUTBOX, (await get(OUTBOX, [])).filter((e) => e.id !== id))),
  /**
   * A finished entry: its journal lines (`fn(journal) -> journal`) and its removal from the
   * outbox are ONE storage write, so a worker killed at any point loses neither.
   */
  settleEntry: (id, fn) => serial(async () => {
    const journal = await fn(await get(JOURNAL, null));
    const box = (await get(OUTBOX, [])).filter((e) => e.id !== id);
    await setMany({ [JOURNAL]: journal, [OUTBOX]: box });
  }),

  /** `{team_sync, personal}` tokens for the core's request builders (worker-only). */
  tokens: async () => {
    await load();
    return { team_sync: snapshot[tokenKey('team_sync')] || null, personal: snapshot[tokenKey('personal')] || null };
  },
  token: (role) => get(tokenKey(role), null),
  /**
   * Takes a role's refresh lock, resolving once held. The save engine runs in two Wasm
   * modules (saves in one, lookups and undo in the other); this lock makes their refreshes of
   * one connection a single flight (crates/core-wasm/src/engine.rs). `endRefresh` releases it.
   */
  beginRefresh: async (role) => {
    while (refreshLocks.has(role)) await refreshLocks.get(role).done;
    let release;
    const done = new Promise((resolve) => { release = resolve; });
    refreshLocks.set(role, { done, release });
  },
  endRefresh: async (role) => {
    const lock = refreshLocks.get(role);
    refreshLocks.delete(role);
    if (lock) lock.release();
  },
  setToken: (role, token) => set(tokenKey(role), token),
  removeToken: (role) => remove(tokenKey(role)),
  /** The HubSpot app's client secret (personal OAuth), or null. Worker-only. */
  hubspotSecret: () => get(HUBSPOT_SECRET, null),
  setHubspotSecret: (secret) => set(HUBSPOT_SECRET, secret),

  teamServerUrl: () => get(TEAM_SERVER_URL, null),
  setTeamServerUrl: (url) => (url ? set(TEAM_SERVER_URL, url) : remove(TEAM_SERVER_URL)),
  /** Server mode's snapshot state (team-server.js), or null. */
  teamServer: () => get(TEAM_SERVER, null),
  setTeamServer: (state) => (state ? set(TEAM_SERVER, state) : remove(TEAM_SERVER)),
  /** The team server session (worker-only), or null. */
  serverSession: () => get(TEAM_SERVER_SESSION, null),
  setServerSession: (session) => set(TEAM_SERVER_SESSION, session),
  removeServerSession: () => remove(TEAM_SERVER_SESSION),

  /** `{team_sync?, personal?}`: ISO time of each role's last 2xx CRM answer to a save. */
  lastPush: () => get(LAST_PUSH, {}),
  gmailMailbox: () => get(GMAIL_MAILBOX, null),
  setGmailMailbox: (mailbox) => set(GMAIL_MAILBOX, mailbox),
  /** Records a 2xx CRM answer to a save made with `role`'s connection. */
  markPushed: (role, at) => serial(async () => set(LAST_PUSH, { ...(await get(LAST_PUSH, {})), [role]: at })),

  /** True the first time a role's "reconnect needed" is reported (the rep is told once). */
  firstReconnectNotice: (role) => serial(async () => {
    const seen = await get(NOTIFIED, {});
    if (seen[role]) return false;
    await set(NOTIFIED, { ...seen, [role]: true });
    return true;
  }),
  clearReconnectNotice: (role) => serial(async () => {
    const seen = await get(NOTIFIED, {});
    if (!seen[role]) return;
    const next = { ...seen };
    delete next[role];
    await set(NOTIFIED, next);
  }),
};
