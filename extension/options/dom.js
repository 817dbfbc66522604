// Small helpers shared by the options page and the popup (both extension pages, ES modules):
// building DOM from text only (never innerHTML with data), talking to the service worker, and
// showing a refused action's error in plain words.

/** Creates an element; attributes are set as attributes, children are nodes or text. */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return node;
}

/** Sends a message to the service worker; never throws, always `{ok, ...}`. */
export async function send(message) {
  try {
    const answer = await chrome.runtime.sendMessage(message);
    if (answer && typeof answer.ok === 'boolean') return answer;
    return { ok: false, error: { code: 'no_answer', message: 'Leadline’s background service did not answer.', hint: 'Reload this page; if it keeps happening, reload the extension.' } };
  } catch (error) {
    return { ok: false, error: { code: 'worker_unreachable', message: 'Leadline’s background service is not reachable.', hint: 'Reload this page; if it keeps happening, reload the extension in chrome://extensions.' } };
  }
}

/** "Message. Hint. (code)" for an error object from the worker. */
export function errorText(error) {
  const e = error || {};
  const parts = [String(e.message || 'Something went wrong.')];
  if (e.hint) parts.push(String(e.hint));
  if (e.code) parts.push('(' + String(e.code) + ')');
  return parts.join(' ');
}

/** A person's label from a CRM user directory: "Name <email>", or the id when unknown. */
export function userLabel(users, id) {
  if (id === null || id === undefined || id === '') return 'nobody';
  if (typeof id === 'object') return String(id.name || id.email || id.id || 'unknown');
  const user = (users || []).find((u) => u.id === id);
  return user ? String(user.name || user.email || id) : String(id);
}

/** Local date and time of an ISO string or epoch ms, or "never". */
export function when(value) {
  if (value === null || value === undefined || value === '') return 'never';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

const SOURCE_WORDS = { options: 'Options', linkedin_extension: 'LinkedIn', gmail_extension: 'Gmail', manual: 'Manual', csv_import: 'CSV import', prospecting_search: 'Prospecting search', job_change: 'Job change' };

/** "LinkedIn" for "linkedin_extension", etc. */
export function sourceLabel(source) {
  return SOURCE_WORDS[source] || (source ? String(source) : '');
}
