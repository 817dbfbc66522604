// Options page: CRM and app settings, the two connections with their health, owner mapping and
// the email-mismatch prompt, push settings, team settings import/export and the attribution
// simulator. All data comes from and goes to the service worker as messages; this page never
// sees a token (the HubSpot private-app token input is write-only).
import '../shared/messages.js';
import { h, send, errorText, userLabel, when } from './dom.js';
import { renderPolicy, renderTeamSyncChoice } from './team-sync.js';
import { renderTeamServer, wireTeamServer } from './team-server.js';

const { UI_TO_WORKER: K } = globalThis.Leadline.messages;

const $ = (id) => document.getElementById(id);
const ROLES = ['team_sync', 'personal'];
const PERMISSION_WORDS = { admin: 'Admin (reads and writes everything)', standard: 'Standard (own records)', read_only: 'Read only (cannot push)', unknown: 'permission not checked — reconnect or check the user’s profile' };
const CREDENTIAL_WORDS = { personal: 'your own connection', team_sync: 'team sync', highest_permission: 'the strongest connected account' };

/** "Still to do" in HubSpot mode, where team sync is a pasted token, not a sign-in. */
const HUBSPOT_NEED_WORDS = {
  client_id: 'Paste your HubSpot app’s client id in step 1, so reps can connect their own HubSpot account.',
  connect_team_sync: 'Set up team sync in step 1: paste a private-app token (or service key) and name the HubSpot user it saves for.',
  reconnect_team_sync: 'HubSpot no longer accepts the team sync token: paste a new one in step 1; saves wait until then.',
};

/** A credential's kind in words (the core's `crm::Credential` names). */
const CREDENTIAL_KIND_WORDS = { private_app_token: 'HubSpot private-app token', service_key: 'HubSpot service key', hubspot_token: 'HubSpot token', oauth_connection: 'signed-in account' };

const NEED_WORDS = {
  client_id: 'Paste your app’s consumer key (client id) in step 1.',
  hubspot_client_secret: 'Enter your HubSpot app’s client secret in step 1, so reps can connect their own HubSpot account.',
  connect_team_sync: 'Connect team sync in step 2: an admin signs in once for the whole team.',
  connect_personal: 'Connect your own account in step 2, so your Gmail saves show you as Created By.',
  // Salesforce keeps five approvals per user per app and revokes the oldest on the sixth
  // (Salesforce Help 000205876): the usual reason a team sync held in each browser stops working.
  reconnect_team_sync: 'Team sync needs to be reconnected (step 2); saves wait until then. Salesforce keeps at most five sign-ins per user '
    + 'and app: when a sixth browser connects team sync as the same user, the one that connected first is disconnected, so with more '
    + 'than five browsers one is always out. A team server (below) holds one sign-in for the whole team.',
  reconnect_personal: 'Your account needs to be reconnected (step 2); saves wait until then.',
  crm_user_pick: 'Choose which CRM user your saves belong to (step 2).',
};

let state = null;

function status(text) {
  $('status').textContent = text || '';
}

function showError(error, action) {
  $('error').hidden = false;
  $('error').textContent = (action ? action + ' refused: ' : '') + errorText(error);
}

function clearError() {
  $('error').hidden = true;
  $('error').textContent = '';
}

/** Runs one action message; shows its refusal or `done`, then reloads the state. */
async function act(message, action, done) {
  const answer = await send(message);
  if (!answer.ok) {
    showError(answer.error, action);
    status('');
  } else {
    clearError();
    status(answer.note || done || ''); // a note (e.g. "reconnect through the new host") says more
  }
  await load();
  return answer;
}

