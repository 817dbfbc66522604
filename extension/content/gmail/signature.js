// Title, company and phone from an email signature. Works on lines of text (so it is testable
// without a page): Gmail signatures (.gmail_signature) and plain ones such as Outlook's
// p.MsoNormal lines after the sender's name. Quoted history is removed before this runs, so
// other people's signatures in "On ... wrote:" / "From: ... Sent:" blocks are never read.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});

  const PHONE = /(?:^|[\s:])(\+?\(?\d[\d\s()./-]{6,}\d)(?:\s*(?:ext\.?|x)\s*\d+)?\s*$/i;
  const PHONE_LABEL = /^(?:tel|telephone|phone|mobile|mob|cell|direct|office|work|t|m|p|o)\b\.?\s*[:.]?\s*/i;
  const NOT_ROLE = /(https?:\/\/|www\.|@|^\S+\.[a-z]{2,}$|^[-–—_=*]+$|^(best|thanks|thank you|cheers|regards|kind regards|best regards)[,!.]*$)/i;
  const SPLIT = /\s+(?:\||·|•|–|—)\s+|\s+at\s+|,\s+|\s+@\s+/;

  function clean(text) {
    return typeof text === 'string' ? text.replace(/\s+/g, ' ').trim() : '';
  }

  /** Finds a phone number on one line ("Tel: +36 1 555 0134" → "+36 1 555 0134"). */
  function phoneOf(line) {
    const rest = clean(line).replace(PHONE_LABEL, '');
    const match = PHONE.exec(' ' + rest);
    if (!match) return null;
    const digits = match[1].replace(/\D/g, '');
    return digits.length >= 7 && digits.length <= 15 ? clean(match[1]) : null;
  }

  /** True when `line` is the person's name (or just their first name). */
  function isName(line, name) {
    const a = clean(line).toLowerCase().replace(/[’']/g, "'");
    const b = clean(name).toLowerCase().replace(/[’']/g, "'");
    if (!a || !b) return false;
    return a === b || a === b.split(' ')[0] || a.replace(/^[-–—]+\s*/, '') === b;
  }

  /**
   * The signature block in `lines`: from the last line naming the sender; none when no line
   * names them (guessing from body text would invent a title). `isSignature` says the lines are
   * already a marked signature block.
   */
  function block(lines, name, isSignature) {
    const text = lines.map(clean).filter(Boolean);
    if (isSignature) return text;
    for (let i = text.length - 1; i >= 0; i--) {
      if (isName(text[i], name)) return text.slice(i, i + 6);
    }
    return [];
  }

  /**
   * Parses signature lines into {title, company, phone} (each string or null). `name` is the
   * sender's display name; lines naming them, URLs, addresses and sign-offs are skipped.
   */
  function parse(lines, name, isSignature) {
    const result = { title: null, company: null, phone: null };
    const roleLines = [];
    for (const line of block(lines, name, isSignature)) {
      // Signature lines are short; a long line is body text (and phoneOf is costly on it).
      if (line.length > 80) continue;
      const phone = phoneOf(line);
      if (phone) {
        result.phone = result.phone || phone;
        continue;
      }
      if (isName(line, name) || NOT_ROLE.test(line)) continue;
      roleLines.push(line);
    }
    if (roleLines.length === 0) return result;
    const parts = roleLines[0].split(SPLIT).map(clean).filter(Boolean);
    if (parts.length >= 2) {
      result.title = parts[0];
      result.company = parts[1];
    } else {
      result.title = parts[0] || null;
      result.company = roleLines[1] ? roleLines[1].split(SPLIT)[0].trim() || null : null;
    }
    return result;
  }

  Leadline.gmail = Leadline.gmail || {};
  Leadline.gmail.signature = { parse, phoneOf };
})(globalThis);
