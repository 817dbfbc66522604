//! The save engine (`crates/engine`) in the service worker: the same [`engine::Engine`] the
//! team server runs natively, here over a `fetch` transport, a `setTimeout` clock and the
//! worker's storage layer (`extension/background/storage.js`'s `store`, over
//! `chrome.storage.local`), so a lookup, an undo and a token refresh are each one awaited call
//! with the engine's one 401 policy and its single-flight refresh. wasm32 only (the browser's
//! values are not `Send`; natively the engine has its own transport and stores).
//!
//! The exports take the JSON array of their arguments (as every export, see the crate docs)
//! and the `store` object, and resolve to JSON text; nothing rejects. Tokens never leave the
//! Wasm and the store: no export answers or logs one.
//!
//! Transport: `fetch` of the worker's global scope through `web-sys` (`credentials: omit`,
//! `redirect: error`, `cache: no-store`, a 30 s `AbortSignal.timeout`), as `net.js` sends the
//! outbox's requests. `gloo-net` (the design card's choice) works in a service worker since
//! its `WorkerGlobalScope` fix, but it brings its own request types and the `http` crate for
//! one call that `web-sys` makes with the engine's own `HttpRequest`.

use std::future::Future;
use std::time::Duration;

use crm::{HttpRequest, HttpResponse};
use engine::{Clock, Engine, EngineConfig, RefreshFailure, RefreshFlights};
use engine::{JournalLine, Store, StoreError, Transport, TransportError};
use saves::{LocalTeam, OutboxEntry, Role, Tokens};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::{args, invalid_input, text};

/// How long one request may take (the engine's native transport and `net.js` wait as long).
const TIMEOUT_MS: u32 = 30_000;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;

    /// The worker's storage layer (`storage.js`'s `store`): its one snapshot of
    /// `chrome.storage.local` per wake, its serialized writes, its `secret:token:*` keys.
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
    if v.is_null() || v.is_undefined() {
        return Ok(None);
    }
    let text = js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| StoreError::new("a stored value is not JSON"))?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| StoreError::new(format!("a stored value has an unexpected shape: {e}")))
}

