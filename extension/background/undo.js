// The undo window, worker half. When a save finishes, what it left (its planned entries and
// final results) is kept in chrome.storage.session (memory only, this browser session,
// survives the worker sleeping) under `undo:<save_id>`, and the toast offers "Undo" when the
// save created something. An `{kind:"undo", source, save_id}` message then has the core work
// out what exactly the save created (`undo_record`) and check the undo may run (`undo_plan`:
// refused after the window or for a save it does not know); the save engine then sends the
// deletes (`engine_undo`: the fewest delete calls, each with the connection that created the
// records; one token refresh on a 401, shared with every other request of the worker). The
// journal line becomes "undone". A save is undone once: its entry is removed before the first
// delete is sent. The settings module and the engine are loaded only when the rep clicks Undo.
import { core, engineCore, settingsCore } from './core.js';
import { store } from './storage.js';
import { hubspotBroker } from './team-server.js';

const PREFIX = 'undo:';
/** Records older than this are dropped when a new one is stored (the window is 10 s). */
const KEEP_MS = 60 * 1000;

async function session() {
  try {
    return chrome.storage.session;
  } catch {
    return null;
  }
}

async function prune(area, now) {
  const all = (await area.get(null)) || {};
  const old = Object.entries(all)
    .filter(([key, record]) => key.startsWith(PREFIX) && !(record && now - Number(record.finished_at_ms) < KEEP_MS))
    .map(([key]) => key);
  if (old.length) await area.remove(old);
}

/**
 * Did the save create anything an undo would take back? A created person (and what came with
 * it), or an activity logged on someone already in the CRM. The core decides exactly what, on
 * Undo (`undo_record`); this only decides whether the toast offers it.
 */
function createdSomething(results) {
  return results.some((r) => r && (r.status === 'created' || (r.status === 'linked' && r.activity_id)));
}

/**
 * Keeps what a finished save left for its undo window. Resolves to `{save_id, seconds}` for
 * the toast, or null when it created nothing (or cannot be kept).
 */
export async function rememberSave(entries, results, saveId) {
  try {
    const area = await session();
    if (!area || !createdSomething(results)) return null;
    const now = Date.now();
    await area.set({ [PREFIX + saveId]: { save_id: saveId, finished_at_ms: now, entries, results } });
    prune(area, now).catch(() => {});
    // The window the toast counts down is the one the core enforces (`contract`).
    return { save_id: saveId, seconds: (await core()).contract().undo_window_seconds };
  } catch {
    return null;
  }
}

const shown = (item) => ({ name: item.name, object: item.object, is_person: Boolean(item.is_person) });

/**
 * Undoes a save for the content script. `forget(lookupKey)` drops a deleted person from the
 * worker's lookup cache. Resolves to `{ok, deleted, failed}` or the core's refusal.
 */
export async function handleUndo(message, forget) {
  const c = await settingsCore();
  const now = Date.now();
  const area = await session();
  const key = PREFIX + String(message.save_id);
  const left = area ? ((await area.get(key)) || {})[key] || null : null;
  const team = await store.team();
  const made = left ? c.undo_record(team, left.entries, left.results, left.save_id, left.finished_at_ms) : null;
  const record = made && made.ok ? made.undo || null : null;
  const plan = c.undo_plan(team, message, record, await store.tokens(), now);
  if (!plan.ok) return plan;
  await area.remove(key); // an undo runs once
  const engine = await engineCore();
  // The same instant as undo_plan's check: the window is judged once.
  const outcome = await engine.engine_undo(store, team, message, record, now, await hubspotBroker());
  if (!outcome.ok) return outcome;
  await store.updateJournal((journal) => {
    const next = c.journal_mark_undone(journal, record.save_id, outcome);
    return next.ok ? next.journal : journal;
  });
  for (const lookupKey of outcome.forget) forget(lookupKey);
  return {
    ok: true,
    deleted: outcome.deleted.map(shown),
    failed: outcome.failed.map((f) => ({ ...shown(f.item), error: f.error })),
  };
}
