// The layout registry each site's content scripts share (LinkedIn: linkedin/layouts.js, Gmail:
// gmail/layouts.js). A site's layout files register their readers with the page kind they
// read, and the site's main.js asks the registry for a page's readers instead of naming files:
// adding a layout is one new file plus its line in manifest.json (tests/node/layouts.test.mjs
// fails when either is missing, or when a main.js names a layout).
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});

  /**
   * A registry of one site's layouts: `site` names it in errors, `pages` are the page kinds
   * its main.js tells apart (a layout reads exactly one). Each layout is `{name, page, read,
   * ...}` (a site may ask more of its layouts, e.g. Gmail's `identify`).
   */
  function layoutRegistry(site, pages) {
    const PAGES = Object.freeze([...pages]);
    const registered = [];

    /** Adds a layout; throws on a malformed or repeated one, so a mistake shows at load. */
    function register(layout) {
      const { name, page, read } = layout || {};
      if (typeof name !== 'string' || !name || !PAGES.includes(page) || typeof read !== 'function') {
        throw new TypeError('Leadline: a ' + site + ' layout needs a name, a page kind (' + PAGES.join(', ') + ') and read().');
      }
      if (registered.some((l) => l.name === name)) throw new TypeError('Leadline: ' + site + ' layout ' + name + ' registered twice.');
      registered.push(Object.freeze({ ...layout }));
    }

    /** The layouts that read `page`, in registration (manifest) order. */
    function forPage(page) {
      return registered.filter((l) => l.page === page);
    }

    /** Every registered layout's name, in registration order. */
    function names() {
      return registered.map((l) => l.name);
    }

    return { PAGES, register, forPage, names };
  }

  Leadline.layoutRegistry = layoutRegistry;
})(globalThis);
