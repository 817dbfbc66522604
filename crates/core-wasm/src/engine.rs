//! The save engine (`crates/engine`) in the service worker: the same [`engine::Engine`] the
//! team server runs natively, here over a `fetch` transport, a `setTimeout` clock and the
//! worker's storage layer (`extension/background/storage.js`'s `store`, over
//! `chrome.storage.local`), with the engine's one 401 policy and its single-flight refresh:
//! - `engine_run` (feature `outbox`, in `core_outbox`): an outbox
//!   entry run to its outcome (settled, waiting, reconnect needed). A back-off is never slept
//!   through here: it goes back to `outbox.js` for a `chrome.alarms` alarm, since a service
//!   worker may be stopped at any moment.
//! - `engine_lookup` and `engine_undo` (feature `engine`, `core_engine`): a page's lookup and
//!   an undo, each one awaited call.
//!
//! Two modules each hold their own copy of the engine, so the single flight spans them through
//! the store's refresh lock (`Store::begin_refresh`, `storage.js`'s `beginRefresh`). It runs
//! in wasm32 only (natively the engine has its own transport and stores); it compiles
//! natively too, so clippy lints it, and the engine's traits ask no `Send` for it (the
//! browser's values are not).
//!
//! The exports take the JSON array of their arguments (as every export, see the crate docs)
//! and the `store` object, and resolve to JSON text; nothing rejects. Tokens never leave the
//! Wasm and the store: no export answers or logs one.
//!
//! Transport: `fetch` of the worker's global scope through `web-sys` (`credentials: omit`,
//! `redirect: error`, `cache: no-store`, a 30 s `AbortSignal.timeout`), as `net.js` sends the
//! connect flow's requests. `gloo-net` (the design card's choice) works in a service worker since
//! its `WorkerGlobalScope` fix, but it brings its own request types and the `http` crate for
//! one call that `web-sys` makes with the engine's own `HttpRequest`.

use std::cell::Cell;
use std::future::Future;
use std::time::Duration;

use crm::{HttpRequest, HttpResponse};
#[cfg(feature = "engine")]
/// Connects a CRM account once its sign-in came back: `[team, start, hubspot]` (`hubspot`:
/// the client secret, or `{team_server, session}` in server mode; `start`:
/// `saves::api::ConnectStart`, `{kind:"oauth", role, redirect_uri, returned_url, state,
/// verifier}` or `{kind:"private_app", token, email, stated?}`) → `{ok, role, finished}` for
/// `connect_finish` (it holds the new token: worker only) or the core's refusal.
#[wasm_bindgen]
pub async fn engine_connect(args_json: String, store: HostStore) -> String {
    let Some([team, start, secret]) = args::<3>(&args_json) else {
        return invalid_input().to_string();
    };
    match engine_for(team, store, &secret) {
        Ok(engine) => engine.connect(start).await.to_string(),
        Err(refusal) => refusal,
    }
}

#[cfg(feature = "outbox")]
use engine::Outcome;
use engine::{Clock, Engine, EngineConfig, RefreshFlights};
use engine::{JournalLine, Store, StoreError, Transport, TransportError};
use saves::{LocalTeam, OutboxEntry, Role, Tokens};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::{args, invalid_input};

