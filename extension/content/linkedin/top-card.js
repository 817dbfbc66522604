// A LinkedIn profile's top card read by what its parts are, not by which container holds them.
// Both profile layouts share two facts: the location line sits next to the "Contact info" link
// (in the link's own line, or in a sibling paragraph/span), and a field the page shows (a
// "Current company" button, a company link, an experience card) can be told apart from a field
// the page does not have. `missingFields` names the fields that are on the page but were not
// read, so a save says "location not found on this layout" instead of dropping it silently.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { clean, first } = Leadline.dom;

  const SELECTORS = {
    contactInfo: 'a[href*="contact-info"]',
    // Lines that are another field, never the location.
    notLocation: 'h1, h2, h3, a[href*="/company/"], a[href*="/school/"], button, img, figure',
    company: ['button[aria-label^="Current company:"]', 'a[href*="/company/"]'],
    experience: [
      '[data-view-name="profile-card-experience"]',
      '[componentkey*="Experience"]',
      'section:has(#experience)',
      'section[id*="experience"]',
    ],
  };

  // Top-card lines that are not a location: degree, connections, followers, separators.
  const NOISE = [/^[·•]\s*(1st|2nd|3rd\+?)\b/i, /\bconnections?\b/i, /\bfollowers?\b/i, /^[·•|]*$/, /^contact info$/i];
  /** How far from the "Contact info" link a location may sit: levels up, siblings aside. */
  const MAX_LEVELS = 3;
  const MAX_SIBLINGS = 2;

  /** A line's text without screen-reader copies, separators, or the "Contact info" link. */
  function lineText(element) {
    const copy = element.cloneNode(true);
    for (const hidden of copy.querySelectorAll('[aria-hidden="true"], [class*="a11y"], .visually-hidden, ' + SELECTORS.contactInfo)) {
      hidden.remove();
    }
    return clean((copy.textContent || '').replace(/^[\s·•|]+|[\s·•|]+$/g, ''));
  }

  /** True for a line that reads as a location (not a name, badge, count or another field). */
  function looksLikeLocation(text, name) {
    return Boolean(text) && text !== name && !NOISE.some((re) => re.test(text));
  }

  /** Element siblings of `node`, nearest first, previous before next at the same distance. */
  function nearSiblings(node) {
    const out = [];
    let prev = node.previousElementSibling;
    let next = node.nextElementSibling;
    for (let i = 0; i < MAX_SIBLINGS && (prev || next); i += 1) {
      if (prev) { out.push(prev); prev = prev.previousElementSibling; }
      if (next) { out.push(next); next = next.nextElementSibling; }
    }
    return out;
  }

  /**
   * The location line beside the card's "Contact info" link: the link's own line first, then
   * sibling paragraphs/spans of the link's container, a few levels up at most. Null when the
   * card has no such link or nothing beside it reads as a location.
   */
  function locationNearContactInfo(card, name) {
    const link = card && card.querySelector(SELECTORS.contactInfo);
    if (!link) return null;
    let node = link.parentElement;
    for (let level = 0; node && node !== card && level < MAX_LEVELS; level += 1, node = node.parentElement) {
      if (level === 0) { // the link's own line ("Kyoto, Japan · Contact info")
        const own = lineText(node);
        if (looksLikeLocation(own, name) && !node.querySelector(SELECTORS.notLocation)) return own;
      }
      for (const sibling of nearSiblings(node)) {
        if (sibling.matches(SELECTORS.notLocation) || sibling.querySelector(SELECTORS.notLocation)) continue;
        const text = lineText(sibling);
        if (looksLikeLocation(text, name)) return text;
      }
    }
    return null;
  }

  /**
   * Fields the page shows but `prospect` lacks, in the order a rep reads them: "location" when
   * the card has a "Contact info" link (the location sits beside it), "company" when the card
   * or the experience card names one, "title" when there is an experience card.
   */
  function missingFields(doc, card, prospect) {
    const missing = [];
    if (!prospect.location && card.querySelector(SELECTORS.contactInfo)) missing.push('location');
    const experience = first(doc, SELECTORS.experience);
    if (!prospect.company && (first(card, SELECTORS.company) || (experience && experience.querySelector('a[href*="/company/"]')))) {
      missing.push('company');
    }
    if (!prospect.title && experience) missing.push('title');
    return missing;
  }

  Leadline.linkedin = Leadline.linkedin || {};
  Leadline.linkedin.topCard = { SELECTORS, lineText, locationNearContactInfo, missingFields };
})(globalThis);
