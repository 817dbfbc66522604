// Leadline's service worker (MV3 module). Listeners are registered synchronously at start;
// the Rust core (Wasm) is loaded once and decides everything; this file only routes. Messages
// are answered from the storage snapshot of this wake without waiting for the outbox's
// resume(), which starts once the first one is answered and then runs beside them (an entry is
// never run twice at once: outbox.js).
//
// Modules: core.js (Wasm: the core and the save engine), storage.js (state, outbox, secret tokens), net.js (fetch),
// oauth.js (connect / disconnect), outbox.js (running saves on the engine, back-off, resume),
// router.js (sender checks).
import { core, engineCore, outboxCore, previewCore, settingsCore } from './core.js';
import { connect, connectHubspotPrivateApp, disconnect, redirectUrl } from './oauth.js';
import { onAlarm, onEntrySettled, onOnline, release, reserve, resume, runEntry } from './outbox.js';
import { checkSender, refuse } from './router.js';
import { load, onStorageChanged, restrictToTrustedContexts, store } from './storage.js';
import * as teamServer from './team-server.js';
import { handleUndo, rememberSave } from './undo.js';
import '../shared/messages.js';

const { CONTENT_TO_WORKER: IN, WORKER_TO_CONTENT: OUT, UI_TO_WORKER: UI } = globalThis.Leadline.messages;

// Start-up work begins before anything else: the one storage read of this wake and the preview
// module (compiled from the bytes bundled into this file) run in parallel while the listeners
// below register. The rest of a wake's work, the save module's load included, waits for the
// first answer (`startWakeWork`).
// The wake's first steps leave performance marks (`leadline:wake:*`, a handful per wake, for
// the cold-start benchmark's split, BENCHMARKS.md §3); nothing reads them in the extension.
const WAKE_MARK = 'leadline:wake:';
performance.mark(WAKE_MARK + 'script');
previewCore().then(() => performance.mark(WAKE_MARK + 'core'), () => {});
load().then(() => performance.mark(WAKE_MARK + 'storage'), () => {});

const LOOKUP_TTL_MS = 5 * 60 * 1000;
const BULK_PARALLEL = 4;
/** Dedupe lookups from page loads: key → {existing, at}. In memory: a few minutes at most. */
const lookupCache = new Map();

/**
 * The HubSpot contacts this browser created in the last minutes (the journal's
 * `recent_creates`, written with each finished save): a lookup whose search misses them (its
 * index lags) reads them back by id (saves::journal::recent).
 */
async function recentCreates() {
  const journal = await store.journal();
  return (journal && journal.recent_creates) || null;
}

/** Which CRM and org the cached lookups answer for: the CRM, and its connections' users. */
let cacheScope = '';

function scopeOf(team) {
  const users = (team.connections || []).map((c) => String(c.instance_url) + '/' + String(c.crm_user_id)).sort();
  return JSON.stringify([(team.config && team.config.crm) || 'salesforce', users]);
}

/**
 * The cached lookups still fresh, for `team`: a cache filled for another CRM, org or set of
 * connections (the rep switched CRM, connected another org) is dropped first, never reused.
 */
function freshKnown(team) {
  const scope = scopeOf(team);
  if (scope !== cacheScope) {
    lookupCache.clear();
    cacheScope = scope;
  }
  const now = Date.now();
  const known = {};
  for (const [key, hit] of lookupCache) {
    if (now - hit.at < LOOKUP_TTL_MS) known[key] = hit.existing; else lookupCache.delete(key);
  }
  return known;
}

/**
 * Page-load lookups ("already in the CRM" badges): every person of the page not in the cache
 * is looked up in ONE call (a list page too: its cards, each answered by key, private members'
 * with the core's reason, also in a refusal), by the save engine (`engine_lookup`: the core's
 * `lookup_list` run to completion, one refresh and a new start on a 401).
 */
async function handleLookup(message) {
  const engine = await engineCore();
  const team = await store.team();
  const plan = await engine.engine_lookup(store, team, message, freshKnown(team), await recentCreates(),
    Date.now(), await teamServer.hubspotBroker());
  if (!plan.ok) return plan;
  const at = Date.now();
  for (const { key, existing } of plan.cache) lookupCache.set(key, { existing, at });
  // saving_as (Gmail pages): the CRM user the rep's own connection saves as, for the panel's
  // "mailbox is not the CRM user" warning. cards (list pages): the core's answer for each card
  // by its key (its person's result, or why it is skipped: a private member, no name).
  return { ok: true, results: plan.results, cards: plan.cards || [], crm: (team.config && team.config.crm) || 'salesforce',
    saving_as: plan.saving_as || null };
}