/// How long one request may take (the engine's native transport and `net.js` wait as long).
const TIMEOUT_MS: u32 = 30_000;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;

    /// The worker's storage layer (`storage.js`'s `store`): its one snapshot of
    /// `chrome.storage.local` per wake, its serialized writes, its `secret:token:*` keys, its
    /// refresh lock; for `engine_run`, with `outbox.js`'s `settle`.
    pub type HostStore;

    #[wasm_bindgen(method, catch)]
    async fn token(this: &HostStore, role: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = setToken)]
    async fn set_token(this: &HostStore, role: &str, token: JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    async fn outbox(this: &HostStore) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    async fn entry(this: &HostStore, id: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = putEntries)]
    async fn put_entries(this: &HostStore, entries: JsValue) -> Result<JsValue, JsValue>;
    /// `outbox.js`'s settle: the entry's journal lines and its removal in one storage write.
    #[wasm_bindgen(method, catch)]
    async fn settle(this: &HostStore, line: JsValue) -> Result<JsValue, JsValue>;
    /// Takes the worker's refresh lock of a role (resolves once held): one refresh at a time
    /// per connection across the Wasm modules that run the engine.
    #[wasm_bindgen(method, catch, js_name = beginRefresh)]
    async fn begin_refresh(this: &HostStore, role: &str) -> Result<JsValue, JsValue>;
    /// Releases the lock [`HostStore::begin_refresh`] took.
    #[wasm_bindgen(method, catch, js_name = endRefresh)]
    async fn end_refresh(this: &HostStore, role: &str) -> Result<JsValue, JsValue>;
    /// The worker's memory of refusals per CRM origin (`{origin: [count, last_ms]}`), one
    /// object for every Wasm module that runs the engine (see [`FetchTransport`]).
    #[wasm_bindgen(method, getter)]
    fn refusals(this: &HostStore) -> JsValue;
}

/// The single-flight refresh locks of this worker life, shared by every engine it builds (one
/// per message: the team may change between two).
fn flights() -> RefreshFlights {
    thread_local! {
        static FLIGHTS: RefreshFlights = RefreshFlights::default();
    }
    FLIGHTS.with(Clone::clone)
}

/// A JS value as a Rust one, through JSON (`null` / `undefined`: `None`).
fn from_js<T: serde::de::DeserializeOwned>(v: &JsValue) -> Result<Option<T>, StoreError> {
    from_js_with(v, |value| T::deserialize(value))
}

/// [`from_js`] with the reader of the parsed value given (outbox entries are read by
/// [`OutboxEntry::from_value`], by reference).
fn from_js_with<T>(
    v: &JsValue,
    read: impl FnOnce(&Value) -> Result<T, serde_json::Error>,
) -> Result<Option<T>, StoreError> {
    if v.is_null() || v.is_undefined() {
        return Ok(None);
    }
    let text = js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| StoreError::new("a stored value is not JSON"))?;
    // Through a `Value` read by reference: the same deserializers the core's JSON API already
    // carries (reading the text into `T` directly would compile a second copy of each).
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| StoreError::new(format!("a stored value is not JSON: {e}")))?;
    read(&value)
        .map(Some)
        .map_err(|e| StoreError::new(format!("a stored value has an unexpected shape: {e}")))
}

/// A Rust value as a JS one, through JSON.
fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, StoreError> {
    let text = serde_json::to_value(v)
        .map_err(|e| StoreError::new(e.to_string()))?
        .to_string();
    js_sys::JSON::parse(&text).map_err(|_| StoreError::new("a value could not be handed to JS"))
}

/// A rejected storage call: its message (storage errors carry no token).
fn store_error(e: &JsValue) -> StoreError {
    StoreError::new(error_message(e, "the extension's storage failed"))
}

/// `error.message` of a thrown JS value, else `fallback`.
fn error_message(e: &JsValue, fallback: &str) -> String {
    js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| fallback.to_owned())
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::TeamSync => "team_sync",
        Role::Personal => "personal",
    }
}

/// The engine's [`Store`] in the worker: the JS store object, and the connection of the last
/// request sent (the one a settled entry reached the CRM through, for "last successful push").
pub struct WorkerStore {
    host: HostStore,
    last_role: Cell<Option<Role>>,
}

impl WorkerStore {
    fn new(host: HostStore) -> Self {
        Self {
            host,
            last_role: Cell::new(None),
        }
    }
}

impl Store for WorkerStore {
    async fn entries(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let box_ = self.host.outbox().await.map_err(|e| store_error(&e))?;
        Ok(from_js_with(&box_, OutboxEntry::list_from_value)?.unwrap_or_default())
    }

    async fn entry(&self, id: &str) -> Result<Option<OutboxEntry>, StoreError> {
        let found = self.host.entry(id).await.map_err(|e| store_error(&e))?;
        from_js_with(&found, OutboxEntry::from_value)
    }

