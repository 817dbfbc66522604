// Gmail entry point: in an open thread, a Leadline panel under the subject with a Save control
// per external participant (name and email from the thread, title/company/phone from their
// signature, the CRM badge from a lookup) and "Log this email" for the latest open message
// (who it is logged on: log-email.js). The rep and colleagues at the rep's company domain are
// listed as "not prospects", never saved.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { el, mount, button, hoverCard, notice } = Leadline.ui;
  const { existing, start } = Leadline.router;
  const { Source, Kind, send } = Leadline.bridge;
  const { prospect } = Leadline.dom;
  const { save, preview, lookup, markSaved, markUndone, showMessage } = Leadline.saveFlow;
  const { account, layouts, logEmail } = Leadline.gmail;

  function toProspect(p) {
    return prospect({ full_name: p.name || p.email.split('@')[0], title: p.title, company: p.company, email: p.email, phone: p.phone });
  }

  /** The latest expanded message: the one "Log this email" records. */
  function latestOpen(messages) {
    return [...messages].reverse().find((m) => !m.collapsed && m.message_id) || null;
  }

  /** Who of this thread is in the CRM (lower-case emails): page-load lookup, then saves/undos. */
  function crmState() {
    const known = new Set();
    const badges = new Map();
    return {
      known,
      badges,
      saved(email, answer) {
        const r = answer.ok && Array.isArray(answer.results) ? answer.results[0] : null;
        if (r && (r.status === 'created' || r.status === 'linked')) known.add(email);
      },
      undone(emails, answer) {
        for (const email of emails) {
          known.delete(email);
          if (badges.has(email)) markUndone(badges.get(email), answer);
        }
      },
    };
  }

  function personRow(p, crm) {
    const details = [p.title, p.company].filter(Boolean).join(' · ');
    const one = toProspect(p);
    const email = String(p.email).toLowerCase();
    const badge = el('span', { class: 'll-badge', 'data-testid': 'crm-status' }, 'Checking CRM…');
    crm.badges.set(email, badge);
    const saveButton = button('Save', 'save-prospect', async () => {
      saveButton.setAttribute('disabled', '');
      try {
        const answer = await save(Source.GMAIL, 'single', [one], null, {
          onUndone: (undone) => crm.undone(undone.deleted.some((d) => d.is_person) ? [email] : [], undone),
        });
        markSaved(badge, answer);
        crm.saved(email, answer);
      } finally {
        saveButton.removeAttribute('disabled');
      }
    });
    saveButton.setAttribute('aria-label', 'Save ' + (p.name || p.email) + ' to your CRM');
    const row = el('div', { class: 'll-inline', 'data-testid': 'gmail-participant', 'data-email': p.email },
      el('b', {}, p.name || p.email), el('span', { class: 'll-muted' }, '<' + p.email + '>'),
      details ? el('span', {}, details) : null, p.phone ? el('span', { class: 'll-muted' }, p.phone) : null,
      saveButton, badge);
    return { row, saveButton, badge, prospect: one };
  }

  /**
   * When the message's primary person is not in the CRM, the rep chooses in the panel: create
   * them and log, log only on the people already in the CRM, or not log. Resolves to
   * 'create' | 'existing' | 'cancel'.
   */
  function askCreate(anchor, picked, crm) {
    const where = crm.name || 'your CRM';
    const name = String(picked.primary.name || picked.primary.email);
    return new Promise((resolve) => {
      const done = (choice) => { prompt.remove(); resolve(choice); };
      const prompt = el('div', { class: 'll-row', role: 'group', 'data-testid': 'log-choice' },
        el('span', {}, name + ' is not in ' + where + ' yet. Log this email on them by creating them?'),
        button('Create ' + name + ' and log', 'log-create', () => done('create')),
        picked.also.length ? button('Log only on people already in ' + where, 'log-existing', () => done('existing')) : null,
        button('Cancel', 'log-cancel', () => done('cancel')));
      anchor.after(prompt);
    });
  }

  /**
   * "Log this email": the latest open message, on the people of that message already in the
   * CRM and, when the rep chooses so in the panel, on its primary external person created
   * now; nobody else is created. Waits for the page-load lookup (`looked`) so "already in the
   * CRM" is known.
   */
  function logButton(info, externals, crm, looked) {
    const logButtonNode = button('Log this email', 'log-email', async () => {
      const message = latestOpen(info.messages);
      if (!message) {
        showMessage('Nothing to log', 'Open the message you want to log, then try again.', false);
        return;
      }
      logButtonNode.setAttribute('disabled', '');
      try {
        await looked;
        let picked = logEmail.pick(message, externals, crm.known);
        if (!picked.primary) {
          showMessage('Nothing to log', 'This message has no external sender or recipient.', false);
          return;
        }
        let people = [picked.primary, ...picked.also];
        if (!crm.known.has(String(picked.primary.email).toLowerCase())) {
          const choice = await askCreate(logButtonNode, picked, crm);
          if (choice === 'cancel') return;
          if (choice === 'existing') {
            const where = crm.name || 'your CRM';
            people = picked.also;
            picked = { primary: people[0], also: people.slice(1),
              skipped: [{ person: picked.primary, why: 'not in ' + where + ' — you chose not to create them' }, ...picked.skipped] };
          }
        }
        const answer = await send({
          kind: Kind.SAVE, source: Source.GMAIL, push: 'single', prospects: people.map(toProspect),
          activity: { kind: 'email', subject: info.subject, body: message.body, date: message.date, message_id: message.message_id },
          page_url: location.href,
        });
        const emails = people.map((p) => String(p.email).toLowerCase());
        if (answer.ok && Array.isArray(answer.results)) {
          answer.results.forEach((r, i) => {
            if (r && (r.status === 'created' || r.status === 'linked') && emails[i]) {
              crm.known.add(emails[i]);
              if (crm.badges.has(emails[i])) markSaved(crm.badges.get(emails[i]), { ok: true, results: [r], crm: answer.crm });
            }
          });
        }
        logEmail.showLogAnswer(answer, picked, {
          // Only the primary person can have been created (and deleted again) by this save,
          // and only when the rep chose to create them.
          onUndone: (undone) => crm.undone(undone.deleted.some((d) => d.is_person) ? [emails[0]] : [], undone),
        });
      } finally {
        logButtonNode.removeAttribute('disabled');
      }
    });
    return logButtonNode;
  }

  function showPanel(info, rep, key) {
    const isInternal = account.internalTest(rep);
    const externals = info.participants.filter((p) => !isInternal(p.email));
    const internals = info.participants.filter((p) => isInternal(p.email));
    const { shadow } = mount(info.anchor, 'after', 'gmail-panel', key);
    const crm = crmState();
    const rows = externals.map((p) => personRow(p, crm));
    let lookedUp = () => {};
    const looked = new Promise((resolve) => { lookedUp = resolve; });
    const colleagues = internals.filter((p) => p.email !== rep).length;
    const panel = el('div', { class: 'll-bar', role: 'group', 'aria-label': 'Leadline', 'data-testid': 'gmail-panel' },
      el('b', {}, 'Leadline'),
      externals.length ? logButton(info, externals, crm, looked) : null,
      el('div', { class: 'll-rows' }, ...rows.map((r) => r.row)),
      externals.length ? null : el('div', { class: 'll-muted' }, 'No external people in this thread: nothing to save.'),
      el('div', { class: 'll-muted', 'data-testid': 'gmail-internal' },
        'Not prospects: you (' + rep + ')' + (colleagues ? ' and ' + colleagues + (colleagues === 1 ? ' colleague' : ' colleagues') + ' at your company' : '') + '.'));
    shadow.append(panel);
    for (const r of rows) hoverCard(shadow, r.saveButton, () => preview(Source.GMAIL, 'single'));
    if (!rows.length) return;
    lookup(Source.GMAIL, rows.map((r) => r.prospect), rows.map((r) => r.badge), rep).then((answer) => {
      if (answer.ok && answer.crm) crm.name = answer.crm === 'hubspot' ? 'HubSpot' : 'Salesforce';
      // The mailbox is not the CRM user the rep's own connection saves as: say so before a save.
      const as = answer.ok && answer.saving_as;
      if (as && as.is_mailbox === false) {
        panel.append(el('div', { class: 'll-muted', role: 'note', 'data-testid': 'mailbox-mismatch' },
          'Saving as ' + String(as.name) + ' in ' + (crm.name || 'your CRM') + '; you’re signed in to Gmail as ' + String(rep) + '.'));
      }
      const results = answer.ok && Array.isArray(answer.results) ? answer.results : [];
      externals.forEach((p, i) => { if (results[i] && results[i].found) crm.known.add(String(p.email).toLowerCase()); });
    }).finally(lookedUp);
  }

  /** The open thread, as the first registered layout that finds one reads it: {layout, key}. */
  function openThread() {
    for (const layout of layouts.forPage('thread')) {
      const open = layout.identify(document);
      if (open) return { layout, key: open.key };
    }
    return null;
  }

  function scan() {
    const open = openThread();
    if (!open || existing('gmail-panel', open.key) || existing('notice', open.key)) return;
    const { key } = open;
    const info = open.layout.read(document);
    if (!info) return;
    for (const old of document.querySelectorAll('[data-leadline="gmail-panel"], [data-leadline="notice"]')) old.remove();
    const rep = account.readEmail(document);
    if (info.messages.length === 0 || !rep) {
      const { shadow } = mount(info.anchor, 'after', 'notice', key);
      shadow.append(rep
        ? notice('Leadline cannot read this thread: Gmail has changed its layout. Nothing was sent to your CRM.', 'Reload Gmail; if this stays, update Leadline.')
        : notice('Leadline cannot tell which address is yours in this Gmail tab, so it cannot tell prospects from you and your colleagues. Nothing was sent.', 'Reload Gmail; if this stays, update Leadline.'));
      return;
    }
    showPanel(info, rep, key);
  }

  start(scan);
})(globalThis);
