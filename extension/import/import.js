// The CSV import page: a rep drops a CSV, sees each row with the decision it will get (Created
// By, Owner, why: the core's `decide`, as the hover preview shows it), which people are already
// in the CRM, and the rows skipped with their reasons; then imports them as `csv_import` under
// the rep's own connection, in chunks of 200 through the worker's bulk save (outbox, dedupe,
// journal). The file is read by the core's `import_rows` in the page's own dedicated worker
// (csv-reader.js), so neither this page nor the service worker stalls on a large file. Text
// only: data never becomes HTML.
import '../shared/messages.js';
import { h, send, errorText, userLabel } from '../options/dom.js';

const { CONTENT_TO_WORKER: C, UI_TO_WORKER: K } = globalThis.Leadline.messages;

const $ = (id) => document.getElementById(id);
/** People per save message: one bulk chunk (Salesforce's 200; the core splits HubSpot's 100). */
const SAVE_CHUNK = 200;
/** People per lookup message, by CRM: HubSpot's batch read takes at most 100 inputs and the
 *  core's list lookup does not split a longer list (with 140 it found nobody); on Salesforce
 *  the worker's message limit (250) is the bound. */
const LOOKUP_CHUNK = { salesforce: 250, hubspot: 100 };
/** Rows and skipped rows listed on the page (all of them are imported or counted). */
const SHOWN = 200;
const SOURCE = 'csv_import';
const CRM_WORDS = { salesforce: 'Salesforce', hubspot: 'HubSpot' };

let read = null; // the core's answer for the file: {rows, bad, columns, header_line}
let found = []; // per row: the lookup result ({found, owner_name, ...}) or null
let crm = null; // "salesforce" | "hubspot" once the state is read
let crmWord = 'the CRM';

function showError(text) {
  $('error').hidden = !text;
  $('error').textContent = text || '';
}

/** The core's `import_rows` on a file's text, run in the page's own worker (csv-reader.js). */
function importRows(text) {
  return new Promise((resolve) => {
    const reader = new Worker(new URL('csv-reader.js', import.meta.url), { type: 'module' });
    const done = (answer) => { reader.terminate(); resolve(answer); };
    reader.onmessage = (event) => done(JSON.parse(event.data));
    reader.onerror = () => done({ ok: false, error: { code: 'csv_reader_failed', message: 'The file could not be read.', hint: 'Reload this page and pick the file again.' } });
    reader.postMessage(text);
  });
}

async function loadFile(file) {
  showError('');
  $('review').hidden = true;
  $('push').hidden = true;
  $('result').textContent = '';
  if (!file) return;
  const answer = await importRows(await file.text());
  if (!answer.ok) { showError(errorText(answer.error)); return; }
  read = answer;
  found = read.rows.map(() => null);
  const state = await send({ kind: K.GET_STATE });
  crm = (state.ok && state.config && state.config.crm) || null;
  crmWord = CRM_WORDS[crm] || 'the CRM';
  const preview = await send({ kind: C.PREVIEW, source: SOURCE, push: 'bulk' });
  render(preview);
  $('review').hidden = false;
  await lookUp();
  render(preview);
  $('push').hidden = read.rows.length === 0 || !(preview && preview.ok); // nothing can push yet
  $('start').disabled = false;
}

/** Asks the worker which people are already in the CRM, a chunk at a time. */
async function lookUp() {
  const size = crm === 'salesforce' ? LOOKUP_CHUNK.salesforce : LOOKUP_CHUNK.hubspot;
  for (let at = 0; at < read.rows.length; at += size) {
    const rows = read.rows.slice(at, at + size);
    const answer = await send({ kind: C.LOOKUP, source: SOURCE, prospects: rows.map((r) => r.prospect) });
    if (!answer.ok) { showError('Could not check which people are already in ' + crmWord + ': ' + errorText(answer.error)); return; }
    answer.results.forEach((r, i) => { found[at + i] = r; });
    $('summary').textContent = summary() + ' · checking ' + crmWord + '… ' + Math.min(at + size, read.rows.length) + ' of ' + read.rows.length;
  }
}

function summary() {
  const inCrm = found.filter((r) => r && r.found).length;
  return read.rows.length + ' to import (' + (read.rows.length - inCrm) + ' new, ' + inCrm + ' already in ' + crmWord
    + ': linked, not created again) · ' + read.bad.length + ' skipped';
}

