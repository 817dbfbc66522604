// "Log this email": who the latest open message is logged on, and what the toast says.
//
// The email goes on the message's primary external person — the external sender, or when the
// rep (or a colleague) sent it, the first external To recipient — who is created if not yet in
// the CRM only when the rep chooses so in the panel (main.js); and on every other external
// person of that message who is ALREADY in the CRM (known from the panel's page-load lookup, or
// saved since). Nobody else is created: the toast lists on whom it was logged, who was created,
// and who was not logged with why. `pick` is pure (testable on plain values).
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { el, toast } = Leadline.ui;
  const { resultNodes, errorNodes, noticeNodes, withoutNoticeCopy, undoRow, crmName, waitingWords } = Leadline.saveFlow;

  const NOT_IN_CRM = 'not in your CRM — Save them first';

  /**
   * Splits a message's people: `{primary, also:[person], skipped:[{person, why}]}`.
   * `message` is `{from:{email}, to:[{email}]}`, `externals` the thread's external people
   * (`{email, name, ...}`), `known` a Set of lower-case emails already in the CRM.
   */
  function pick(message, externals, known) {
    const byEmail = new Map(externals.map((p) => [String(p.email).toLowerCase(), p]));
    const external = (p) => (p && p.email ? byEmail.get(String(p.email).toLowerCase()) : null) || null;
    const people = [];
    for (const p of [message.from, ...(message.to || [])]) {
      const ext = external(p);
      if (ext && !people.includes(ext)) people.push(ext);
    }
    const fromExternal = external(message.from);
    const primary = fromExternal || (message.to || []).map(external).find(Boolean) || null;
    const also = [];
    const skipped = [];
    for (const p of people) {
      if (p === primary) continue;
      if (known.has(String(p.email).toLowerCase())) also.push(p);
      else skipped.push({ person: p, why: NOT_IN_CRM });
    }
    return { primary, also, skipped };
  }

  const nameOf = (p) => String(p.name || p.email);
  const isNew = (r) => r.status === 'created';

  /** The toast's first line for a log answer (`results[0]` is the primary person; `crm` the answer's). */
  function headline(results, crm) {
    const first = results[0] || {};
    const others = results.slice(1).filter((r) => r && r.activity_id);
    const where = crm === 'hubspot' || crmName(first) === 'HubSpot' ? 'an email activity' : 'a Task';
    const also = others.length ? ' · also on ' + others.length + ' existing ' + (others.length === 1 ? 'contact' : 'contacts') : '';
    const who = String(first.name || 'them') + ' (' + String(first.object || 'record') + ', ' + (isNew(first) ? 'new' : 'existing') + ')';
    if (first.activity_id) return 'Email logged as ' + where + ' on ' + who + also;
    if (first.status === 'queued') return 'Email for ' + String(first.name || 'them') + ': ' + waitingWords(first).toLowerCase() + also;
    if (first.status === 'failed') return 'Email not logged on ' + String(first.name || 'them') + also;
    const why = (first.warnings || []).includes('activity_not_logged')
      ? 'no connection here may log emails'
      : 'logging emails is turned off in Leadline settings';
    return (isNew(first) ? 'Saved ' + who + ', but the email was not logged: ' : 'Email not logged: ') + why + also;
  }

  /** Shows the answer of a log save; `picked` is what `pick` chose; `hooks` as in save-flow. */
  function showLogAnswer(answer, picked, hooks) {
    if (!answer.ok) return toast([el('div', { class: 'll-title' }, 'Email not logged'), ...errorNodes(answer.error)], true);
    const results = withoutNoticeCopy(Array.isArray(answer.results) ? answer.results : [], answer.notice);
    const notLogged = [
      ...results.slice(1).filter((r) => r && !r.activity_id)
        .map((r) => String(r.name) + ' — ' + (r.status === 'queued' ? 'waiting to be sent' : String((r.error && r.error.message) || 'not logged'))),
      ...picked.skipped.map((s) => nameOf(s.person) + ' — ' + s.why),
    ];
    const first = results[0] || {};
    const loggedOn = results.filter((r) => r && r.activity_id).map((r) => String(r.name));
    const created = results.filter((r) => r && isNew(r)).map((r) => String(r.name));
    return toast([
      noticeNodes(answer.notice),
      el('div', { class: 'll-title', 'data-testid': 'log-summary' }, headline(results, answer.crm)),
      loggedOn.length ? el('div', { class: 'll-row', 'data-testid': 'log-on' },
        'Logged on: ' + loggedOn.join(', ') + '. Created: ' + (created.length ? created.join(', ') : 'nobody') + '.') : null,
      ...results.filter((r) => r && (r.activity_id || r.status === 'failed' || r === first)).map(resultNodes),
      notLogged.length ? el('div', { 'data-testid': 'log-skipped' }, el('b', {}, 'Not logged: '),
        el('ul', {}, ...notLogged.map((t) => el('li', {}, t)))) : null,
      undoRow(answer.undo, hooks && hooks.onUndone),
    ], first.status === 'failed');
  }

  Leadline.gmail = Leadline.gmail || {};
  Leadline.gmail.logEmail = { pick, headline, showLogAnswer, NOT_IN_CRM };
})(globalThis);
