// In-page widgets: Save button, per-person checkbox, bulk bar with progress, CRM badge, preview
// card, notice and toast. Each widget lives in its own shadow root so the site's CSS cannot
// restyle or hide it, and is built with createElement/textContent only: Gmail enforces Trusted
// Types and names on the page can be hostile ("<img src=x onerror=...>" must stay text).
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});

  /** Attribute on every host element Leadline adds to a page (the router removes stale ones). */
  const HOST_ATTR = 'data-leadline';

  const CSS = `
    :host { all: initial; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2226; }
    /* The hidden attribute wins over every display rule below (e.g. the bulk bar's progress). */
    [hidden] { display: none !important; }
    .ll-inline { display: inline-flex; align-items: center; gap: 6px; margin: 4px 0; flex-wrap: wrap; }
    button { all: unset; box-sizing: border-box; cursor: pointer; border-radius: 14px; padding: 3px 12px;
      background: #0a66c2; color: #fff; font-weight: 600; font-size: 13px; line-height: 20px; }
    button:hover, button:focus-visible { background: #004182; outline: 2px solid #7dd3fc; }
    button[disabled] { background: #8c8c8c; cursor: default; }
    button.ll-link { background: none; color: #0a66c2; padding: 0 4px; font-weight: 500; text-decoration: underline; }
    label.ll-check { display: inline-flex; align-items: center; gap: 4px; cursor: pointer; }
    input[type=checkbox] { all: revert; display: inline-block; width: 16px; height: 16px; margin: 0; }
    input[type=text] { all: revert; font: inherit; padding: 2px 6px; border: 1px solid #c7d1db; border-radius: 4px; }
    .ll-badge { border-radius: 10px; padding: 1px 8px; background: #eef3f8; color: #004182; font-size: 12px; }
    .ll-badge.ll-found { background: #e6f4ea; color: #0b6b2b; }
    .ll-muted { color: #666; font-size: 12px; }
    .ll-card { position: absolute; z-index: 2147483646; min-width: 240px; max-width: 360px; padding: 10px 12px;
      background: #fff; border: 1px solid #c7d1db; border-radius: 8px; box-shadow: 0 4px 16px rgba(0,0,0,.18); }
    .ll-card[hidden] { display: none; }
    .ll-toast { position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; width: 360px; max-height: 70vh; overflow: auto;
      background: #fff; border: 1px solid #c7d1db; border-left: 4px solid #0a66c2; border-radius: 8px;
      box-shadow: 0 6px 24px rgba(0,0,0,.2); padding: 12px 14px; }
    .ll-toast.ll-error { border-left-color: #cc1016; }
    .ll-title { font-weight: 700; margin: 0 0 4px; }
    .ll-row { margin: 2px 0; }
    .ll-row b { font-weight: 600; }
    /* A result's actions on one line; an opened "why?" list wraps below them. */
    .ll-actions { display: flex; align-items: baseline; gap: 4px 10px; flex-wrap: wrap; margin: 2px 0; }
    .ll-actions > .ll-why { display: contents; }
    .ll-actions ul { flex-basis: 100%; }
    ul { margin: 4px 0; padding-left: 18px; }
    .ll-notice { border: 1px solid #e7a33e; background: #fff8eb; border-radius: 6px; padding: 8px 10px; max-width: 640px; }
    .ll-bar { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; padding: 8px; margin: 6px 0;
      background: #fff; border: 1px solid #c7d1db; border-radius: 8px; }
    progress { width: 160px; height: 10px; }
    .ll-rows { flex-basis: 100%; display: flex; flex-direction: column; gap: 2px; }
    .ll-close { float: right; background: none; color: #666; padding: 0 4px; }
    .ll-details { max-height: 40vh; overflow: auto; margin-top: 4px; border-top: 1px solid #e5e9ee; padding-top: 4px; }
    .ll-details .ll-result { margin: 4px 0; }
  `;

  let sheet = null;
  function styleInto(shadow) {
    try {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
      }
      shadow.adoptedStyleSheets = [sheet];
    } catch (_error) {
      const style = document.createElement('style');
      style.textContent = CSS;
      shadow.append(style);
    }
  }

  /** Creates an element with attributes (all set as attributes) and text/children. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  /**
   * Adds a shadow-rooted host next to `anchor` ('after' | 'before' | 'append' | 'prepend') and
   * returns {host, shadow}. `name` tags the host so an injection can be found and not repeated.
   */
  function mount(anchor, position, name, key) {
    const host = document.createElement(name === 'toast' ? 'div' : 'span');
    host.setAttribute(HOST_ATTR, name);
    if (key) host.setAttribute('data-leadline-key', key);
    const shadow = host.attachShadow({ mode: 'open' });
    styleInto(shadow);
    if (position === 'after') anchor.after(host);
    else if (position === 'before') anchor.before(host);
    else if (position === 'prepend') anchor.prepend(host);
    else anchor.append(host);
    return { host, shadow };
  }

  /**
   * A button with a stable data-testid. Only the rep acts through it: a click the browser did
   * not generate from a person (`isTrusted` false: a page script calling `.click()` or
   * dispatching a click into our open shadow root) is ignored. Keyboard activation (Enter,
   * Space) is a trusted click.
   */
  function button(label, testid, onClick) {
    const node = el('button', { type: 'button', 'data-testid': testid }, label);
    node.addEventListener('click', (event) => {
      event.preventDefault();
      event.stopPropagation();
      if (!event.isTrusted) return;
      if (!node.hasAttribute('disabled')) onClick(event);
    });
    return node;
  }

  /** A labelled checkbox. */
  function checkbox(label, testid) {
    const input = el('input', { type: 'checkbox', 'data-testid': testid });
    return { label: el('label', { class: 'll-check' }, input, el('span', {}, label)), input };
  }

  /** A small floating card that shows under `target` while hovered or focused. */
  function hoverCard(shadow, target, fill) {
    const card = el('div', { class: 'll-card', hidden: true, role: 'tooltip', 'data-testid': 'save-preview' });
    shadow.append(card);
    let token = 0;
    const show = async () => {
      const mine = ++token;
      card.replaceChildren(el('div', { class: 'll-muted' }, 'Checking who will own this…'));
      card.hidden = false;
      const content = await fill();
      if (mine === token) card.replaceChildren(...content.filter(Boolean));
    };
    const hide = () => {
      token++;
      card.hidden = true;
    };
    target.addEventListener('mouseenter', show);
    target.addEventListener('focus', show);
    target.addEventListener('mouseleave', hide);
    target.addEventListener('blur', hide);
    return card;
  }

  /** A bordered notice (used when a page cannot be read). */
  function notice(text, detail) {
    return el('div', { class: 'll-notice', role: 'status', 'data-testid': 'page-unreadable' },
      el('div', { class: 'll-title' }, 'Leadline'), el('div', {}, text), detail ? el('div', { class: 'll-muted' }, detail) : null);
  }

  let toastHost = null;
  /** Shows `content` (nodes) in the page's single toast; `error` colours it red. */
  function toast(content, error) {
    if (!toastHost || !toastHost.host.isConnected) {
      toastHost = mount(document.body, 'append', 'toast');
    }
    const close = button('×', 'save-result-close', () => box.remove());
    close.className = 'll-close';
    close.setAttribute('aria-label', 'Close');
    const box = el('div', { class: error ? 'll-toast ll-error' : 'll-toast', role: 'status', 'aria-live': 'polite', 'data-testid': 'save-result' }, close, ...content);
    const kept = [...toastHost.shadow.childNodes].filter((n) => n.nodeName === 'STYLE');
    toastHost.shadow.replaceChildren(...kept, box);
    return box;
  }

  /** A "why?" toggle that reveals `reasons` as a list. */
  function whyToggle(reasons, label) {
    const list = el('ul', { hidden: true, 'data-testid': 'save-reasons' }, ...reasons.map((r) => el('li', {}, String(r))));
    const toggle = button(label || 'why?', 'save-why', () => {
      list.hidden = !list.hidden;
      toggle.setAttribute('aria-expanded', String(!list.hidden));
    });
    toggle.className = 'll-link';
    toggle.setAttribute('aria-expanded', 'false');
    return el('div', { class: 'll-why' }, toggle, list);
  }

  Leadline.ui = { HOST_ATTR, el, mount, button, checkbox, hoverCard, notice, toast, whyToggle };
})(globalThis);
