// The bulk UI shared by people search and company people pages: a checkbox (or a "skipped"
// reason) beside each card, and one bar with "Save selected", "Save all on this page" and a
// progress bar fed by the worker's save_progress messages. When people still wait in the
// outbox at the answer, the bar says so (never "Done") and counts them in as the worker reports
// them landed later. Who is a private member, and which card cannot be read, is the core's
// answer: the page sends every card to the worker's lookup and shows what comes back for each
// card, by its key (a checkbox and a CRM badge, or the core's reason). Idempotent: a card or bar
// that already has its widget, or whose answer is awaited, is left alone, so it can run on
// every DOM change.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { el, mount, button, checkbox } = Leadline.ui;
  const { existing } = Leadline.router;
  const { Source, onProgress } = Leadline.bridge;
  const { save, showMessage, lookupCards, fillBadge, markSaved } = Leadline.saveFlow;

  /** Host element → the prospect its checkbox stands for. */
  const picks = new WeakMap();
  /** Prospect → its "In Salesforce · Owner: …" badge. */
  const badges = new WeakMap();
  let progressView = null;
  let saving = false;
  /** People on the page that cannot be saved, by the core's kind: {private, unreadable}. */
  let skippedNow = { private: 0, unreadable: 0 };
  /** Cards whose answer is awaited (page URL + key): never asked twice at once. */
  const asking = new Set();
  /** The core's skip kind of each card shown skipped (page URL + key), for the counts. */
  const skipKinds = new Map();
  /** The items of the last list shown, to count its skipped cards when answers arrive. */
  let shownItems = [];
  /** Why the last lookup answered no card ('' when it did). */
  let unanswered = '';
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

  const cardKey = (item) => location.href + '\n' + item.key;

  /**
   * Sends the cards that have no widget yet to the worker in one lookup (one CRM query for all
   * of them) and adds each card's widget from the core's answer for its key: a checkbox and
   * the CRM badge for a person, the core's reason for a private or unreadable card. A card
   * without an answer (the worker unreachable) is asked again at a later scan.
   */
  async function decorate(items) {
    const fresh = items.filter((item) => !existing('pick', item.key) && !asking.has(cardKey(item)) && item.anchor && item.anchor.isConnected);
    if (!fresh.length) return;
    fresh.forEach((item) => asking.add(cardKey(item)));
    const answer = await lookupCards(Source.LINKEDIN, fresh.map((item) => item.card));
    const replies = Array.isArray(answer.cards) ? answer.cards : [];
    // No answer for any card (the worker unreachable): the bar says why, a later scan asks again.
    unanswered = replies.length || answer.ok ? '' : String((answer.error && answer.error.message) || 'Leadline got no answer.');
    const byKey = new Map(replies.filter((c) => c && typeof c.key === 'string').map((c) => [c.key, c]));
    const firstItem = fresh[0].element;
    if (firstItem.isConnected) bulkBar(firstItem.closest('ul, [role="list"]') || firstItem.parentElement);
    for (const item of fresh) {
      asking.delete(cardKey(item));
      const reply = byKey.get(item.key);
      if (!reply || existing('pick', item.key) || !item.anchor.isConnected) continue;
      const { host, shadow } = mount(item.anchor, 'before', 'pick', item.key);
      if (reply.skipped) {
        skipKinds.set(cardKey(item), reply.skipped.kind === 'private' ? 'private' : 'unreadable');
        shadow.append(el('span', { class: 'll-inline ll-muted', 'data-testid': 'save-skipped', 'data-skip': String(reply.skipped.kind) }, String(reply.skipped.reason || '')));
        continue;
      }
      const person = item.card.prospect;
      const box = checkbox('Select', 'save-pick');
      box.input.setAttribute('aria-label', 'Select ' + (person.full_name || 'this person') + ' for saving');
      const badge = el('span', { class: 'll-badge', 'data-testid': 'crm-status' }, 'Checking CRM…');
      shadow.append(el('span', { class: 'll-inline' }, box.label, badge));
      picks.set(host, person);
      badges.set(person, badge);
      fillBadge(badge, reply, answer);
    }
    countSkipped();
  }

  /** Counts the skipped cards of the list shown, by the core's kind, into the bar's line. */
  function countSkipped() {
    const kinds = shownItems.map((item) => skipKinds.get(cardKey(item))).filter(Boolean);
    skippedNow = { private: kinds.filter((k) => k === 'private').length, unreadable: kinds.filter((k) => k !== 'private').length };
    if (skippedView) {
      const text = unanswered ? 'Leadline could not check these people: ' + unanswered : skippedText(skippedNow);
      if (skippedView.textContent !== text) skippedView.textContent = text;
      skippedView.hidden = text === '';
    }
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

  /** Adds the bulk bar before the list (once per page URL), with the first cards' answers. */
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
    shownItems = list.items;
    countSkipped();
    decorate(list.items).catch((error) => console.debug('Leadline: list cards', error));
    return true;
  }

  Leadline.linkedin = Leadline.linkedin || {};
  Leadline.linkedin.listUi = { show };
})(globalThis);