    fn put_entries(&self, entries: &[OutboxEntry]) -> impl Future<Output = Result<(), StoreError>> {
        if let [one] = entries {
            if one.in_flight {
                self.last_role.set(Some(saves::current_role(one)));
            }
        }
        let entries = to_js(&entries);
        async move {
            self.host
                .put_entries(entries?)
                .await
                .map(drop)
                .map_err(|e| store_error(&e))
        }
    }

    fn settle(&self, line: JournalLine) -> impl Future<Output = Result<(), StoreError>> {
        let line = to_js(&line);
        async move {
            self.host
                .settle(line?)
                .await
                .map(drop)
                .map_err(|e| store_error(&e))
        }
    }

    async fn tokens(&self, role: Role) -> Result<Option<Tokens>, StoreError> {
        let token = self
            .host
            .token(role_name(role))
            .await
            .map_err(|e| store_error(&e))?;
        from_js(&token)
    }

    fn set_tokens(
        &self,
        role: Role,
        tokens: &Tokens,
    ) -> impl Future<Output = Result<(), StoreError>> {
        let token = to_js(tokens);
        async move {
            self.host
                .set_token(role_name(role), token?)
                .await
                .map(drop)
                .map_err(|e| store_error(&e))
        }
    }

    /// The save module and the engine module each hold their own single-flight locks; the
    /// worker's lock, taken here once this module's is held, makes it one flight per
    /// connection for the whole worker (a refresh finished meanwhile is then seen: the stored
    /// token is no longer the one the 401 was for).
    async fn begin_refresh(&self, role: Role) -> Result<(), StoreError> {
        self.host
            .begin_refresh(role_name(role))
            .await
            .map(drop)
            .map_err(|e| store_error(&e))
    }

    async fn end_refresh(&self, role: Role) {
        let _ = self.host.end_refresh(role_name(role)).await;
    }
}

/// Answers that mean "the CRM refuses for now" (busy, over a limit, down).
const REFUSALS: [u16; 5] = [429, 500, 502, 503, 504];
/// How long a run of refusals counts for [`FetchTransport::held_back`].
const REFUSAL_WINDOW_MS: f64 = 15.0 * 60.0 * 1000.0;

thread_local! {
    /// This module's own memory of refusals, for a store that brings none.
    static REFUSED: js_sys::Object = js_sys::Object::new();
}

/// The origin of a URL (`https://host[:port]`), or the URL itself.
fn origin_of(url: &str) -> &str {
    let rest = url.find("://").map_or(0, |i| i + 3);
    url[rest..].find('/').map_or(url, |i| &url[..rest + i])
}

/// `navigator.onLine`, true when it cannot be read.
fn online() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"navigator".into())
        .and_then(|n| js_sys::Reflect::get(&n, &"onLine".into()))
        .map_or(true, |v| v.as_bool() != Some(false))
}

/// `fetch` in the worker's global scope. It notes each CRM origin's run of refusals: a request
/// that then fails with no answer, online, was most likely held back by Chromium
/// (`net::ERR_TEMPORARILY_THROTTLED`, which `fetch` reports as a bare network error).
///
/// The runs live in a JS object (`{origin: [count, last_ms]}`) that the worker's store hands to
/// every engine it builds, so the refusals a lookup met (in `core_engine`) count for the save
/// that follows (in `core_outbox`): Chromium throttles per URL whichever module sent it.
#[derive(Debug)]
pub struct FetchTransport {
    held_back: Cell<bool>,
    runs: js_sys::Object,
}

impl Default for FetchTransport {
    /// A transport with this module's own memory of refusals.
    fn default() -> Self {
        Self::sharing(REFUSED.with(Clone::clone))
    }
}

impl FetchTransport {
    /// A transport noting refusals in `runs`, shared with other transports (and modules).
    pub fn sharing(runs: js_sys::Object) -> Self {
        Self {
            held_back: Cell::new(false),
            runs,
        }
    }