function renderConfig() {
  const config = state.config || {};
  $('crm-choice').value = config.crm === 'hubspot' ? 'hubspot' : 'salesforce';
  $('login-host').value = ['production', 'sandbox', 'my_domain'].includes(config.login_host) ? config.login_host : 'production';
  if (document.activeElement !== $('my-domain')) $('my-domain').value = config.my_domain || '';
  if (document.activeElement !== $('client-id')) $('client-id').value = config.client_id || '';
  if (document.activeElement !== $('me-email')) $('me-email').value = (state.me && state.me.email) || '';
  if (document.activeElement !== $('mailbox-aliases')) $('mailbox-aliases').value = (config.mailbox_aliases || []).join(', ');
  $('redirect-url').textContent = config.redirect_url || chrome.identity.getRedirectURL('oauth2');
  $('hubspot-token-state').textContent = config.hubspot_private_token_set
    ? 'A token is saved (hidden; type a new one to replace it).'
    : 'No token saved yet. Team sync for HubSpot uses it; it never leaves Leadline’s background service.';
  const sync = (state.connections || []).find((c) => c.role === 'team_sync');
  if (document.activeElement !== $('hubspot-team-sync-email') && !$('hubspot-team-sync-email').value && sync && config.hubspot_private_token_set) {
    $('hubspot-team-sync-email').value = sync.email || '';
  }
  // Server mode: the team server exchanges and refreshes the rep's HubSpot tokens with the
  // secret only it holds, so there is no secret to enter in this browser.
  $('hubspot-secret-row').hidden = Boolean(config.hubspot_via_team_server);
  $('hubspot-secret-state').textContent = config.hubspot_via_team_server
    ? 'Your team server connects your own HubSpot account: the HubSpot app’s client secret lives only on the server, so there is nothing to enter here. Sign in to your team server (below), then click “Connect my account” in step 2.'
    : config.hubspot_client_secret_set
      ? 'A client secret is saved (hidden; type a new one to replace it). Reps connect their own HubSpot account with it.'
      : 'Needed for “Connect my account” on HubSpot. It stays in Leadline’s background service; anyone with developer tools on this computer could read it, so rotate it in HubSpot when someone leaves.';
  toggleFields();
}

function toggleFields() {
  const hubspot = $('crm-choice').value === 'hubspot';
  document.body.dataset.crm = hubspot ? 'hubspot' : 'salesforce';
  $('salesforce-fields').hidden = hubspot;
  $('hubspot-fields').hidden = !hubspot;
  $('my-domain-row').hidden = hubspot || $('login-host').value !== 'my_domain';
  $('client-id-label').textContent = hubspot ? 'Client id of your HubSpot app' : 'Consumer key (client id) of your External Client App';
}

/** "HubSpot private-app token …abcd": which credential is active (never the secret itself). */
function credentialWords(credential) {
  if (!credential) return null;
  const kind = CREDENTIAL_KIND_WORDS[credential.kind] || String(credential.kind || 'credential');
  return credential.last4 ? kind + ' ending …' + String(credential.last4) : kind;
}

/** True for a pasted HubSpot token or service key (no sign-in, so no Reconnect). */
const pasted = (conn) => Boolean(conn.credential && conn.credential.kind !== 'oauth_connection');

/** "The HubSpot private-app token ending …abcd (saves for Ian) is still the one in use." */
function stillInUse(conn) {
  const kind = conn.credential ? credentialWords(conn.credential) : 'connection';
  const as = pasted(conn) ? 'saves for ' : 'connected as ';
  return 'The ' + kind + ' (' + as + String(conn.name || conn.email || 'unknown') + ') is still the one in use.';
}

function connectionLines(conn) {
  if (!conn) return [h('p', { class: 'muted' }, 'Not connected.')];
  const healthy = conn.health === 'ok';
  const credential = credentialWords(conn.credential);
  return [
    ...(credential ? [h('p', { 'data-testid': 'active-credential' }, h('b', {}, 'Active: '), credential)] : []),
    h('p', {}, h('b', {}, pasted(conn) ? 'Saves for ' : 'Connected as '),
      String(conn.name || conn.email || conn.crm_user_id || 'unknown'), conn.email ? ' <' + conn.email + '>' : ''),
    h('p', {}, h('b', {}, 'Permission: '), PERMISSION_WORDS[conn.permission] || String(conn.permission || 'unknown')),
    ...(conn.org ? [h('p', { 'data-testid': 'org' }, h('b', {}, 'Org: '), String(conn.org))] : []),
    h('p', { class: healthy ? 'ok' : 'warn', 'data-testid': 'health' }, h('b', {}, 'Token: '),
      healthy ? 'working' : pasted(conn) ? 'HubSpot refuses this token: paste a new one in step 1; saves wait in the outbox until then'
        : 'reconnect needed: saves wait in the outbox until you reconnect'),
    ...(conn.checked_at ? [h('p', { class: 'muted' }, 'Last accepted by the CRM: ' + when(conn.checked_at))] : []),
    h('p', { class: 'muted' }, 'Last successful push: ' + when(conn.last_success)),
  ];
}

