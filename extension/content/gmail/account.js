// Who is the rep in this Gmail tab, and who counts as internal. The rep's own address and every
// address at the rep's company domain (and its subdomains) are not prospects. Sources, in order:
// the account button's aria-label ("Google Account: Name (email)", localised prefix, so any
// banner label holding an address), the tab title ("Inbox - email - Mail"), and Gmail's "me"
// label on the rep in a thread's recipients.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});

  const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

  /** Mailbox providers: sharing one of these domains does not make someone a colleague. */
  const PUBLIC_DOMAINS = new Set([
    'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com',
    'yahoo.com', 'ymail.com', 'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me',
    'protonmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'mail.com', 'zoho.com',
    'yandex.com', 'fastmail.com', 'hey.com',
  ]);

  function lower(email) {
    return typeof email === 'string' ? email.trim().toLowerCase() : '';
  }

  /** The rep's address from the page, or null when no source names it. */
  function readEmail(doc) {
    const labelled = [
      ...doc.querySelectorAll('a[aria-label^="Google Account:"]'),
      ...doc.querySelectorAll('[role="banner"] a[aria-label*="@"], header a[aria-label*="@"]'),
    ];
    for (const element of labelled) {
      const match = EMAIL.exec(element.getAttribute('aria-label') || '');
      if (match) return lower(match[0]);
    }
    const title = / - ([^\s]+@[^\s]+) - /.exec(doc.title || '');
    if (title && EMAIL.test(title[1])) return lower(title[1]);
    const me = doc.querySelector('[role="main"] span[email][name="me"]');
    if (me && EMAIL.test(me.getAttribute('email') || '')) return lower(me.getAttribute('email'));
    return null;
  }

  /** Internal-address test for a rep address: the rep, and their company domain unless public. */
  function internalTest(repEmail) {
    const me = lower(repEmail);
    const domain = me.split('@')[1] || '';
    const companyDomain = domain && !PUBLIC_DOMAINS.has(domain) ? domain : null;
    return (email) => {
      const address = lower(email);
      if (address === '' || address === me) return true;
      const theirs = address.split('@')[1] || '';
      return companyDomain !== null && (theirs === companyDomain || theirs.endsWith('.' + companyDomain));
    };
  }

  Leadline.gmail = Leadline.gmail || {};
  Leadline.gmail.account = { readEmail, internalTest, PUBLIC_DOMAINS };
})(globalThis);
