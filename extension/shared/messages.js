// The message registry: every message kind exchanged with the service worker, named by
// direction, defined here once. A classic script, so that the content scripts load it first
// (manifest.json) as well as the service worker, options and popup, which import it as a module
// for its effect: `import '../shared/messages.js'; const { UI_TO_WORKER } = globalThis.Leadline.messages;`
// (it has no `export`, which a classic script cannot have). tests/node/message-registry.test.mjs
// fails when these kinds differ from the ones the Rust core handles (`message_kinds`), or when an
// extension file writes a kind as a string literal instead of using these constants.
//
// Every request is `{kind, ...}` sent with chrome.runtime.sendMessage; every answer is
// `{ok: true, ...}` or `{ok: false, error: {code, message, hint}}`. The service worker checks
// each message's shape with the Rust core (crates/saves) before acting on it; the shape docs
// below are the contract, the Rust parser is the enforcement.
'use strict';

(function (root) {
/** Content script → service worker. */
const CONTENT_TO_WORKER = Object.freeze({
  /** `{kind, source, prospects:[Prospect]}` → `{ok, results:[{found, object, record_id,
   *  record_url, owner_name}]}`; answers come from a ~5 minute cache when possible. A list page
   *  sends `cards:[{key, link, prospect}]` instead (every card, private members' included; `link`
   *  the name link's href as the page has it) and reads `cards:[{key, skipped:{kind:"private"|
   *  "unreadable", reason}} | {key, found, ...}]`: the core's answer for each card by its key,
   *  also in a refusal (`{ok:false, error, cards}`, the people's cards then only `{key}`). */
  LOOKUP: 'lookup',
  /** `{kind, source, push}` → `{ok, decision}`: who would be Created By / Owner and why,
   *  decided locally (no network). */
  PREVIEW: 'preview',
  /** `{kind, source:"linkedin_extension"|"gmail_extension", push:"single"|"bulk",
   *  prospects:[Prospect], activity:null|{kind:"email", subject, body, date:"YYYY-MM-DD",
   *  message_id}, page_url}` → `{ok, save_id, crm:"salesforce"|"hubspot", results:[SaveResult],
   *  undo:null|{save_id, seconds}, notice:null|{code, message, hint}}`; with `source:"job_change"`
   *  (one person, "Update in CRM") the core writes the page's title and company onto the record
   *  the lookup found and the result is `status:"updated"` with `job_update:{now, was,
   *  account_note?}`; `notice` is set (once per broken connection) when a connection needs a reconnect,
   *  and the first queued result then carries it as a warning the toast shows. */
  SAVE: 'save',
  /** `{kind, source, save_id}` → `{ok, deleted:[{name, object, is_person, ...}], failed:[{name,
   *  object, is_person, error}]}`: deletes what that save created (its new Contact/Lead and the
   *  Tasks/engagements it logged; never a record it only linked to) with the connection that
   *  created it. A save answer offers it as `undo:{save_id, seconds}` when it created anything;
   *  refused after the window (`undo_expired`) and for a save the worker does not know
   *  (`undo_unknown`). */
  UNDO: 'undo',
});

/** Service worker → tab (chrome.tabs.sendMessage) during a bulk save. */
const WORKER_TO_CONTENT = Object.freeze({
  /** `{kind, save_id, done, total}`; for a bulk save's people who waited in the outbox and
   *  landed after the answer: `{kind, save_id, late: true, saved, failed}`. */
  SAVE_PROGRESS: 'save_progress',
});

/** Options page / popup → service worker. */
const UI_TO_WORKER = Object.freeze({
  /** `{kind}` → `{ok, config, me, connections, team_sync, team_sync_choices:[{app_user, email,
   *  name, connected, team_sync}], policy:{active, locked:[field], error}, owner_mapping,
   *  crm_users, needs, settings, recent_saves, outbox, error_log}` (never any token or secret;
   *  `config.hubspot_private_token_set` / `config.hubspot_client_secret_set` only say "saved"). */
  GET_STATE: 'get_state',
  /** `{kind, crm?, login_host?:"production"|"sandbox"|"my_domain", my_domain?, client_id?,
   *  api_version?, me_email?, company_domain?, hubspot_private_token?, hubspot_team_sync_email?}`
   *  → `{ok}`. `hubspot_private_token` is write-only (get_state only says
   *  `hubspot_private_token_set`): with it the worker connects HubSpot team sync at once, acting
   *  for the HubSpot owner whose email is `hubspot_team_sync_email` (default: `me_email`), and
   *  answers `{ok, connection}` or `{ok:false, error}` (e.g. `unknown_owner`).
   *  `hubspot_client_secret` (write-only too) is the HubSpot app's client secret for personal
   *  OAuth connections; it stays in the worker's storage. Fields set by policy keep the policy's
   *  value. */
  SET_CONFIG: 'set_config',
  /** `{kind, role:"team_sync"|"personal"}` → `{ok, connection, note}` (OAuth + PKCE in the
   *  worker; HubSpot personal uses the stored client secret). Refused with the core's
   *  `duplicate_crm_account` when another app user holds that CRM account (rule 7); `note`
   *  explains one person holding both roles. */
  CONNECT: 'connect',
  /** `{kind, role}` → `{ok}` */
  DISCONNECT: 'disconnect',
  /** `{kind, crm_user_id:string|null}` → `{ok}` */
  SET_OWNER_MAPPING: 'set_owner_mapping',
  /** `{kind, crm_user_id}` → `{ok}` (answer to the email-mismatch prompt) */
  PICK_CRM_USER: 'pick_crm_user',
  /** `{kind, settings:{record_kind:"contact"|"lead", match_account, log_emails}}` → `{ok}` */
  SET_SETTINGS: 'set_settings',
  /** `{kind}` → `{ok, json}` (team settings, no secrets) */
  EXPORT_SETTINGS: 'export_settings',
  /** `{kind, json}` → `{ok}` */
  IMPORT_SETTINGS: 'import_settings',
  /** `{kind, app_user:"me"|"team_sync_user"}` → `{ok, warnings}`: team sync chosen among the
   *  connected users (rule 9; `team_sync_not_connected` with the core's message otherwise).
   *  "me" makes this rep's own connection the team sync. */
  SET_TEAM_SYNC: 'set_team_sync',
  /** `{kind, outbox_id}` → `{ok}` */
  RETRY: 'retry',
  /** `{kind}` → `{ok}` */
  CLEAR_ERROR_LOG: 'clear_error_log',
  /** `{kind}` → `{ok, csv}` */
  EXPORT_ERROR_LOG_CSV: 'export_error_log_csv',
  /** `{kind, source, record, push}` → `{ok, decision}` (attribution simulator) */
  SIMULATE: 'simulate',
  /** The team server section (server mode): `{kind, action:"set_url", url}` (empty: solo
   *  mode; refused while a policy sets it), `{kind, action:"sign_in"}` (Salesforce sign-in run
   *  by the server), `{kind, action:"join", code, email}` (invite code), `{kind,
   *  action:"sign_out"}`, `{kind, action:"sync"}` → `{ok, team_server}` (the same view as
   *  get_state's `team_server`: `{url, locked, signed_in, me, team, team_sync, synced_at,
   *  notice}`; never the session token). */
  TEAM_SERVER: 'team_server',
});

/** Sources a content script may send, by site. */
const SOURCE = Object.freeze({ LINKEDIN: 'linkedin_extension', GMAIL: 'gmail_extension', JOB_CHANGE: 'job_change' });

/** Sources a content script may send (`job_change`: "Update in CRM" on a LinkedIn profile, a
 *  `save` of exactly one person, sent from a LinkedIn tab only). */
const SOURCES = Object.freeze(Object.values(SOURCE));

/** Sources only the rep's own extension pages send, with the content kinds `lookup`, `preview`
 *  and `save` (same shapes): the import page (`import/`, `csv_import`, bulk chunks of ≤200) and
 *  the popup's "Add a person" (`manual`, `push:"single"`, attribution rule 5). The router
 *  refuses them from anywhere else, and the core refuses them from a content script. */
const REP_SOURCES = Object.freeze(['manual', 'csv_import']);

/** Connection roles. */
const ROLES = Object.freeze(['team_sync', 'personal']);

/** Builds the `{ok:false, error}` answer every failing request gets. */
function failure(code, message, hint = '') {
  return { ok: false, error: { code, message, hint } };
}

const Leadline = (root.Leadline = root.Leadline || {});
Leadline.messages = Object.freeze({ CONTENT_TO_WORKER, WORKER_TO_CONTENT, UI_TO_WORKER, SOURCE, SOURCES, REP_SOURCES, ROLES, failure });
})(globalThis);