/**
 * Who holds team sync. The extension has no team-server setting yet, so team sync is always
 * held in this browser: its sign-in (or HubSpot token) is stored in this Chrome profile.
 */
function teamSyncHolder(hubspot) {
  return 'Held in this browser: the team sync ' + (hubspot ? 'token' : 'sign-in') +
    ' is stored in this Chrome profile, and saves that go through team sync are sent from here. ' +
    'Setting it up is an admin\'s job, not a rep\'s choice.';
}

/**
 * "Your Gmail mailbox is not your CRM user": the core's view of the last mailbox a Gmail panel
 * looked people up from (`state.gmail_mailbox`) against the CRM user Gmail saves are Created By
 * (the rep's own connection), counting the rep's other addresses. No block: the rep decides.
 */
function renderMailboxMismatch() {
  const seen = state.gmail_mailbox || null;
  const as = seen && seen.saving_as;
  const differs = Boolean(as && as.is_mailbox === false);
  $('mailbox-mismatch').hidden = !differs;
  $('mailbox-mismatch').textContent = differs
    ? 'Your Gmail mailbox (' + String(seen.email) + ') is not the CRM user of this connection (' + String(as.name || as.email) +
      ' <' + String(as.email) + '>): what you save from Gmail is Created By ' + String(as.name || as.email) +
      '. Connect the matching CRM account if that is not what you want; if ' + String(seen.email) +
      ' is also your address, add it to your other email addresses below.'
    : '';
}

function renderConnections() {
  const connections = Array.isArray(state.connections) ? state.connections : [];
  const hubspot = (state.config || {}).crm === 'hubspot';
  // HubSpot team sync is the token pasted in step 1: no sign-in, so no Connect/Reconnect.
  $('team-sync-hint').textContent = hubspot
    ? 'The admin’s shared connection: the private-app token (or service key) saved in step 1. LinkedIn saves go through it; HubSpot records no user as their creator.'
    : 'The admin\'s shared connection. LinkedIn saves go through it.';
  $('team-sync-holder').textContent = teamSyncHolder(hubspot);
  for (const role of ROLES) {
    const conn = connections.find((c) => c.role === role) || null;
    const box = document.querySelector('#card-' + role + ' .conn');
    box.replaceChildren(...connectionLines(conn));
    const connect = $('connect-' + role);
    connect.textContent = conn ? 'Reconnect' : role === 'team_sync' ? 'Connect team sync' : 'Connect my account';
    connect.hidden = hubspot && role === 'team_sync';
    $('disconnect-' + role).hidden = !conn;
  }
  renderMailboxMismatch();
}

function userOptions(select, selected, emptyLabel) {
  const users = Array.isArray(state.crm_users) ? state.crm_users : [];
  const options = [h('option', { value: '' }, emptyLabel)];
  for (const user of users) {
    const label = String(user.name || user.email || user.id) + (user.email ? ' <' + user.email + '>' : '') + (user.active === false ? ' (inactive)' : '');
    options.push(h('option', { value: user.id, disabled: user.active === false, selected: user.id === selected }, label));
  }
  if (users.length === 0) options.push(h('option', { value: '', disabled: true }, 'Connect to load the CRM users'));
  select.replaceChildren(...options);
  select.value = selected && users.some((u) => u.id === selected) ? selected : '';
}

function renderOwnership() {
  userOptions($('owner-mapping'), state.owner_mapping || '', 'Not set: my connection’s CRM user');

  const needsPick = Array.isArray(state.needs) && state.needs.includes('crm_user_pick');
  $('pick').hidden = !needsPick;
  if (needsPick) {
    const mine = (state.connections || []).find((c) => c.role === 'personal');
    $('pick-text').textContent = 'Your CRM account (' + String((mine && mine.email) || 'unknown') + ') does not match your login email (' +
      String((state.me && state.me.email) || 'unknown') + '). Which CRM user should own what you save? Until you choose, the connected CRM user does.';
    userOptions($('pick-user'), (mine && mine.crm_user_id) || '', 'Choose a CRM user');
  }
}

