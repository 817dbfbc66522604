// Runs outbox entries on the save engine (`engine_run`, crates/engine in Wasm): each save is
// persisted before its first request and removed only when the CRM has answered for it, in the
// one storage write that journals it (`settle` below, which the engine calls). The engine runs
// the core's steps with its one 401 policy (one refresh per connection, shared with lookups and
// undo, and one retry) and its own step limits; this module turns its outcome into what the
// rep sees and what Chrome must do.
//
// Back-off: the engine never sleeps through one (a service worker may be stopped): a waiting
// entry keeps next_at_ms and gets a chrome.alarms alarm (survives the worker sleeping) plus a
// timer while the worker is awake; saves waiting on a network error also go as soon as the
// network is back (`watchNetwork`). A connection whose grant the CRM refused is marked
// "reconnect_needed", its entries kept, the rep told once.
import { core, outboxCore, settingsCore } from './core.js';
import { store } from './storage.js';
import { hubspotBroker, serverRoute } from './team-server.js';

const ALARM = 'leadline-outbox';
/** Entries being run now (by id): a second runEntry for one of them does nothing. */
const running = new Set();
/** Entries a save message is about to run itself: resume() leaves them to it. */
const reserved = new Set();
let timer = null;

/**
 * The rep-facing result of a save that waits in the outbox. `waiting_for` says what it waits
 * on, so the toast can say what happens next: `reconnect` (the rep must act), `sign_in` (the
 * rep signs in to their team server again), `admin` (the team server keeps it until an admin
 * acts there, e.g. reconnects the team's connection), `network` (it goes when the connection is
 * back) or `retry` (its back-off timer).
 */
function queuedResult(template, entry, reason, waitingFor = null) {
  const waiting = waitingFor || (waitsOnNetwork(entry) ? 'network' : 'retry');
  return { ...template, status: 'queued', record_id: entry.record_id || null, error: reason || null, waiting_for: waiting };
}

/** Sets a connection's health; writes nothing when it already has that health. */
async function setHealth(role, health) {
  await store.updateTeam((team) => {
    const connections = team.connections || [];
    if (!connections.some((conn) => conn.role === role && conn.health !== health)) return team;
    return { ...team, connections: connections.map((conn) => (conn.role !== role ? conn : { ...conn, health })) };
  });
}

/** A save reached the CRM through `role`: healthy, and "last successful push" is now. */
async function pushed(role) {
  await store.markPushed(role, new Date().toISOString());
  await setHealth(role, 'ok');
}

/** Puts a connection problem in the error log, once per reconnect (the rep is told once). */
async function noticeOnce(role, entry, reason, onNotice) {
  if (!(await store.firstReconnectNotice(role))) return;
  const c = await settingsCore(); // the reconnect path is rare: its functions live there
  await store.updateJournal((journal) => {
    const next = c.journal_log_error(journal, reason, entry.prospect.name, entry.source, new Date().toISOString());
    return next.ok ? next.journal : journal;
  });
  onNotice(reason);
}

/**
 * The engine's settle (`line`: `{save_id, entry_id, at_ms, results, lookup_keys}`): journals a
 * finished entry's results and removes it from the outbox in ONE storage write, so a worker
 * killed at any moment leaves either the entry (it resumes) or its journal lines. The core
 * also notes the HubSpot contacts created, for the lookups of the next minutes (HubSpot's
 * search lags them).
 */
async function settle(team, line) {
  const entry = await store.entry(line.entry_id);
  if (!entry) throw new Error('the finished save is no longer in the outbox');
  const c = await core();
  const at = new Date(line.at_ms).toISOString();
  await store.settleEntry(entry.id, (journal) => {
    let j = journal;
    line.results.forEach((result, i) => {
      const next = c.journal_record(j, entry.save_id, entry.source, result, at, team, line.lookup_keys[i] || null, line.at_ms);
      if (next.ok) j = next.journal;
    });
    return j;
  });
  try {
    settledListener(entry, line.results);
  } catch {
    // Telling a page is best effort.
  }
}

/**
 * Why a save waits when Chromium, not the network, stopped its request: the CRM refused the
 * last ones, so the browser holds requests to it back for a while. Says when Leadline retries.
 */
