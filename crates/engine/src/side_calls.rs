//! The engine's other request loops, beside saves: a page's "already in the CRM" lookup, the
//! undo of a save, and a connect after its sign-in. The first two are the core's JSON
//! functions (`saves::bulk_lookup::lookup_list`, `saves::api::undo_plan` / `undo_outcome`) run
//! to completion with the same transport, the same single-flight refresh and the same clock as
//! saves: one 401 policy for all of them. A connect is `saves::api::ConnectFlow` (its token is
//! brand new: a 401 is the CRM's refusal of it, never a reason to refresh).

use crm::{HttpRequest, HttpResponse};
use saves::{ErrorInfo, Role, Tokens};
use serde_json::{json, Value};

use crate::clock::Clock;
use crate::driver::{Engine, EngineError};
use crate::refresh::RefreshFailure;
use crate::store::Store;
use crate::transport::Transport;

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn refusal(code: &str, message: &str) -> Value {
    json!({"ok": false, "error": ErrorInfo {
        code: code.into(),
        message: message.into(),
        hint: "Reload the page to try again.".into(),
    }})
}

impl<T: Transport, S: Store, C: Clock> Engine<T, S, C> {
    /// Both connections' tokens in the core's `{team_sync, personal}` shape.
    async fn tokens_by_role(&self) -> Result<Value, EngineError> {
        Ok(json!({
            "team_sync": self.store.tokens(Role::TeamSync).await?,
            "personal": self.store.tokens(Role::Personal).await?,
        }))
    }

    async fn send_value(&self, request: &Value) -> HttpResponse {
        match serde_json::from_value::<HttpRequest>(request.clone()) {
            Ok(request) => self
                .transport
                .send(&request)
                .await
                .unwrap_or_else(|e| e.as_response()),
            Err(e) => HttpResponse {
                status: 0,
                headers: vec![],
                body: format!("the core's request could not be read: {e}"),
            },
        }
    }

    /// Refreshes `role` after a 401 on a request sent with `tokens` (the `{team_sync,
    /// personal}` value it was built from). `Ok(Ok(()))`: a new token is stored;
    /// `Ok(Err(reason))`: the refresh failed (`None` when the core named no connection).
    async fn refresh_after_401(
        &self,
        tokens: &Value,
        role: &Value,
    ) -> Result<Result<(), Option<ErrorInfo>>, EngineError> {
        let Ok(role) = serde_json::from_value::<Role>(role.clone()) else {
            return Ok(Err(None));
        };
        let used = serde_json::from_value::<Tokens>(tokens[role_key(role)].clone())
            .map(|t| t.access_token)
            .unwrap_or_default();
        match self.refresh(role, &used).await {
            Ok(()) => Ok(Ok(())),
            Err(RefreshFailure::Store(e)) => Err(e.into()),
            Err(RefreshFailure::Later(reason) | RefreshFailure::Reconnect(reason)) => {
                Ok(Err(Some(reason)))
            }
        }
    }

    /// A `lookup` message from a page (its people, for the "already in the CRM" badges): looked
    /// up in as few calls as the core plans (one for a list page), at most the core's own
    /// `max_steps`, with one refresh and a new start on a 401 (a refused refresh answers its
    /// reason). `known` is the caller's lookup cache (`{key: record|null}`), `recent` the
    /// journal's `recent_creates` (HubSpot contacts created in the last minutes; null: none)
    /// and `now_ms` the one clock reading every call of this lookup plans with. Answers the
    /// core's `{ok, role, done, results, cache, cards, saving_as}` or its refusal; a list
    /// page's refusal still answers each card (`saves::bulk_lookup::with_cards`: who is
    /// skipped and why).
    pub async fn lookup(
        &self,
        message: &Value,
        known: &Value,
        recent: &Value,
        now_ms: f64,
    ) -> Result<Value, EngineError> {
        let answer = self.lookup_run(message, known, recent, now_ms).await?;
        Ok(saves::bulk_lookup::with_cards(message, answer))
    }

