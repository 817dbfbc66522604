//! The attribution core: for every save, whatever page it starts on, decides **which
//! credential pushes the record** (Salesforce stamps that connection's user as Created By),
//! **who owns it** in the CRM, and **why**, as short sentences a rep can read.
//!
//! It implements the rules of `shared/spec/attribution.md` as pure functions: no I/O, no
//! clock, no randomness, no browser. A [`DecisionInput`] (CRM, source, record kind, push mode,
//! actor and [`TeamState`]) goes in; a [`Decision`] or a typed [`AttributionError`] comes out.
//! The same call answers the hover preview, the save itself and the admin's simulator, so they
//! cannot disagree. The JSON functions ([`decide_json`], [`validate_team_json`],
//! [`check_connect_json`], [`check_team_sync_choice_json`]) are the stable contract that the
//! Wasm crate exposes to JavaScript, one line per function; they never panic.
//!
//! **Architecture invariant:** this crate knows nothing of HTTP, storage or Wasm.
//!
//! # Rules and where they live
//! | Rule | What | Where |
//! |---|---|---|
//! | 1 | Created By follows the source | [`Source::wants_personal`], `credential::choose` |
//! | 2 | Activities follow the person | `credential::choose` |
//! | 3 | Fallback: personal → team sync → highest permission → `no_credentials` | `credential::choose` |
//! | 4 | Owner: mapping → personal CRM user → pushing CRM user | `owner::choose` |
//! | 5 | Single hand push: pushed like `manual`, owner by login email before the last step | `decide::is_hand_push`, `owner::email_match` |
//! | 6 | Inactive owners skipped, warning `owner_inactive` | `owner::choose`, [`TeamState::is_inactive`] |
//! | 7 | One CRM account per app user (`duplicate_crm_account`) | [`validate_team`], [`check_connect`] |
//! | 8 | Email mismatch → `needs: ["crm_user_pick"]` | `owner::needs` |
//! | 9 | Team sync must be connected (`team_sync_not_connected`) | [`validate_team`], [`check_team_sync_choice`] |
//! | 10 | HubSpot: same rules, owners are HubSpot owner ids | [`Crm`] only changes words |
//! | 11 | A connection pushes only from where its token is ([`Held`]) | [`PersonalConnection::pushes_for`], `credential::highest_permission`, [`check_team_sync_choice`] |
//!
//! # Choices where the spec is silent
//! - **Rule 5** applies to `push: "single"` with source `manual` or `csv_import`: that is the
//!   "push to CRM" action on one record the rep added or imported (the output `source` is then
//!   `manual`). A single save from Gmail, LinkedIn, prospecting search or a job change is not
//!   that action: it keeps its source for the credential *and* gets no email match, because
//!   rule 5 applies as a whole or not at all. The email match skips CRM users that another app
//!   user has connected, and picks nobody when several active CRM users share the email.
//! - An owner skipped as inactive counts as "not found" for rule 5, so the email match runs.
//! - **Connections that can't push**: `read_only` ones (rule 3), and those whose CRM user the
//!   directory marks inactive (the CRM refuses a deactivated user's token). A read-only or
//!   inactive team sync is treated like no team sync: the highest-permission user pushes and a
//!   reason says why. So the last owner step (the pushing CRM user) is never inactive.
//! - **`team_sync_not_admin`** is given when this decision pushed with a non-admin team sync,
//!   or wanted team sync and could not use it because it is read-only. A non-admin team sync
//!   that the decision never touched (a Gmail save with a personal connection) gives none; the
//!   options page learns about it from [`check_team_sync_choice`].
//! - **Rule 11, what each rule sees.** A connection held only in its own user's browser
//!   ([`Held::OwnBrowser`]) pushes that user's saves and nobody else's:
//!   - rules 1 and 2 want the *actor's own* connection, so it pushes wherever it is held;
//!   - team sync must be held by the team: choosing a browser-held one is refused with
//!     `team_sync_not_connected` (its own message says why) by [`check_team_sync_choice`] and
//!     by [`validate_team`], which every `decide` runs, so a save in such a team is refused
//!     like one whose team sync is unconnected — it does not silently fall back;
//!   - rule 3's highest-permission fallback picks among the actor's own connection and the
//!     connections the team holds (ties still go to the first listed of those); when another
//!     user's browser-held connection would have won, a reason says it was passed over; when
//!     only such connections could push, the answer is `no_credentials`;
//!   - rules 4, 5 (the email match skips CRM users another app user has connected), 7 and 8
//!     see every connection wherever it is held: an owner is a CRM user, not a token. So a rep
//!     whose connection lives in their browser still owns their LinkedIn saves that team sync
//!     pushes;
//!   - hence `on_behalf_of` only ever names the actor when a team-held connection pushed.
//!
//!   `held` absent (or null) means `team`: without a team server, every connection in the
//!   browser's team counts as held by the team.
//! - Unknown CRM users (not in `crm_users`) are never "inactive". `active` absent means true.
//! - Ids, emails and names must be non-empty strings of at most 256 characters without control
//!   characters; app user ids must be unique. Unknown extra input fields are ignored.
//! - Emails compare case-insensitively, ignoring surrounding spaces. CRM user ids compare
//!   exactly (a 15-character Salesforce id is not matched with its 18-character form).
//!
//! # JSON shapes
//! `decide_json` takes the spec's input and answers `{"ok": true, "credential": {"kind",
//! "user", "crm_user_id"}, "created_by", "owner", "needs", "warnings", "reasons", "source",
//! "on_behalf_of", "owner_from"}` (the last three are extras: the source the credential rules
//! used, the actor when someone else's connection pushed for them, and which owner step won),
//! or `{"ok": false, "error": {"code", "message"}}`. The options-page checks take
//! `{"team", "crm"?}`, plus `"app_user"` (and `"personal"` for [`check_connect_json`]).
//! A `personal` object may carry `"held": "team" | "own_browser"` (rule 11; absent means
//! `team`); any other value is `invalid_input` naming the field, e.g.
//! `team.users[0].personal.held`.
//!
//! ```
//! use serde_json::json;
//! let team = json!({
//!     "users": [
//!         { "id": "u_admin", "email": "admin@acme.example",
//!           "personal": { "crm_user_id": "005A", "email": "admin@acme.example", "permission": "admin" } },
//!         { "id": "u_rep", "email": "rep@acme.example", "owner_mapping": "005R" }
//!     ],
//!     "team_sync": "u_admin"
//! });
//! let answer = attribution::decide_json(&json!({
//!     "crm": "salesforce", "source": "linkedin_extension", "record": "contact",
//!     "actor": "u_rep", "team": team
//! }));
//! assert_eq!(answer["credential"]["kind"], "team_sync");
//! assert_eq!(answer["created_by"], "005A");
//! assert_eq!(answer["owner"], "005R");
//! assert_eq!(answer["reasons"][0], "LinkedIn saves are pushed with the team sync connection");
//! ```

mod credential;
mod de;
mod decide;
mod decision;
mod error;
mod json;
mod model;
mod owner;
mod parse;
mod reasons;
mod validate;

pub use de::{MAX_APP_USERS, MAX_CRM_USERS, MAX_TEXT_CHARS};
pub use decide::decide;
pub use decision::{Credential, CredentialKind, Decision, Need, OwnerBasis, Warning};
pub use error::{AttributionError, ErrorCode};
pub use json::{
    check_connect_json, check_team_sync_choice_json, decide_json, decide_str, validate_team_json,
};
pub use model::{
    AppUser, Crm, CrmUser, DecisionInput, Held, Permission, PersonalConnection, PushMode,
    RecordKind, Source, TeamState,
};
pub use parse::{check_texts, parse_decision_input, parse_personal, parse_team};
pub use validate::{check_connect, check_team_sync_choice, validate_team};
