// Gmail's layout registry (common/layouts.js). Each layout file (thread.js: the open thread of
// today's Gmail) registers `{name, page:"thread", identify, read}` here, and main.js asks the
// registry for the readers instead of naming files: a new Gmail layout is one new file plus its
// line in manifest.json between this file and main.js (tests/node/layouts.test.mjs fails when
// either is missing). `identify(doc)` is the cheap check run on every DOM change (`{key, ...}`
// or null: no thread of this layout is open); `read(doc)` the whole thread (thread.js says its
// shape).
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});

  /** The registry, and what it asks of a Gmail layout beyond a name, a page kind and read(). */
  const registry = Leadline.layoutRegistry('Gmail', ['thread']);

  /** Adds a Gmail layout: also needs `identify(doc)`. */
  function register(layout) {
    if (!layout || typeof layout.identify !== 'function') throw new TypeError('Leadline: a Gmail layout needs identify().');
    registry.register(layout);
  }

  Leadline.gmail = Leadline.gmail || {};
  Leadline.gmail.layouts = Object.freeze({ ...registry, register });
})(globalThis);
