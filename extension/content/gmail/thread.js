// The open Gmail thread: subject, messages (id, date, sender, recipients, body without quoted
// history) and the people in it with the signature details of what they wrote. Only visible
// parts count: Gmail keeps earlier views (the inbox list) in the DOM, hidden, full of other
// people's span[email]. All Gmail thread selectors are here.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { isShown, clean } = Leadline.dom;
  const { signature } = Leadline.gmail;

  const SELECTORS = {
    main: '[role="main"]',
    subject: ['h2.hP', '.ha h2', 'h2[data-thread-perm-id]', 'h2[data-legacy-thread-id]'],
    message: 'div.adn[data-message-id], div.adn[data-legacy-message-id], [role="listitem"] [data-message-id]',
    sender: ['h3.iw span[email]', 'span.gD[email]', 'td.gF span[email]'],
    recipients: 'span.hb span[email], span.g2[email]',
    date: ['span.g3[title]', '.gK .g3', 'span.g3'],
    body: ['div.a3s', 'div.ii.gt', '.adP'],
    snippet: '.iA.g6',
    quoted: '.gmail_quote, blockquote, .gmail_attr, #divRplyFwdMsg, div[id^="divRplyFwdMsg"], .yj6qo, .adL, .aH1, div[style*="border-top:solid"], div[style*="border-top: solid"]',
    signature: '.gmail_signature',
  };

  const BLOCK_TAGS = new Set(['DIV', 'P', 'BR', 'LI', 'TR', 'BLOCKQUOTE', 'H1', 'H2', 'H3', 'H4', 'TABLE', 'UL', 'OL']);
  const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  const BODY_MAX = 32000;

  /** Text lines of `element`, skipping quoted history and anything matching `skip`. */
  function lines(element, skip) {
    const out = [''];
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === 3) out[out.length - 1] += child.nodeValue;
        else if (child.nodeType === 1) {
          if (skip && child.matches(skip)) continue;
          if (child.tagName === 'STYLE' || child.tagName === 'SCRIPT') continue;
          const block = BLOCK_TAGS.has(child.tagName);
          if (block) out.push('');
          walk(child);
          if (block) out.push('');
        }
      }
    };
    walk(element);
    return out.map((line) => line.replace(/[\s\u00a0]+/g, ' ').trim()).filter(Boolean);
  }

  /** "Fri, Nov 21, 2026, 9:14 AM" or "21 Nov 2026, 09:14" → "2026-11-21"; null if unknown. */
  function isoDate(text) {
    const value = clean(text) || '';
    let m = /\b([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})/.exec(value);
    let month = m ? MONTHS.indexOf(m[1].toLowerCase()) : -1;
    let day = m ? Number(m[2]) : 0;
    let year = m ? Number(m[3]) : 0;
    if (month < 0) {
      m = /\b(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})/.exec(value);
      month = m ? MONTHS.indexOf(m[2].toLowerCase()) : -1;
      day = m ? Number(m[1]) : 0;
      year = m ? Number(m[3]) : 0;
    }
    if (month < 0 || day < 1 || day > 31) return null;
    return year + '-' + String(month + 1).padStart(2, '0') + '-' + String(day).padStart(2, '0');
  }

  function firstIn(scope, selectors) {
    for (const selector of selectors) {
      const found = scope.querySelector(selector);
      if (found) return found;
    }
    return null;
  }

  function person(element) {
    const email = clean(element.getAttribute('email'));
    const name = clean(element.getAttribute('name')) || clean(element.textContent);
    return email ? { email: email.toLowerCase(), name: name && name.toLowerCase() !== 'me' ? name : null } : null;
  }

  /** One message element → {message_id, date, from, to, collapsed, body, signature}. */
  function readMessage(element) {
    const senderEl = firstIn(element, SELECTORS.sender);
    const dateEl = firstIn(element, SELECTORS.date);
    const bodyEl = firstIn(element, SELECTORS.body);
    const collapsed = element.classList.contains('kv') || !bodyEl || !isShown(bodyEl);
    const from = senderEl ? person(senderEl) : null;
    const body = collapsed ? [] : lines(bodyEl, SELECTORS.quoted);
    const marked = collapsed ? null : [...bodyEl.querySelectorAll(SELECTORS.signature)].find((s) => !s.closest(SELECTORS.quoted));
    const rawId = element.getAttribute('data-message-id') || element.getAttribute('data-legacy-message-id') || '';
    return {
      element,
      message_id: rawId.replace(/^#/, '') || null,
      date: dateEl ? isoDate(dateEl.getAttribute('title') || dateEl.textContent) : null,
      from,
      to: [...element.querySelectorAll(SELECTORS.recipients)].filter((r) => r !== senderEl).map(person).filter(Boolean),
      collapsed,
      body: body.join('\n').slice(0, BODY_MAX),
      signature: from && !collapsed
        ? signature.parse(marked ? lines(marked) : body, from.name || '', Boolean(marked))
        : null,
    };
  }

  /**
   * Cheap check run on every DOM change: the open thread's subject element and a key that
   * changes when another thread opens or a message arrives; null when no thread is open.
   */
  function identify(doc) {
    const main = doc.querySelector(SELECTORS.main) || doc.body;
    const subjectEl = SELECTORS.subject.map((s) => [...main.querySelectorAll(s)].find(isShown)).find(Boolean);
    if (!subjectEl) return null;
    const id = subjectEl.getAttribute('data-legacy-thread-id') || subjectEl.getAttribute('data-thread-perm-id') || clean(subjectEl.textContent);
    return { main, subjectEl, key: 'thread:' + id + ':' + main.querySelectorAll(SELECTORS.message).length };
  }

  /**
   * The open thread, or null when none is open: {subject, thread_id, anchor, messages,
   * participants:[{email, name, title, company, phone}]}. `messages` is empty when a thread is
   * open but none of its messages could be read (a Gmail layout change).
   */
  function read(doc) {
    const open = identify(doc);
    if (!open) return null;
    const { main, subjectEl } = open;
    const messages = [...main.querySelectorAll(SELECTORS.message)].filter(isShown).map(readMessage);
    const people = new Map();
    for (const message of messages) {
      for (const p of [message.from, ...message.to]) {
        if (!p) continue;
        const known = people.get(p.email) || { email: p.email, name: null, title: null, company: null, phone: null };
        if (p.name && (!known.name || p.name.length > known.name.length)) known.name = p.name;
        people.set(p.email, known);
      }
      if (message.from && message.signature) {
        const known = people.get(message.from.email);
        for (const field of ['title', 'company', 'phone']) known[field] = message.signature[field] || known[field];
      }
    }
    return {
      subject: clean(subjectEl.textContent),
      thread_id: subjectEl.getAttribute('data-legacy-thread-id') || subjectEl.getAttribute('data-thread-perm-id') || null,
      anchor: subjectEl.closest('.ha') || subjectEl,
      messages,
      participants: [...people.values()],
    };
  }

  Leadline.gmail = Leadline.gmail || {};
  Leadline.gmail.thread = { SELECTORS, identify, read, isoDate, lines };
  Leadline.gmail.layouts.register({ name: 'thread', page: 'thread', identify, read });
})(globalThis);
