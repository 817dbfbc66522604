// Gmail entry point: in an open thread, a Leadline panel under the subject with a Save control
// per external participant (name and email from the thread, title/company/phone from their
// signature, the CRM badge from a lookup) and "Log this email" for the latest open message. The
// rep and colleagues at the rep's company domain are listed as "not prospects", never saved.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { el, mount, button, hoverCard, notice } = Leadline.ui;
  const { existing, start } = Leadline.router;
  const { Source } = Leadline.bridge;
  const { prospect } = Leadline.dom;
  const { save, preview, lookup, markSaved, showMessage } = Leadline.saveFlow;
  const { account, thread } = Leadline.gmail;

  function toProspect(p) {
    return prospect({ full_name: p.name || p.email.split('@')[0], title: p.title, company: p.company, email: p.email, phone: p.phone });
  }

  /** The latest expanded message: the one "Log this email" records. */
  function latestOpen(messages) {
    return [...messages].reverse().find((m) => !m.collapsed && m.message_id) || null;
  }

  function personRow(p) {
    const details = [p.title, p.company].filter(Boolean).join(' · ');
    const one = toProspect(p);
    const badge = el('span', { class: 'll-badge', 'data-testid': 'crm-status' }, 'Checking CRM…');
    const saveButton = button('Save', 'save-prospect', async () => {
      saveButton.setAttribute('disabled', '');
      try {
        markSaved(badge, await save(Source.GMAIL, 'single', [one], null));
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

  function logButton(info, externals) {
    return button('Log this email', 'log-email', async () => {
      const message = latestOpen(info.messages);
      if (!message) {
        showMessage('Nothing to log', 'Open the message you want to log, then try again.', false);
        return;
      }
      const inMessage = new Set([message.from, ...message.to].filter(Boolean).map((p) => p.email));
      const people = externals.filter((p) => inMessage.has(p.email));
      await save(Source.GMAIL, 'single', (people.length ? people : externals).map(toProspect), {
        kind: 'email',
        subject: info.subject,
        body: message.body,
        date: message.date,
        message_id: message.message_id,
      });
    });
  }

  function showPanel(info, rep, key) {
    const isInternal = account.internalTest(rep);
    const externals = info.participants.filter((p) => !isInternal(p.email));
    const internals = info.participants.filter((p) => isInternal(p.email));
    const { shadow } = mount(info.anchor, 'after', 'gmail-panel', key);
    const rows = externals.map(personRow);
    const colleagues = internals.filter((p) => p.email !== rep).length;
    const panel = el('div', { class: 'll-bar', role: 'group', 'aria-label': 'Leadline', 'data-testid': 'gmail-panel' },
      el('b', {}, 'Leadline'),
      externals.length ? logButton(info, externals) : null,
      el('div', { class: 'll-rows' }, ...rows.map((r) => r.row)),
      externals.length ? null : el('div', { class: 'll-muted' }, 'No external people in this thread: nothing to save.'),
      el('div', { class: 'll-muted', 'data-testid': 'gmail-internal' },
        'Not prospects: you (' + rep + ')' + (colleagues ? ' and ' + colleagues + (colleagues === 1 ? ' colleague' : ' colleagues') + ' at your company' : '') + '.'));
    shadow.append(panel);
    for (const r of rows) hoverCard(shadow, r.saveButton, () => preview(Source.GMAIL, 'single'));
    if (rows.length) lookup(Source.GMAIL, rows.map((r) => r.prospect), rows.map((r) => r.badge));
  }

  function scan() {
    const open = thread.identify(document);
    if (!open || existing('gmail-panel', open.key) || existing('notice', open.key)) return;
    const { key } = open;
    const info = thread.read(document);
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