function renderSettings() {
  const settings = state.settings || {};
  const form = $('settings-form');
  for (const radio of form.elements.record_kind) radio.checked = radio.value === (settings.record_kind || 'contact');
  form.elements.match_account.checked = Boolean(settings.match_account);
  form.elements.log_emails.checked = Boolean(settings.log_emails);
}

/**
 * Server mode: the owner mapping and push settings shown are the server's, set by the admin
 * there (the worker refuses changes to them). Runs after the policy's locks, which it adds to.
 */
function renderServerHeld() {
  const onServer = Boolean(state.settings_on_team_server);
  $('owner-on-server').hidden = !onServer;
  $('settings-on-server').hidden = !onServer;
  $('owner-mapping').disabled = onServer;
  if (onServer) for (const input of $('settings-form').elements) input.disabled = true;
}

function renderNeeds() {
  const needs = Array.isArray(state.needs) ? state.needs : [];
  $('todo').hidden = needs.length === 0;
  const words = (state.config || {}).crm === 'hubspot' ? { ...NEED_WORDS, ...HUBSPOT_NEED_WORDS } : NEED_WORDS;
  $('needs').replaceChildren(...needs.map((code) => h('li', { 'data-need': code }, words[code] || String(code))));
}

function render() {
  renderNeeds();
  renderConfig();
  renderConnections();
  renderOwnership();
  renderSettings();
  renderTeamSyncChoice(state, chooseTeamSync);
  renderPolicy(state);
  renderServerHeld();
  renderTeamServer(state);
}

/**
 * Saves the CRM form and says exactly what was saved and what was not: a refused team sync
 * token leaves the other fields saved and the token saved before still in use.
 */
async function saveConfig(message) {
  const answer = await send(message);
  const saved = Array.isArray(answer.saved) ? answer.saved : [];
  if (answer.ok) {
    clearError();
    status('CRM settings saved.' + (saved.length ? ' Changed: ' + saved.join(', ') + '.' : ''));
  } else if (Array.isArray(answer.not_saved)) {
    const active = answer.active && answer.active.credential ? stillInUse(answer.active) : 'No team sync token is in use.';
    $('error').hidden = false;
    $('error').textContent = 'Not saved: ' + answer.not_saved.join(', ') + '. ' + errorText(answer.error) + ' ' + active;
    status(saved.length ? 'Saved: ' + saved.join(', ') + '.' : 'Nothing else on the form changed.');
  } else {
    showError(answer.error, 'Saving CRM settings');
    status('');
  }
  await load();
}

async function chooseTeamSync(appUser) {
  const answer = await act({ kind: K.SET_TEAM_SYNC, app_user: appUser }, 'Choosing the team sync', 'Team sync changed.');
  if (answer.ok && Array.isArray(answer.warnings) && answer.warnings.includes('team_sync_not_admin')) {
    status('Team sync changed. It is not an admin account: saves it pushes may miss records it cannot see.');
  }
}

async function load() {
  const answer = await send({ kind: K.GET_STATE });
  if (!answer.ok) {
    showError(answer.error, 'Loading settings');
    return;
  }
  state = answer;
  render();
}

function renderDecision(answer) {
  const out = $('sim-result');
  if (!answer.ok || (answer.decision && answer.decision.ok === false)) {
    const error = answer.ok ? answer.decision.error : answer.error;
    out.replaceChildren(h('p', { class: 'warn' }, 'No push possible: ' + errorText(error)));
    return;
  }
  const d = answer.decision || {};
  const users = state ? state.crm_users : [];
  const list = (items) => h('ul', {}, ...(items || []).map((r) => h('li', {}, String(r))));
  out.replaceChildren(
    h('p', {}, h('b', {}, 'Pushed with: '), CREDENTIAL_WORDS[d.credential && d.credential.kind] || 'unknown'),
    h('p', {}, h('b', {}, 'Created By: '), d.created_by_name || userLabel(users, d.created_by)),
    h('p', {}, h('b', {}, 'Owner: '), d.owner_name || userLabel(users, d.owner)),
    d.needs && d.needs.length ? h('p', { class: 'warn' }, 'Needs: ' + d.needs.join(', ')) : null,
    d.warnings && d.warnings.length ? h('p', { class: 'warn' }, 'Warnings: ' + d.warnings.join(', ')) : null,
    h('p', {}, h('b', {}, 'Why:')), list(d.reasons));
}

