// Executes the core's HttpRequest values with fetch and hands back HttpResponse values, for
// the connect flow (oauth.js: code exchange, identity, user pages, revoke). Saves, lookups,
// undo and refreshes go through the save engine's own fetch (crates/core-wasm/src/engine.rs)
// with the same options. A network failure becomes status 0 with the browser's message as
// body (the core treats it as "outcome unknown"). Nothing here logs a request: they carry
// bearer tokens.

const TIMEOUT_MS = 30000;

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