function render(preview) {
  $('summary').textContent = summary();
  const mapped = read.columns.filter((c) => c.field).map((c) => c.header + ' → ' + c.field.replace(/_/g, ' '));
  const ignored = read.columns.filter((c) => !c.field && c.header).map((c) => c.header);
  $('columns').textContent = 'Columns: ' + mapped.join(', ') + (ignored.length ? ' · not imported: ' + ignored.join(', ') : '');
  $('decision').replaceChildren(decisionBlock(preview));
  const rows = read.rows.slice(0, SHOWN).map((row, i) => {
    const hit = found[i];
    const p = row.prospect;
    const where = hit === null ? 'Checking…' : hit.found
      ? 'Already in ' + crmWord + (hit.owner_name ? ' · Owner: ' + hit.owner_name : '') + ' (will be linked)'
      : 'New';
    return h('tr', { class: hit && hit.found ? 'found' : null, 'data-testid': 'import-row' },
      h('td', {}, String(row.line)), h('td', {}, row.name), h('td', {}, p.email || ''),
      h('td', {}, [p.title, p.company].filter(Boolean).join(' · ')), h('td', {}, where));
  });
  $('rows').replaceChildren(...rows);
  $('more').textContent = read.rows.length > SHOWN ? (read.rows.length - SHOWN) + ' more rows are imported but not listed here.' : '';
  const bad = read.bad.slice(0, SHOWN).map((b) => h('li', { 'data-testid': 'import-bad-row' },
    h('div', { class: 'title' }, 'Line ' + b.line + (b.name ? ' · ' + b.name : '')), h('div', { class: 'warn' }, b.reason)));
  if (read.bad.length > SHOWN) bad.push(h('li', { class: 'muted' }, (read.bad.length - SHOWN) + ' more skipped rows.'));
  $('bad').replaceChildren(...(bad.length ? bad : [h('li', { class: 'empty' }, 'None: every row can be imported.')]));
}

/** Created By, Owner and why, for every row (one decision: the same rule for each person). */
function decisionBlock(preview) {
  if (!preview || !preview.ok) {
    return h('p', { class: 'warn', 'data-testid': 'import-decision-error' }, 'Nothing can be imported yet: ' + errorText(preview && preview.error));
  }
  const d = preview.decision;
  return h('div', {},
    h('p', {}, 'Each person: Created By ' + userLabel([], d.created_by) + ' · Owner ' + userLabel([], d.owner)),
    h('ul', { class: 'reasons' }, ...d.reasons.map((r) => h('li', {}, String(r)))),
    ...(d.warnings || []).map((w) => h('p', { class: 'warn' }, String(w))));
}

/** Imports every row, a chunk at a time; the worker persists each chunk before sending it. */
async function start() {
  $('start').disabled = true;
  $('file').disabled = true;
  $('result').textContent = 'Importing…';
  const bar = $('progress');
  bar.hidden = false;
  bar.max = read.rows.length;
  bar.value = 0;
  const counts = { created: 0, linked: 0, failed: 0, queued: 0 };
  let decision = null;
  for (let at = 0; at < read.rows.length; at += SAVE_CHUNK) {
    const chunk = read.rows.slice(at, at + SAVE_CHUNK).map((r) => r.prospect);
    const answer = await send({ kind: C.SAVE, source: SOURCE, push: 'bulk', prospects: chunk, activity: null, page_url: null });
    if (!answer.ok) {
      $('result').textContent = 'The import stopped at line ' + read.rows[at].line + ': ' + errorText(answer.error)
        + ' People already sent wait in Leadline’s outbox (see the popup) and go through on their own.'
        + ' Import the file again for the rest: people already in ' + crmWord + ' are linked, not created twice.';
      $('file').disabled = false;
      $('start').disabled = false;
      return;
    }
    if (answer.crm) crmWord = CRM_WORDS[answer.crm] || crmWord;
    for (const r of answer.results) {
      if (r && counts[r.status] !== undefined) counts[r.status] += 1;
      if (!decision && r && r.created_by && r.created_by.name) decision = r;
    }
    bar.value = Math.min(at + SAVE_CHUNK, read.rows.length);
    $('result').textContent = 'Imported ' + bar.value + ' of ' + read.rows.length + '…';
  }
  $('result').textContent = 'Import done: ' + counts.created + ' created, ' + counts.linked + ' linked to people already in ' + crmWord
    + (counts.queued ? ', ' + counts.queued + ' waiting in the outbox' : '') + (counts.failed ? ', ' + counts.failed + ' not saved (see the popup’s error log)' : '')
    + ', ' + read.bad.length + ' rows skipped.'
    + (decision ? ' Created By ' + decision.created_by.name + ' · Owner ' + (decision.owner && decision.owner.name || 'unknown') + '.' : '');
  $('file').disabled = false;
  $('start').disabled = false;
}

$('file').addEventListener('change', () => loadFile($('file').files[0]));
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  loadFile(e.dataTransfer.files[0]);
});
$('start').addEventListener('click', start);