function tellTab(tabId, message) {
  if (typeof tabId === 'number') chrome.tabs.sendMessage(tabId, message).catch(() => {});
}

/** How long a bulk save's tab hears about its people who landed after the answer. */
const LATE_NEWS_MS = 15 * 60 * 1000;
/** Bulk saves answered with people still waiting: save_id → {tabId, at} (this worker life). */
const waitingBulk = new Map();

/**
 * A waiting chunk of a bulk save landed later (run by resume): its tab's bar learns how many
 * were saved or failed (`save_progress` with `late: true`).
 */
onEntrySettled((entry, results) => {
  const waiting = waitingBulk.get(entry.save_id);
  if (!waiting || !entry.chunk) return;
  if (Date.now() - waiting.at > LATE_NEWS_MS) { waitingBulk.delete(entry.save_id); return; }
  const failed = results.filter((r) => r && r.status === 'failed').length;
  tellTab(waiting.tabId, { kind: OUT.SAVE_PROGRESS, save_id: entry.save_id, late: true, saved: results.length - failed, failed });
});

/** Keeps the lookup cache in step with a finished save (unknown outcome: look it up again). */
function cacheOutcome(key, result) {
  if (!key) return;
  if (result && result.record_id && result.status !== 'queued') {
    const existing = { id: result.record_id, object: result.object, owner_id: result.owner?.id ?? null, owner_name: result.owner?.name ?? null };
    if (result.job_update && result.job_update.now) existing.job = result.job_update.now; // what an update wrote
    lookupCache.set(key, { existing, at: Date.now() });
  } else {
    lookupCache.delete(key);
  }
}

/**
 * A save: single saves run their entry (one Composite call); a bulk save's people come as
 * chunk entries (≤200 each, dedupe + create = 2 calls), run one after the other with a
 * `save_progress` per chunk. Every entry is persisted before its first request.
 */
async function handleSave(message, sender) {
  const c = await core();
  const team = await teamServer.decidingTeam(); // server mode: the server's team sync
  const saveId = crypto.randomUUID();
  // "Update in CRM" plans from the record its page's lookup read; a worker that slept since
  // has lost that lookup, so it reads the record again (nothing is sent when still cached).
  if (message.source === 'job_change' && Array.isArray(message.prospects)) {
    const read = await handleLookup({ kind: IN.LOOKUP, source: 'linkedin_extension', prospects: message.prospects });
    if (!read.ok) return read;
  }
  const plan = c.plan_save(team, message, saveId, freshKnown(team), await recentCreates(), Date.now());
  if (!plan.ok) return plan;
  const ids = plan.entries.map((e) => e.id);
  reserve(ids); // this message runs its own entries; resume() leaves them alone
  try {
    await store.putEntries(plan.entries); // persisted before the first request
    return await runSave(c, message, sender, saveId, plan, await teamServer.anyViaServer(team, plan.entries));
  } finally {
    release(ids);
  }
}

