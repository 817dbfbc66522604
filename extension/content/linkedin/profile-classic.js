// LinkedIn profile, "classic" Ember layout (pv-top-card, h1.text-heading-xlarge, artdeco cards,
// experience entities). All selectors for this layout are here, each list tried in order.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { first, firstText, visibleText, splitHeadline, profileUrl, prospect } = Leadline.dom;
  const { locationNearContactInfo, missingFields } = Leadline.linkedin.topCard;
  const { register, isStale } = Leadline.linkedin.layouts;

  const SELECTORS = {
    topCard: [
      'section.pv-top-card',
      'main section.artdeco-card:has(h1.text-heading-xlarge)',
      'main section:has(.pv-text-details__left-panel h1)',
    ],
    name: ['h1.text-heading-xlarge', 'h1.inline.t-24.v-align-middle.break-words', 'h1'],
    headline: ['.text-body-medium.break-words', '.text-body-medium'],
    location: [
      '.text-body-small.inline.t-black--light.break-words',
      '.pv-text-details__left-panel span.text-body-small',
    ],
    currentCompany: ['button[aria-label^="Current company:"]'],
    experienceEntity: [
      'main section:has(#experience) [data-view-name="profile-component-entity"]',
      'main section[id*="experience"] [data-view-name="profile-component-entity"]',
      'main section:has(#experience) li.artdeco-list__item',
    ],
    entityTitle: ['.mr1.hoverable-link-text.t-bold', '.t-bold'],
    entityCompany: ['span.t-14.t-normal:not(.t-black--light)'],
    identityLink: 'a[href*="/in/"]',
  };

  /** "Current company: Acme. Click to skip to experience card" → "Acme". */
  function companyFromButton(button) {
    if (!button) return null;
    const label = button.getAttribute('aria-label') || '';
    const match = /^Current company:\s*(.+?)\.\s+Click/i.exec(label);
    return match ? match[1].trim() : visibleText(button);
  }

  /** The first experience entry's title and company ("Acme · Full-time" → "Acme"). */
  function currentRole(doc) {
    const entity = first(doc, SELECTORS.experienceEntity);
    if (!entity) return { title: null, company: null };
    const company = firstText(entity, SELECTORS.entityCompany);
    return {
      title: firstText(entity, SELECTORS.entityTitle),
      company: company ? company.split(' · ')[0] : null,
    };
  }

  /**
   * Reads the profile: {status:"ok", prospect, anchor, missing} (`missing`: fields the page shows
   * that were not read, see topCard.missingFields) when this layout matches, {status:"stale"}
   * when the top card still shows another profile than the URL (SPA navigation in progress),
   * {status:"none"} when this layout is not on the page.
   */
  function read(doc, url) {
    const card = first(doc, SELECTORS.topCard);
    const nameEl = card && first(card, SELECTORS.name);
    const fullName = nameEl && visibleText(nameEl);
    if (!fullName) return { status: 'none' };
    if (isStale(card, url, SELECTORS.identityLink)) return { status: 'stale' };

    const headline = firstText(card, SELECTORS.headline);
    const fromHeadline = splitHeadline(headline);
    const role = currentRole(doc);
    const person = prospect({
      full_name: fullName,
      headline,
      title: role.title || fromHeadline.title,
      company: companyFromButton(first(card, SELECTORS.currentCompany)) || role.company || fromHeadline.company,
      location: firstText(card, SELECTORS.location) || locationNearContactInfo(card, fullName),
      linkedin_url: profileUrl(url),
    });
    return {
      status: 'ok',
      layout: 'classic',
      anchor: nameEl.closest('a') || nameEl,
      prospect: person,
      missing: missingFields(doc, card, person),
    };
  }

  Leadline.linkedin = Leadline.linkedin || {};
  Leadline.linkedin.profileClassic = { SELECTORS, read };
  register({ name: 'classic', page: 'profile', read });
})(globalThis);
