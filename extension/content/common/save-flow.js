// What happens around a save, the same on every site: the "already in CRM" badge (lookup), the
// hover preview (preview: who will be Created By and Owner, and why), the save itself and the
// toast that reports each result in plain words. Site files only find prospects and anchors.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});
  const { el, toast, whyToggle } = Leadline.ui;
  const { send, Kind } = Leadline.bridge;

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
    queued: () => 'Waiting to be sent (it will retry on its own)',
    failed: () => 'Not saved',
  };

  /** One save result as nodes. */
  function resultNodes(result) {
    const r = result || {};
    const status = STATUS_WORDS[r.status] ? STATUS_WORDS[r.status](r) : 'Unknown result';
    const reasons = Array.isArray(r.reasons) ? r.reasons : [];
    const warnings = Array.isArray(r.warnings) ? r.warnings : [];
    return el('div', { class: 'll-result', 'data-status': String(r.status || 'unknown') },
      el('div', { class: 'll-title' }, (r.name ? String(r.name) + ': ' : '') + status),
      r.status === 'failed' || r.error ? el('div', {}, ...errorNodes(r.error)) : null,
      r.object ? el('div', { class: 'll-row' }, el('b', {}, 'Object: '), String(r.object)) : null,
      r.owner ? el('div', { class: 'll-row' }, el('b', {}, 'Owner: '), who(r.owner)) : null,
      r.created_by ? el('div', { class: 'll-row' }, el('b', {}, 'Created By: '), who(r.created_by)) : null,
      warnings.length ? el('div', { class: 'll-muted' }, 'Note: ' + warnings.join('; ')) : null,
      recordLink(r.record_url, 'Open in ' + crmName(r)),
      reasons.length ? whyToggle(reasons) : null);
  }

  /** Shows a save answer (single or bulk) in the toast. */
  function showSaveAnswer(answer) {
    if (!answer.ok) return toast([el('div', { class: 'll-title' }, 'Not saved'), ...errorNodes(answer.error)], true);
    const results = Array.isArray(answer.results) ? answer.results : [];
    const failed = results.filter((r) => r && r.status === 'failed').length;
    const head = results.length > 1 ? el('div', { class: 'll-title' }, summary(results)) : null;
    return toast([head, ...results.map(resultNodes)], failed > 0 && failed === results.length);
  }

  /** "3 created, 1 linked, 1 failed". */
  function summary(results) {
    const counts = {};
    for (const r of results) counts[r.status] = (counts[r.status] || 0) + 1;
    const parts = ['created', 'linked', 'queued', 'failed'].filter((s) => counts[s]).map((s) => counts[s] + ' ' + s);
    return results.length + ' people: ' + parts.join(', ');
  }

  /** Shows a plain message in the toast (nothing was sent). */
  function showMessage(title, text, isError) {
    return toast([el('div', { class: 'll-title' }, title), el('div', {}, text)], isError);
  }

  /** Sends a save and shows its answer; resolves to the answer. */
  async function save(source, push, prospects, activity) {
    const answer = await send({ kind: Kind.SAVE, source, push, prospects, activity: activity || null, page_url: location.href });
    showSaveAnswer(answer);
    return answer;
  }

  /** Asks the worker for the local decision and returns preview card nodes. */
  async function preview(source, push) {
    return previewNodes(await send({ kind: Kind.PREVIEW, source, push }));
  }

  /** Fills `badges[i]` with "In Salesforce · Owner: X" / "Not in CRM yet" for each prospect. */
  async function lookup(source, prospects, badges) {
    const answer = await send({ kind: Kind.LOOKUP, source, prospects });
    badges.forEach((badge, i) => {
      const r = answer.ok && Array.isArray(answer.results) ? answer.results[i] : null;
      if (!r) {
        badge.textContent = answer.ok ? '' : 'CRM status unknown';
        badge.title = answer.ok ? '' : String((answer.error && answer.error.message) || '');
        return;
      }
      badge.className = r.found ? 'll-badge ll-found' : 'll-badge';
      badge.textContent = r.found
        ? 'In ' + crmName(r) + (r.owner_name ? ' · Owner: ' + String(r.owner_name) : '')
        : 'Not in CRM yet';
    });
    return answer;
  }

  /** After a save of one person, turns their badge into what the CRM now holds. */
  function markSaved(badge, answer) {
    const r = answer.ok && Array.isArray(answer.results) ? answer.results[0] : null;
    if (!r) return;
    if (r.status === 'created' || r.status === 'linked') {
      badge.className = 'll-badge ll-found';
      badge.textContent = 'In ' + crmName(r) + (r.owner ? ' · Owner: ' + who(r.owner) : '');
    } else if (r.status === 'queued') {
      badge.className = 'll-badge';
      badge.textContent = 'Waiting to be sent';
    }
  }

  Leadline.saveFlow = { save, preview, lookup, markSaved, showSaveAnswer, showMessage, previewNodes, resultNodes };
})(globalThis);
