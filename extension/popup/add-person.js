// The popup's "Add a person": a small form for someone the rep met off-line, pushed as source
// `manual` with `push: "single"` — the "push to CRM" action of attribution rule 5 (the rep owns
// the record: their owner mapping, else their own connection's CRM user, else the CRM user whose
// email is the rep's login email). It goes through the worker's save path like a page's save
// (outbox, journal); the line under the form says what the CRM did, with Created By and Owner.
// Its own module, so popup.js stays as it is; it adds its section at the top of the popup.
import '../shared/messages.js';
import { h, send, errorText, userLabel } from '../options/dom.js';

const { CONTENT_TO_WORKER: C } = globalThis.Leadline.messages;

const FIELDS = [
  ['first_name', 'First name', 'text', 'given-name'],
  ['last_name', 'Last name', 'text', 'family-name'],
  ['email', 'Email', 'email', 'email'],
  ['title', 'Title', 'text', 'organization-title'],
  ['company', 'Company', 'text', 'organization'],
  ['phone', 'Phone', 'tel', 'tel'],
  ['linkedin_url', 'LinkedIn URL', 'url', 'url'],
];
const STATUS_WORDS = { created: 'Created', linked: 'Already there: linked', queued: 'Waiting to be sent', failed: 'Not saved' };
const CRM_WORDS = { salesforce: 'Salesforce', hubspot: 'HubSpot' };

/** "Created in Salesforce: Ada Lovelace (Contact) · Owner: … · Created By: …" for one result. */
export function resultLine(result, crm) {
  const where = CRM_WORDS[crm] || 'the CRM';
  const status = STATUS_WORDS[result.status] || String(result.status || '');
  const parts = [status + (result.status === 'created' ? ' in ' + where : '') + ': ' + String(result.name || '') + (result.object ? ' (' + String(result.object) + ')' : '')];
  if (result.owner && (result.owner.id || result.owner.name)) parts.push('Owner: ' + userLabel([], result.owner));
  if (result.created_by && (result.created_by.id || result.created_by.name)) parts.push('Created By: ' + userLabel([], result.created_by));
  parts.push('Source: added by hand');
  return parts.join(' · ');
}

function build() {
  const inputs = FIELDS.map(([name, label, type, autocomplete]) => h('label', {},
    label, h('input', { name, type, autocomplete, 'data-testid': 'add-' + name.replace(/_/g, '-'), required: name === 'last_name' })));
  const status = h('p', { role: 'status', 'aria-live': 'polite', 'data-testid': 'add-person-result' });
  const why = h('ul', { class: 'reasons' });
  const submit = h('button', { type: 'submit', 'data-testid': 'add-person-save' }, 'Add to CRM');
  const form = h('form', { class: 'add-person' }, ...inputs, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    status.textContent = 'Saving…';
    why.replaceChildren();
    const data = new FormData(form);
    const prospect = Object.fromEntries(FIELDS.map(([name]) => [name, String(data.get(name) || '').trim() || null]));
    const answer = await send({ kind: C.SAVE, source: 'manual', push: 'single', prospects: [prospect], activity: null, page_url: null });
    submit.disabled = false;
    if (!answer.ok) { status.textContent = 'Not saved: ' + errorText(answer.error); return; }
    const result = answer.results[0] || {};
    status.textContent = resultLine(result, answer.crm) + (result.error ? ' · ' + errorText(result.error) : '');
    why.replaceChildren(...(result.reasons || []).map((r) => h('li', {}, String(r))));
    if (result.status === 'created' || result.status === 'linked') form.reset();
  });
  return h('details', { 'data-testid': 'add-person' },
    h('summary', {}, 'Add a person'), form, status, why);
}

const recent = document.querySelector('section');
if (recent) recent.before(build());
