// LinkedIn company "People" tab (/company/<x>/people/): org-people-profile-card lockups. The
// company is the page's own organisation. All selectors for this page are here.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { first, firstText, clean, profileUrl, prospect, isPrivateMember } = Leadline.dom;

  const SELECTORS = {
    item: ['section.org-people-profile-card', 'li.org-people-profile-card', 'li:has(> .artdeco-entity-lockup)'],
    name: ['.org-people-profile-card__profile-title', '.artdeco-entity-lockup__title'],
    subtitle: ['.artdeco-entity-lockup__subtitle'],
    link: ['a[href*="/in/"]'],
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

  /** Same contract as searchList.read. */
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
      const url = link ? profileUrl(link.getAttribute('href'), location.href) : null;
      const key = url || 'card:' + index;
      const anchor = (nameEl && nameEl.closest('.artdeco-entity-lockup__title')) || nameEl || element.firstElementChild || element;
      if (!name) return { element, anchor, key, prospect: null, skipped: 'Leadline could not read this card.', skipKind: 'unreadable' };
      if (isPrivateMember(name, link && link.getAttribute('href')) || !url) {
        return { element, anchor, key: 'private:' + key, prospect: null, skipped: 'Private profile (shown as “LinkedIn Member”): skipped, LinkedIn hides who this is.', skipKind: 'private' };
      }
      const headline = firstText(element, SELECTORS.subtitle);
      return {
        element,
        anchor,
        key,
        skipped: null,
        prospect: prospect({ full_name: name, headline, title: titleOf(headline, company), company, linkedin_url: url }),
      };
    });
    return { layout: items.length ? 'company-people' : null, items };
  }

  Leadline.linkedin = Leadline.linkedin || {};
  Leadline.linkedin.companyPeople = { SELECTORS, read };
  Leadline.linkedin.layouts.register({ name: 'company-people', page: 'company-people', read });
})(globalThis);
