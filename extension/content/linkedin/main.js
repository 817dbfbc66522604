// LinkedIn entry point. The content script is declared for every www.linkedin.com page because
// LinkedIn is a single-page app: a rep who opens the feed and clicks a profile never loads
// /in/<slug>/ from the server, so a script declared only for /in/* would never run. The router
// re-scans on URL and DOM changes; this file picks the page kind from the URL and the layout
// from the DOM, and adds the Save button, the CRM badge and the preview, or the bulk UI.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { el, mount, button, hoverCard, notice } = Leadline.ui;
  const { existing, start } = Leadline.router;
  const { Source } = Leadline.bridge;
  const { prospect: toProspect, profileUrl } = Leadline.dom;
  const { save, preview, lookup, jobChangeNode, updateJob, markSaved, markUndone, showMessage } = Leadline.saveFlow;
  const { layouts, listUi } = Leadline.linkedin;

  /** How long a page may stay unreadable before the rep is told (LinkedIn renders late). */
  const UNREADABLE_AFTER_MS = 2500;

  /** Page kinds by URL (the layouts registered for each read it), and how the rep hears of one. */
  const PAGES = [
    { kind: 'profile', path: /^\/in\/[^/]+\/?$/, what: 'profile' },
    { kind: 'search', path: /^\/search\/results\/people\/?$/, what: 'search page' },
    { kind: 'company-people', path: /^\/company\/[^/]+\/people\/?$/, what: 'company people page' },
  ];

  /** url → first time it was seen unreadable, to wait for late rendering before complaining. */
  const unreadableSince = new Map();

  function pageOf(url) {
    const path = new URL(url).pathname;
    return PAGES.find((p) => p.path.test(path)) || null;
  }

  /**
   * On an unreadable profile, a small form to save only what the rep confirms: the name guessed
   * from the tab title ("(3) Name | LinkedIn"), optional title and company, the URL's profile.
   */
  function confirmForm(url) {
    const guess = (document.title || '').replace(/^\(\d+\)\s*/, '').replace(/\s*\|\s*LinkedIn\s*$/i, '').trim();
    const name = el('input', { type: 'text', value: guess, 'aria-label': 'Full name', 'data-testid': 'confirm-name' });
    const title = el('input', { type: 'text', placeholder: 'Title (optional)', 'aria-label': 'Title' });
    const company = el('input', { type: 'text', placeholder: 'Company (optional)', 'aria-label': 'Company' });
    const go = button('Save these details', 'save-confirmed', async () => {
      const person = toProspect({ full_name: name.value, title: title.value, company: company.value, linkedin_url: profileUrl(url) });
      if (!person.full_name) {
        showMessage('Name needed', 'Type the person’s name, then save.', true);
        return;
      }
      await save(Source.LINKEDIN, 'single', [person], null);
    });
    return el('div', { class: 'll-inline' }, el('span', {}, 'Or save only what you confirm:'), name, title, company, go);
  }

  /** Shows the "cannot read this page" notice once the page had time to render. */
  function unreadable(url, what) {
    if (!unreadableSince.has(url)) {
      unreadableSince.set(url, Date.now());
      setTimeout(() => Leadline.router.poke(), UNREADABLE_AFTER_MS + 100);
      return;
    }
    if (Date.now() - unreadableSince.get(url) < UNREADABLE_AFTER_MS || existing('notice', url)) return;
    const anchor = document.querySelector('main') || document.body;
    const { shadow } = mount(anchor, 'prepend', 'notice', url);
    const box = notice(
      'Leadline cannot read this ' + what + ': LinkedIn has changed its layout. Nothing was sent to your CRM.',
      'Reload the page; if this stays, update Leadline, or save what you can confirm below.'
    );
    if (what === 'profile') box.append(confirmForm(url));
    shadow.append(box);
    console.info('Leadline: no known layout matched on', url);
  }

  function showProfile(read, url) {
    const key = 'profile:' + url;
    if (existing('save', key)) return;
    const { prospect } = read;
    const stale = existing('notice', url);
    if (stale) stale.remove(); // the page rendered after all
    const { shadow } = mount(read.anchor, 'after', 'save', key);
    const badge = el('span', { class: 'll-badge', 'data-testid': 'crm-status' }, 'Checking CRM…');
    const saveButton = button('Save to CRM', 'save-prospect', async () => {
      saveButton.setAttribute('disabled', '');
      saveButton.textContent = 'Saving…';
      try {
        markSaved(badge, await save(Source.LINKEDIN, 'single', [prospect], null, {
          onUndone: (undone) => undone.deleted.some((d) => d.is_person) && markUndone(badge, undone),
          missing: read.missing && read.missing.length ? [{ index: 0, fields: read.missing }] : [],
        }));
      } finally {
        saveButton.removeAttribute('disabled');
        saveButton.textContent = 'Save to CRM';
      }
    });
    saveButton.setAttribute('aria-label', 'Save to CRM: ' + (prospect.full_name || 'this person'));
    shadow.append(el('span', { class: 'll-inline', 'data-layout': read.layout, 'data-missing': (read.missing || []).join(' ') }, saveButton, badge));
    hoverCard(shadow, saveButton, () => preview(Source.LINKEDIN, 'single'));
    // A job change (the record's title or company is not the page's) shows under the button,
    // with "Update in CRM" (source job_change: team sync writes the page's job on the record).
    lookup(Source.LINKEDIN, [prospect], [badge]).then((answer) => {
      const result = answer && answer.ok && Array.isArray(answer.results) ? answer.results[0] : null;
      const line = jobChangeNode(result, (text, updateButton) => updateJob(prospect, text, updateButton));
      if (line) shadow.append(line);
    });
  }

  /** Reads the page with every layout registered for its kind (layouts.js). */
  function scan(url) {
    const page = pageOf(url);
    if (!page) return;
    const readers = layouts.forPage(page.kind);
    if (page.kind === 'profile') {
      if (existing('save', 'profile:' + url)) return;
      const results = readers.map((layout) => layout.read(document, url));
      if (results.some((r) => r.status === 'stale')) return;
      const read = results.find((r) => r.status === 'ok');
      if (read) showProfile(read, url);
      else unreadable(url, page.what);
    } else {
      const lists = readers.map((layout) => layout.read(document, url));
      const list = lists.find((l) => l.items.length > 0) || lists[0] || { layout: null, items: [] };
      if (!listUi.show(list)) unreadable(url, page.what);
    }
  }

  start(scan);
})(globalThis);
