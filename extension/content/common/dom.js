// Leadline content scripts share one namespace object, globalThis.Leadline (MV3 content scripts
// are classic scripts, not modules). This file holds the page-reading helpers every extractor
// uses: ordered selector fallbacks, visible text without screen-reader copies, headline splitting
// and profile-URL cleaning (names are split by the core). Nothing here touches the network or the service worker.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const MAX_FIELD = 300;

  /** Collapses whitespace, trims and caps a string; returns null for empty input. */
  function clean(value) {
    if (typeof value !== 'string') return null;
    const text = value.replace(/\s+/g, ' ').trim().slice(0, MAX_FIELD).trim();
    return text === '' ? null : text;
  }

  /** True for elements that are only there for screen readers (LinkedIn "visually-hidden"). */
  function isScreenReaderOnly(element) {
    const cls = typeof element.className === 'string' ? element.className : '';
    return /(^|\s)(visually-hidden|a11y-text|sr-only)(\s|$)/.test(cls);
  }

  /**
   * The text a sighted user reads in `element`: prefers the aria-hidden="true" copy LinkedIn
   * renders beside a screen-reader copy, skips visually-hidden spans, scripts and styles.
   */
  function visibleText(element) {
    if (!element) return null;
    const shown = element.querySelector(':scope span[aria-hidden="true"]');
    if (shown && shown.textContent && shown.textContent.trim() !== '' && !isDecorative(shown)) {
      return clean(shown.textContent);
    }
    const parts = [];
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === 3) parts.push(child.nodeValue);
        else if (child.nodeType === 1) {
          const tag = child.tagName;
          if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'TEMPLATE') continue;
          if (isScreenReaderOnly(child)) continue;
          walk(child);
        }
      }
    };
    walk(element);
    return clean(parts.join(' '));
  }

  /** Degree badges and separators are aria-hidden too; they are not a field's value. */
  function isDecorative(element) {
    return /^\s*[·•]\s*(1st|2nd|3rd\+?)?\s*$/.test(element.textContent || '');
  }

  /** The first element matching one of `selectors` (tried in order) under `scope`. */
  function first(scope, selectors) {
    if (!scope) return null;
    for (const selector of selectors) {
      const found = scope.querySelector(selector);
      if (found) return found;
    }
    return null;
  }

  /** Visible text of the first element matching one of `selectors` under `scope`. */
  function firstText(scope, selectors) {
    if (!scope) return null;
    for (const selector of selectors) {
      for (const element of scope.querySelectorAll(selector)) {
        const text = visibleText(element);
        if (text) return text;
      }
    }
    return null;
  }

  /** The canonical public profile URL (https://www.linkedin.com/in/<slug>) or null. */
  function profileUrl(href, base) {
    if (typeof href !== 'string') return null;
    let url;
    try {
      url = new URL(href, base || 'https://www.linkedin.com/');
    } catch (_error) {
      return null;
    }
    const match = /^\/in\/([^/?#]+)/.exec(url.pathname);
    if (!match || url.hostname !== 'www.linkedin.com') return null;
    return 'https://www.linkedin.com/in/' + match[1];
  }

  /** The profile slug of a LinkedIn URL ("/in/ada-lovelace/" → "ada-lovelace"), or null. */
  function profileSlug(href) {
    const url = profileUrl(href, 'https://www.linkedin.com/');
    if (!url) return null;
    try {
      return decodeURIComponent(url.slice('https://www.linkedin.com/in/'.length)).toLowerCase();
    } catch (_error) {
      return null;
    }
  }

  /** Splits an English "Title at Company" headline; other shapes give only a title. */
  function splitHeadline(headline) {
    const text = clean(headline);
    if (!text) return { title: null, company: null };
    const primary = text.split(/\s[|·•]\s/)[0];
    const match = /^(.+?)\s+(?:at|@)\s+(.+)$/i.exec(primary);
    if (match) return { title: clean(match[1]), company: clean(match[2]) };
    return { title: clean(primary), company: null };
  }

  /** True unless `element` or an ancestor is display:none / visibility:hidden. */
  function isShown(element) {
    if (!element || !element.isConnected) return false;
    if (typeof element.checkVisibility === 'function') {
      return element.checkVisibility({ visibilityProperty: true });
    }
    return element.getClientRects().length > 0;
  }

  /**
   * A Prospect with every contract field present (strings or null). The name goes as the page
   * shows it: the core splits it into first and last name (crates/crm/src/name.rs, particles
   * and credentials included); `first_name` / `last_name` only when the page shows them apart.
   */
  function prospect(fields) {
    return {
      full_name: clean(fields.full_name),
      first_name: clean(fields.first_name),
      last_name: clean(fields.last_name),
      headline: clean(fields.headline),
      title: clean(fields.title),
      company: clean(fields.company),
      location: clean(fields.location),
      linkedin_url: fields.linkedin_url || null,
      email: clean(fields.email),
      phone: clean(fields.phone),
    };
  }

  Leadline.dom = {
    clean,
    visibleText,
    first,
    firstText,
    splitHeadline,
    profileUrl,
    profileSlug,
    isShown,
    prospect,
  };
})(globalThis);