    /// The run of refusals noted for `origin`: how many in a row, and when the last came.
    fn run(&self, origin: &JsValue) -> Option<(f64, f64)> {
        let run = js_sys::Reflect::get(&self.runs, origin).ok()?;
        if !js_sys::Array::is_array(&run) {
            return None;
        }
        let run: js_sys::Array = run.unchecked_into();
        Some((run.get(0).as_f64()?, run.get(1).as_f64()?))
    }

    /// True when this transport's last request failed with no answer although the browser is
    /// online and the CRM's last answers (two or more in a row, recently) were refusals.
    pub fn held_back(&self) -> bool {
        self.held_back.get()
    }

    /// Notes an answer (or its absence) from `url`'s origin.
    fn note(&self, url: &str, status: Option<u16>) {
        let origin = JsValue::from_str(origin_of(url));
        let now = js_sys::Date::now();
        let run = self.run(&origin);
        match status {
            Some(s) if REFUSALS.contains(&s) => {
                let count = run.map_or(0.0, |r| r.0) + 1.0;
                let noted = js_sys::Array::of2(&count.into(), &now.into());
                let _ = js_sys::Reflect::set(&self.runs, &origin, &noted);
                self.held_back.set(false);
            }
            Some(_) => {
                let _ = js_sys::Reflect::delete_property(&self.runs, &origin);
                self.held_back.set(false);
            }
            None => self
                .held_back
                .set(online() && run.is_some_and(|r| r.0 >= 2.0 && now - r.1 < REFUSAL_WINDOW_MS)),
        }
    }

    async fn fetch(request: &HttpRequest) -> Result<HttpResponse, JsValue> {
        let headers = js_sys::Array::new();
        for (name, value) in &request.headers {
            headers.push(&js_sys::Array::of2(&name.into(), &value.into()));
        }
        let init = web_sys::RequestInit::new();
        init.set_method(&request.method);
        init.set_headers(&headers);
        if let Some(body) = &request.body {
            init.set_body(&body.into());
        }
        init.set_credentials(web_sys::RequestCredentials::Omit);
        init.set_redirect(web_sys::RequestRedirect::Error);
        init.set_cache(web_sys::RequestCache::NoStore);
        init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS)));
        // Any global with `fetch` (a service worker, Node in the tests): web-sys calls it by name.
        let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
        let response: web_sys::Response =
            JsFuture::from(scope.fetch_with_str_and_init(&request.url, &init))
                .await?
                .dyn_into()?;
        let mut out_headers = Vec::new();
        if let Some(entries) = js_sys::try_iter(&response.headers())? {
            for pair in entries {
                let pair: js_sys::Array = pair?.dyn_into()?;
                let (name, value) = (pair.get(0).as_string(), pair.get(1).as_string());
                if let (Some(name), Some(value)) = (name, value) {
                    out_headers.push((name, value));
                }
            }
        }
        let body = JsFuture::from(response.text()?).await?;
        Ok(HttpResponse {
            status: response.status(),
            headers: out_headers,
            body: body.as_string().unwrap_or_default(),
        })
    }
}

impl Transport for FetchTransport {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let answer = Self::fetch(request).await;
        self.note(&request.url, answer.as_ref().ok().map(|r| r.status));
        answer.map_err(|e| {
            let name = js_sys::Reflect::get(&e, &"name".into())
                .ok()
                .and_then(|n| n.as_string());
            TransportError::new(match name.as_deref() {
                Some("TimeoutError" | "AbortError") => "the CRM did not answer in time".to_owned(),
                _ => error_message(&e, "the request failed"),
            })
        })
    }
}

/// `Date.now()`, `setTimeout` and `Math.random()`.
#[derive(Debug, Default)]
pub struct JsClock;

impl Clock for JsClock {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> {
        let ms = duration.as_millis() as f64;
        let timer = js_sys::Promise::new(&mut |resolve, _reject| {
            set_timeout(&resolve, ms);
        });
        async move {
            let _ = JsFuture::from(timer).await;
        }
    }

    fn random_u32(&self) -> u32 {
        (js_sys::Math::random() * 4_294_967_296.0) as u32
    }
}

