// What happens around a save, the same on every site: the "already in CRM" badge (lookup), the
// hover preview (preview: who will be Created By and Owner, and why), the save itself and the
// toast that reports each result in plain words, with the worker's one-time notice (e.g.
// "reconnect needed") and, after a save that created something, "Undo" for a few seconds.
// Site files only find prospects and anchors. Everything from the worker is shown as text.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { el, toast, whyToggle, button } = Leadline.ui;
  const { send, Kind, Source } = Leadline.bridge;

  const CREDENTIAL_WORDS = {
    personal: 'your own connection',
    team_sync: 'team sync',
    highest_permission: 'the strongest connected account',
  };

  /** A person reference from the worker ({id,name} or an id string) as text. */
  function who(value, fallbackName) {
    if (fallbackName) return String(fallbackName);
    if (value && typeof value === 'object') return String(value.name || value.email || value.id || 'unknown');
    if (typeof value === 'string' && value !== '') return value;
    return 'unknown';
  }

  /** A person reference that names someone (a linked record has no Created By of this save). */
  const known = (value) => Boolean(value && (typeof value === 'string' ? value : value.id || value.name || value.email));

  /** `salesforce` / `hubspot` from a record URL, or null. */
  const crmOf = (url) => (crmName({ record_url: url }) === 'your CRM' ? null : crmName({ record_url: url }).toLowerCase());

  /** "Salesforce" / "HubSpot" / "your CRM", from an explicit crm field or a record URL. */
  function crmName(result) {
    const crm = result && (result.crm || '');
    const url = (result && result.record_url) || '';
    if (crm === 'salesforce' || /salesforce\.com|force\.com/.test(url)) return 'Salesforce';
    if (crm === 'hubspot' || /hubspot|hubapi/.test(url)) return 'HubSpot';
    return 'your CRM';
  }

  /** Only https links from the worker become clickable. */
  function recordLink(url, label) {
    if (typeof url !== 'string' || !/^https:\/\//.test(url)) return null;
    return el('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, label);
  }

  function errorNodes(error) {
    const e = error || {};
    return [
      el('div', { class: 'll-row', 'data-testid': 'save-error' }, String(e.message || 'Something went wrong.')),
      e.hint ? el('div', { class: 'll-row ll-muted' }, String(e.hint)) : null,
      e.code ? el('div', { class: 'll-muted' }, 'Code: ' + String(e.code)) : null,
    ];
  }

  /** The preview card content for a `{kind:"preview"}` answer. */
  function previewNodes(answer) {
    if (!answer.ok) return [el('div', { class: 'll-title' }, 'Cannot save yet'), ...errorNodes(answer.error)];
    const d = answer.decision || {};
    if (d.ok === false) return [el('div', { class: 'll-title' }, 'Cannot save yet'), ...errorNodes(d.error)];
    const via = d.credential && CREDENTIAL_WORDS[d.credential.kind];
    const reasons = Array.isArray(d.reasons) ? d.reasons : [];
    const warnings = Array.isArray(d.warnings) ? d.warnings : [];
    return [
      el('div', { class: 'll-title' }, 'If you save now'),
      el('div', { class: 'll-row' }, el('b', {}, 'Created By: '), who(d.created_by, d.created_by_name) + (via ? ' (' + via + ')' : '')),
      el('div', { class: 'll-row' }, el('b', {}, 'Owner: '), who(d.owner, d.owner_name)),
      reasons.length ? el('ul', {}, ...reasons.map((r) => el('li', {}, String(r)))) : null,
      warnings.length ? el('div', { class: 'll-muted' }, 'Warnings: ' + warnings.join(', ')) : null,
    ];
  }

  const STATUS_WORDS = {
    created: (r) => 'Created ' + (r.object || 'record'),
    linked: (r) => 'Already in ' + crmName(r) + ' (linked to the existing ' + (r.object || 'record') + ')',
    queued: (r) => waitingWords(r),
    failed: () => 'Not saved',
    updated: (r) => updatedWords(r),
  };

  /** "Updated in Salesforce: VP Sales at Globex (was Head of Sales at Initech)": what the CRM holds now. */
  function updatedWords(r) {
    const u = r.job_update || {};
    return 'Updated in ' + crmName(r) + ': ' + jobWords(u.now) + (u.was ? ' (was ' + jobWords(u.was) + ')' : '');
  }

  /** The core's warning codes in words (an unknown code is shown as it is). */
  const WARNING_WORDS = {
    linked_by_duplicate_rule: 'the CRM’s duplicate rule found this person, so the save was linked to them',
    owner_fallback: 'the CRM refused the chosen owner, so the pushing user owns it (see why?)',
    activity_not_logged: 'the email was not logged: no connection here may log it',
    account_ambiguous: 'not linked to an Account: several have this company’s name',
    account_not_created: 'not linked to an Account: the CRM refused to create it (see why?)',
  };
  const warningWords = (w) => WARNING_WORDS[w] || String(w);

  /** What a waiting save waits on, in words that say what happens next (`waiting_for`). */
  function waitingWords(r) {
    switch (r && r.waiting_for) {
      case 'reconnect': return 'Kept, waiting for you to reconnect (then it is sent)';
      case 'sign_in': return 'Kept, waiting for you to sign in to your team server (then it is sent)';
      case 'admin': return 'Kept on your team server, waiting for your admin (then it is sent)';
      case 'network': return 'Kept, waiting for the network (sent as soon as it is back)';
      default: return 'Waiting to be sent (it will retry on its own)';
    }
  }

  /** `label: value` as inline nodes. */
  const labelled = (label, value) => [el('b', {}, label + ': '), value];

  /**
   * Who the record belongs to, in one row: "Owner: … · Created By: …". The object is named too
   * when the title does not already say it ("Created Lead", "linked to the existing Lead").
   */
  function whoRow(r) {
    const parts = [];
    if (r.object && r.status !== 'created' && r.status !== 'linked') parts.push(labelled('Object', String(r.object)));
    if (known(r.owner)) parts.push(labelled('Owner', who(r.owner)));
    if (known(r.created_by)) parts.push(labelled('Created By', who(r.created_by)));
    if (!parts.length) return null;
    return el('div', { class: 'll-row' }, ...parts.flatMap((part, i) => (i ? [' · ', ...part] : part)));
  }

  /**
   * One save result as nodes, at most four lines when nothing went wrong: the title, who owns
   * it, a note when there is one, and one row of actions ("Open in …", "why?", and `trailing`:
   * the Undo of a one-person save).
   */
  function resultNodes(result, trailing) {
    const r = result || {};
    const status = STATUS_WORDS[r.status] ? STATUS_WORDS[r.status](r) : 'Unknown result';
    const reasons = Array.isArray(r.reasons) ? r.reasons : [];
    const warnings = Array.isArray(r.warnings) ? r.warnings : [];
    const actions = [recordLink(r.record_url, 'Open in ' + crmName(r)), reasons.length ? whyToggle(reasons) : null, trailing]
      .filter(Boolean);
    return el('div', { class: 'll-result', 'data-status': String(r.status || 'unknown') },
      el('div', { class: 'll-title' }, (r.name ? String(r.name) + ': ' : '') + status),
      r.status === 'failed' || (r.error && !r.error_in_notice) ? el('div', {}, ...errorNodes(r.error)) : null,
      whoRow(r),
      r.job_update && r.job_update.account_note
        ? el('div', { class: 'll-row', 'data-testid': 'job-update-account' }, String(r.job_update.account_note)) : null,
      warnings.length ? el('div', { class: 'll-muted' }, 'Note: ' + warnings.map(warningWords).join('; ')) : null,
      actions.length ? el('div', { class: 'll-actions' }, ...actions) : null);
  }

  /** The worker's one-time notice (`{message, hint}` or a string), as text, or null. */
  function noticeNodes(notice) {
    if (!notice) return null;
    const message = typeof notice === 'string' ? notice : String(notice.message || '');
    const hint = typeof notice === 'object' && notice.hint ? String(notice.hint) : '';
    if (!message && !hint) return null;
    return el('div', { class: 'll-notice', role: 'alert', 'data-testid': 'save-notice' },
      el('div', { class: 'll-title' }, 'Leadline needs your attention'),
      message ? el('div', {}, message) : null,
      hint ? el('div', { class: 'll-muted' }, hint) : null);
  }

  /** Marks a waiting reason that is the notice itself, so the toast says it once. */
  function withoutNoticeCopy(results, notice) {
    if (!notice) return results;
    const same = (e) => Boolean(e) && typeof notice === 'object' && e.message === notice.message && e.hint === notice.hint;
    return results.map((r) => (r ? { ...r, error_in_notice: r.status === 'queued' && same(r.error) } : r));
  }

  const OBJECT_WORDS = { contacts: 'contact', emails: 'email', notes: 'note', calls: 'call' };
  const objectWord = (o) => OBJECT_WORDS[o] || String(o || 'record');
  const plural = (n, word) => n + ' ' + word + (n === 1 ? '' : 's');

  /** What an undo answer says, in one sentence. */
  function undoText(answer) {
    if (!answer.ok) {
      const e = answer.error || {};
      return 'Not undone: ' + String(e.message || 'Leadline could not undo this save.') + (e.hint ? ' ' + String(e.hint) : '');
    }
    const deleted = Array.isArray(answer.deleted) ? answer.deleted : [];
    const failed = Array.isArray(answer.failed) ? answer.failed : [];
    const people = deleted.filter((d) => d.is_person).map((d) => String(d.name) + ' (' + objectWord(d.object) + ')');
    const activities = deleted.filter((d) => !d.is_person);
    const parts = [];
    if (people.length) parts.push(people.join(', '));
    const byObject = new Map(); // "1 email", "1 Task and 1 Account"
    for (const a of activities) byObject.set(a.object, (byObject.get(a.object) || 0) + 1);
    for (const [object, n] of byObject) parts.push(plural(n, objectWord(object)));
    let text = (failed.length ? 'Partly undone: deleted ' : 'Undone: deleted ') + (parts.join(' and ') || 'nothing') + '.';
    if (!people.length && activities.length) text += ' Records that were already in your CRM stay.';
    for (const f of failed) {
      text += ' Not deleted: ' + String(f.name) + ' (' + objectWord(f.object) + '): ' + String((f.error && f.error.message) || 'refused') + '.';
    }
    return text;
  }

  /**
   * "Undo (10s)" under a save that created something: counts down, then goes away. Clicking it
   * asks the worker to delete exactly what the save created; `onUndone(answer)` runs after.
   */
  function undoRow(undo, onUndone) {
    if (!undo || typeof undo.save_id !== 'string') return null;
    const source = location.hostname === 'mail.google.com' ? Source.GMAIL : Source.LINKEDIN;
    let left = Math.max(1, Math.min(60, Number(undo.seconds) || 10));
    const status = el('span', { class: 'll-muted', 'data-testid': 'undo-status' });
    const label = () => 'Undo (' + left + 's)';
    let timer = null;
    const undoButton = button(label(), 'save-undo', async () => {
      clearInterval(timer);
      undoButton.setAttribute('disabled', '');
      undoButton.textContent = 'Undoing…';
      const answer = await send({ kind: Kind.UNDO, source, save_id: undo.save_id });
      undoButton.remove();
      status.textContent = undoText(answer);
      row.dataset.state = answer.ok ? 'undone' : 'refused';
      if (answer.ok && onUndone) onUndone(answer);
    });
    undoButton.title = 'Delete what this save just created'; // the name stays the visible "Undo (Ns)"
    const row = el('div', { class: 'll-row', 'data-testid': 'undo-row', 'data-state': 'open' }, undoButton, status);
    timer = setInterval(() => {
      left -= 1;
      if (left > 0) {
        undoButton.textContent = label();
        return;
      }
      clearInterval(timer);
      undoButton.remove();
      row.dataset.state = 'closed';
      status.textContent = 'Saved. The undo window has closed.';
    }, 1000);
    return row;
  }

  /**
   * Shows a save answer (single or bulk) in the toast. `hooks.onUndone(answer)` runs after a
   * successful Undo (e.g. to reset a badge).
   */
  function showSaveAnswer(answer, hooks) {
    if (!answer.ok) return toast([el('div', { class: 'll-title' }, 'Not saved'), ...errorNodes(answer.error)], true);
    const results = withoutNoticeCopy(Array.isArray(answer.results) ? answer.results : [], answer.notice)
      .map((r) => (r && !r.crm && answer.crm ? { ...r, crm: answer.crm } : r)); // "Already in HubSpot"
    const failed = results.filter((r) => r && r.status === 'failed').length;
    const skipped = hooks && Array.isArray(hooks.skipped) ? hooks.skipped : [];
    const head = results.length > 1 || skipped.length ? el('div', { class: 'll-title', 'data-testid': 'save-summary' }, summary(results, skipped)) : null;
    const undo = undoRow(answer.undo, hooks && hooks.onUndone);
    const alone = results.length <= LIST_ALONE;
    // A one-person toast keeps Undo on its actions row; a list's Undo is for the whole save.
    const details = [skippedNodes(skipped), ...results.map((r) => resultNodes(r, alone ? undo : null)),
      ...missingNodes(hooks && hooks.missing, results)];
    const body = alone ? details : detailsToggle(details);
    return toast([noticeNodes(answer.notice), head, ...body, alone && results.length ? null : undo],
      failed > 0 && failed === results.length);
  }

  /**
   * A toast about this many people shows their details at once; from two people on it is one
   * summary line ("2 people: 1 created, 1 linked") with the details behind "Show details", so
   * "Log this email" on three people does not repeat "Already in Salesforce" three times.
   */
  const LIST_ALONE = 1;

  /** "Show details" (a keyboard-reachable toggle) over `nodes`, hidden until asked for. */
  function detailsToggle(nodes) {
    const box = el('div', { class: 'll-details', id: 'll-save-details', hidden: true, 'data-testid': 'save-details' }, ...nodes);
    const toggle = button('Show details', 'save-details-toggle', () => {
      box.hidden = !box.hidden;
      toggle.textContent = box.hidden ? 'Show details' : 'Hide details';
      toggle.setAttribute('aria-expanded', String(!box.hidden));
    });
    toggle.className = 'll-link';
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-controls', 'll-save-details');
    return [el('div', { class: 'll-row' }, toggle), box];
  }

  /** "5 people: 3 created, 1 linked, 1 failed, 2 skipped" (`skipped`: [{count, reason}]). */
  function summary(results, skipped) {
    const counts = {};
    for (const r of results) counts[r.status] = (counts[r.status] || 0) + 1;
    const words = { created: 'created', linked: 'linked', updated: 'updated', queued: 'waiting', failed: 'failed' };
    const parts = Object.keys(words).filter((s) => counts[s]).map((s) => counts[s] + ' ' + words[s]);
    const left = (skipped || []).reduce((n, g) => n + (Number(g.count) || 0), 0);
    if (left) parts.push(left + ' skipped');
    return results.length + (results.length === 1 ? ' person: ' : ' people: ') + parts.join(', ');
  }

  /** Why people were left out of the save ("1 private profile: LinkedIn hides who they are"). */
  function skippedNodes(skipped) {
    if (!skipped || !skipped.length) return null;
    return el('div', { class: 'll-row ll-muted', 'data-testid': 'save-skipped-summary' },
      'Skipped: ' + skipped.map((g) => String(g.reason)).join('; ') + '.');
  }

  /** Shows a plain message in the toast (nothing was sent). */
  function showMessage(title, text, isError) {
    return toast([el('div', { class: 'll-title' }, title), el('div', {}, text)], isError);
  }

  /**
   * Sends a save and shows its answer (`hooks` as in showSaveAnswer); resolves to the answer.
   * `hooks.missing` ([{index, fields}]): fields the page shows that the extractor could not
   * read, per prospect; they travel with the save (`missing`) and the toast names them.
   */
  async function save(source, push, prospects, activity, hooks) {
    const missing = missingOf(hooks, prospects.length);
    const message = { kind: Kind.SAVE, source, push, prospects, activity: activity || null, page_url: location.href };
    if (missing.length) message.missing = missing;
    const answer = await send(message);
    showSaveAnswer(answer, { ...hooks, missing });
    return answer;
  }

  /** The well-formed `hooks.missing` entries: an index into the prospects and field names. */
  function missingOf(hooks, count) {
    const list = hooks && Array.isArray(hooks.missing) ? hooks.missing : [];
    return list
      .filter((m) => m && Number.isInteger(m.index) && m.index >= 0 && m.index < count && Array.isArray(m.fields) && m.fields.length)
      .map((m) => ({ index: m.index, fields: m.fields.map(String) }));
  }

  /** "location not found on this layout" rows, one per person with missing fields. */
  function missingNodes(missing, results) {
    return (missing || []).map((m) => {
      const r = results[m.index];
      const who = r && r.name && results.length > 1 ? String(r.name) + ': ' : '';
      const fields = m.fields.join(' and ');
      return el('div', { class: 'll-row ll-muted', 'data-testid': 'save-missing' },
        who + fields + ' not found on this layout (saved without ' + (m.fields.length === 1 ? 'it' : 'them') + ')');
    });
  }

  /** Asks the worker for the local decision and returns preview card nodes. */
  async function preview(source, push) {
    return previewNodes(await send({ kind: Kind.PREVIEW, source, push }));
  }

  /**
   * One wording per badge state, on every site: "In HubSpot · Owner: X", "Not in CRM yet", or
   * "Connect Leadline to check" when no connection could ask the CRM (`checked: false`).
   */
  function foundWords(crm, owner) {
    return 'In ' + crmName({ crm }) + (owner ? ' · Owner: ' + String(owner) : '');
  }

  /** A job as words: "VP Sales at Globex", "VP Sales" or "Globex". */
  const jobWords = (job) => [job && job.title, job && job.company].filter(Boolean).map(String).join(' at ');

  /**
   * The line under a badge when the page shows another job than the CRM record (the core's
   * `job_change`): "In Salesforce as Head of Sales at Initech; LinkedIn now says VP Sales at
   * Globex." Null without a job change. With `onUpdate`, an "Update in CRM" button follows the
   * line (a real button: keyboard reachable, named by its text, only a trusted click acts);
   * `onUpdate(line, updateButton)` runs on a click.
   */
  function jobChangeNode(result, onUpdate) {
    const change = result && result.job_change;
    if (!change || !change.crm || !change.page) return null;
    const text = 'In ' + crmName(result) + ' as ' + jobWords(change.crm) + '; LinkedIn now says ' + jobWords(change.page) + '.';
    const line = el('span', { 'data-testid': 'job-change' }, text);
    const box = el('div', { class: 'll-muted' }, line);
    if (onUpdate) {
      const updateButton = button('Update in CRM', 'job-update', () => onUpdate(line, updateButton));
      box.append(' ', updateButton);
    }
    return box;
  }

  /**
   * "Update in CRM": sends the page's job for the one person as source `job_change` and shows
   * the answer; after an update the line says what the CRM now holds and the button goes.
   */
  async function updateJob(prospect, line, updateButton) {
    updateButton.setAttribute('disabled', '');
    updateButton.textContent = 'Updating…';
    let updated = false;
    try {
      const answer = await save(Source.JOB_CHANGE, 'single', [prospect], null);
      const r = answer.ok && Array.isArray(answer.results) ? answer.results[0] : null;
      updated = Boolean(r && r.status === 'updated');
      if (updated) line.textContent = updatedWords({ ...r, crm: r.crm || answer.crm }) + '.';
      return answer;
    } finally {
      if (updated) {
        updateButton.remove();
      } else {
        updateButton.removeAttribute('disabled');
        updateButton.textContent = 'Update in CRM';
      }
    }
  }

  /** Fills `badges[i]` with "In Salesforce · Owner: X" / "Not in CRM yet" for each prospect. */
  async function lookup(source, prospects, badges, mailbox) {
    const message = { kind: Kind.LOOKUP, source, prospects };
    if (mailbox) message.mailbox = String(mailbox); // Gmail: the core checks it against the CRM user
    const answer = await send(message);
    badges.forEach((badge, i) => fillBadge(badge, answer.ok && Array.isArray(answer.results) ? answer.results[i] : null, answer));
    return answer;
  }

  /**
   * A list page's cards (`{key, link, prospect}`, private members' included) looked up in one
   * message; the answer's `cards` holds the core's answer for each card by its key: `{key,
   * skipped:{kind, reason}}` or its lookup result (also when the CRM could not be asked).
   */
  async function lookupCards(source, cards) {
    return send({ kind: Kind.LOOKUP, source, cards });
  }

  /** Fills a badge from one lookup result `r` of `answer` ("In Salesforce · Owner: X", …). */
  function fillBadge(badge, r, answer) {
    if (!answer.ok || !r || !('found' in r)) {
      badge.textContent = answer.ok ? '' : 'CRM status unknown';
      badge.title = answer.ok ? '' : String((answer.error && answer.error.message) || '');
      return;
    }
    badge.className = r.found ? 'll-badge ll-found' : 'll-badge';
    if (r.found) badge.textContent = foundWords(r.crm || answer.crm || crmOf(r.record_url), r.owner_name);
    else badge.textContent = r.checked === false ? 'Connect Leadline to check' : 'Not in CRM yet';
  }

  /** After a save of one person, turns their badge into what the CRM now holds. */
  function markSaved(badge, answer) {
    const r = answer.ok && Array.isArray(answer.results) ? answer.results[0] : null;
    if (!r) return;
    if (r.status === 'created' || r.status === 'linked') {
      badge.className = 'll-badge ll-found';
      badge.textContent = foundWords(r.crm || answer.crm || crmOf(r.record_url), known(r.owner) ? who(r.owner) : null);
    } else if (r.status === 'queued') {
      badge.className = 'll-badge';
      badge.textContent = 'Waiting to be sent';
    }
  }

  /** After an Undo, the badges of the people whose record was deleted say so again. */
  function markUndone(badge, answer) {
    badge.className = 'll-badge';
    badge.textContent = 'Not in CRM yet';
    return answer;
  }

  Leadline.saveFlow = {
    save, preview, lookup, lookupCards, fillBadge, jobChangeNode, updateJob, markSaved, markUndone, showSaveAnswer, showMessage, previewNodes, resultNodes,
    errorNodes, noticeNodes, withoutNoticeCopy, undoRow, crmName, waitingWords,
  };
})(globalThis);
