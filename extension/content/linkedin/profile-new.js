// LinkedIn profile, the 2025-2026 server-driven ("SDUI") layout: hashed class names, the name in
// an h2 (sometimes h1, sometimes neither), headline/org/location as bare <p>s. Only stable hooks
// are used: data-view-name, componentkey, href shapes, figure aria-labels and action-button
// aria-labels. All selectors for this layout are here.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { first, visibleText, clean, splitHeadline, profileUrl, prospect } = Leadline.dom;
  // lineText: a line's text without its degree badge, screen-reader copies and "Contact info".
  const { lineText, locationNearContactInfo, missingFields } = Leadline.linkedin.topCard;
  const { register, isStale } = Leadline.linkedin.layouts;

  const SELECTORS = {
    topCard: ['[data-view-name="profile-top-card"]', '[componentkey*="Topcard"]', '[componentkey*="topcard"]'],
    name: ['h1', 'h2'],
    nameFromAction: ['button[aria-label^="Message "]', 'button[aria-label^="Follow "]', 'button[aria-label^="Invite "]'],
    lines: 'p',
    companyLink: 'a[href*="/company/"]',
    contactInfo: 'a[href*="contact-info"]',
    experienceCard: [
      '[data-view-name="profile-card-experience"]',
      '[componentkey*="ExperienceTopLevelSection"]',
      '[componentkey*="Experience"]',
    ],
    companyLogo: 'figure[aria-label$=" logo"]',
    identityLink: 'a[href*="/in/"]',
  };

  // Lines of the top card that are not headline/org/location.
  const NOISE = [/^[·•]\s*(1st|2nd|3rd\+?)\b/i, /\bconnections?\b/i, /\bfollowers?\b/i, /^[·•]$/];

  /** The name: a heading in the top card, else the "Message <name>" button's label. */
  function readName(card) {
    const heading = first(card, SELECTORS.name);
    const text = heading && visibleText(heading);
    if (text) return { text, anchor: heading.closest('a') || heading };
    const action = first(card, SELECTORS.nameFromAction);
    const label = action && (action.getAttribute('aria-label') || '').replace(/^(Message|Follow|Invite)\s+/, '').replace(/\s+to connect$/, '');
    return label ? { text: clean(label), anchor: action.parentElement } : null;
  }

  /** Current title and company from the experience card's first entry. */
  function currentRole(doc) {
    const section = first(doc, SELECTORS.experienceCard);
    const logo = section && section.querySelector(SELECTORS.companyLogo);
    if (!logo) return { title: null, company: null };
    const company = clean((logo.getAttribute('aria-label') || '').replace(/ logo$/, ''));
    const entry = logo.closest('a') ? logo.closest('a').parentElement : logo.parentElement;
    const firstLine = entry && entry.querySelector('p');
    return { title: firstLine ? lineText(firstLine) : null, company };
  }

  /** Same contract as profileClassic.read. */
  function read(doc, url) {
    const card = first(doc, SELECTORS.topCard);
    const name = card && readName(card);
    if (!name || !name.text) return { status: 'none' };
    if (isStale(card, url, SELECTORS.identityLink)) return { status: 'stale' };

    let headline = null;
    // The location sits beside "Contact info": in its line or a sibling paragraph/span.
    const location = locationNearContactInfo(card, name.text);
    let orgCompany = null;
    for (const p of card.querySelectorAll(SELECTORS.lines)) {
      const text = lineText(p);
      if (!text || text === name.text || text === location || NOISE.some((re) => re.test(text))) continue;
      if (p.querySelector(SELECTORS.contactInfo)) continue;
      if (p.querySelector(SELECTORS.companyLink)) orgCompany = orgCompany || visibleText(p.querySelector(SELECTORS.companyLink));
      else if (!headline) headline = text;
    }
    const role = currentRole(doc);
    const fromHeadline = splitHeadline(headline);
    const person = prospect({
      full_name: name.text,
      headline,
      title: role.title || fromHeadline.title,
      company: orgCompany || role.company || fromHeadline.company,
      location,
      linkedin_url: profileUrl(url),
    });
    return { status: 'ok', layout: 'sdui', anchor: name.anchor, prospect: person, missing: missingFields(doc, card, person) };
  }

  Leadline.linkedin = Leadline.linkedin || {};
  Leadline.linkedin.profileNew = { SELECTORS, read };
  register({ name: 'sdui', page: 'profile', read });
})(globalThis);
