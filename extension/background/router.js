// Checks who sent a message and routes it. Content-script kinds must come from this
// extension's own content script in a LinkedIn or Gmail tab (and claim the matching source),
// or, for people added by hand or imported (`manual`, `csv_import`), from the popup or the
// import page; UI kinds must come from this extension's own options, popup or import page.
// Shapes are checked by the Rust core before anything runs.
import '../shared/messages.js';

const { CONTENT_TO_WORKER, REP_SOURCES: REP_SOURCE_LIST, UI_TO_WORKER } = globalThis.Leadline.messages;

const CONTENT_KINDS = new Set(Object.values(CONTENT_TO_WORKER));
const UI_KINDS = new Set(Object.values(UI_TO_WORKER));
const PAGE_SOURCES = { 'www.linkedin.com': 'linkedin_extension', 'mail.google.com': 'gmail_extension' };

/** "Update in CRM" on a LinkedIn profile: a save with source `job_change`, from a LinkedIn tab. */
const JOB_CHANGE = { kind: CONTENT_TO_WORKER.SAVE, source: 'job_change', host: 'www.linkedin.com' };

/** Sources only the rep's own extension pages name, the kinds they send, and those pages. */
const REP_SOURCES = new Set(REP_SOURCE_LIST);
const REP_KINDS = new Set([CONTENT_TO_WORKER.LOOKUP, CONTENT_TO_WORKER.PREVIEW, CONTENT_TO_WORKER.SAVE]);
const REP_PAGES = ['popup/', 'import/'];

export const refuse = (code, message, hint = '') => ({ ok: false, error: { code, message, hint } });

function httpsHost(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' ? u.hostname : null;
  } catch {
    return null;
  }
}

/** Largest message accepted (JSON characters): ~4× a full 250-person bulk save with an email. */
export const MAX_MESSAGE_CHARS = 1000000;

/** Deepest nesting a message may have (a save is 4 levels deep: message, list, person, field). */
export const MAX_MESSAGE_DEPTH = 8;

/** True for a message over MAX_MESSAGE_CHARS or MAX_MESSAGE_DEPTH (or one that cannot be measured). */
function tooLarge(message) {
  try {
    if (JSON.stringify(message).length > MAX_MESSAGE_CHARS) return true;
  } catch {
    return true;
  }
  const stack = [[message, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop();
    if (depth > MAX_MESSAGE_DEPTH) return true;
    if (value && typeof value === 'object') for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Classifies a message: `{ok:true, channel:"content"|"ui"}` or a refusal. Never throws.
 */
export function checkSender(message, sender) {
  if (!sender || sender.id !== chrome.runtime.id) {
    return refuse('unknown_sender', 'Messages from other extensions or pages are not accepted.');
  }
  if (!message || typeof message !== 'object' || typeof message.kind !== 'string') {
    return refuse('invalid_message', 'The message has no kind.');
  }
  if (tooLarge(message)) {
    return refuse('message_too_large', 'The message is far larger or deeper than any real save; nothing was sent.',
      'Reload the page and save again; if it keeps happening, report it.');
  }
  const own = `chrome-extension://${chrome.runtime.id}/`;
  if (REP_KINDS.has(message.kind) && REP_SOURCES.has(message.source)) {
    // A person the rep typed in (popup) or imported (import page): only those two pages.
    const url = sender.url || '';
    if (!REP_PAGES.some((page) => url.startsWith(own + page))) {
      return refuse('unknown_sender', 'Only the Leadline popup and import page may save people added by hand or imported.');
    }
    return { ok: true, channel: 'content' };
  }
  if (CONTENT_KINDS.has(message.kind)) {
    const url = (sender.tab && sender.tab.url) || sender.url || '';
    const source = PAGE_SOURCES[httpsHost(sender.url || url)];
    if (!sender.tab || !source) {
      return refuse('unknown_sender', 'Saves are only accepted from LinkedIn and Gmail pages.');
    }
    const jobChange = message.kind === JOB_CHANGE.kind && message.source === JOB_CHANGE.source &&
      source === PAGE_SOURCES[JOB_CHANGE.host];
    if (message.source !== source && !jobChange) {
      return refuse('invalid_message', `This page may only save with source ${source}.`);
    }
    return { ok: true, channel: 'content' };
  }
  if (UI_KINDS.has(message.kind)) {
    const url = sender.url || '';
    if (!['options/', 'popup/', 'import/'].some((page) => url.startsWith(own + page))) {
      return refuse('unknown_sender', 'Settings can only be changed from the Leadline options page or popup.');
    }
    return { ok: true, channel: 'ui' };
  }
  return refuse('invalid_message', `Unknown message kind ${JSON.stringify(message.kind).slice(0, 40)}.`);
}
