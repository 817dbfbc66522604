// LinkedIn's layout registry (common/layouts.js). Each layout file (profile-classic.js,
// profile-new.js, search-list.js, company-people.js) registers its reader here with the page
// kind it reads, and main.js asks the registry for the page's readers instead of naming files:
// adding a layout is one new file plus its line in manifest.json (tests/node/layouts.test.mjs
// fails when either is missing). Also the one check every profile layout makes before reading:
// is the top card still showing the previous profile (SPA navigation in progress)?
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { profileSlug } = Leadline.dom;

  /** The page kinds main.js tells apart by URL; a layout reads exactly one of them. Profile
   * readers answer `{status:"ok"|"stale"|"none", ...}`, list readers `{layout, items}` (see
   * profile-classic.js and search-list.js). */
  const registry = Leadline.layoutRegistry('LinkedIn', ['profile', 'search', 'company-people']);

  /**
   * True when the top card `card` still shows another profile than `url`: its profile links
   * (`identityLink` selector) name other slugs than the URL's. A card without profile links is
   * not stale (nothing says it is someone else).
   */
  function isStale(card, url, identityLink) {
    const urlSlug = profileSlug(url);
    const cardSlugs = [...card.querySelectorAll(identityLink)].map((a) => profileSlug(a.href)).filter(Boolean);
    return Boolean(urlSlug) && cardSlugs.length > 0 && !cardSlugs.includes(urlSlug);
  }

  Leadline.linkedin = Leadline.linkedin || {};
  Leadline.linkedin.layouts = Object.freeze({ ...registry, isStale });
})(globalThis);
