//! The CRM protocol crate: Salesforce and HubSpot spoken as plain values (sans-IO).
//!
//! Nothing here opens a socket, reads a clock or draws random numbers. Builders return an
//! [`HttpRequest`]; the caller (the Wasm shell's service worker, a test, the sandbox e2e
//! suite) executes it and hands the [`HttpResponse`] back to a parser, which returns a typed
//! result or a [`CrmError`]. Random bytes and "now" come in as arguments.
//!
//! # Code map (the public API others code against)
//!
//! - [`http`]: [`HttpRequest`] `{method, url, headers, body}` / [`HttpResponse`]
//!   `{status, headers, body}` (JSON: exactly these names, headers as `[["Name","value"],…]`),
//!   `percent_encode`, `form_encode`, `parse_query`.
//! - [`error`]: [`CrmError`] `{Api(Box<ApiError>), Transport{message}, Parse{message,
//!   raw_body}, Invalid(ValidationError)}`; [`ApiError`] `{status, code, message, fields,
//!   duplicate_ids, hint}`; `CrmError::retry() -> Retry {Never, Backoff, RefreshToken}`,
//!   `CrmError::hint()`, `CrmError::duplicate_ids()`; `api_error_from_response(Crm, status,
//!   body)` reads every error body shape of both CRMs.
//!   `error::credential`: [`Credential`] (what the user gave) and `refusal(Crm, Credential,
//!   &CrmError) -> Refusal {headline, fix}`, the one table of what a refused credential means
//!   to the user; `sign_in_failed` for a sign-in page that closed or would not open.
//! - [`linkedin`]: `canonical_profile_url` (the one spelling stored in both CRMs),
//!   `profile_url_keys` (what a dedupe query asks for), `url_match_key` (comparisons).
//! - [`name`]: `split_full_name`, the one name-splitting rule (surname particles, single
//!   names, credentials and emoji).
//! - [`limits`]: [`ApiUsage`] `{used, limit}` from `Sforce-Limit-Info`; [`HsRateLimit`].
//! - [`prospect`]: [`Prospect`], [`ActivityLog`] / [`ActivityKind`],
//!   [`SaveSpec`] `{record, prospect, owner_id, existing_id, activity, description}`,
//!   [`SaveOutcome`] `{record_id, object, created, activity_id, owner_id}`,
//!   [`ExistingRecord`]; `split_full_name`, `validate_date`. The shared words come from
//!   `vocab`, re-exported: [`RecordKind`] (with [`RecordKindExt`]: `sobject()`, and
//!   `is_person()` — a person is saved as a contact or a lead; every builder refuses another
//!   kind and `prospect::person_kind` reads only those two names), [`Permission`] and
//!   [`CrmUser`].
//! - [`pkce`]: `verifier_from_random(&[u8;32])`, `challenge_s256`, `state_from_random(&[u8;16])`.
//! - [`redirect`]: `parse_redirect(Crm, url, expected_state) -> code` (state checked).
//! - [`salesforce`]: [`salesforce::SfSession`] `{instance_url, access_token, api_version
//!   ("66.0"), linkedin_field (Some("LinkedIn_URL__c"))}` and `SfSession::new`;
//!   - `oauth`: `LoginHost {Production, Sandbox, MyDomain}`, `authorize_url`,
//!     `code_exchange_request`, `refresh_request`, `revoke_request`, `parse_token_response ->
//!     SfToken`, `parse_revoke_response`;
//!   - `identity`: `identity_request`, `parse_identity -> SfIdentity`;
//!   - `permission`: `permission_request` (one composite), `parse_permission_response ->
//!     PermissionFacts`, `decide_permission -> Permission`;
//!   - `users`: `users_request`, `parse_users -> UsersPage {users, next_records_url}`;
//!   - `soql`: `literal`, `like_literal`, `like_literal_with`, `in_list`, `field_name`;
//!   - `lookup`: `lookup_request(session, kind, email, linkedin_url) -> Option<HttpRequest>`,
//!     `parse_lookup -> Option<ExistingRecord>`;
//!   - `save`: `save_request(session, spec) -> Option<HttpRequest>` (ONE composite call),
//!     `parse_save_response(spec, resp) -> SaveOutcome`; `create_request`,
//!     `create_task_request`, `parse_create_response` (single objects);
//!   - `record`: field maps and `max_len` (Salesforce field lengths);
//!   - `bulk`: [`salesforce::BulkSave`] (`new`, `next_request`, `on_response`, `phase`,
//!     `set_access_token`, `abort`, `results -> Vec<BulkItemResult>`);
//!   - `account`: exact-name Account lookup (`AccountMatch {None, One, Ambiguous}`).
//!   - `delete`: `delete_request` (sObject Collections delete, ≤200 ids, `allOrNone=false`:
//!     what an undo takes back in one call), `parse_delete_response -> Vec<DeleteResult>`.
//! - [`phase`]: [`BulkRun`], the one face of both bulk machines, and its [`BulkPhase`].
//! - [`hubspot`]: [`hubspot::HsSession`] `{api_base, access_token, objects_path_version ("v3"
//!   or "2026-03"), linkedin_property}`; `oauth` (authorize URL, code exchange and refresh with
//!   `client_secret`, `parse_token_response -> HsToken {hub_id, user_id, …}`, token info),
//!   `owners` (`owners_request`, `owner_by_user_id_request`, `parse_owners`), `contacts`
//!   (`contact_by_email_request`, `create_contact_request`, `batch_create_request` ≤100,
//!   parsers), `engagements` (notes 202 / emails 198 / calls 194), `companies` (by domain,
//!   associate), `save` ([`hubspot::HsSave`]: create → 409 links → engagement), `archive`
//!   (`batch_archive_request` ≤100 per object type: undo), `bulk` ([`hubspot::HsBulkSave`]:
//!   batch read, LinkedIn search, batch create), `revoke` (refresh-token revoke on
//!   disconnect, latest `POST /oauth/{v}/token/revoke` or legacy `DELETE /oauth/v1/refresh-tokens`).
//!
//! Tests: `tests/golden/*.json` (hand-written request/response pairs following the vendor
//! docs, each naming its source) checked by one request checker (`tests/support`);
//! `tests/soql_escaping.rs` and `tests/parsers_never_panic.rs` are property tests;
//! `tests/bulk_calls.rs` counts the bulk call budget.
//!
//! # Architecture invariants
//!
//! - No I/O, no clock, no randomness, no wasm-bindgen: the crate compiles to wasm32 and is
//!   tested natively with golden request/response files (`tests/golden/*.json`).
//! - Nothing that comes from a page, a message or the network can panic: every parser returns
//!   `Result<_, CrmError>`.
//! - SOQL is only ever assembled from escaped literals ([`salesforce::soql`]); field and object
//!   names come from code, never from input.
//! - A Salesforce single save is exactly one HTTP request (Composite); a duplicate found by a
//!   duplicate rule in a race costs one more (link + log with `existing_id`).
#![forbid(unsafe_code)]

pub mod error;
pub mod http;
pub mod hubspot;
pub mod limits;
pub mod linkedin;
pub mod name;
pub mod phase;
pub mod pkce;
pub mod prospect;
pub mod redirect;
pub mod salesforce;

pub use error::{refusal, ApiError, Credential, CrmError, Refusal, Retry, ValidationError};
pub use http::{HttpRequest, HttpResponse};
pub use limits::{ApiUsage, HsRateLimit};
pub use phase::{BulkPhase, BulkRun};
pub use prospect::{
    ActivityKind, ActivityLog, CrmUser, ExistingRecord, Job, Permission, Prospect, RecordKind,
    RecordKindExt, SaveOutcome, SaveSpec,
};
