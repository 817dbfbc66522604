// Options page part for server mode (issue 15): the team server's address (or the policy's,
// locked), "Sign in with Salesforce" (or "Sign in with HubSpot" when step 1's CRM is HubSpot)
// and "Join with an invite code" (all run by the worker,
// which alone keeps the session), who the rep is signed in as, sign out. In server mode the
// team sync card says the team server holds it (and who) instead of offering to connect it
// in this browser. DOM from text only; every refusal is shown with the worker's message.
import '../shared/messages.js';
import { h } from './dom.js';

const { UI_TO_WORKER: K } = globalThis.Leadline.messages;
const $ = (id) => document.getElementById(id);

/** What the signed-in line says (`crm`: the CRM chosen in step 1, whose sign-in is offered). */
function sessionWords(server, crm) {
  const signIn = crm === 'hubspot' ? 'sign in with HubSpot' : 'sign in with Salesforce';
  if (!server.signed_in) return server.notice || 'Not signed in to the team server yet: ' + signIn + ', or join with the invite code your admin sent.';
  const who = server.me ? String(server.me.email) + (server.me.role ? ' (' + String(server.me.role) + ')' : '') : 'a member';
  return 'Signed in as ' + who + (server.team ? ' in team ' + String(server.team) : '') + '.';
}

/** Renders the section and, in server mode, the team sync card's words. */
export function renderTeamServer(state) {
  const server = (state && state.team_server) || { url: null };
  const input = $('team-server-url');
  if (document.activeElement !== input) input.value = server.url || '';
  input.disabled = Boolean(server.locked);
  input.title = server.locked ? 'Set by your organization’s policy' : '';
  $('team-server-save').disabled = Boolean(server.locked);
  $('team-server-session').hidden = !server.url;
  const hubspot = Boolean(state && state.config && state.config.crm === 'hubspot');
  $('team-server-status').textContent = server.url ? sessionWords(server, hubspot ? 'hubspot' : 'salesforce') : '';
  $('team-server-sign-out').hidden = !server.signed_in;
  // The sign-in of the team's CRM: HubSpot's (identity only, `oauth` scope) or Salesforce's.
  $('team-server-sign-in').hidden = Boolean(server.signed_in) || hubspot;
  $('team-server-sign-in-hubspot').hidden = Boolean(server.signed_in) || !hubspot;
  $('team-server-join').hidden = Boolean(server.signed_in);
  // Server mode: team sync is the server's, never connected in this browser.
  const serverMode = Boolean(server.url);
  $('card-team_sync').hidden = serverMode;
  $('team-sync-choice').hidden = serverMode || $('team-sync-choice').hidden;
  if (serverMode) {
    // "Connect team sync" is not this browser's to do in server mode.
    for (const need of document.querySelectorAll('#needs [data-need="connect_team_sync"]')) need.remove();
    if (!document.querySelector('#needs [data-need]')) $('todo').hidden = true;
    const holder = server.team_sync
      ? 'held by ' + String(server.team_sync.email) + ' (' + String(server.team_sync.permission) + ')'
      : server.signed_in ? 'not chosen yet by your admin' : 'shown once you are signed in';
    $('team-sync-holder').replaceChildren(h('span', { 'data-testid': 'team-sync-on-server' },
      'Team sync lives on your team server, not in this browser: ' + holder + '. Your admin manages it there.'));
  }
}

/** Wires the section's controls; `act(message, action, done)` runs one worker message. */
export function wireTeamServer(act) {
  $('team-server-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const url = $('team-server-url').value.trim();
    act({ kind: K.TEAM_SERVER, action: 'set_url', url }, 'Saving the team server', url ? 'Team server saved.' : 'Back to solo mode.');
  });
  $('team-server-sign-in').addEventListener('click', () => {
    act({ kind: K.TEAM_SERVER, action: 'sign_in', crm: 'salesforce' }, 'Signing in to the team server', 'Signed in to the team server.');
  });
  $('team-server-sign-in-hubspot').addEventListener('click', () => {
    act({ kind: K.TEAM_SERVER, action: 'sign_in', crm: 'hubspot' }, 'Signing in to the team server', 'Signed in to the team server.');
  });
  $('team-server-join').addEventListener('submit', (event) => {
    event.preventDefault();
    act({ kind: K.TEAM_SERVER, action: 'join', code: $('team-server-code').value.trim(), email: $('team-server-email').value.trim() },
      'Joining the team', 'Joined the team.').then((answer) => { if (answer.ok) $('team-server-code').value = ''; });
  });
  $('team-server-sign-out').addEventListener('click', () => {
    act({ kind: K.TEAM_SERVER, action: 'sign_out' }, 'Signing out', 'Signed out of the team server.');
  });
}
