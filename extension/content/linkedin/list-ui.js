// The bulk UI shared by people search and company people pages: a checkbox (or a "skipped"
// reason) beside each person, and one bar with "Save selected", "Save all on this page" and a
// progress bar fed by the worker's save_progress messages. When people still wait in the
// outbox at the answer, the bar says so (never "Done") and counts them in as the worker reports
// them landed later. Idempotent: a person or bar that already has its widget is left alone, so
// it can run on every DOM change.
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
  /** People on the page that cannot be saved, by kind: {private, unreadable} (updated by show). */
  let skippedNow = { private: 0, unreadable: 0 };
  /** The bar's "N private profiles will be skipped" line, kept current as cards are added. */
  let skippedView = null;
  /** The last bulk save answered with people still waiting: {id, results, asked}. */
  let waitingSave = null;

  /** People of a waiting save landed later (the worker's `late` save_progress). */
  function landedLater(message) {
    if (!progressView || !waitingSave || message.save_id !== waitingSave.id) return;
    let saved = Math.max(0, Number(message.saved) || 0);
    let failed = Math.max(0, Number(message.failed) || 0);
    waitingSave.results = waitingSave.results.map((r) => {
      if (!r || r.status !== 'queued') return r;
      if (saved > 0) { saved -= 1; return { ...r, status: 'created', error: null }; }
      if (failed > 0) { failed -= 1; return { ...r, status: 'failed' }; }
      return r;
    });
    const still = waitingSave.results.filter((r) => r && r.status === 'queued').length;
    progressView.bar.value = waitingSave.results.length - still;
    progressView.text.textContent = outcomeText(waitingSave.results, waitingSave.asked);
    if (still === 0) waitingSave = null;
  }

  onProgress((message) => {
    if (message && message.late) { landedLater(message); return; }
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

  /** Why queued saves wait, in a few words, and whether they go by themselves. */
  function waitReason(results) {
    const error = (results.find((r) => r.error) || {}).error || {};
    const code = String(error.code || '');
    const hint = String(error.hint || '');
    if (code === 'invalid_grant' || code === 'not_connected' || /reconnect/i.test(hint)) {
      return { why: 'reconnect needed', then: 'they will be sent after you reconnect in Leadline settings' };
    }
    if (code === 'network_error') return { why: 'CRM not reachable', then: 'they will be sent automatically' };
    return { why: 'CRM busy', then: 'they will be sent automatically' };
  }

  const count = (n, one, many) => n + ' ' + (n === 1 ? one : many);

  /** The people a save of the whole page leaves out, with why: [{count, reason}]. */
  function skippedGroups(skipped) {
    return [
      skipped.private ? { count: skipped.private, reason: count(skipped.private, 'private profile', 'private profiles') + ' (“LinkedIn Member”): LinkedIn hides who they are' } : null,
      skipped.unreadable ? { count: skipped.unreadable, reason: count(skipped.unreadable, 'result', 'results') + ' Leadline could not read' } : null,
    ].filter(Boolean);
  }

  /** "1 private profile will be skipped." (and unreadable results), or '' when none. */
  function skippedText(skipped) {
    return [
      skipped.private ? count(skipped.private, 'private profile', 'private profiles') + ' will be skipped.' : '',
      skipped.unreadable ? count(skipped.unreadable, 'result', 'results') + ' Leadline could not read will be skipped.' : '',
    ].filter(Boolean).join(' ');
  }

  /**
   * The bar's last words: "Done" only when the CRM answered for everyone; otherwise how many
   * were saved and how many still wait in the outbox, and why. Skipped people are counted in.
   */
  function outcomeText(results, asked, skipped) {
    const groups = skipped ? skippedGroups(skipped) : [];
    const left = groups.length ? ' Skipped: ' + groups.map((g) => g.reason).join('; ') + '.' : '';
    return savedText(results, asked) + left;
  }

  function savedText(results, asked) {
    const waiting = results.filter((r) => r && r.status === 'queued');
    const failed = results.filter((r) => r && r.status === 'failed');
    if (waiting.length === 0) return 'Done: ' + results.length + ' of ' + asked + ' handled.';
    const saved = results.length - waiting.length - failed.length;
    const { why, then } = waitReason(waiting);
    return saved + ' saved · ' + waiting.length + ' waiting to retry (' + why + ')' +
      (failed.length ? ' · ' + failed.length + ' not saved' : '') + ' — ' + then + '.';
  }

  /** Saves `prospects`; `skipped` ({private, unreadable}) says who the page left out of them. */
  async function saveProspects(prospects, bar, skipped) {
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
      const answer = await save(Source.LINKEDIN, 'bulk', prospects, null, { skipped: skipped ? skippedGroups(skipped) : [] });
      const results = (answer.ok && answer.results) || [];
      results.forEach((r, i) => {
        const badge = badges.get(prospects[i]);
        if (badge) markSaved(badge, { ok: true, results: [r], crm: answer.crm });
      });
      const waiting = results.filter((r) => r && r.status === 'queued');
      bar.bar.value = answer.ok ? results.length - waiting.length : bar.bar.max;
      bar.text.textContent = answer.ok ? outcomeText(results, prospects.length, skipped) : 'Not saved: ' + String((answer.error && answer.error.message) || 'error');
      waitingSave = answer.ok && waiting.length ? { id: answer.save_id, results: results.slice(), asked: prospects.length } : null;
    } finally {
      saving = false;
      bar.buttons.forEach((b) => b.removeAttribute('disabled'));
    }
  }

  /** Adds the bulk bar before the list (once per page URL). */
  function bulkBar(anchor) {
    const key = location.href;
    if (existing('bulk', key) || !anchor || !anchor.isConnected) return;
    const { shadow } = mount(anchor, 'before', 'bulk', key);
    const bar = { bar: el('progress', { max: '1', value: '0', 'data-testid': 'save-progress' }), text: el('span', { class: 'll-muted', 'data-testid': 'save-progress-text' }) };
    bar.wrap = el('span', { class: 'll-inline', hidden: true }, bar.bar, bar.text);
    const selected = button('Save selected', 'save-selected', () =>
      saveProspects(pickHosts().filter((h) => h.shadowRoot.querySelector('input').checked).map((h) => picks.get(h)), bar, null));
    const all = button('Save all on this page', 'save-all', () => saveProspects(pickHosts().map((h) => picks.get(h)), bar, { ...skippedNow }));
    bar.buttons = [selected, all];
    skippedView = el('span', { class: 'll-muted', 'data-testid': 'save-skipped-count', hidden: true });
    shadow.append(el('div', { class: 'll-bar', role: 'group', 'aria-label': 'Leadline bulk save' }, el('b', {}, 'Leadline'), selected, all, bar.wrap, skippedView));
  }

  /** Decorates a read list ({items}); returns false when there was nothing to decorate. */
  function show(list) {
    if (!list.items.length) return false;
    decorate(list.items);
    const firstItem = list.items[0].element;
    const container = firstItem.closest('ul, [role="list"]') || firstItem.parentElement;
    bulkBar(container);
    skippedNow = {
      private: list.items.filter((i) => !i.prospect && i.skipKind === 'private').length,
      unreadable: list.items.filter((i) => !i.prospect && i.skipKind !== 'private').length,
    };
    if (skippedView) {
      const text = skippedText(skippedNow);
      if (skippedView.textContent !== text) skippedView.textContent = text;
      skippedView.hidden = text === '';
    }
    return true;
  }

  Leadline.linkedin = Leadline.linkedin || {};
  Leadline.linkedin.listUi = { show };
})(globalThis);
