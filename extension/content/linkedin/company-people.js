// LinkedIn company "People" tab (/company/<x>/people/): org-people-profile-card lockups. The
// company is the page's own organisation. All selectors for this page are here.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { first, firstText, clean, profileUrl, prospect } = Leadline.dom;

  const SELECTORS = {
    item: ['section.org-people-profile-card', 'li.org-people-profile-card', 'li:has(> .artdeco-entity-lockup)'],
    name: ['.org-people-profile-card__profile-title', '.artdeco-entity-lockup__title'],
    subtitle: ['.artdeco-entity-lockup__subtitle'],
    link: ['a[href*="/in/"]', 'a[href*="/headless"]'],
    company: ['.org-top-card-summary__title', 'main h1'],
  };

  /** The organisation this People tab belongs to. */
  function companyName(doc) {
    const heading = first(doc, SELECTORS.company);
    const fromHeading = heading && clean(heading.getAttribute('title') || heading.textContent);
    if (fromHeading) return fromHeading;
    const match = /^(.+?): People \| LinkedIn$/.exec(doc.title || '');
    return match ? clean(match[1]) : null;
  }

  /** Drops a trailing "· <company>" / "at <company>" from a lockup subtitle. */
  function titleOf(subtitle, company) {
    if (!subtitle) return null;
    if (!company) return subtitle;
    const escaped = company.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return clean(subtitle.replace(new RegExp('\\s*(?:[·•|@-]|\\bat)\\s*' + escaped + '\\s*$', 'i'), '')) || subtitle;
  }

  /** Same contract as searchList.read: every card, each read for the core to answer by key. */
  function read(doc) {
    let elements = [];
    for (const selector of SELECTORS.item) {
      elements = [...doc.querySelectorAll(selector)];
      if (elements.length > 0) break;
    }
    const company = companyName(doc);
    const items = elements.map((element, index) => {
      const nameEl = first(element, SELECTORS.name);
      const name = firstText(element, SELECTORS.name);
      const link = first(element, SELECTORS.link);
      const href = link ? link.getAttribute('href') : null;
      const url = profileUrl(href, location.href);
      const key = url || 'card:' + index;
      const anchor = (nameEl && nameEl.closest('.artdeco-entity-lockup__title')) || nameEl || element.firstElementChild || element;
      const headline = firstText(element, SELECTORS.subtitle);
      const person = prospect({ full_name: name, headline, title: titleOf(headline, company), company, linkedin_url: url });
      return { element, anchor, key, card: { key, link: href, prospect: person } };
    });
    return { layout: items.length ? 'company-people' : null, items };
  }

  Leadline.linkedin = Leadline.linkedin || {};
  Leadline.linkedin.companyPeople = { SELECTORS, read };
  Leadline.linkedin.layouts.register({ name: 'company-people', page: 'company-people', read });
})(globalThis);