/// The engine of this worker for the `team` and `secret` arguments (`secret`: who performs
/// HubSpot's code exchange and refreshes, `saves::api::HubspotBroker::from_value`: the client
/// secret as a string in solo mode, `{team_server, session}` in server mode), or the refusal to answer when the team is not one. Back-offs
/// are never slept through: a service worker may be stopped at any time, so a wait goes back to
/// JS for an alarm.
fn engine_for(
    team: Value,
    store: HostStore,
    secret: &Value,
) -> Result<Engine<FetchTransport, WorkerStore, JsClock>, String> {
    let team: LocalTeam = serde_json::from_value(team).map_err(|e| {
        json!({"ok": false, "error": {"code": "invalid_input",
            "message": format!("team: {e}"),
            "hint": "Open Leadline's options and finish the setup."}})
        .to_string()
    })?;
    let hubspot = saves::api::HubspotBroker::from_value(secret);
    let refusals = store.refusals();
    let transport = if refusals.is_object() {
        FetchTransport::sharing(refusals.unchecked_into())
    } else {
        FetchTransport::default()
    };
    Ok(
        Engine::new(team, transport, WorkerStore::new(store), JsClock)
            .with_config(EngineConfig {
                sleep_up_to: Duration::ZERO,
                hubspot,
            })
            .with_refresh_flights(flights()),
    )
}

/// The answer of an engine call that failed outside the CRM (the store): a coded refusal.
fn engine_failed(e: &engine::EngineError) -> Value {
    json!({"ok": false, "error": {"code": "internal_error", "message": e.to_string(),
        "hint": "Try again; if it persists, reload the extension."}})
}

#[cfg(feature = "engine")]
/// A page's lookup ("already in the CRM" badges) run by the engine: `[team, message, known,
/// recent, now_ms, hubspot]` → the core's `{ok, done, results, cache, saving_as}`
/// or its refusal (a refused refresh: its reason).
#[wasm_bindgen]
pub async fn engine_lookup(args_json: String, store: HostStore) -> String {
    let Some([team, message, known, recent, now, secret]) = args::<6>(&args_json) else {
        return invalid_input().to_string();
    };
    let engine = match engine_for(team, store, &secret) {
        Ok(engine) => engine,
        Err(refusal) => return refusal,
    };
    match engine
        .lookup(&message, &known, &recent, crate::number(&now))
        .await
    {
        Ok(answer) => answer,
        Err(e) => engine_failed(&e),
    }
    .to_string()
}

#[cfg(feature = "engine")]
/// Undoes a save with the engine: `[team, message, record, now_ms, hubspot]`
/// (`record`: `undo_record`'s `undo`, null when the window has nothing; `now_ms`: the instant
/// the worker checked the click against the undo window with `undo_plan`, so both checks are
/// one) → the core's `{ok, deleted, failed, forget}` or its refusal (`undo_expired`,
/// `undo_unknown`, ...).
#[wasm_bindgen]
pub async fn engine_undo(args_json: String, store: HostStore) -> String {
    let Some([team, message, record, now, secret]) = args::<5>(&args_json) else {
        return invalid_input().to_string();
    };
    let engine = match engine_for(team, store, &secret) {
        Ok(engine) => engine,
        Err(refusal) => return refusal,
    };
    match engine.undo(&message, &record, crate::number(&now)).await {
        Ok(answer) => answer,
        Err(e) => engine_failed(&e),
    }
    .to_string()
}

