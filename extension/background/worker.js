// Leadline's service worker (MV3 module). Listeners are registered synchronously at start;
// the Rust core (Wasm) is loaded once and decides everything; this file only routes.
//
// Modules: core.js (Wasm), storage.js (state, outbox, secret tokens), net.js (fetch),
// oauth.js (connect / refresh / disconnect), outbox.js (running saves, back-off, resume),
// router.js (sender checks).
import { core } from './core.js';
import { execute } from './net.js';
import { connect, connectHubspotPrivateApp, disconnect, redirectUrl, refresh } from './oauth.js';
import { onAlarm, resume, runEntry } from './outbox.js';
import { checkSender, refuse } from './router.js';
import { store } from './storage.js';

const LOOKUP_TTL_MS = 5 * 60 * 1000;
const BULK_PARALLEL = 4;
/** Dedupe lookups from page loads: key → {existing, at}. In memory: a few minutes at most. */
const lookupCache = new Map();

function freshKnown() {
  const now = Date.now();
  const known = {};
  for (const [key, hit] of lookupCache) {
    if (now - hit.at < LOOKUP_TTL_MS) known[key] = hit.existing; else lookupCache.delete(key);
  }
  return known;
}

async function handleLookup(message, refreshed = false) {
  const c = await core();
  const team = await store.team();
  const plan = c.lookup_requests(team, message, await store.tokens());
  if (!plan.ok) return plan;
  const results = [];
  const known = freshKnown();
  for (const item of plan.items) {
    if (item.key && item.key in known) {
      const existing = known[item.key];
      results[item.index] = existing
        ? { found: true, object: existing.object, record_id: existing.id, record_url: null, owner_name: existing.owner_name }
        : { found: false, object: null, record_id: null, record_url: null, owner_name: null };
      continue;
    }
    if (!item.request) {
      results[item.index] = { found: false, object: null, record_id: null, record_url: null, owner_name: null };
      continue;
    }
    const response = await execute(item.request);
    if (response.status === 401 && !refreshed && plan.role) {
      // Expired session: one refresh, then the whole lookup once more.
      const renewed = await refresh(plan.role);
      return renewed.ok ? handleLookup(message, true) : renewed;
    }
    const parsed = c.parse_lookup(team, response);
    if (!parsed.ok) return parsed;
    if (item.key) lookupCache.set(item.key, { existing: parsed.existing, at: Date.now() });
    results[item.index] = parsed.result;
  }
  return { ok: true, results: Array.from(results, (r) => r || { found: false }) };
}

function tellTab(tabId, message) {
  if (typeof tabId === 'number') chrome.tabs.sendMessage(tabId, message).catch(() => {});
}

async function handleSave(message, sender) {
  const c = await core();
  const team = await store.team();
  const saveId = crypto.randomUUID();
  const plan = c.plan_save(team, message, saveId, freshKnown());
  if (!plan.ok) return plan;
  await store.putEntries(plan.entries); // persisted before the first request
  const results = plan.results.slice();
  const tabId = sender.tab && sender.tab.id;
  const total = results.length;
  let done = total - plan.entries.length;
  const notice = (reason) => tellTab(tabId, { kind: 'save_progress', save_id: saveId, done, total, notice: reason });
  const queue = plan.entries.slice();
  const workers = Array.from({ length: Math.min(BULK_PARALLEL, queue.length) }, async () => {
    while (queue.length) {
      const entry = queue.shift();
      const result = await runEntry(entry, plan.results[entry.index], notice);
      results[entry.index] = result;
      if (result.record_id && entry.lookup_key) {
        const existing = { id: result.record_id, object: result.object, owner_id: result.owner?.id ?? null, owner_name: result.owner?.name ?? null };
        lookupCache.set(entry.lookup_key, { existing, at: Date.now() });
      } else if (entry.lookup_key) {
        lookupCache.delete(entry.lookup_key); // outcome unknown: look it up again next time
      }
      done += 1;
      if (message.push === 'bulk') tellTab(tabId, { kind: 'save_progress', save_id: saveId, done, total });
    }
  });
  await Promise.all(workers);
  // Refused prospects (no entry) still belong in the journal and error log.
  for (const [i, r] of results.entries()) {
    if (!plan.entries.some((e) => e.index === i) && r) {
      await store.updateJournal((j) => {
        const next = c.journal_record(j, saveId, message.source, r, new Date().toISOString());
        return next.ok ? next.journal : j;
      });
    }
  }
  return { ok: true, save_id: saveId, results };
}

async function handleContent(message, sender) {
  const c = await core();
  switch (message.kind) {
    case 'lookup': return handleLookup(message);
    case 'preview': return c.preview(await store.team(), message);
    case 'save': return handleSave(message, sender);
    default: return refuse('invalid_message', 'Unknown message kind.');
  }
}

async function stateView() {
  const c = await core();
  const team = await store.team();
  const teamToken = await store.token('team_sync');
  return c.state_view(team, await store.journal(), await store.outbox(), {
    redirect_url: redirectUrl(),
    hubspot_private_token_set: Boolean(team.config?.crm === 'hubspot' && teamToken && !teamToken.refresh_token),
  });
}

async function handleUi(message) {
  const c = await core();
  const answer = c.ui_message(await store.team(), message);
  if (!answer.ok) return answer;
  if (answer.team) {
    await store.setTeam(answer.team);
    if (message.kind === 'set_config' && message.hubspot_private_token) {
      const connected = await connectHubspotPrivateApp(message.hubspot_private_token,
        message.hubspot_team_sync_email || answer.team.config.me_email);
      if (connected.ok) resume();
      return connected;
    }
    return answer.reply;
  }
  switch (message.kind) {
    case 'get_state': return stateView();
    case 'connect': {
      const result = await connect(message.role);
      if (result.ok) resume();
      return result;
    }
    case 'disconnect': return disconnect(message.role);
    case 'retry': {
      const box = await store.outbox();
      if (!box.some((e) => e.id === message.outbox_id)) return refuse('not_found', 'That save is no longer waiting.', 'Refresh the popup.');
      await resume({ force: message.outbox_id });
      return { ok: true };
    }
    case 'clear_error_log': {
      const journal = (await store.journal()) || {};
      await store.setJournal({ ...journal, error_log: [] });
      return { ok: true };
    }
    case 'export_error_log_csv': return c.error_log_csv(await store.journal());
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

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  handle(message, sender).then(sendResponse);
  return true;
});
chrome.alarms.onAlarm.addListener(onAlarm);
chrome.runtime.onStartup.addListener(() => { resume(); });
chrome.runtime.onInstalled.addListener(() => { resume(); });

// Every worker start (including a restart after being killed mid-save) resumes the outbox.
resume().catch(() => {});