/// A Rust value as a JS one, through JSON.
fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, StoreError> {
    let text = serde_json::to_string(v).map_err(|e| StoreError::new(e.to_string()))?;
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

impl Store for HostStore {
    fn entries(&self) -> impl Future<Output = Result<Vec<OutboxEntry>, StoreError>> {
        async move {
            let box_ = self.outbox().await.map_err(|e| store_error(&e))?;
            Ok(from_js(&box_)?.unwrap_or_default())
        }
    }

    fn entry(&self, id: &str) -> impl Future<Output = Result<Option<OutboxEntry>, StoreError>> {
        async move {
            let found = HostStore::entry(self, id)
                .await
                .map_err(|e| store_error(&e))?;
            from_js(&found)
        }
    }

    fn put_entries(&self, entries: &[OutboxEntry]) -> impl Future<Output = Result<(), StoreError>> {
        let entries = to_js(&entries);
        async move {
            HostStore::put_entries(self, entries?)
                .await
                .map(drop)
                .map_err(|e| store_error(&e))
        }
    }

    /// Outbox entries are still settled by `outbox.js` (journal lines need the page's
    /// results and the lookup keys it keeps): the extension's engine does not run entries yet.
    fn settle(&self, line: JournalLine) -> impl Future<Output = Result<(), StoreError>> {
        let _ = line;
        std::future::ready(Err(StoreError::new(
            "the extension settles outbox entries in outbox.js",
        )))
    }

    fn tokens(&self, role: Role) -> impl Future<Output = Result<Option<Tokens>, StoreError>> {
        async move {
            let token = self
                .token(role_name(role))
                .await
                .map_err(|e| store_error(&e))?;
            from_js(&token)
        }
    }

    fn set_tokens(
        &self,
        role: Role,
        tokens: &Tokens,
    ) -> impl Future<Output = Result<(), StoreError>> {
        let token = to_js(tokens);
        async move {
            self.set_token(role_name(role), token?)
                .await
                .map(drop)
                .map_err(|e| store_error(&e))
        }
    }
}

/// `fetch` in the worker's global scope.
#[derive(Debug, Default)]
pub struct FetchTransport;

impl FetchTransport {
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
    fn send(
        &self,
        request: &HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, TransportError>> {
        async move {
            Self::fetch(request).await.map_err(|e| {
                let name = js_sys::Reflect::get(&e, &"name".into())
                    .ok()
                    .and_then(|n| n.as_string());
                TransportError::new(match name.as_deref() {
                    Some("TimeoutError" | "AbortError") => {
                        "the CRM did not answer in time".to_owned()
                    }
                    _ => error_message(&e, "the request failed"),
                })
            })
        }
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

/// The engine of this worker for `team` (the secret: HubSpot's client secret, for refreshes).
/// Back-offs are never slept through: a service worker may be stopped at any time, so a wait
/// goes back to JS for an alarm.
fn engine_for(
    team: LocalTeam,
    store: HostStore,
    hubspot_client_secret: String,
) -> Engine<FetchTransport, HostStore, JsClock> {
    Engine::new(team, FetchTransport, store, JsClock)
        .with_config(EngineConfig {
            sleep_up_to: Duration::ZERO,
            hubspot_client_secret,
        })
        .with_refresh_flights(flights())
}

/// The team argument, or the core's `invalid_input` answer.
fn team_of(v: Value) -> Result<LocalTeam, Value> {
    serde_json::from_value(v).map_err(|e| {
        json!({"ok": false, "error": {"code": "invalid_input",
            "message": format!("team: {e}"),
            "hint": "Open Leadline's options and finish the setup."}})
    })
}

/// The answer of an engine call that failed outside the CRM (the store): a coded refusal.
fn engine_failed(e: &engine::EngineError) -> Value {
    json!({"ok": false, "error": {"code": "internal_error", "message": e.to_string(),
        "hint": "Try again; if it persists, reload the extension."}})
}

/// A page's lookup ("already in the CRM" badges) run by the engine: `[team, message, known,
/// recent, now_ms, hubspot_client_secret]` → the core's `{ok, done, results, cache, saving_as}`
/// or its refusal (a refused refresh: its reason).
#[wasm_bindgen]
pub async fn engine_lookup(args_json: String, store: HostStore) -> String {
    let Some([team, message, known, recent, now, secret]) = args::<6>(&args_json) else {
        return invalid_input().to_string();
    };
    let team = match team_of(team) {
        Ok(team) => team,
        Err(refusal) => return refusal.to_string(),
    };
    let secret = text(&secret).unwrap_or_default().to_owned();
    let engine = engine_for(team, store, secret);
    match engine
        .lookup(&message, &known, &recent, crate::number(&now))
        .await
    {
        Ok(answer) => answer,
        Err(e) => engine_failed(&e),
    }
    .to_string()
}

/// A connection's token refresh after a 401 (the one single flight of this worker): `[team,
/// role, used_access_token, hubspot_client_secret]` → `{ok:true}` (a new token is stored, or
/// one was meanwhile), or `{ok:false, error, reconnect}` (`reconnect`: the CRM refused the
/// grant for good).
#[wasm_bindgen]
pub async fn engine_refresh(args_json: String, store: HostStore) -> String {
    let Some([team, role, used, secret]) = args::<4>(&args_json) else {
        return invalid_input().to_string();
    };
    let team = match team_of(team) {
        Ok(team) => team,
        Err(refusal) => return refusal.to_string(),
    };
    let Ok(role) = serde_json::from_value::<Role>(role) else {
        return invalid_input().to_string();
    };
    let used = text(&used).unwrap_or_default().to_owned();
    let secret = text(&secret).unwrap_or_default().to_owned();
    let engine = engine_for(team, store, secret);
    match engine.refresh(role, &used).await {
        Ok(()) => json!({"ok": true}),
        Err(RefreshFailure::Reconnect(error)) => {
            json!({"ok": false, "error": error, "reconnect": true})
        }
        Err(RefreshFailure::Later(error)) => {
            json!({"ok": false, "error": error, "reconnect": false})
        }
        Err(RefreshFailure::Store(e)) => engine_failed(&e.into()),
    }
    .to_string()
}

/// Undoes a save with the engine: `[team, message, record, hubspot_client_secret]` (`record`:
/// `undo_record`'s `undo`, null when the window has nothing) → the core's `{ok, deleted,
/// failed, forget}` or its refusal (`undo_expired`, `undo_unknown`, ...).
#[wasm_bindgen]
pub async fn engine_undo(args_json: String, store: HostStore) -> String {
    let Some([team, message, record, secret]) = args::<4>(&args_json) else {
        return invalid_input().to_string();
    };
    let team = match team_of(team) {
        Ok(team) => team,
        Err(refusal) => return refusal.to_string(),
    };
    let secret = text(&secret).unwrap_or_default().to_owned();
    let engine = engine_for(team, store, secret);
    match engine.undo(&message, &record).await {
        Ok(answer) => answer,
        Err(e) => engine_failed(&e),
    }
    .to_string()
}