#[cfg(feature = "outbox")]
/// Runs one outbox entry (by id, as stored) with the engine until the CRM answered for it, it
/// must wait, or its connection needs a reconnect: `[team, entry_id, hubspot]`,
/// `store` with `settle(line)` besides the storage methods. Answers `{ok:true, outcome, ...}`:
/// `settled` (`results: [{index, lookup_key, result}]`, `role`: the connection the last
/// request went through), `waiting` (`until_ms`, `reason`, `held_back`: Chromium held the
/// request back), `reconnect_needed` (`role`, `reason`), `blocked` (`reason`), `gone` or
/// `busy`; or `{ok:false, error}` when the store failed or the core made no progress (the
/// entry stays in the outbox).
#[wasm_bindgen]
pub async fn engine_run(args_json: String, store: HostStore) -> String {
    let Some([team, id, secret]) = args::<3>(&args_json) else {
        return invalid_input().to_string();
    };
    let Some(id) = crate::text(&id).map(str::to_owned) else {
        return invalid_input().to_string();
    };
    let engine = match engine_for(team, store, &secret) {
        Ok(engine) => engine,
        Err(refusal) => return refusal,
    };
    match engine.run(&id).await {
        Ok(Outcome::Settled(people)) => {
            let results: Vec<Value> = people
                .iter()
                .map(|p| json!({"index": p.index, "lookup_key": p.lookup_key, "result": p.result}))
                .collect();
            json!({"ok": true, "outcome": "settled", "results": results,
                "role": engine.store().last_role.get()})
        }
        Ok(Outcome::Waiting { until_ms, reason }) => json!({"ok": true, "outcome": "waiting",
            "until_ms": until_ms, "reason": reason, "held_back": engine.transport().held_back()}),
        Ok(Outcome::ReconnectNeeded { role, reason }) => {
            json!({"ok": true, "outcome": "reconnect_needed", "role": role, "reason": reason})
        }
        Ok(Outcome::Blocked(reason)) => json!({"ok": true, "outcome": "blocked", "reason": reason}),
        Ok(Outcome::Gone) => json!({"ok": true, "outcome": "gone"}),
        Ok(Outcome::Busy) => json!({"ok": true, "outcome": "busy"}),
        Err(e) => engine_failed(&e),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn an_origin_is_the_scheme_and_host() {
        assert_eq!(
            origin_of("https://acme.my.salesforce.com/services/data/v62.0/composite"),
            "https://acme.my.salesforce.com"
        );
        assert_eq!(
            origin_of("https://api.hubapi.com"),
            "https://api.hubapi.com"
        );
        assert_eq!(origin_of("https://h:8443/x?y=/z"), "https://h:8443");
    }

    #[wasm_bindgen_test]
    fn values_cross_to_js_and_back_as_json() {
        let tokens = Tokens {
            access_token: "a".into(),
            refresh_token: Some("r".into()),
            instance_url: "https://acme.my.salesforce.com".into(),
            id: String::new(),
            credential: None,
        };
        let js = to_js(&tokens).unwrap();
        assert_eq!(from_js::<Tokens>(&js).unwrap(), Some(tokens));
        assert_eq!(from_js::<Tokens>(&JsValue::NULL).unwrap(), None);
        assert_eq!(from_js::<Tokens>(&JsValue::UNDEFINED).unwrap(), None);
        assert!(from_js::<Tokens>(&JsValue::from_str("not tokens")).is_err());
    }

    #[wasm_bindgen_test]
    fn a_failure_after_refusals_in_a_row_is_taken_for_chromium_holding_back() {
        let url = "https://held.example/services/data";
        let transport = FetchTransport::default();
        transport.note(url, Some(503));
        transport.note(url, None);
        assert!(!transport.held_back(), "one refusal is not a run");
        transport.note(url, Some(503));
        transport.note(url, Some(429));
        transport.note(url, None);
        assert!(transport.held_back(), "refusals in a row, then no answer");
        transport.note("https://other.example/x", None);
        assert!(
            !transport.held_back(),
            "another origin's refusals do not count"
        );
        transport.note(url, Some(200));
        transport.note(url, None);
        assert!(!transport.held_back(), "an answer ends the run");
    }

    #[wasm_bindgen_test]
    fn refusals_met_by_one_transport_count_for_another_sharing_the_runs() {
        let url = "https://shared.example/services/data";
        let runs = js_sys::Object::new();
        let lookups = FetchTransport::sharing(runs.clone());
        let saves = FetchTransport::sharing(runs);
        lookups.note(url, Some(503));
        lookups.note(url, Some(503));
        saves.note(url, None);
        assert!(
            saves.held_back(),
            "the lookups' refusals count for the save's request"
        );
        let alone = FetchTransport::sharing(js_sys::Object::new());
        alone.note(url, None);
        assert!(!alone.held_back(), "runs not shared are not seen");
    }
}
