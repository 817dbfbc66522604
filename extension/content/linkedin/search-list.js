// LinkedIn people search results. Two layouts run side by side: the classic entity-result list
// (li.reusable-search__result-container / [data-chameleon-result-urn], also its hashed-class A/B
// variant) and the 2026 SDUI list (div[role=listitem] with a search-result-lockup-title link).
// All selectors for search results are here.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { first, firstText, visibleText, clean, splitHeadline, profileUrl, prospect } = Leadline.dom;

  const LAYOUTS = [
    {
      layout: 'classic',
      item: '[data-chameleon-result-urn], li.reusable-search__result-container:not(:has([data-chameleon-result-urn]))',
      nameLink: ['.entity-result__title-text a', 'a[href*="/in/"]:not([aria-hidden="true"]):not([tabindex="-1"])', 'a[href*="/headless"]'],
      // The name shown on a card without a name link (a private member shown as plain text).
      name: ['.entity-result__title-text'],
      headline: ['.entity-result__primary-subtitle', 'div.t-14.t-black.t-normal'],
      location: ['.entity-result__secondary-subtitle', 'div.t-14.t-normal:not(.t-black)'],
    },
    {
      layout: 'sdui',
      item: '[role="listitem"]:has(a[data-view-name="search-result-lockup-title"])',
      // A private member's card has no title link: it is found as a sibling of the cards that do.
      siblingItems: ':scope > [role="listitem"]',
      nameLink: ['a[data-view-name="search-result-lockup-title"]'],
      name: ['p'],
      headline: null,
      location: null,
    },
  ];

  /** The result elements of `spec` on the page, private members' link-less cards included. */
  function itemsOf(doc, spec) {
    const found = [...doc.querySelectorAll(spec.item)];
    if (!spec.siblingItems || found.length === 0) return found;
    const lists = [...new Set(found.map((e) => e.parentElement).filter(Boolean))];
    return lists.flatMap((list) => [...list.querySelectorAll(spec.siblingItems)]);
  }

  /** SDUI: headline and location are the <p>s after the one holding the name. */
  function sduiLines(item, nameEl) {
    const titleP = nameEl && (nameEl.closest('p') || nameEl);
    const lines = [...item.querySelectorAll('p')].filter((p) => p !== titleP && !(titleP && p.contains(titleP))).map((p) => visibleText(p));
    return { headline: lines[0] || null, location: lines[1] || null };
  }

  /** Strips LinkedIn's "View X’s profile" and badge text from a name. */
  function nameOf(element) {
    const text = visibleText(element) || '';
    return clean(text.replace(/^View\s+(.+?)[’']s\s+profile$/i, '$1').replace(/\s*[·•]\s*(1st|2nd|3rd\+?)\s*$/, ''));
  }

  /**
   * Reads every result on the page: {layout, items:[{element, anchor, key, card}]}, one per card,
   * private members' and unreadable ones included: `card` ({key, link, prospect}: the name as
   * shown, the name link's href as it is) goes to the core, which answers each card by its key
   * (a person, or why it is skipped: list-ui.js). `items` is empty when no layout matches.
   */
  function read(doc) {
    for (const spec of LAYOUTS) {
      const elements = itemsOf(doc, spec);
      if (elements.length === 0) continue;
      const items = elements.map((element, index) => {
        const link = first(element, spec.nameLink);
        const nameEl = (link && nameOf(link) ? link : null) || first(element, spec.name);
        const href = link ? link.getAttribute('href') : null;
        const url = profileUrl(href, location.href);
        const key = element.getAttribute('data-chameleon-result-urn') || url || spec.layout + ':' + index;
        const lines = spec.layout === 'sdui' ? sduiLines(element, nameEl) : { headline: firstText(element, spec.headline), location: firstText(element, spec.location) };
        const role = splitHeadline(lines.headline);
        const person = prospect({ full_name: nameEl && nameOf(nameEl), headline: lines.headline, title: role.title, company: role.company, location: lines.location, linkedin_url: url });
        const anchor = (nameEl && nameEl.closest('.entity-result__title-line, p, span')) || nameEl || element.firstElementChild || element;
        return { element, anchor, key, card: { key, link: href, prospect: person } };
      });
      return { layout: spec.layout, items };
    }
    return { layout: null, items: [] };
  }

  Leadline.linkedin = Leadline.linkedin || {};
  Leadline.linkedin.searchList = { LAYOUTS, read };
  Leadline.linkedin.layouts.register({ name: 'search-list', page: 'search', read });
})(globalThis);