function wire() {
  $('config-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target.elements;
    const message = { kind: K.SET_CONFIG, crm: form.crm.value, login_host: form.login_host.value, my_domain: form.my_domain.value.trim(), client_id: form.client_id.value.trim(), me_email: form.me_email.value.trim() };
    const token = form.hubspot_private_token.value.trim();
    if (token) {
      message.hubspot_private_token = token;
      message.hubspot_token_kind = form.hubspot_token_kind.value;
    }
    if (token && form.hubspot_team_sync_email.value.trim()) message.hubspot_team_sync_email = form.hubspot_team_sync_email.value.trim();
    form.hubspot_private_token.value = '';
    const secret = form.hubspot_client_secret.value.trim();
    if (secret) message.hubspot_client_secret = secret;
    form.hubspot_client_secret.value = '';
    await saveConfig(message);
  });
  $('crm-choice').addEventListener('change', () => { toggleFields(); act({ kind: K.SET_CONFIG, crm: $('crm-choice').value }, 'Changing the CRM', 'CRM changed.'); });
  $('login-host').addEventListener('change', () => { toggleFields(); act({ kind: K.SET_CONFIG, login_host: $('login-host').value }, 'Changing the login host', 'Login host saved.'); });
  $('copy-redirect').addEventListener('click', () => navigator.clipboard.writeText($('redirect-url').textContent).then(() => status('Callback URL copied.'), () => status('Select the URL and copy it by hand.')));

  for (const role of ROLES) {
    $('connect-' + role).addEventListener('click', async (event) => {
      event.target.disabled = true;
      status('Sign in and allow access in the window that opened…');
      try {
        const answer = await act({ kind: K.CONNECT, role }, role === 'team_sync' ? 'Connecting team sync' : 'Connecting your account', 'Connected.');
        if (answer.ok && answer.note) status('Connected. ' + String(answer.note));
        // A refused reconnect replaces nothing: the connection made before stays in use.
        const kept = !answer.ok && state && (state.connections || []).find((c) => c.role === role);
        if (kept) $('error').textContent += ' ' + stillInUse(kept);
      } finally {
        event.target.disabled = false;
      }
    });
    $('disconnect-' + role).addEventListener('click', () => act({ kind: K.DISCONNECT, role }, 'Disconnecting', 'Disconnected.'));
  }
  $('aliases-form').addEventListener('submit', (event) => {
    event.preventDefault();
    act({ kind: K.SET_CONFIG, mailbox_aliases: $('mailbox-aliases').value }, 'Saving your other addresses', 'Other addresses saved.');
  });
  $('owner-mapping').addEventListener('change', (event) => act({ kind: K.SET_OWNER_MAPPING, crm_user_id: event.target.value || null }, 'Changing the owner', 'Owner saved.'));
  $('pick-save').addEventListener('click', () => {
    const id = $('pick-user').value;
    if (!id) return showError({ message: 'Choose a CRM user first.' }, 'Choosing your CRM user');
    return act({ kind: K.PICK_CRM_USER, crm_user_id: id }, 'Choosing your CRM user', 'CRM user saved.');
  });
  $('settings-form').addEventListener('change', () => {
    const form = $('settings-form').elements;
    act({ kind: K.SET_SETTINGS, settings: { record_kind: form.record_kind.value || 'contact', match_account: form.match_account.checked, log_emails: form.log_emails.checked } }, 'Saving push settings', 'Push settings saved.');
  });
  $('export').addEventListener('click', async () => {
    const answer = await send({ kind: K.EXPORT_SETTINGS });
    if (!answer.ok) return showError(answer.error, 'Export');
    clearError();
    $('settings-json').value = typeof answer.json === 'string' ? answer.json : JSON.stringify(answer.json, null, 2);
    status('Team settings exported below: copy them to share.');
  });
  $('import').addEventListener('click', () => {
    const text = $('settings-json').value.trim();
    if (!text) return showError({ message: 'Paste exported team settings JSON into the box first.' }, 'Import');
    return act({ kind: K.IMPORT_SETTINGS, json: text }, 'Import', 'Team settings imported.');
  });
  $('sim-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target.elements;
    renderDecision(await send({ kind: K.SIMULATE, source: form.source.value, record: form.record.value, push: form.push.value }));
  });
  wireTeamServer(act);
}

wire();
load();
