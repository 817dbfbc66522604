// SPA support. LinkedIn and Gmail change pages with history.pushState / location.hash and swap
// the DOM later, without reloading. An isolated-world content script cannot hook pushState, so
// the router watches the URL (poll + popstate/hashchange) and the DOM (one MutationObserver),
// debounces both, removes Leadline's widgets from the previous page when the URL changes, and
// calls the site's `scan` — which must be idempotent (it checks for its own widgets before
// adding any), so a scan per DOM change never doubles a button.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { HOST_ATTR } = Leadline.ui;

  const DEBOUNCE_MS = 150;
  const URL_POLL_MS = 400;

  /** True when every node a mutation added or removed is one of Leadline's own widgets. */
  function onlyOurs(records) {
    return records.every((record) =>
      [...record.addedNodes, ...record.removedNodes].every(
        (node) => node.nodeType === 1 && node.hasAttribute(HOST_ATTR)
      )
    );
  }

  /** Removes Leadline widgets left from a previous page (the toast stays). */
  function removeWidgets() {
    for (const host of document.querySelectorAll('[' + HOST_ATTR + ']')) {
      if (host.getAttribute(HOST_ATTR) !== 'toast') host.remove();
    }
  }

  /**
   * Starts watching. `scan(url)` runs once now, after every URL change, and after DOM changes
   * (debounced). Returns a stop function. Starting twice on one page is a no-op.
   */
  function start(scan) {
    if (Leadline.router.running) return Leadline.router.running;
    let lastUrl = location.href;
    let timer = null;
    let scanning = false;

    const run = () => {
      timer = null;
      if (scanning) return schedule();
      scanning = true;
      try {
        if (location.href !== lastUrl) {
          lastUrl = location.href;
          removeWidgets();
        }
        scan(location.href);
      } catch (error) {
        // A page we cannot read must never break the page itself; the site file shows messages.
        console.debug('Leadline: scan failed', error);
      } finally {
        scanning = false;
      }
    };
    const schedule = () => {
      if (timer === null) timer = setTimeout(run, DEBOUNCE_MS);
    };

    const observer = new MutationObserver((records) => {
      if (!onlyOurs(records)) schedule();
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
    const poll = setInterval(() => {
      if (location.href !== lastUrl) schedule();
    }, URL_POLL_MS);
    addEventListener('popstate', schedule);
    addEventListener('hashchange', schedule);
    run();

    const stop = () => {
      observer.disconnect();
      clearInterval(poll);
      removeEventListener('popstate', schedule);
      removeEventListener('hashchange', schedule);
      Leadline.router.running = null;
    };
    Leadline.router.running = stop;
    Leadline.router.poke = schedule;
    return stop;
  }

  /** The widget host with this name and key, if already on the page and still connected. */
  function existing(name, key) {
    for (const host of document.querySelectorAll('[' + HOST_ATTR + '="' + name + '"]')) {
      if (host.getAttribute('data-leadline-key') === key) return host;
    }
    return null;
  }

  Leadline.router = {
    start,
    existing,
    removeWidgets,
    running: null,
    /** Asks for a scan soon (debounced), e.g. to re-check a page that was still rendering. */
    poke: () => {},
  };
})(globalThis);