    /// [`Engine::lookup`]'s request loop.
    async fn lookup_run(
        &self,
        message: &Value,
        known: &Value,
        recent: &Value,
        now_ms: f64,
    ) -> Result<Value, EngineError> {
        let team = to_json(&self.team);
        let mut refreshed = false;
        let mut tokens = self.tokens_by_role().await?;
        let mut answers: Vec<HttpResponse> = Vec::new();
        let mut max_steps = 1;
        while answers.len() < max_steps {
            let plan = saves::bulk_lookup::lookup_list(
                &team,
                message,
                &tokens,
                known,
                &to_json(&answers),
                recent,
                now_ms,
            );
            if plan["ok"] != true || plan["done"] == true {
                return Ok(plan);
            }
            max_steps = plan["max_steps"]
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(1);
            let response = self.send_value(&plan["request"]).await;
            if response.status == 401 && !refreshed && !plan["role"].is_null() {
                refreshed = true;
                match self.refresh_after_401(&tokens, &plan["role"]).await? {
                    Ok(()) => {
                        tokens = self.tokens_by_role().await?;
                        answers.clear(); // the whole lookup once more, with the new token
                        continue;
                    }
                    Err(Some(reason)) => return Ok(json!({"ok": false, "error": reason})),
                    Err(None) => {}
                }
            }
            answers.push(response);
        }
        Ok(refusal("lookup_failed", "The CRM lookup did not finish."))
    }

    /// Undoes a save: `message` is the page's `{kind:"undo", source, save_id}`, `record` what
    /// the save created (`saves::api::undo_record`'s `undo`, kept when it finished). Each
    /// planned delete is sent once; a 401 refreshes that connection (single flight, shared
    /// with saves) and sends it once more. Answers the core's `{ok, deleted, failed, forget}`
    /// or its refusal (`undo_expired`, `undo_unknown`, ...). `now_ms` is the instant the
    /// rep's click was checked against the undo window (the worker's clock): the window is
    /// judged once, at that instant, not again by the engine's clock a moment later.
    pub async fn undo(
        &self,
        message: &Value,
        record: &Value,
        now_ms: f64,
    ) -> Result<Value, EngineError> {
        let team = to_json(&self.team);
        let now = now_ms;
        let tokens = self.tokens_by_role().await?;
        let mut plan = saves::api::undo_plan(&team, message, record, &tokens, now);
        if plan["ok"] != true {
            return Ok(plan);
        }
        let count = plan["calls"].as_array().map_or(0, Vec::len);
        let mut responses = Vec::with_capacity(count);
        for i in 0..count {
            let call = plan["calls"][i].clone();
            let mut response = self.send_value(&call["request"]).await;
            if response.status == 401
                && self
                    .refresh_after_401(&tokens, &call["role"])
                    .await?
                    .is_ok()
            {
                let fresh = self.tokens_by_role().await?;
                let again = saves::api::undo_plan(&team, message, record, &fresh, now);
                if again["ok"] == true && again["calls"].get(i).is_some() {
                    response = self.send_value(&again["calls"][i]["request"]).await;
                    plan = again;
                }
            }
            responses.push(response);
        }
        Ok(saves::api::undo_outcome(
            record,
            &plan["calls"],
            &to_json(&responses),
        ))
    }
}

impl<T: Transport, S: Store, C: Clock> Engine<T, S, C> {
    /// Connects a CRM account once its sign-in came back (or its private-app token was
    /// pasted): the flow's requests in order, at most `ConnectFlow::MAX_STEPS`. Answers
    /// `{ok, role, finished}` (what the worker stores with `saves::api::connect_finish`; it
    /// holds the new token) or the core's refusal. Nothing is stored here. A HubSpot OAuth
    /// code is exchanged by [`crate::EngineConfig::hubspot`]: this browser with the client
    /// secret, or the team server.
    pub async fn connect(&self, start: Value) -> Value {
        let start = match serde_json::from_value::<saves::api::ConnectStart>(start) {
            Ok(start) => start,
            Err(e) => {
                return refusal(
                    "invalid_input",
                    &format!("the connect start could not be read: {e}"),
                )
            }
        };
        let mut flow = match saves::api::ConnectFlow::start_via(
            self.team.clone(),
            start,
            &self.config.hubspot,
        ) {
            Ok(flow) => flow,
            Err(refused) => return refused,
        };
        for _ in 0..saves::api::ConnectFlow::MAX_STEPS {
            let request = match flow.next_request() {
                Ok(Some(request)) => request,
                Ok(None) => break,
                Err(refused) => return refused,
            };
            let response = self
                .transport
                .send(&request)
                .await
                .unwrap_or_else(|e| e.as_response());
            if let Err(refused) = flow.on_response(&response) {
                return refused;
            }
        }
        match flow.finished() {
            Ok(finished) => json!({"ok": true, "role": finished.role(), "finished": finished}),
            Err(refused) => refused,
        }
    }
}

fn role_key(role: Role) -> &'static str {
    match role {
        Role::TeamSync => "team_sync",
        Role::Personal => "personal",
    }
}
