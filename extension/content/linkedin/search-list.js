// LinkedIn people search results. Two layouts run side by side: the classic entity-result list
// (li.reusable-search__result-container / [data-chameleon-result-urn], also its hashed-class A/B
// variant) and the 2026 SDUI list (div[role=listitem] with a search-result-lockup-title link).
// All selectors for search results are here.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { first, firstText, visibleText, clean, splitHeadline, profileUrl, prospect, isPrivateMember } = Leadline.dom;

  const LAYOUTS = [
    {
      layout: 'classic',
      item: '[data-chameleon-result-urn], li.reusable-search__result-container:not(:has([data-chameleon-result-urn]))',
      nameLink: ['.entity-result__title-text a', 'a[href*="/in/"]:not([aria-hidden="true"]):not([tabindex="-1"])', 'a[href*="/headless"]'],
      headline: ['.entity-result__primary-subtitle', 'div.t-14.t-black.t-normal'],
      location: ['.entity-result__secondary-subtitle', 'div.t-14.t-normal:not(.t-black)'],
    },
    {
      layout: 'sdui',
      item: '[role="listitem"]:has(a[data-view-name="search-result-lockup-title"])',
      // A private member's card has no title link: it is found as a sibling of the cards that do.
      siblingItems: ':scope > [role="listitem"]',
      nameLink: ['a[data-view-name="search-result-lockup-title"]'],
      headline: null,
      location: null,
    },
  ];

  const PRIVATE_REASON = 'Private profile (shown as “LinkedIn Member”): skipped, LinkedIn hides who this is.';
  const UNREADABLE_REASON = 'Leadline could not read this result.';

  /** The result elements of `spec` on the page, private members' link-less cards included. */
  function itemsOf(doc, spec) {
    const found = [...doc.querySelectorAll(spec.item)];
    if (!spec.siblingItems || found.length === 0) return found;
    const lists = [...new Set(found.map((e) => e.parentElement).filter(Boolean))];
    return lists.flatMap((list) => [...list.querySelectorAll(spec.siblingItems)]);
  }

  /** A card that shows "LinkedIn Member" as its name, with or without a link. */
  function showsPrivateMember(element) {
    return [...element.querySelectorAll('a, p, span')].some((node) => isPrivateMember(visibleText(node), null));
  }

  /** SDUI: headline and location are the <p>s after the one holding the title link. */
  function sduiLines(item, link) {
    const titleP = link.closest('p');
    const lines = [...item.querySelectorAll('p')].filter((p) => p !== titleP && !p.contains(link)).map((p) => visibleText(p));
    return { headline: lines[0] || null, location: lines[1] || null };
  }

  /** Strips LinkedIn's "View X’s profile" and badge text from a name link. */
  function nameOf(link) {
    const text = visibleText(link) || '';
    return clean(text.replace(/^View\s+(.+?)[’']s\s+profile$/i, '$1').replace(/\s*[·•]\s*(1st|2nd|3rd\+?)\s*$/, ''));
  }

  /**
   * Reads every result on the page: {layout, items:[{element, anchor, key, prospect, skipped,
   * skipKind}]} where `skipped` (a reason for the rep) and `skipKind` ("private" | "unreadable")
   * are set instead of `prospect` for private members and unreadable entries. `items` is empty when no layout matches.
   */
  function read(doc) {
    for (const spec of LAYOUTS) {
      const elements = itemsOf(doc, spec);
      if (elements.length === 0) continue;
      const items = elements.map((element, index) => {
        const link = first(element, spec.nameLink);
        const name = link && nameOf(link);
        const href = link ? link.getAttribute('href') : null;
        const key = element.getAttribute('data-chameleon-result-urn') || profileUrl(href, location.href) || spec.layout + ':' + index;
        if (!link || !name) {
          const isPrivate = showsPrivateMember(element);
          return {
            element, anchor: element.firstElementChild || element, key: (isPrivate ? 'private:' : '') + key, prospect: null,
            skipped: isPrivate ? PRIVATE_REASON : UNREADABLE_REASON, skipKind: isPrivate ? 'private' : 'unreadable',
          };
        }
        if (isPrivateMember(name, href)) {
          return { element, anchor: link.closest('p, span, div') || link, key: 'private:' + key, prospect: null, skipped: PRIVATE_REASON, skipKind: 'private' };
        }
        const lines = spec.layout === 'sdui' ? sduiLines(element, link) : { headline: firstText(element, spec.headline), location: firstText(element, spec.location) };
        const role = splitHeadline(lines.headline);
        return {
          element,
          anchor: link.closest('.entity-result__title-line, p, span') || link,
          key,
          skipped: null,
          prospect: prospect({ full_name: name, headline: lines.headline, title: role.title, company: role.company, location: lines.location, linkedin_url: profileUrl(href, location.href) }),
        };
      });
      return { layout: spec.layout, items };
    }
    return { layout: null, items: [] };
  }

  Leadline.linkedin = Leadline.linkedin || {};
  Leadline.linkedin.searchList = { LAYOUTS, read };
  Leadline.linkedin.layouts.register({ name: 'search-list', page: 'search', read });
})(globalThis);