/** Runs a planned save's entries (reserved for it) and answers the content script. */
async function runSave(c, message, sender, saveId, plan, viaServer) {
  const results = plan.results.slice();
  const tabId = sender.tab && sender.tab.id;
  const total = results.length;
  const size = (entry) => (entry.chunk ? entry.chunk.members.length : 1);
  let done = total - plan.entries.reduce((n, e) => n + size(e), 0);
  let reconnect = null; // the first "reconnect needed" of this save: told once, in the toast
  const notice = (reason) => {
    if (!reconnect) reconnect = reason;
    tellTab(tabId, { kind: OUT.SAVE_PROGRESS, save_id: saveId, done, total, notice: reason });
  };
  const queue = plan.entries.slice();
  // Chunks run one at a time (a person can only be created by one chunk); singles 4 at once.
  const parallel = queue.some((e) => e.chunk) ? 1 : BULK_PARALLEL;
  const workers = Array.from({ length: Math.min(parallel, queue.length) }, async () => {
    while (queue.length) {
      const entry = queue.shift();
      release([entry.id]); // from here on, runEntry's own guard keeps it single
      if (entry.chunk) {
        const outcome = await runEntry(entry, null, notice);
        if (outcome && outcome.status === 'settled') {
          for (const { index, lookup_key: key, result } of outcome.results) {
            results[index] = result;
            cacheOutcome(key, result);
          }
        } else {
          const reason = (outcome && outcome.error) || null;
          for (const m of entry.chunk.members) {
            results[m.person.index] = { ...plan.results[m.person.index], status: 'queued', error: reason };
            cacheOutcome(m.person.lookup_key, null);
          }
        }
      } else {
        const result = await runEntry(entry, plan.results[entry.index], notice);
        results[entry.index] = result;
        cacheOutcome(entry.lookup_key, result);
      }
      done += size(entry);
      if (message.push === 'bulk') tellTab(tabId, { kind: OUT.SAVE_PROGRESS, save_id: saveId, done, total });
    }
  });
  await Promise.all(workers);
  // Refused prospects (no entry) still belong in the journal and error log.
  const queued = new Set(plan.entries.flatMap((e) => (e.chunk ? e.chunk.members.map((m) => m.person.index) : [e.index])));
  for (const [i, r] of results.entries()) {
    if (!queued.has(i) && r) {
      await store.updateJournal((j) => {
        const next = c.journal_record(j, saveId, message.source, r, new Date().toISOString());
        return next.ok ? next.journal : j;
      });
    }
  }
  if (message.push === 'bulk' && results.some((r) => r && r.status === 'queued')) {
    waitingBulk.set(saveId, { tabId, at: Date.now() }); // its bar hears when they land
  }
  const savedTeam = await store.team();
  // The undo window (undo.js); what the team server pushed is undone there, not here.
  const undo = viaServer ? null : await rememberSave(plan.entries, results, saveId);
  // A reconnect is said once, by `notice`, in the refused credential's own words (its fix).
  return { ok: true, save_id: saveId, results, notice: reconnect, undo,
    crm: (savedTeam.config && savedTeam.config.crm) || 'salesforce' };
}

async function handleContent(message, sender) {
  // The rest wait for the save module and this wake's policy merge (each started here if the
  // wake work has not started them yet).
  const ready = () => Promise.all([core(), policyLoaded()]);
  switch (message.kind) {
    // A preview (the hover: the save decides again) needs only the preview module, and answers
    // from the stored team, which the managed-storage listener keeps merged while the worker runs.
    case IN.PREVIEW: return (await previewCore()).preview(await teamServer.decidingTeam(), message);
    // Saves, lookups and undo run on the engine: its module compiles while the core loads.
    case IN.LOOKUP:
      engineCore().catch(() => {});
      await ready();
      await noteMailbox(message);
      return handleLookup(message);
    case IN.SAVE:
      outboxCore().catch(() => {});
      await ready();
      return handleSave(message, sender);
    case IN.UNDO:
      engineCore().catch(() => {});
      await ready();
      return handleUndo(message, (key) => lookupCache.delete(key));
    default: return refuse('invalid_message', 'Unknown message kind.');
  }
}

/**
 * Keeps the mailbox a Gmail panel names with its lookup (`mailbox`), for the options page's
 * "your Gmail mailbox is not your CRM user" line. Only an address-shaped, bounded string.
 */
async function noteMailbox(message) {
  const email = message.source === 'gmail_extension' && typeof message.mailbox === 'string' ? message.mailbox.trim() : '';
  if (!email || email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) return;
  const known = await store.gmailMailbox();
  if (!known || known.email !== email) await store.setGmailMailbox({ email, at: new Date().toISOString() });
}

async function stateView() {
  const c = await settingsCore();
  await policyLoaded();
  const team = await store.team();
  const teamToken = await store.token('team_sync');
  // Server mode: the owner mapping and push settings shown are the server's.
  const view = c.state_view(await teamServer.decidingTeam(), await store.journal(), await store.outbox(), {
    redirect_url: redirectUrl(),
    gmail_mailbox: await store.gmailMailbox(),
    hubspot_private_token_set: Boolean(team.config?.crm === 'hubspot' && teamToken && !teamToken.refresh_token),
    hubspot_client_secret_set: Boolean(await store.hubspotSecret()),
    // Server mode: the team server exchanges and refreshes the rep's HubSpot tokens, so this
    // browser needs no client secret (the options page says what to do instead).
    hubspot_via_team_server: Boolean(team.config?.crm === 'hubspot' && (await teamServer.serverUrl(team))),
  });
  if (view.ok && view.policy) view.policy.error = policyError;
  if (view.ok) view.team_server = await teamServer.view(team);
  if (view.ok && Array.isArray(view.connections)) {
    // "Last successful push": the last 2xx CRM answer to a save, never the connect time (kept
    // as `checked_at`: when the CRM last accepted the credential).
    const pushedAt = await store.lastPush();
    const hubspot = team.config?.crm === 'hubspot';
    view.connections = await Promise.all(view.connections.map(async (conn) => ({ ...conn,
      checked_at: conn.last_success || null, last_success: pushedAt[conn.role] || null,
      credential: credentialOf(await store.token(conn.role), hubspot) })));
  }
  return view;
}

