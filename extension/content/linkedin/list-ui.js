// The bulk UI shared by people search and company people pages: a checkbox (or a "skipped"
// reason) beside each person, and one bar with "Save selected", "Save all on this page" and a
// progress bar fed by the worker's save_progress messages. Idempotent: a person or bar that
// already has its widget is left alone, so it can run on every DOM change.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { el, mount, button, checkbox } = Leadline.ui;
  const { existing } = Leadline.router;
  const { Source, onProgress } = Leadline.bridge;
  const { save, showMessage, lookup, markSaved } = Leadline.saveFlow;

  /** Host element → the prospect its checkbox stands for. */
  const picks = new WeakMap();
  /** Prospect → its "In Salesforce · Owner: …" badge. */
  const badges = new WeakMap();
  let progressView = null;
  let saving = false;

  onProgress((message) => {
    if (!progressView || !saving) return;
    const total = Number(message.total) || 0;
    const done = Math.min(Number(message.done) || 0, total);
    progressView.bar.max = Math.max(total, 1);
    progressView.bar.value = done;
    const notice = typeof message.notice === 'string' ? message.notice : message.notice && message.notice.message;
    progressView.text.textContent = 'Saving ' + done + ' of ' + total + '…' + (notice ? ' ' + String(notice) : '');
  });

  function pickHosts() {
    return [...document.querySelectorAll('[data-leadline="pick"]')].filter((host) => picks.has(host));
  }

  /** Adds the per-person widget to each item that lacks one; the new people's CRM badges come
   * from one lookup for all of them (the worker answers a whole list with one CRM query). */
  function decorate(items) {
    const fresh = [];
    for (const item of items) {
      if (existing('pick', item.key) || !item.anchor || !item.anchor.isConnected) continue;
      const { host, shadow } = mount(item.anchor, 'before', 'pick', item.key);
      if (item.prospect) {
        const box = checkbox('Select', 'save-pick');
        box.input.setAttribute('aria-label', 'Select ' + (item.prospect.full_name || 'this person') + ' for saving');
        const badge = el('span', { class: 'll-badge', 'data-testid': 'crm-status' }, 'Checking CRM…');
        shadow.append(el('span', { class: 'll-inline' }, box.label, badge));
        picks.set(host, item.prospect);
        badges.set(item.prospect, badge);
        fresh.push(item.prospect);
      } else {
        shadow.append(el('span', { class: 'll-inline ll-muted', 'data-testid': 'save-skipped' }, item.skipped));
      }
    }
    if (fresh.length) lookup(Source.LINKEDIN, fresh, fresh.map((p) => badges.get(p)));
  }

  async function saveProspects(prospects, bar) {
    if (saving) return;
    if (prospects.length === 0) {
      showMessage('Nothing selected', 'Tick the people you want to save, or use “Save all on this page”.', false);
      return;
    }
    saving = true;
    bar.buttons.forEach((b) => b.setAttribute('disabled', ''));
    progressView = bar;
    bar.wrap.hidden = false;
    bar.bar.max = prospects.length;
    bar.bar.value = 0;
    bar.text.textContent = 'Saving 0 of ' + prospects.length + '…';
    try {
      const answer = await save(Source.LINKEDIN, 'bulk', prospects, null);
      const results = (answer.ok && answer.results) || [];
      results.forEach((r, i) => {
        const badge = badges.get(prospects[i]);
        if (badge) markSaved(badge, { ok: true, results: [r] });
      });
      bar.bar.value = bar.bar.max;
      bar.text.textContent = answer.ok ? 'Done: ' + results.length + ' of ' + prospects.length + ' handled.' : 'Not saved: ' + String((answer.error && answer.error.message) || 'error');
    } finally {
      saving = false;
      bar.buttons.forEach((b) => b.removeAttribute('disabled'));
    }
  }

  /** Adds the bulk bar before the list (once per page URL). */
  function bulkBar(anchor, skippedCount) {
    const key = location.href;
    if (existing('bulk', key) || !anchor || !anchor.isConnected) return;
    const { shadow } = mount(anchor, 'before', 'bulk', key);
    const bar = { bar: el('progress', { max: '1', value: '0', 'data-testid': 'save-progress' }), text: el('span', { class: 'll-muted', 'data-testid': 'save-progress-text' }) };
    bar.wrap = el('span', { class: 'll-inline', hidden: true }, bar.bar, bar.text);
    const selected = button('Save selected', 'save-selected', () =>
      saveProspects(pickHosts().filter((h) => h.shadowRoot.querySelector('input').checked).map((h) => picks.get(h)), bar));
    const all = button('Save all on this page', 'save-all', () => saveProspects(pickHosts().map((h) => picks.get(h)), bar));
    bar.buttons = [selected, all];
    const skipped = skippedCount > 0
      ? el('span', { class: 'll-muted', 'data-testid': 'save-skipped-count' }, skippedCount + (skippedCount === 1 ? ' private profile' : ' private profiles') + ' will be skipped.')
      : null;
    shadow.append(el('div', { class: 'll-bar', role: 'group', 'aria-label': 'Leadline bulk save' }, el('b', {}, 'Leadline'), selected, all, bar.wrap, skipped));
  }

  /** Decorates a read list ({items}); returns false when there was nothing to decorate. */
  function show(list) {
    if (!list.items.length) return false;
    decorate(list.items);
    const firstItem = list.items[0].element;
    const container = firstItem.closest('ul, [role="list"]') || firstItem.parentElement;
    bulkBar(container, list.items.filter((i) => !i.prospect).length);
    return true;
  }

  Leadline.linkedin = Leadline.linkedin || {};
  Leadline.linkedin.listUi = { show };
})(globalThis);
