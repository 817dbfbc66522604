//! The sandbox org: a local stand-in for Salesforce and HubSpot that a client nobody here
//! wrote (jsforce, @hubspot/api-client) and the extension itself use unchanged.
//!
//! Native only (never built for wasm). One HTTPS port serves everything whatever the Host
//! header: Salesforce paths, HubSpot paths, both OAuth flows' pages, the admin API and, with
//! `--fixtures`, static LinkedIn/Gmail fixture pages under their real hostnames.
//!
//! # Running
//!
//! `sandbox [--port N] [--data PATH] [--fixtures DIR] [--token-ttl SECS]` (defaults: 8443, a
//! new temp dir removed again on a clean exit, none, 7200). `--data` is a directory (the org is `org.sqlite3` inside it) or,
//! when it names a `.sqlite`/`.sqlite3`/`.db` file, that file (its directory is the data dir).
//! Once listening it prints exactly one stdout line `SANDBOX_READY https://127.0.0.1:<port>`,
//! writes its self-signed certificate to `<data dir>/cert.pem` (reused on restart; covers
//! localhost, 127.0.0.1, login/test/acme.my.salesforce.com, api.hubapi.com, app.hubspot.com,
//! www.linkedin.com, mail.google.com), prints the seed to stderr and then one stderr line per
//! request (no tokens, no query strings). Ctrl-C / SIGTERM exits cleanly.
//!
//! # The seeded org "Acme" (see [`seed`])
//!
//! | Login (password `sandbox`) | Profile | Active | HubSpot owner / user id |
//! |---|---|---|---|
//! | admin@acme.example | System Administrator | yes | 41629001 / 9586001 |
//! | integration@acme.example | System Administrator | yes | 41629002 / 9586002 |
//! | rep@acme.example | Standard User | yes | 41629003 / 9586003 |
//! | rep2@acme.example | Standard User | yes | 41629004 / 9586004 |
//! | readonly@acme.example | Read Only | yes | 41629005 / 9586005 |
//! | gone@acme.example | Standard User | no (owner archived) | 41629006 / 9586006 |
//! | rep3@acme.example | Standard User | yes | 41629007 / 9586007 |
//! | rep4@acme.example | Standard User | yes | 41629008 / 9586008 |
//! | rep5@acme.example | Standard User | yes | 41629009 / 9586009 |
//!
//! Salesforce user ids are 18-character `005Hs000000000{1..9}` + checksum (printed at start);
//! the org id is `00DHs0000000001` + checksum; HubSpot hub id 24681357.
//! OAuth apps: Salesforce External Client App `leadline-sandbox-client` (PKCE S256 required,
//! no secret; redirect URIs `https://<32 a-z>.chromiumapp.org/...` or `http://localhost...`),
//! a confidential Salesforce app `leadline-sandbox-scripts` / `leadline-sandbox-secret` for
//! the password grant from scripts (jsforce needs a secret for it), HubSpot app
//! `leadline-hubspot-client` / `leadline-hubspot-secret`, HubSpot private-app token
//! `pat-sandbox-integration` and service key `sandbox-service-key-integration` (both act as
//! integration@acme.example and never expire; HubSpot records no creating user for them), and the team
//! server's confidential app `leadline-sandbox-server` / `leadline-sandbox-server-secret`
//! (secret required at the token endpoint for the code exchange and refresh, PKCE required,
//! any `https://` callback). A missing or wrong secret answers `400 invalid_client`.
//! OpenID Connect: the `openid` scope adds a signed `id_token` (ES256 here, RS256 at
//! Salesforce; keys at `/id/keys`); a token without `api`/`full` answers the REST API with
//! `401 INVALID_SESSION_ID` ("This session is not valid for use with the REST API"). Each
//! user keeps at most five approvals (live refresh tokens) per app: issuing a sixth revokes
//! the oldest, whose next refresh answers `invalid_grant`.
//! Rules: a Lead assignment rule gives new Leads to admin@acme.example unless the request
//! (for Composite: the subrequest's `httpHeaders`, as documented) carries
//! `Sforce-Auto-Assign: FALSE`; duplicate rules on Contact and Lead `Email`
//! (case-insensitive, alert-type: `Sforce-Duplicate-Rule-Header: allowSave=true` saves).
//!
//! # Admin API (`/__sandbox/`, no auth, JSON)
//!
//! `POST expire-tokens`, `POST faults {"status":503|429,"count":N,"path_prefix":"/crm","retry_after":S}`
//! (`retry_after`, optional: the `Retry-After` seconds each refused call carries; a 429 says 1
//! unless given, a 5xx nothing),
//! `POST latency {"ms":N}`, `GET latency` (`{"ms","held"}`: requests received and held by that latency now), `GET counts` (`{"total":N, "POST /services/data/vXX.X/composite":1,
//! ...}`, CRM API calls only; ids shown as `{id}`), `POST reset-counts`,
//! `GET records?object=Contact` (Salesforce object names, or HubSpot `contacts`, `companies`,
//! `notes`, `emails`, `tasks`, `calls`: `{"object","totalSize","records":[...]}`),
//! `GET|POST settings {"api_limit":N,"api_usage":N,"api_disabled":bool,
//! "lead_assignment_rule":bool,"duplicate_rule":bool,"hs_search_delay_ms":N,"token_ttl_secs":N}`
//! (`hs_search_delay_ms` models HubSpot search's indexing lag: 2,000 ms unless set, `0` turns it off),
//! `DELETE faults` to clear pending faults, and `GET approvals[?user=<login or id>][&client_id=]`
//! (`{"approvals":[{"user_id","username","client_id","count",...}],"total":N}`: live refresh
//! tokens per user and app).
//!
//! # Code map
//!
//! The modules stand in layers, each using only those below it (no import cycles):
//!
//! 1. [`server`]: hyper 1 over tokio-rustls (ring): HTTP/2 or HTTP/1.1 by ALPN, keep-alive
//!    and `400` for malformed requests by hyper; each request is read whole into an
//!    `http::Request` and answered by the synchronous handlers on tokio's blocking pool.
//! 2. `app`: routing by path, request counts, injected faults and latency; `admin`: the test
//!    hooks.
//! 3. The protocols. `hubspot`: `api` (entry), `oauth`, `objects` (CRUD, list, v4
//!    associations), `input` (property and association checks, 409 conflicts), `batch`,
//!    `search`, `render`, `owners`, `properties`, shared `caller` and `errors`.
//!    `salesforce`: `api` (entry, session and API-usage checks), `oauth`, `apps` (the OAuth
//!    apps and their secret rules), `oidc` (ID tokens and their keys), `identity`,
//!    `rest` (routing under `/services/data/vNN.0/`; it hands itself to `composite` as a
//!    `Dispatch` function for subrequests), `records` + `validate`, `describe`,
//!    `schema`, `soql` (lexer + parser) and `query` (evaluation, paging), `collections`, shared
//!    `context` (caller, request options) and `errors`. `pages`: the login and consent
//!    screens both CRMs share.
//! 4. `org`: the shared `State` (the store plus in-memory grants, faults, counts) behind one
//!    `Mutex`, held only while a handler runs (TLS, parsing, latency and writing happen
//!    outside it); `grants`: authorization codes and login sessions.
//! 5. `store`: the SQLite org (records, HubSpot objects, tokens, settings, query cursors) with
//!    lookup keys (`sf_keys`, `hs_keys`: every short text value, lower-cased, and HubSpot
//!    associations), so a lookup by e-mail, id, URL or association costs the same in a large
//!    org as in an empty one; [`seed`]: people and apps; `fixtures`: static pages.
//! 6. Leaves: `http` (request, response, URL codecs via `percent-encoding` and
//!    `form_urlencoded`), `clock` (`time`), `ids`, `email`, `tls`, `config`.
//!
//! **Invariants.** Nothing from a request can panic the server (no unwrap on input; a bad
//! request gets the CRM's own error shape). Tokens and query strings are never logged. State
//! that matters across restarts (records, tokens, settings) lives in SQLite; faults, counts,
//! latency, login sessions and authorization codes are in memory.

pub mod seed;
pub mod server;

mod admin;
mod app;
mod clock;
mod config;
mod email;
mod fixtures;
mod grants;
mod http;
mod hubspot;
mod ids;
mod org;
mod pages;
mod salesforce;
mod store;
mod tls;

pub use config::{SandboxConfig, SandboxError};
pub use server::{start, RunningSandbox};