function heldBackReason(nextAtMs) {
  const at = new Date(nextAtMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return {
    code: 'browser_held_back',
    message: 'The CRM kept refusing (busy or over its limit), so Chrome is holding Leadline’s requests to it back for a while.',
    hint: 'Nothing to do: Leadline retries at ' + at + ' by itself (or click Retry now later).',
  };
}

let settledListener = () => {};

/**
 * Calls `fn(entry, results)` whenever an entry finishes (results: the rep-facing results of
 * its people), whoever ran it: lets the worker tell a page that saves it left waiting landed.
 */
export function onEntrySettled(fn) {
  settledListener = fn;
}

/** Marks entry ids as run by a save message (resume() skips them until `release`). */
export function reserve(ids) {
  for (const id of ids) reserved.add(id);
}

/** Hands reserved entry ids back to resume(). */
export function release(ids) {
  for (const id of ids) reserved.delete(id);
}

/**
 * Runs one entry until it is done, failed, or waiting. Resolves to the rep-facing result.
 * `template` is the plan's queued result for this prospect. `onNotice(reason)` is called the
 * first time a connection needs a reconnect. A bulk chunk entry (`entry.chunk`) resolves to
 * `{status:'settled', results:[{index, lookup_key, result}]}` once the CRM answered for all its
 * people, else to the queued template (its people stay in the outbox). The engine reads the
 * entry from the outbox first: one that is gone (finished by another run) is not run again.
 */
export async function runEntry(entry, template, onNotice = () => {}) {
  if (running.has(entry.id)) return queuedResult(template, entry, null);
  running.add(entry.id);
  try {
    // Server mode: an entry the team holds is pushed by the team server, not from here.
    const server = await serverRoute((await store.entry(entry.id)) || entry);
    if (server) return await runOnServer(server, (await store.entry(entry.id)) || entry, template, onNotice);
    const team = await store.team();
    const engine = await outboxCore();
    const ran = await engine.engine_run({ ...store, settle: (line) => settle(team, line) }, team, entry.id,
      await hubspotBroker());
    let stored = (await store.entry(entry.id)) || entry;
    if (!ran.ok) return queuedResult(template, stored, ran.error);
    switch (ran.outcome) {
      case 'settled':
        if (ran.role && ran.results.some((r) => r.result.status !== 'failed')) await pushed(ran.role);
        return entry.chunk ? { status: 'settled', results: ran.results } : ran.results[0].result;
      case 'reconnect_needed':
        await setHealth(ran.role, 'reconnect_needed');
        await noticeOnce(ran.role, stored, ran.reason, onNotice);
        return queuedResult(template, stored, ran.reason, 'reconnect');
      case 'waiting': {
        const heldBack = ran.held_back && waitsOnNetwork(stored);
        if (heldBack) {
          stored = { ...stored, waiting: heldBackReason(stored.next_at_ms) };
          await store.putEntries([stored]);
        }
        schedule(ran.until_ms);
        if (waitsOnNetwork(stored)) watchNetwork();
        return queuedResult(template, stored, heldBack ? stored.waiting : ran.reason);
      }
      case 'blocked':
        return queuedResult(template, stored, ran.reason);
      default:
        return queuedResult(template, stored, null);
    }
  } finally {
    running.delete(entry.id);
  }
}

/**
 * An entry the team server pushes (team-server.js): its answer settles the entry (journalled
 * like a local save), or the entry stays in the outbox and waits (202: asked again later; no
 * answer: like offline; session ended: until the rep signs in again, told once).
 */
/** The engine's journal line for an entry the team server answered (`items`: {lookup_key, result}). */
function journalLine(entry, items) {
  return { save_id: entry.save_id, entry_id: entry.id, at_ms: Date.now(),
    results: items.map((item) => item.result), lookup_keys: items.map((item) => item.lookup_key || null) };
}

async function runOnServer(server, entry, template, onNotice) {
  const step = await server.run();
  switch (step.kind) {
    case 'done':
    case 'failed':
      await settle(server.team, journalLine(entry, [{ lookup_key: entry.lookup_key, result: step.result }]));
      return step.result;
    case 'settled':
      await settle(server.team, journalLine(entry, step.results));
      return { status: 'settled', results: step.results };
    case 'sign_in':
      entry = { ...entry, waiting: step.reason };
      await store.putEntries([entry]);
      await noticeOnce('team_server', entry, step.reason, onNotice);
      return queuedResult(template, entry, step.reason, 'sign_in');
    default:
      entry = { ...entry, waiting: step.reason, next_at_ms: step.next_at_ms };
      await store.putEntries([entry]);
      schedule(step.next_at_ms);
      if (waitsOnNetwork(entry)) watchNetwork();
      return queuedResult(template, entry, step.reason, step.waiting_for);
  }
}

/** Wakes the outbox at `when` (ms since epoch): an alarm, plus a timer while awake. */
export function schedule(when) {
  const at = Math.max(Date.now() + 1000, Number(when) || 0);
  chrome.alarms.get(ALARM).then((alarm) => {
    if (!alarm || alarm.scheduledTime > at) chrome.alarms.create(ALARM, { when: at });
  });
  if (timer === null || at - Date.now() < 30000) {
    clearTimeout(timer);
    timer = setTimeout(() => { timer = null; resume(); }, at - Date.now());
  }
}

/** The waiting result of an entry resumed after a restart: the core's (`queued_result`). */
async function templateFor(entry) {
  const answer = (await core()).queued_result(entry);
  return answer.ok ? answer.result : null;
}

/** True for an entry waiting because the CRM could not be reached (no answer at all). */
function waitsOnNetwork(entry) {
  return Boolean(entry.waiting && entry.waiting.code === 'network_error');
}

/** How often `navigator.onLine` is looked at while a save waits on the network. */
const NETWORK_POLL_MS = 1000;
let networkWatch = null;

/**
 * Network back → run the saves waiting on it now, not at the end of their back-off (up to 10
 * minutes). Chromium fires no `online` event in an extension service worker, but its
 * `navigator.onLine` follows the connection: while a save waits on a network error, it is
 * looked at every second, and a change from offline to online resumes those saves. The watch
 * ends when none waits any more (or with the worker; the alarm still wakes the outbox).
 */
function watchNetwork() {
  if (networkWatch !== null || typeof navigator === 'undefined') return;
  let wasOnline = navigator.onLine;
  networkWatch = setInterval(() => {
    const online = navigator.onLine;
    const cameBack = online && !wasOnline;
    wasOnline = online;
    if (cameBack) {
      resume({ network: true });
      return;
    }
    store.outbox().then((box) => {
      if (!box.some(waitsOnNetwork) && networkWatch !== null) {
        clearInterval(networkWatch);
        networkWatch = null;
      }
    }, () => {});
  }, NETWORK_POLL_MS);
}

let resuming = null;
let resumeAgain = false;
let networkBack = false;

async function resumeOnce({ network }) {
  const box = await store.outbox();
  const team = await store.team();
  const unhealthy = new Set((team.connections || []).filter((c) => c.health === 'reconnect_needed').map((c) => c.role));
  const now = Date.now();
  let soonest = Infinity;
  if (box.some(waitsOnNetwork)) watchNetwork();
  for (const entry of box) {
    if (reserved.has(entry.id) || running.has(entry.id)) continue;
    const blocked = unhealthy.has(entry.role) || (entry.activity_role && unhealthy.has(entry.activity_role));
    if (blocked) continue;
    const due = entry.next_at_ms <= now || (network && waitsOnNetwork(entry));
    if (!due) { soonest = Math.min(soonest, entry.next_at_ms); continue; }
    try {
      await runEntry(entry, await templateFor(entry));
    } catch {
      // One entry's unexpected failure (it stays in the outbox) does not hold up the others.
    }
  }
  if (soonest !== Infinity) schedule(soonest);
}

/**
 * Resumes every due entry (worker start, alarm, timer, reconnect, network back). One pass
 * runs at a time; a call during a pass asks for one more pass after it. Entries whose
 * connection needs a reconnect wait; `network` also runs entries waiting on a network error
 * before their back-off ends. `force` (the popup's "Retry now") runs that one entry now,
 * whatever its state.
 */
export async function resume({ force = null, network = false } = {}) {
  if (force) {
    const entry = await store.entry(force);
    if (entry) await runEntry(entry, await templateFor(entry));
    return;
  }
  if (network) networkBack = true;
  if (resuming) {
    resumeAgain = true;
    return resuming;
  }
  resuming = (async () => {
    try {
      do {
        resumeAgain = false;
        const net = networkBack;
        networkBack = false;
        await resumeOnce({ network: net });
      } while (resumeAgain);
    } finally {
      resuming = null;
    }
  })();
  return resuming;
}

/** The alarm listener (registered synchronously by worker.js). */
export function onAlarm(alarm) {
  if (alarm && alarm.name === ALARM) resume();
}

/**
 * The `online` listener (registered synchronously by worker.js, for browsers that fire it in a
 * service worker): saves waiting on the network run now.
 */
export function onOnline() {
  resume({ network: true });
}
