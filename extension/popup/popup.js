// Popup: what happened to the rep's saves. Recent saves with their decision and a "why?" (a bulk
// save as one row with its counts, expandable into each person); the
// outbox (what waits, why, when it retries next, with a retry button); the error log with the
// CRM's code, message and the fix, exportable as CSV. Text only: data never becomes HTML.
import '../shared/messages.js';
import { h, send, errorText, userLabel, when, sourceLabel } from '../options/dom.js';

const { UI_TO_WORKER: K } = globalThis.Leadline.messages;

const $ = (id) => document.getElementById(id);
const STATUS_WORDS = { created: 'Created', linked: 'Linked to existing', queued: 'Waiting', failed: 'Not saved', undone: 'Undone (deleted again)', updated: 'Updated in CRM', pending: 'Waiting', retrying: 'Retrying' };

let state = null;

function showError(error, action) {
  $('error').hidden = false;
  $('error').textContent = (action ? action + ': ' : '') + errorText(error);
}

function empty(text) {
  return h('li', { class: 'empty' }, text);
}

function nameOf(item) {
  return String(item.name || (item.prospect && item.prospect.full_name) || (item.prospect && item.prospect.email) || 'Someone');
}

function whyToggle(reasons) {
  if (!Array.isArray(reasons) || reasons.length === 0) return null;
  const list = h('ul', { class: 'reasons', hidden: true }, ...reasons.map((r) => h('li', {}, String(r))));
  const toggle = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false' }, 'why?');
  toggle.addEventListener('click', () => {
    list.hidden = !list.hidden;
    toggle.setAttribute('aria-expanded', String(!list.hidden));
  });
  return h('div', {}, toggle, list);
}

/** A person reference that names someone (a record a save only linked to has no Created By of it). */
const named = (v) => Boolean(v && (typeof v === 'string' ? v : v.id || v.name || v.email));

function recentItem(save) {
  const users = state.crm_users;
  const status = STATUS_WORDS[save.status] || String(save.status || '');
  return h('li', { 'data-status': String(save.status || '') },
    h('div', { class: 'title' }, nameOf(save) + (status ? ' · ' + status : '') + (save.object ? ' ' + String(save.object) : '')
      + (save.activity_id && save.status !== 'undone' ? ' · email logged' : '')
      + (save.account_id && save.status !== 'undone' ? ' · Account created' : '')),
    h('div', {}, 'Owner: ' + userLabel(users, save.owner)
      + (named(save.created_by) ? ' · Created By: ' + userLabel(users, save.created_by) : '')),
    h('div', { class: 'muted' }, [sourceLabel(save.source), when(save.at)].filter(Boolean).join(' · ')),
    missingLine(save.missing),
    save.error ? h('div', { class: 'warn' }, errorText(save.error)) : null,
    whyToggle(save.reasons));
}

/** "location not found on this layout (saved without it)": fields the page showed, unread. */
function missingLine(missing) {
  if (!Array.isArray(missing) || missing.length === 0) return null;
  return h('div', { class: 'muted', 'data-testid': 'recent-missing' },
    missing.map(String).join(' and ') + ' not found on this layout (saved without ' + (missing.length === 1 ? 'it' : 'them') + ')');
}

/** Recent saves in order, the entries of one save (same `save_id`, two or more) as one group. */
function groupBySave(recent) {
  const groups = [];
  for (const save of recent) {
    const last = groups[groups.length - 1];
    if (save.save_id && last && last.id === save.save_id) last.saves.push(save);
    else groups.push({ id: save.save_id || null, saves: [save] });
  }
  return groups;
}

/** "25 people: 20 created, 3 linked, 2 not saved" for a group of saves. */
function groupSummary(saves) {
  const counts = new Map();
  for (const save of saves) {
    const word = (STATUS_WORDS[save.status] || String(save.status || 'unknown')).toLowerCase();
    counts.set(word, (counts.get(word) || 0) + 1);
  }
  return saves.length + ' people: ' + [...counts].map(([word, n]) => n + ' ' + word).join(', ');
}

/** One row for a bulk save: its counts, expandable into each person's row. */
function groupItem(group, index) {
  const id = 'recent-group-' + index;
  const list = h('ul', { class: 'list nested', id, hidden: true }, ...group.saves.map(recentItem));
  const toggle = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'aria-controls': id, 'data-testid': 'recent-group-toggle' }, 'Show each person');
  toggle.addEventListener('click', () => {
    list.hidden = !list.hidden;
    toggle.setAttribute('aria-expanded', String(!list.hidden));
    toggle.textContent = list.hidden ? 'Show each person' : 'Hide each person';
  });
  const first = group.saves[0];
  return h('li', { class: 'group', 'data-testid': 'recent-group' },
    h('div', { class: 'title' }, 'Bulk save · ' + groupSummary(group.saves)),
    h('div', { class: 'muted' }, [sourceLabel(first.source), when(first.at)].filter(Boolean).join(' · ')),
    toggle, list);
}

