// Runs outbox entries: each save is persisted before its first request and removed only when
// the CRM has answered for it. The core decides every step (next_request / on_response);
// this module only moves values between storage, fetch and the core.
//
// Back-off: a Retry step stores next_at_ms and sets a chrome.alarms alarm (survives the worker
// sleeping) plus a timer while the worker is awake. 401 → one refresh and one retry; a
// refused refresh marks the connection "reconnect_needed", keeps the entry, tells the rep once.
import { core } from './core.js';
import { execute, randomU32 } from './net.js';
import { refresh } from './oauth.js';
import { store } from './storage.js';

const ALARM = 'leadline-outbox';
const MAX_STEPS = 8;
/** A chunk (dedupe, create, tasks, an owner fallback round, one refresh) needs more steps. */
const MAX_CHUNK_STEPS = 16;
const running = new Set();
let timer = null;

function queuedResult(template, entry, reason) {
  return { ...template, status: 'queued', record_id: entry.record_id || null, error: reason || null };
}

async function setHealth(role, health, lastSuccess) {
  await store.updateTeam((team) => ({
    ...team,
    connections: (team.connections || []).map((conn) => conn.role !== role ? conn : {
      ...conn, health, last_success: lastSuccess || conn.last_success || null,
    }),
  }));
}

/** Puts a connection problem in the error log, once per reconnect (the rep is told once). */
async function noticeOnce(role, entry, reason, onNotice) {
  if (!(await store.firstReconnectNotice(role))) return;
  const c = await core();
  await store.updateJournal((journal) => {
    const next = c.journal_log_error(journal, reason, entry.prospect.name, entry.source, new Date().toISOString());
    return next.ok ? next.journal : journal;
  });
  onNotice(reason);
}

async function record(entry, result) {
  const c = await core();
  await store.updateJournal((journal) => {
    const next = c.journal_record(journal, entry.save_id, entry.source, result, new Date().toISOString());
    return next.ok ? next.journal : journal;
  });
}

async function recordAll(entry, results) {
  const c = await core();
  const at = new Date().toISOString();
  await store.updateJournal((journal) => {
    let j = journal;
    for (const { result } of results) {
      const next = c.journal_record(j, entry.save_id, entry.source, result, at);
      if (next.ok) j = next.journal;
    }
    return j;
  });
}

/**
 * Runs one entry until it is done, failed, or waiting. Resolves to the rep-facing result.
 * `template` is the plan's queued result for this prospect. `onNotice(reason)` is called the
 * first time a connection needs a reconnect. A bulk chunk entry (`entry.chunk`) resolves to
 * `{status:'settled', results:[{index, lookup_key, result}]}` once the CRM answered for all its
 * people, else to the queued template (its people stay in the outbox).
 */
export async function runEntry(entry, template, onNotice = () => {}) {
  if (running.has(entry.id)) return queuedResult(template, entry, null);
  running.add(entry.id);
  try {
    const c = await core();
    const maxSteps = entry.chunk ? MAX_CHUNK_STEPS : MAX_STEPS;
    for (let i = 0; i < maxSteps; i += 1) {
      const team = await store.team();
      const next = c.next_request(team, entry, await store.tokens());
      if (!next.ok) {
        entry = { ...entry, waiting: next.error };
        await store.putEntries([entry]);
        return queuedResult(template, entry, next.error);
      }
      entry = next.entry;
      await store.putEntries([entry]); // in flight: a crash from here on resumes with a lookup
      const response = await execute(next.request);
      const answer = c.on_response(team, entry, response, Date.now(), randomU32());
      if (!answer.ok) return queuedResult(template, entry, answer.error);
      entry = answer.entry;
      const step = answer.step;
      switch (step.kind) {
        case 'done':
        case 'failed':
          await store.removeEntry(entry.id);
          await record(entry, step.result);
          if (step.kind === 'done') await setHealth(next.role, 'ok', new Date().toISOString());
          return step.result;
        case 'settled': {
          // A bulk chunk: one result per person (created, linked or failed with its reason).
          await store.removeEntry(entry.id);
          await recordAll(entry, step.results);
          if (step.results.some((r) => r.result.status !== 'failed')) await setHealth(next.role, 'ok', new Date().toISOString());
          return { status: 'settled', results: step.results };
        }
        case 'continue':
        case 'link':
          await store.putEntries([entry]);
          break;
        case 'refresh_token': {
          await store.putEntries([entry]);
          const refreshed = await refresh(step.role);
          if (!refreshed.ok) {
            if (!refreshed.reconnect) {
              schedule(Date.now() + 30000);
              return queuedResult(template, entry, refreshed.error);
            }
            const failed = c.on_refresh_failed(team, entry, step.role, refreshed.error);
            entry = failed.entry;
            await store.putEntries([entry]);
            await setHealth(step.role, 'reconnect_needed');
            await noticeOnce(step.role, entry, failed.step.reason, onNotice);
            return queuedResult(template, entry, failed.step.reason);
          }
          break;
        }
        case 'reconnect_needed':
          await store.putEntries([entry]);
          await setHealth(step.role, 'reconnect_needed');
          await noticeOnce(step.role, entry, step.reason, onNotice);
          return queuedResult(template, entry, step.reason);
        case 'retry':
          await store.putEntries([entry]);
          schedule(entry.next_at_ms);
          return queuedResult(template, entry, step.reason);
        default:
          return queuedResult(template, entry, null);
      }
    }
    return queuedResult(template, entry, null);
  } finally {
    running.delete(entry.id);
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

function templateFor(entry) {
  return {
    status: 'queued', object: entry.spec.record === 'lead' ? 'Lead' : 'Contact', record_id: null,
    record_url: null, name: entry.prospect.name, owner: entry.owner, created_by: entry.created_by,
    reasons: entry.reasons, warnings: entry.warnings, error: null,
  };
}

/**
 * Resumes every due entry (worker start, alarm, reconnect, manual retry). Entries whose
 * connection needs a reconnect wait unless `force` names them.
 */
export async function resume({ force = null } = {}) {
  const box = await store.outbox();
  const team = await store.team();
  const unhealthy = new Set((team.connections || []).filter((c) => c.health === 'reconnect_needed').map((c) => c.role));
  const now = Date.now();
  let soonest = Infinity;
  for (const entry of box) {
    const forced = force === entry.id;
    const blocked = unhealthy.has(entry.role) || (entry.activity_role && unhealthy.has(entry.activity_role));
    if (!forced && blocked) continue;
    if (!forced && entry.next_at_ms > now) { soonest = Math.min(soonest, entry.next_at_ms); continue; }
    await runEntry(forced ? { ...entry, next_at_ms: 0 } : entry, templateFor(entry));
  }
  if (soonest !== Infinity) schedule(soonest);
}

/** The alarm listener (registered synchronously by worker.js). */
export function onAlarm(alarm) {
  if (alarm && alarm.name === ALARM) resume();
}