/**
 * A credential the CRM refused goes to the error log with the CRM's own words as details (the
 * options page shows only the core's headline and fix). Refusals without CRM words (a closed
 * sign-in window, a missing field) are not logged.
 */
async function logRefusal(error, name) {
  if (!error || !error.details) return;
  const c = await settingsCore();
  await store.updateJournal((journal) => {
    const next = c.journal_log_error(journal, error, name, 'options', new Date().toISOString());
    return next.ok ? next.journal : journal;
  });
}

/**
 * Which credential a connection holds, without the secret: its kind (the core's
 * `crm::Credential` names) and, for a pasted static token, its last four characters, so the
 * admin can tell which token is active.
 */
function credentialOf(token, hubspot) {
  if (!token || typeof token.access_token !== 'string') return null;
  if (!hubspot || token.refresh_token) return { kind: 'oauth_connection', last4: null };
  // The kind the core decided when the token was connected (`hubspot_token`: stored before
  // kinds were, so what was pasted is not known).
  const kind = typeof token.credential === 'string' ? token.credential : 'hubspot_token';
  return { kind, last4: token.access_token.length > 12 ? token.access_token.slice(-4) : null };
}

// Team settings by policy (chrome.storage.managed, schema extension/shared/managed_schema.json),
// merged over the local ones by the core: read at start, on change, and before the first state.
let policyError = null;
let policyRead = null;
async function loadPolicy() {
  let managed = {};
  try {
    managed = (await chrome.storage.managed.get(null)) || {};
  } catch (error) {
    policyError = { code: 'policy_unreadable', message: 'The Leadline policy could not be read.', hint: String((error && error.message) || '').slice(0, 200) };
    return;
  }
  // No policy now and none applied before: nothing to merge (an ordinary wake), and the
  // settings module, where apply_policy lives, stays unloaded.
  if (!Object.keys(managed).length && !(await store.team()).policy) {
    policyError = null;
    return;
  }
  const c = await settingsCore();
  await store.updateTeam((team) => {
    const merged = c.apply_policy(team, Object.keys(managed).length ? managed : null);
    policyError = merged.ok ? null : merged.error;
    // Unchanged (the usual wake): keep the same object, so nothing is written.
    return merged.ok && JSON.stringify(merged.team) !== JSON.stringify(team) ? merged.team : team;
  });
}
function policyLoaded() {
  if (!policyRead) policyRead = loadPolicy().catch(() => {});
  return policyRead;
}

