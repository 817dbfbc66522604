// Executes the core's HttpRequest values with fetch and hands back HttpResponse values.
// A network failure becomes status 0 with the browser's message as body (the core treats it
// as "outcome unknown"). Nothing here logs a request: they carry bearer tokens.

const TIMEOUT_MS = 30000;
/** Answers that mean "the CRM refuses for now" (busy, over a limit, down). */
const REFUSALS = new Set([429, 500, 502, 503, 504]);
/** How long a run of refusals counts for `heldBackByBrowser`. */
const REFUSAL_WINDOW_MS = 15 * 60 * 1000;
/** Per CRM origin: refusals in a row and when the last one came (this worker life only). */
const refused = new Map();

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/**
 * True when a request to `url` just failed with no answer although the browser is online and
 * the CRM's last answers (two or more in a row, recently) were refusals. Chromium then holds an
 * extension's requests to that URL back for a while (net::ERR_TEMPORARILY_THROTTLED), and
 * fetch reports only a bare network error.
 */
export function heldBackByBrowser(url) {
  const run = refused.get(originOf(url));
  const online = typeof navigator === 'undefined' || navigator.onLine !== false;
  return Boolean(online && run && run.count >= 2 && Date.now() - run.at < REFUSAL_WINDOW_MS);
}

/** `{method, url, headers:[[name, value]], body}` → `{status, headers:[[name, value]], body}`. */
export async function execute(request) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body ?? undefined,
      credentials: 'omit',
      redirect: 'error',
      cache: 'no-store',
      signal: controller.signal,
    });
    const origin = originOf(request.url);
    if (REFUSALS.has(response.status)) refused.set(origin, { count: ((refused.get(origin) || {}).count || 0) + 1, at: Date.now() });
    else refused.delete(origin);
    const headers = [];
    response.headers.forEach((value, name) => headers.push([name, value]));
    return { status: response.status, headers, body: await response.text() };
  } catch (error) {
    const message = error && error.name === 'AbortError' ? 'the CRM did not answer in time' : String((error && error.message) || error);
    return { status: 0, headers: [], body: message };
  } finally {
    clearTimeout(timer);
  }
}

/** A random u32 for the core's back-off jitter. */
export function randomU32() {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}