function outboxItem(entry) {
  const why = entry.waiting || entry.last_error || null;
  const reason = entry.reason || (why && (why.message || why.code)) || 'Waiting for its first try';
  const next = entry.next_at_ms || entry.next_try || null;
  const retry = h('button', { type: 'button', class: 'secondary', 'data-testid': 'outbox-retry' }, 'Retry now');
  retry.addEventListener('click', async () => {
    retry.disabled = true;
    const answer = await send({ kind: K.RETRY, outbox_id: entry.id });
    if (!answer.ok) showError(answer.error, 'Retry');
    await load();
  });
  return h('li', {},
    h('div', { class: 'title' }, nameOf(entry) + ' · ' + (STATUS_WORDS[entry.status] || 'Waiting')),
    h('div', {}, String(reason)),
    why && why.hint ? h('div', { class: 'ok' }, 'Fix: ' + String(why.hint)) : null,
    h('div', { class: 'muted' }, 'Next try: ' + (next ? when(next) : 'as soon as possible') + (entry.attempts ? ' · tries so far: ' + entry.attempts : '')),
    retry);
}

function errorItem(item) {
  return h('li', {},
    h('div', { class: 'title' }, nameOf(item) + (item.code ? ' · ' + String(item.code) : '')),
    h('div', {}, String(item.message || '')),
    item.hint ? h('div', { class: 'ok' }, 'Fix: ' + String(item.hint)) : null,
    item.details ? h('div', { class: 'muted', 'data-testid': 'error-details' }, 'Details from the CRM: ' + String(item.details)) : null,
    h('div', { class: 'muted' }, [sourceLabel(item.source), when(item.at)].filter(Boolean).join(' · ')));
}

/** One connection's health: who, whether its token works, its last successful push. */
function connectionItem(conn) {
  const label = conn.role === 'team_sync' ? 'Team sync' : 'Your connection';
  const broken = conn.health && conn.health !== 'ok';
  return h('div', { 'data-testid': 'connection-' + String(conn.role) },
    broken ? h('p', { class: 'alert' }, conn.credential && conn.credential.kind !== 'oauth_connection'
      ? label + ': HubSpot refuses its token. Saves wait until then: open Settings and paste a new token in step 1.'
      : label + ' needs to be reconnected. Saves wait until then: open Settings and click Reconnect.') : null,
    h('p', { class: 'muted' }, label + (conn.email ? ' (' + String(conn.email) + ')' : '') + ' · ' + (broken ? 'reconnect needed' : 'working') +
      ' · last successful push: ' + when(conn.last_success)),
    conn.permission === 'unknown'
      ? h('p', { class: 'warn', 'data-testid': 'permission-unknown' }, label + ': permission not checked — reconnect or check the user’s profile.')
      : null);
}

function render() {
  $('health').replaceChildren(...(state.connections || []).map(connectionItem));
  const recent = Array.isArray(state.recent_saves) ? state.recent_saves : [];
  const rows = groupBySave(recent).map((g, i) => (g.saves.length > 1 ? groupItem(g, i) : recentItem(g.saves[0])));
  $('recent-saves').replaceChildren(...(rows.length ? rows : [empty('No saves yet. Use the Save button on LinkedIn or Gmail.')]));
  const box = Array.isArray(state.outbox) ? state.outbox : [];
  $('outbox').replaceChildren(...(box.length ? box.map(outboxItem) : [empty('Nothing waiting.')]));
  const log = Array.isArray(state.error_log) ? state.error_log : [];
  $('error-log').replaceChildren(...(log.length ? log.map(errorItem) : [empty('No errors.')]));
}

async function load() {
  const answer = await send({ kind: K.GET_STATE });
  if (!answer.ok) return showError(answer.error, 'Loading');
  state = answer;
  render();
}

$('open-options').addEventListener('click', () => chrome.runtime.openOptionsPage());
$('export-csv').addEventListener('click', async () => {
  const answer = await send({ kind: K.EXPORT_ERROR_LOG_CSV });
  if (!answer.ok) return showError(answer.error, 'Export');
  const url = URL.createObjectURL(new Blob([String(answer.csv || '')], { type: 'text/csv' }));
  const link = h('a', { href: url, download: 'leadline-errors.csv' });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
});
$('clear-log').addEventListener('click', async () => {
  const answer = await send({ kind: K.CLEAR_ERROR_LOG });
  if (!answer.ok) showError(answer.error, 'Clear');
  await load();
});

load();