async function handleUi(message) {
  const [c] = await Promise.all([settingsCore(), policyLoaded()]); // this wake's policy merged
  // The team saves decide with (server mode: the team snapshot beside it, for the simulator
  // and for refusing what only the server's admin sets); the core's answer never carries it.
  const answer = c.ui_message(await teamServer.decidingTeam(), message);
  if (!answer.ok) return answer;
  if (answer.team) {
    await store.setTeam(answer.team);
    if (message.kind === UI.SET_CONFIG && typeof message.hubspot_client_secret === 'string' && message.hubspot_client_secret.trim()) {
      await store.setHubspotSecret(message.hubspot_client_secret.trim().slice(0, 512));
    }
    if (message.kind === UI.SET_TEAM_SYNC && answer.reply && answer.reply.copy_personal_token) {
      // "My connection" is now also the team sync: the same grant serves both roles.
      await store.setToken('team_sync', await store.token('personal'));
      await store.clearReconnectNotice('team_sync');
      resume();
    }
    if (message.kind === UI.SET_CONFIG && typeof message.hubspot_private_token === 'string' && message.hubspot_private_token.trim()) {
      // The new token is checked (the owners directory, read with it) before it replaces the
      // stored one: a refused token leaves the old one in use, and the answer says what of
      // the form was saved, what was not, and which token is still active.
      const token = message.hubspot_private_token.trim();
      const saved = Array.isArray(answer.reply.saved) ? answer.reply.saved : [];
      const connected = await connectHubspotPrivateApp(token, message.hubspot_team_sync_email || '', message.hubspot_token_kind);
      if (connected.ok) {
        resume();
        return { ...connected, saved: [...saved, 'team sync token'] };
      }
      await logRefusal(connected.error, 'Team sync token');
      const view = await stateView();
      const active = view.ok ? (view.connections || []).find((c) => c.role === 'team_sync') || null : null;
      return { ...connected, saved, not_saved: ['team sync token'], active };
    }
    return answer.reply;
  }
  switch (message.kind) {
    case UI.GET_STATE: return stateView();
    case UI.CONNECT: {
      const result = await connect(message.role);
      if (result.ok) resume();
      else await logRefusal(result.error, message.role === 'team_sync' ? 'Team sync connection' : 'Your connection');
      return result;
    }
    case UI.DISCONNECT: return disconnect(message.role);
    case UI.RETRY: {
      const box = await store.outbox();
      if (!box.some((e) => e.id === message.outbox_id)) return refuse('not_found', 'That save is no longer waiting.', 'Refresh the popup.');
      await resume({ force: message.outbox_id });
      return { ok: true };
    }
    case UI.CLEAR_ERROR_LOG: {
      const journal = (await store.journal()) || {};
      await store.setJournal({ ...journal, error_log: [] });
      return { ok: true };
    }
    case UI.EXPORT_ERROR_LOG_CSV: return c.error_log_csv(await store.journal());
    case UI.TEAM_SERVER: {
      const result = await teamServer.handleAction(message);
      if (result.ok && message.action !== 'sign_out') resume(); // saves waiting on a session go now
      if (!result.ok) return result;
      return { ok: true, team_server: await teamServer.view(await store.team()) };
    }
    default: return refuse('invalid_message', 'Unknown message kind.');
  }
}

async function handle(message, sender) {
  const check = checkSender(message, sender);
  if (!check.ok) return check;
  try {
    return check.channel === 'content' ? await handleContent(message, sender) : await handleUi(message);
  } catch (error) {
    console.warn('Leadline: message failed', message && message.kind, error && error.name, String(error && error.message).slice(0, 200));
    return refuse('internal_error', 'Leadline hit an unexpected problem.', 'Try again; if it persists, reload the extension.');
  }
}

let firstMessage = true;
chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const first = firstMessage;
  firstMessage = false;
  if (first) performance.mark(WAKE_MARK + 'message');
  handle(message, sender).then((answer) => {
    sendResponse(answer);
    if (first) performance.mark(WAKE_MARK + 'answer');
    startWakeWork();
  });
  return true;
});
chrome.alarms.onAlarm.addListener((alarm) => { onAlarm(alarm); teamServer.onAlarm(alarm); });
chrome.storage.onChanged.addListener((changes, area) => {
  onStorageChanged(changes, area);
  if (area === 'managed') { policyRead = loadPolicy().catch(() => {}); }
});
// The network is back: saves waiting on a network back-off (up to 10 min) go now. Chromium
// fires no `online` in service workers today, so outbox.js also watches navigator.onLine.
self.addEventListener('online', onOnline);
chrome.runtime.onStartup.addListener(() => { resume(); });
chrome.runtime.onInstalled.addListener(() => { resume(); });

restrictToTrustedContexts();

/**
 * A wake's own work: the managed policy, the outbox's resume and server mode's snapshot. The
 * worker has one thread, and a message that woke it needs none of them (a `get_state` and
 * anything that reaches the CRM wait for the policy themselves), so they start once the first
 * message is answered, or after WAKE_WORK_MS when nothing asked (an alarm, a browser start):
 * each would otherwise run (a chrome API's first call, its reply) before that answer.
 */
const WAKE_WORK_MS = 50;
let wakeWorkStarted = false;
function startWakeWork() {
  if (wakeWorkStarted) return;
  wakeWorkStarted = true;
  // The save module: a save after a hover finds it loaded.
  core().catch(() => {});
  // Every worker start (including a restart after being killed mid-save) resumes the outbox.
  policyLoaded();
  resume().catch(() => {});
  // Server mode: the team snapshot, fetched now when stale, and every 15 minutes.
  policyLoaded().then(() => teamServer.watch()).catch(() => {});
}
setTimeout(startWakeWork, WAKE_WORK_MS);
