// Options page parts for the team model: who is team sync (chosen among the connected users,
// spec rules 7 and 9 checked by the core in the worker) and the settings locked by policy
// (chrome.storage.managed). DOM from text only; every refusal is shown with the core's message.
import { h } from './dom.js';

const $ = (id) => document.getElementById(id);

/** Options-page controls of each policy field (names from the core's `policy.locked`). */
const LOCKABLE = {
  crm: () => [$('crm-choice')],
  login_host: () => [$('login-host')],
  my_domain: () => [$('my-domain')],
  client_id: () => [$('client-id')],
  'settings.record_kind': () => [...document.querySelectorAll('input[name="record_kind"]')],
  'settings.match_account': () => [...document.querySelectorAll('input[name="match_account"]')],
  'settings.log_emails': () => [...document.querySelectorAll('input[name="log_emails"]')],
};

/** Disables the controls a policy sets and says so; clears that when no policy applies. */
export function renderPolicy(state) {
  const policy = (state && state.policy) || {};
  const locked = new Set(Array.isArray(policy.locked) ? policy.locked : []);
  for (const [field, controls] of Object.entries(LOCKABLE)) {
    for (const control of controls()) {
      if (!control) continue;
      control.disabled = locked.has(field);
      control.title = locked.has(field) ? 'Set by your organization’s policy' : '';
      control.toggleAttribute('data-locked', locked.has(field));
    }
  }
  const banner = $('policy');
  banner.hidden = !policy.active && !policy.error;
  banner.replaceChildren(
    policy.active ? h('span', {}, h('b', {}, 'Managed by your organization. '),
      'These settings come from policy and are locked here: ' + [...locked].join(', ') + '.') : null,
    policy.error ? h('span', { class: 'warn' }, ' ' + String(policy.error.message || 'The policy could not be read.')) : null,
  );
}

function label(user) {
  const who = user.app_user === 'me' ? 'Me' : 'Team sync holder';
  const name = user.name || user.email || 'not known yet';
  return who + ': ' + String(name) + (user.email && user.name ? ' <' + String(user.email) + '>' : '');
}

/**
 * Lists the app users this browser knows ("me" and the team sync holder) with their connection
 * state; `choose(app_user)` asks the worker to make one the team sync.
 */
export function renderTeamSyncChoice(state, choose) {
  const users = Array.isArray(state && state.team_sync_choices) ? state.team_sync_choices : [];
  const list = $('team-sync-users');
  list.replaceChildren(...users.map((user) => h('li', { 'data-testid': 'team-sync-user', 'data-app-user': String(user.app_user) },
    h('span', {}, label(user)),
    h('span', { class: user.connected ? 'ok' : 'muted' }, user.connected ? ' · connected' : ' · not connected'),
    user.team_sync
      ? h('b', { class: 'ok', 'data-testid': 'is-team-sync' }, ' · team sync')
      : (() => {
        const button = h('button', { type: 'button', class: 'secondary', 'data-testid': 'make-team-sync-' + String(user.app_user) },
          user.app_user === 'me' ? 'Make my connection the team sync' : 'Make team sync');
        button.addEventListener('click', () => choose(user.app_user));
        return button;
      })())));
  $('team-sync-choice').hidden = users.length === 0;
}
