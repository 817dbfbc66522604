//! The push: saves the server accepted go to the CRM through the one save engine (the
//! `engine` crate, the `saves` core's state machines over its native hyper + rustls
//! transport), with the team-held connection the server's decision chose: Salesforce (the
//! team's refresh token, refreshed with the server's app) or HubSpot (the team's private-app
//! token or service key, used as it is: nothing to refresh).
//!
//! - The **ledger is the outbox**: `POST /api/saves` records the ledger row and the planned
//!   outbox entries in one transaction ([`crate::store::Store::record_save_with_outbox`]);
//!   the engine's store ([`team_store::TeamStore`]) writes every step to those rows and
//!   settles an entry in the same transaction that stores its result in the ledger row
//!   ([`ledger`]). A repeat of the save id is answered from that row, never pushed again.
//! - **The app** a refresh uses is the server's own confidential Salesforce app (its login
//!   URL and client id in the team value the core sees, its secret added at the edge by
//!   [`app::PushTransport`]), or the public app `--sf-client-id` names ([`app`]).
//! - **Tokens** are the connection row's sealed refresh and access tokens; a refresh is
//!   single-flight in the process (the engine's) and across processes (the database's
//!   refresh lock, taken in [`team_store::TeamStore`]'s `begin_refresh`).
//! - **Leases**: one process runs an outbox entry at a time (`save_outbox.lease_*`). The
//!   background sweep ([`Pusher::run_background`]) runs entries that are due: those waiting
//!   after a back-off, those a stopped or killed process left (once their lease ran out), and
//!   those whose connection was reconnected. A connection that needs a reconnect is left
//!   alone: its saves wait with status `reconnect_needed`.
//! - **Keep-alive**: every [`PushConfig::token_refresh_every`] the team sync token is
//!   refreshed (the same single flight), so an idle team's refresh token does not expire;
//!   a refresh refused with `invalid_grant` marks the connection `needs_reconnect`.
//!
//! The only process-local state is a cache of engines (one per team connection, rebuilt when
//! the connection changes), this process's random holder id, and, for the task pushing a
//! just-recorded save, the rows its request read ([`team_store::SavePush`]; gone with the task).

pub mod app;
pub mod config;
pub mod directory;
pub mod health;
pub mod ledger;
pub mod team_store;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use engine::clock::{system_now_ms, TokioClock};
use engine::native::HttpsTransport;
use engine::{Engine, EngineConfig, MemoryStore, Outcome, RefreshFailure};
use saves::{CrmKind, ErrorInfo, LocalTeam, OutboxEntry, Role, TeamMode};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::{now, AppState};
use crate::crypto::random_id;
use crate::store::{SyncConnection, Team};

pub use app::{PushApp, PushTransport};
pub use config::PushConfig;
use team_store::TeamStore;

use crate::oauth::OAuthSettings;

/// The engine of one team connection on the server.
pub type TeamEngine = Engine<PushTransport, TeamStore, TokioClock>;

/// Why a push could not start (not a CRM answer: those go to the ledger).
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The database failed.
    #[error("the database: {0}")]
    Db(#[from] sqlx::Error),
    /// The team's data key could not be opened.
    #[error("{0}")]
    Key(#[from] crate::crypto::CryptoError),
    /// The engine stopped on a store error or a core bug; the entry stays in the outbox.
    #[error("the save engine: {0}")]
    Engine(#[from] engine::EngineError),
}

/// Runs pushes for every team of this process. Cheap to clone.
#[derive(Clone)]
pub struct Pusher {
    inner: Arc<Inner>,
}

struct Inner {
    config: PushConfig,
    /// The Salesforce app team tokens are refreshed with (`None`: no app configured).
    app: Option<PushApp>,
    /// `Err(why)` when this server cannot push (no CRM app, no trusted certificates).
    transport: Result<PushTransport, String>,
    /// This process, as a lease and refresh-lock holder.
    holder: Arc<str>,
    engines: Mutex<HashMap<(String, String), Cached>>,
}

struct Cached {
    fingerprint: String,
    engine: Arc<TeamEngine>,
}

impl std::fmt::Debug for Pusher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pusher")
            .field("enabled", &self.inner.transport.is_ok())
            .field("holder", &self.inner.holder)
            .finish_non_exhaustive()
    }
}

/// The outbox entry a run takes.
enum Entry<'a> {
    /// Due in the outbox (by id): leased first, then read.
    Due(&'a str),
    /// Already leased to this process (by id): read.
    Leased(&'a str),
    /// Just recorded by this process, leased to it, as stored: not read back.
    Recorded(Box<OutboxEntry>),
}

impl Entry<'_> {
    fn id(&self) -> &str {
        match self {
            Entry::Due(id) | Entry::Leased(id) => id,
            Entry::Recorded(entry) => &entry.id,
        }
    }
}

/// How the push of a just-recorded save ended ([`Pusher::push_save`]).
#[derive(Debug)]
pub struct Pushed {
    /// How each of its entries' runs ended, in order.
    pub ends: Vec<RunEnd>,
    /// The ledger row's status and outcome as the push last wrote them (`None`: read it).
    pub ledger: Option<team_store::LedgerRow>,
}

/// How one run of an outbox entry ended, as far as the caller cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEnd {
    /// The engine ran it (its outcome is in the ledger).
    Ran,
    /// Another run (this process or another) holds it.
    Busy,
}

impl Pusher {
    /// A pusher for `config`, refreshing with the app [`PushApp::resolve`] picks from
    /// `config` and the server's own OAuth settings. A server without a Salesforce app, or
    /// without certificates to trust, accepts saves and keeps them `queued`.
    pub fn new(config: &PushConfig, oauth: &OAuthSettings) -> Self {
        let app = PushApp::resolve(config, oauth);
        let transport = build_transport(config, oauth, app.as_ref());
        match (&transport, &app) {
            (Err(why), _) => tracing::warn!("saves will be kept, not pushed: {why}"),
            (Ok(_), None) => tracing::warn!(
                "Salesforce saves will be kept, not pushed: no Salesforce app is configured \
                 (LEADLINE_SF_CLIENT_ID with its secret, or --sf-client-id for a public app); \
                 HubSpot teams push with their private-app token"
            ),
            (Ok(_), Some(_)) => {}
        }
        let holder = random_id("p_").unwrap_or_else(|_| format!("p_{}", std::process::id()));
        Self {
            inner: Arc::new(Inner {
                config: config.clone(),
                app,
                transport,
                holder: holder.into(),
                engines: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Whether this server pushes at all (it can reach a CRM).
    pub fn enabled(&self) -> bool {
        self.inner.transport.is_ok()
    }

    /// Whether this server pushes a `crm` team's saves (else they stay `queued`): Salesforce
    /// needs an app to refresh the team's token with; HubSpot's team-held private-app token
    /// (or service key) needs none.
    pub fn pushes(&self, crm: CrmKind) -> bool {
        self.enabled() && (crm == CrmKind::Hubspot || self.inner.app.is_some())
    }

    /// The settings.
    pub fn config(&self) -> &PushConfig {
        &self.inner.config
    }

    /// The Salesforce app team tokens are refreshed with.
    pub fn app(&self) -> Option<&PushApp> {
        self.inner.app.as_ref()
    }

    /// Checks a HubSpot private-app token (or service key) with HubSpot before the team holds
    /// it, with the connect flow the extension runs (`saves::api::ConnectFlow`, driven by the
    /// engine over this server's transport): the token must read HubSpot's owners, and `email`
    /// must be an active owner (the user the private app saves for). Answers the connection
    /// the core would store (`crm_user_id`, `email`, `permission`), or the core's refusal
    /// (`{code, message, hint}`) in HubSpot's own words for this kind of credential. Nothing
    /// is stored here, and the token is in neither answer.
    pub async fn check_private_app(
        &self,
        token: &str,
        email: &str,
        stated: crm::Credential,
    ) -> Result<Value, Value> {
        let transport = self.inner.transport.as_ref().map_err(|why| {
            json!({"code": "crm_unreachable",
                "message": format!("This server cannot reach HubSpot: {why}."),
                "hint": "Fix the server's CA settings (see its log), restart it, and store the token again."})
        })?;
        let team = json!({"config": {"crm": "hubspot"}});
        let local: LocalTeam = serde_json::from_value(team.clone()).unwrap_or_default();
        let engine = Engine::new(local, transport.clone(), MemoryStore::default(), TokioClock);
        let start =
            json!({"kind": "private_app", "token": token, "email": email, "stated": stated});
        let connected = engine.connect(start).await;
        if connected["ok"] != true {
            return Err(connected["error"].clone());
        }
        // The core's own reading of what the flow found (the owner for `email`); the server
        // keeps its own times, so no "last success" text is needed here.
        let finished = saves::api::connect_finish(&team, &connected["finished"], "");
        if finished["ok"] != true {
            return Err(finished["error"].clone());
        }
        let c = &finished["connection"];
        Ok(json!({"crm_user_id": c["crm_user_id"], "email": c["email"],
            "permission": c["permission"],
            "credential": connected["finished"]["token"]["credential"]}))
    }

    /// The HubSpot account (`portalId`, the hub id) a private-app token or service key
    /// belongs to (`GET /account-info/v3/details`): the team's account, which a rep's "Sign in
    /// with HubSpot" must come from. The refusal is the CRM's words (never the token).
    /// HubSpot's account information guide lists only the `oauth` scope for it, the one every
    /// app has (developers.hubspot.com/docs/api-reference/latest/account/account-information/guide).
    pub async fn hubspot_portal(&self, token: &str) -> Result<String, String> {
        let transport = self
            .inner
            .transport
            .as_ref()
            .map_err(|why| format!("this server cannot reach HubSpot: {why}"))?;
        let request = crm::hubspot::account::details_request(&crm::hubspot::HsSession::new(token));
        let response = engine::Transport::send(transport, &request)
            .await
            .map_err(|e| format!("HubSpot could not be reached: {}", e.message))?;
        crm::hubspot::account::parse_portal_id(&response).map_err(|e| e.to_string())
    }

    /// The HubSpot owner of a HubSpot user id (a rep's "Sign in with HubSpot"), read with the
    /// team's own connection `connection` (`GET /crm/v3/owners/{userId}?idProperty=userId`):
    /// team members are keyed by their HubSpot owner id, as by their Salesforce user id.
    /// `Ok(None)`: HubSpot knows no active owner for that user. `Err`: what failed, in words
    /// (never a token).
    pub async fn hubspot_owner_of_user(
        &self,
        state: &AppState,
        team: &Team,
        connection: &SyncConnection,
        user_id: &str,
    ) -> Result<Option<crm::CrmUser>, String> {
        let (engine, tokens) = self
            .hubspot_tokens(state, team, connection, "read the team's HubSpot owners")
            .await?;
        let session = crm::hubspot::HsSession {
            api_base: tokens.instance_url.clone(),
            ..crm::hubspot::HsSession::new(tokens.access_token.as_str())
        };
        let request = crm::hubspot::owners::owner_by_user_id_request(&session, user_id);
        let response = engine::Transport::send(engine.transport(), &request)
            .await
            .map_err(|e| format!("HubSpot could not be reached: {}", e.message))?;
        if response.status == 404 {
            return Ok(None);
        }
        crm::hubspot::owners::parse_owner(&response)
            .map(|owner| Some(owner).filter(|o| o.active))
            .map_err(|e| format!("HubSpot refused to list the team's owners: {e}"))
    }

    /// The HubSpot account (hub id) the team's own connection `connection` belongs to, asked
    /// of HubSpot with that connection (`GET /account-info/v3/details`): for a team whose
    /// token was stored without the server asking (before it recorded HubSpot accounts, or
    /// through `PUT /api/admin/connections/{member}`). `Err`: what failed, in words.
    pub async fn hubspot_account_of_team(
        &self,
        state: &AppState,
        team: &Team,
        connection: &SyncConnection,
    ) -> Result<String, String> {
        let (engine, tokens) = self
            .hubspot_tokens(
                state,
                team,
                connection,
                "ask HubSpot for the team's account",
            )
            .await?;
        let session = crm::hubspot::HsSession {
            api_base: tokens.instance_url.clone(),
            ..crm::hubspot::HsSession::new(tokens.access_token.as_str())
        };
        let request = crm::hubspot::account::details_request(&session);
        let response = engine::Transport::send(engine.transport(), &request)
            .await
            .map_err(|e| format!("HubSpot could not be reached: {}", e.message))?;
        crm::hubspot::account::parse_portal_id(&response).map_err(|e| e.to_string())
    }

    /// The engine of the team's HubSpot connection and its current tokens (refreshed by the
    /// engine when they need it). `doing` says, in the refusal, what needed them.
    async fn hubspot_tokens(
        &self,
        state: &AppState,
        team: &Team,
        connection: &SyncConnection,
        doing: &str,
    ) -> Result<(Arc<TeamEngine>, saves::Tokens), String> {
        let Some(engine) = self
            .engine_for(state, team, connection)
            .map_err(|e| e.to_string())?
        else {
            return Err(format!("this server cannot {doing}"));
        };
        let tokens = engine::Store::tokens(engine.store(), Role::TeamSync)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "the team's HubSpot connection needs a reconnect".to_owned())?;
        Ok((engine, tokens))
    }

    /// The engine of a team connection, built (or rebuilt, when the connection changed)
    /// from the database. `None`: the connection is gone, or this server does not push.
    async fn engine(
        &self,
        state: &AppState,
        team_id: &str,
        connection_id: &str,
    ) -> Result<Option<(Arc<TeamEngine>, SyncConnection)>, PushError> {
        if self.inner.transport.is_err() {
            return Ok(None);
        }
        let (Some(team), Some(connection)) = (
            state.store.team(team_id).await?,
            state.store.push_connection(team_id, connection_id).await?,
        ) else {
            return Ok(None);
        };
        Ok(self
            .engine_for(state, &team, &connection)?
            .map(|engine| (engine, connection)))
    }

    /// The CRM records of a save's `prospects` (the body's, as the page sent them), looked up
    /// with the team's connection by the engine, as the extension's page-load lookup does it:
    /// what "Update in CRM" plans from (the record, its job and owner, read here, never taken
    /// from the browser). `Ok(Err(reason))`: the lookup did not finish (the CRM busy or
    /// refusing, or this server not pushing); nothing was written.
    pub async fn known_records(
        &self,
        state: &AppState,
        team: &Team,
        connection: &SyncConnection,
        prospects: &Value,
    ) -> Result<Result<saves::KnownRecords, ErrorInfo>, PushError> {
        let Some(engine) = self.engine_for(state, team, connection)? else {
            return Ok(Err(ErrorInfo {
                code: "not_pushing".into(),
                message: "This team server has no CRM app configured, so it cannot read the CRM record to update.".into(),
                hint: "An admin configures the server's CRM app; until then, change the job in the CRM itself.".into(),
            }));
        };
        let message =
            json!({"kind": "lookup", "source": "linkedin_extension", "prospects": prospects});
        let now = system_now_ms() as f64; // ms since the epoch: exact in an f64
        let answer = engine
            .lookup(&message, &json!({}), &Value::Null, now)
            .await?;
        if answer["ok"] != true {
            return Ok(Err(ErrorInfo::deserialize(&answer["error"])
                .unwrap_or_else(|_| ErrorInfo {
                    code: "lookup_failed".into(),
                    message: "The CRM lookup did not finish.".into(),
                    hint: String::new(),
                })));
        }
        let known = answer["cache"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| {
                        let key = item["key"].as_str()?.to_owned();
                        let existing = serde_json::from_value(item["existing"].clone()).ok()?;
                        Some((key, existing))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Ok(known))
    }

    /// The engine of `connection` of `team` as just read (the cached one unless the
    /// connection or the push settings changed). `None`: this server does not push.
    fn engine_for(
        &self,
        state: &AppState,
        team: &Team,
        connection: &SyncConnection,
    ) -> Result<Option<Arc<TeamEngine>>, PushError> {
        let Ok(transport) = &self.inner.transport else {
            return Ok(None);
        };
        if !self.pushes(team.crm) {
            return Ok(None);
        }
        let fingerprint = format!(
            "{}|{}|{}|{}",
            connection.instance_url.as_deref().unwrap_or_default(),
            connection.crm_user_id,
            connection.permission,
            team.push_settings
        );
        let key = (team.id.clone(), connection.id.clone());
        if let Ok(engines) = self.inner.engines.lock() {
            if let Some(cached) = engines.get(&key).filter(|c| c.fingerprint == fingerprint) {
                return Ok(Some(Arc::clone(&cached.engine)));
            }
        }
        let data_key = state
            .master_key
            .unwrap_data_key(&team.id, &team.wrapped_data_key)?;
        let local = team_local(
            team.crm,
            self.inner.app.as_ref(),
            &team.push_settings,
            connection,
            None,
        );
        let store = TeamStore {
            crm: team.crm,
            store: state.store.clone(),
            team_id: team.id.clone(),
            connection_id: connection.id.clone(),
            data_key,
            holder: Arc::clone(&self.inner.holder),
            lease: self.inner.config.lease,
        };
        let engine = Arc::new(
            Engine::new(local, transport.clone(), store, TokioClock).with_config(EngineConfig {
                sleep_up_to: self.inner.config.sleep_up_to,
                hubspot: saves::api::HubspotBroker::default(),
            }),
        );
        if let Ok(mut engines) = self.inner.engines.lock() {
            engines.insert(
                key,
                Cached {
                    fingerprint,
                    engine: Arc::clone(&engine),
                },
            );
        }
        Ok(Some(engine))
    }

    /// Runs one outbox entry under this process's lease, and moves its ledger row to the
    /// outcome (the engine's store already wrote a settled one).
    pub async fn run_entry(
        &self,
        state: &AppState,
        team_id: &str,
        connection_id: &str,
        save_id: &str,
        entry_id: &str,
        leased: bool,
    ) -> Result<RunEnd, PushError> {
        let Some((engine, connection)) = self.engine(state, team_id, connection_id).await? else {
            return Ok(RunEnd::Busy);
        };
        let entry = if leased {
            Entry::Leased(entry_id)
        } else {
            Entry::Due(entry_id)
        };
        self.run_with(state, &engine, &connection, save_id, entry)
            .await
    }

    /// [`Pusher::run_entry`] with the engine and connection already at hand.
    async fn run_with(
        &self,
        state: &AppState,
        engine: &TeamEngine,
        connection: &SyncConnection,
        save_id: &str,
        entry: Entry<'_>,
    ) -> Result<RunEnd, PushError> {
        let team_id = engine.store().team_id.as_str();
        let connection_id = connection.id.as_str();
        let entry_id = entry.id().to_owned();
        let entry_id = entry_id.as_str();
        let leased = !matches!(entry, Entry::Due(_))
            || state
                .store
                .lease_outbox_entry(
                    team_id,
                    entry_id,
                    &self.inner.holder,
                    ms(system_now_ms()),
                    self.lease_until_ms(),
                )
                .await?;
        if !leased {
            return Ok(RunEnd::Busy);
        }
        let run = match self.first_token(state, team_id, engine, connection).await {
            Ok(()) => match entry {
                Entry::Recorded(entry) => engine.run_stored(*entry).await,
                Entry::Due(id) | Entry::Leased(id) => engine.run(id).await,
            },
            Err((status, reason)) => {
                if status == ledger::WAITING {
                    self.postpone(engine, entry_id, &reason).await;
                }
                let released = state
                    .store
                    .release_outbox_entry(team_id, entry_id, &self.inner.holder)
                    .await;
                self.move_save(state, team_id, save_id, status, &reason)
                    .await?;
                released?;
                return Ok(RunEnd::Ran);
            }
        };
        // A settled entry's row is gone with its lease; any other keeps the row: give it back.
        let released = if matches!(run, Ok(Outcome::Settled(_) | Outcome::Gone)) {
            Ok(())
        } else {
            state
                .store
                .release_outbox_entry(team_id, entry_id, &self.inner.holder)
                .await
        };
        let outcome = run?;
        released?;
        match outcome {
            Outcome::Settled(_) | Outcome::Gone => {}
            Outcome::Busy => return Ok(RunEnd::Busy),
            Outcome::Waiting { reason, .. } => {
                self.move_save(state, team_id, save_id, ledger::WAITING, &reason)
                    .await?;
            }
            Outcome::ReconnectNeeded { reason, .. } => {
                let reason = self.admin_reason(reason);
                self.reconnect_needed(state, team_id, connection, &reason)
                    .await?;
                self.move_save(state, team_id, save_id, ledger::RECONNECT_NEEDED, &reason)
                    .await?;
            }
            Outcome::Blocked(reason) => {
                // A connection refused meanwhile reads as "not connected" to the engine.
                let refused = state
                    .store
                    .push_connection(team_id, connection_id)
                    .await?
                    .is_none_or(|c| c.needs_reconnect);
                let (status, reason) = if refused {
                    let crm = engine.team().config.crm;
                    let refusal = self.refusal(state, team_id, connection_id, crm).await?;
                    (ledger::RECONNECT_NEEDED, refusal)
                } else {
                    (ledger::BLOCKED, reason)
                };
                self.move_save(state, team_id, save_id, status, &reason)
                    .await?;
            }
        }
        Ok(RunEnd::Ran)
    }

    /// A connection stored without an access token (just connected or reconnected) gets one
    /// by refresh before its first call, instead of a call the CRM refuses with a 401 (the
    /// core would then count that refresh against the save's attempt). Single flight: of many
    /// saves arriving together, one refreshes. `Err`: the status the save waits in.
    async fn first_token(
        &self,
        state: &AppState,
        team_id: &str,
        engine: &TeamEngine,
        connection: &SyncConnection,
    ) -> Result<(), (&'static str, ErrorInfo)> {
        // A HubSpot private-app token (or service key) is used as it is: nothing to refresh.
        if connection.sealed_access_token.is_some()
            || connection.needs_reconnect
            || engine.team().config.crm == CrmKind::Hubspot
        {
            return Ok(());
        }
        match engine.refresh_now(Role::TeamSync).await {
            Ok(()) => Ok(()),
            Err(RefreshFailure::Reconnect(reason)) => {
                let reason = self.admin_reason(reason);
                if let Err(e) = self
                    .reconnect_needed(state, team_id, connection, &reason)
                    .await
                {
                    tracing::warn!(error = %e, "could not mark the connection");
                }
                Err((ledger::RECONNECT_NEEDED, reason))
            }
            Err(RefreshFailure::Later(reason)) => Err((ledger::WAITING, reason)),
            Err(RefreshFailure::Store(e)) => Err((
                ledger::WAITING,
                ErrorInfo {
                    code: "store_error".into(),
                    message: e.to_string(),
                    hint: "The server retries by itself.".into(),
                },
            )),
        }
    }

    /// This process and the end of a lease taken now, for entries it runs at once.
    pub fn lease_from_now(&self) -> (&str, i64) {
        (&self.inner.holder, self.lease_until_ms())
    }

    fn lease_until_ms(&self) -> i64 {
        let lease_ms = i64::try_from(self.inner.config.lease.as_millis()).unwrap_or(i64::MAX);
        ms(system_now_ms()).saturating_add(lease_ms)
    }

    /// Puts an entry off by the engine's refresh wait (a refresh that failed for now).
    async fn postpone(&self, engine: &TeamEngine, entry_id: &str, reason: &ErrorInfo) {
        use engine::Store as _;
        if let Ok(Some(mut entry)) = engine.store().entry(entry_id).await {
            entry.next_at_ms = system_now_ms().saturating_add(engine::driver::REFRESH_AGAIN_MS);
            entry.waiting = Some(reason.clone());
            if let Err(e) = engine
                .store()
                .put_entries(std::slice::from_ref(&entry))
                .await
            {
                tracing::warn!(error = %e, "could not put a save off");
            }
        }
    }

    /// Pushes the outbox entries of a just-recorded save (`entries`, in order, as recorded),
    /// one after the other, on its own task so that a client hanging up does not stop it. The
    /// entries were recorded leased to this process ([`Pusher::lease_from_now`]), so they are
    /// not read back; `team` and `connection` are the rows the save was decided and planned
    /// with, read by the same request, and the engine's token reads take that connection row
    /// until a refresh starts ([`team_store::SavePush`]). Answers the runs' ends and the
    /// ledger row's status and outcome as the push last wrote them (`None`: read it).
    pub fn push_save(
        &self,
        state: &AppState,
        team: Team,
        connection: SyncConnection,
        save_id: &str,
        entries: Vec<OutboxEntry>,
    ) -> tokio::task::JoinHandle<Result<Pushed, PushError>> {
        let (pusher, state) = (self.clone(), state.clone());
        let save_id = save_id.to_owned();
        tokio::spawn(async move {
            let Some(engine) = pusher.engine_for(&state, &team, &connection)? else {
                return Ok(Pushed {
                    ends: vec![RunEnd::Busy],
                    ledger: None,
                });
            };
            let push = async {
                let mut ends = Vec::new();
                for entry in entries {
                    let entry = Entry::Recorded(Box::new(entry));
                    ends.push(
                        pusher
                            .run_with(&state, &engine, &connection, &save_id, entry)
                            .await?,
                    );
                }
                Ok::<_, PushError>(ends)
            };
            let (ends, ledger) = team_store::SavePush::scope(connection.clone(), push).await;
            Ok(Pushed {
                ends: ends?,
                ledger,
            })
        })
    }

    async fn move_save(
        &self,
        state: &AppState,
        team_id: &str,
        save_id: &str,
        status: &str,
        reason: &ErrorInfo,
    ) -> Result<(), PushError> {
        team_store::SavePush::forget_ledger();
        state
            .store
            .update_save_outcome(team_id, save_id, now(), |_, outcome| {
                ledger::moved(status, outcome, Some(reason))
            })
            .await?;
        Ok(())
    }

    /// Why a save waits on a connection the CRM refused earlier (the engine only saw it
    /// missing): the refusal the connection was marked with, so the ledger, and the rep
    /// reading its answer, say what the CRM said rather than "not connected".
    pub async fn refusal(
        &self,
        state: &AppState,
        team_id: &str,
        connection_id: &str,
        crm: CrmKind,
    ) -> Result<ErrorInfo, PushError> {
        let code = state
            .store
            .push_health(team_id)
            .await?
            .into_iter()
            .find(|h| h.connection_id == connection_id)
            .and_then(|h| h.reconnect_reason)
            .unwrap_or_else(|| "reconnect_needed".to_owned());
        let crm = crm.name();
        Ok(ErrorInfo {
            message: format!(
                "{crm} refused the team's connection ({code}); nothing is sent with it until an admin reconnects it."
            ),
            hint: "An admin reconnects team sync on the server (Connect team sync on the admin pages, or PUT /api/admin/connections/{member}); the saves waiting for it then go by themselves.".into(),
            code,
        })
    }

    /// The reason an admin reads for a refused refresh (see [`PushApp::admin_reason`]).
    fn admin_reason(&self, reason: ErrorInfo) -> ErrorInfo {
        match &self.inner.app {
            Some(app) => app.admin_reason(reason),
            None => reason,
        }
    }

    async fn reconnect_needed(
        &self,
        state: &AppState,
        team_id: &str,
        connection: &SyncConnection,
        reason: &ErrorInfo,
    ) -> Result<(), PushError> {
        tracing::warn!(team = %team_id, connection = %connection.id, code = %reason.code,
            "the CRM refused a team connection's grant: reconnect needed");
        state
            .store
            .mark_reconnect_needed(team_id, &connection.id, &reason.code, now())
            .await?;
        Ok(())
    }

    /// One sweep: runs every due outbox entry (waiting ones whose time came, ones a stopped
    /// process left, ones whose connection was reconnected), concurrently.
    pub async fn sweep(&self, state: &AppState) -> Result<usize, PushError> {
        if !self.enabled() {
            return Ok(0);
        }
        // Without a Salesforce app only HubSpot teams push: Salesforce saves stay queued.
        let only = (!self.pushes(CrmKind::Salesforce)).then_some(CrmKind::Hubspot.as_str());
        let due = state
            .store
            .due_outbox(ms(system_now_ms()), 500, only)
            .await?;
        let count = due.len();
        let mut runs = tokio::task::JoinSet::new();
        for entry in due {
            let (pusher, state) = (self.clone(), state.clone());
            runs.spawn(async move {
                pusher
                    .run_entry(
                        &state,
                        &entry.team_id,
                        &entry.connection_id,
                        &entry.save_id,
                        &entry.entry_id,
                        false,
                    )
                    .await
            });
        }
        while let Some(run) = runs.join_next().await {
            match run {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "a resumed save did not run"),
                Err(e) => tracing::warn!(error = %e, "a resumed save's task failed"),
            }
        }
        Ok(count)
    }

    /// Reads the team's CRM user directory again when its last read is older than
    /// [`directory::STALE_AFTER_SECS`] (or it was never read): part of the keep-alive.
    async fn read_stale_crm_users(&self, state: &AppState, team_id: &str) {
        let read_at = match state.store.crm_users_status(team_id).await {
            Ok((read_at, _)) => read_at,
            Err(e) => {
                tracing::warn!(team = %team_id, error = %e, "could not read the directory's age");
                return;
            }
        };
        if read_at.is_none_or(|at| now() - at >= directory::STALE_AFTER_SECS) {
            // A failure is recorded for the admin and logged; the directory is kept.
            let _ = self.read_crm_users(state, team_id).await;
        }
    }

    /// Refreshes every live team sync token now (the scheduled keep-alive), and reads the
    /// team's CRM user directory again when it is older than a day.
    pub async fn refresh_team_tokens(&self, state: &AppState) -> Result<(), PushError> {
        if !self.enabled() {
            return Ok(());
        }
        for (team_id, connection_id) in state.store.live_team_sync_connections().await? {
            let Some((engine, connection)) = self.engine(state, &team_id, &connection_id).await?
            else {
                continue;
            };
            if engine.team().config.crm == CrmKind::Hubspot {
                self.read_stale_crm_users(state, &team_id).await;
                continue; // a private-app token does not expire while idle
            }
            match engine.refresh_now(Role::TeamSync).await {
                Ok(()) => tracing::info!(team = %team_id, "team token refreshed (scheduled)"),
                Err(RefreshFailure::Reconnect(reason)) => {
                    let reason = self.admin_reason(reason);
                    self.reconnect_needed(state, &team_id, &connection, &reason)
                        .await?;
                }
                Err(RefreshFailure::Later(reason)) => {
                    tracing::warn!(team = %team_id, code = %reason.code,
                        "scheduled token refresh failed for now; the next one retries");
                }
                Err(RefreshFailure::Store(e)) => {
                    tracing::warn!(team = %team_id, error = %e, "scheduled token refresh failed");
                }
            }
            self.read_stale_crm_users(state, &team_id).await;
        }
        Ok(())
    }

    /// The background work of a serving process until `stop` fires: at start, then every
    /// [`PushConfig::sweep_every`], the outbox sweep; every
    /// [`PushConfig::token_refresh_every`], the keep-alive refresh.
    pub async fn run_background(
        self,
        state: AppState,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        if !self.enabled() {
            return;
        }
        let mut sweep = tokio::time::interval(self.inner.config.sweep_every);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let every = self.inner.config.token_refresh_every;
        let mut refresh = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // Each round on a task of its own: a bug that panics in one round ends that round
        // (the release profile unwinds), not the sweeps and refreshes after it.
        loop {
            tokio::select! {
                _ = stop.changed() => return,
                _ = sweep.tick() => {
                    let (pusher, state) = (self.clone(), state.clone());
                    match tokio::spawn(async move { pusher.sweep(&state).await }).await {
                        Ok(Ok(_)) => {}
                        Ok(Err(e)) => tracing::warn!(error = %e, "the outbox sweep failed"),
                        Err(e) => tracing::error!(error = %e, "the outbox sweep stopped on a bug"),
                    }
                }
                _ = refresh.tick() => {
                    let (pusher, state) = (self.clone(), state.clone());
                    match tokio::spawn(async move { pusher.refresh_team_tokens(&state).await }).await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => tracing::warn!(error = %e, "the scheduled token refresh failed"),
                        Err(e) => tracing::error!(error = %e, "the scheduled token refresh stopped on a bug"),
                    }
                }
            }
        }
    }
}

/// The team as the engine (and the core's planner) sees it: the app's client id and login
/// host (never its secret: see [`app`]), the pushing connection in the team sync role; for
/// planning one rep's save, that rep's email too (the server decides the owner itself:
/// [`saves::plan_save_as_decided`]).
pub fn team_local(
    crm: CrmKind,
    app: Option<&PushApp>,
    push_settings: &str,
    connection: &SyncConnection,
    me_email: Option<&str>,
) -> LocalTeam {
    let settings: serde_json::Value =
        serde_json::from_str(push_settings).unwrap_or_else(|_| json!({}));
    let (login_host, my_domain) = app.map(PushApp::login_host_json).unzip();
    let value = json!({
        "config": {
            "crm": crm,
            "client_id": app.map(|a| a.client_id.as_str()),
            "login_host": login_host.unwrap_or_else(|| json!("production")),
            "my_domain": my_domain,
            "me_email": me_email,
        },
        "settings": settings,
        "connections": [{
            "role": "team_sync",
            "crm_user_id": connection.crm_user_id,
            "name": connection.crm_email,
            "email": connection.crm_email,
            "permission": connection.permission,
            "health": "ok",
            "instance_url": instance_url(crm, connection.instance_url.as_deref()),
        }],
    });
    let mut team: LocalTeam = serde_json::from_value(value).unwrap_or_default();
    // The words of the core's hints follow: team settings and team sync are the server's.
    team.mode = TeamMode::Server;
    team
}

/// A connection's API base: as stored, else HubSpot's public API for a HubSpot team.
pub(crate) fn instance_url(crm: CrmKind, stored: Option<&str>) -> String {
    match (stored, crm) {
        (Some(url), _) if !url.is_empty() => url.to_owned(),
        (_, CrmKind::Hubspot) => crm::hubspot::DEFAULT_API_BASE.to_owned(),
        _ => String::new(),
    }
}

fn ms(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The CRM transport: trusts `--crm-ca` (else `LEADLINE_CA_FILE`, else the system bundle),
/// pins `--crm-resolve`, adds the server's own Salesforce app's secret to that app's
/// refreshes (none without a Salesforce app: HubSpot teams still push).
fn build_transport(
    config: &PushConfig,
    oauth: &OAuthSettings,
    app: Option<&PushApp>,
) -> Result<PushTransport, String> {
    let ca = config
        .crm_ca_file
        .clone()
        .or_else(|| oauth.ca_file.clone())
        .unwrap_or_else(|| config::SYSTEM_CA_BUNDLE.into());
    let pem = std::fs::read(&ca).map_err(|e| {
        format!(
            "the CRM certificates {} could not be read ({e}); give them with --crm-ca",
            ca.display()
        )
    })?;
    let mut builder = HttpsTransport::builder()
        .trust_pem(&pem)
        .map_err(|e| e.to_string())?;
    for (host, addr) in &config.crm_resolve {
        builder = builder.pin(host, *addr);
    }
    let inner = builder.build().map_err(|e| e.to_string())?;
    Ok(match app {
        Some(app) => app.transport(inner),
        None => PushTransport::plain(inner),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a failure should panic
    use super::*;
    use crm::salesforce::LoginHost;

    fn connection() -> SyncConnection {
        SyncConnection {
            id: "c_1".into(),
            member_id: "m_1".into(),
            crm_user_id: "005A".into(),
            crm_email: "integration@acme.example".into(),
            permission: "admin".into(),
            instance_url: Some("https://acme.my.salesforce.com".into()),
            sealed_refresh_token: vec![1, 2, 3],
            sealed_access_token: None,
            needs_reconnect: false,
            credential: None,
        }
    }

    #[test]
    fn the_team_value_names_the_apps_client_id_and_login_host_and_never_its_secret() {
        let env = |name: &str| {
            match name {
                "LEADLINE_SF_LOGIN_URL" => Some("https://acme.my.salesforce.com"),
                "LEADLINE_SF_CLIENT_ID" => Some("own-app"),
                "LEADLINE_SF_CLIENT_SECRET" => Some("never-in-the-team-value"),
                _ => None,
            }
            .map(str::to_owned)
        };
        let oauth = OAuthSettings::from_env(&env).unwrap();
        for (flag, client_id, host) in [
            (
                None,
                "own-app",
                LoginHost::MyDomain("https://acme.my.salesforce.com".into()),
            ),
            (Some("public-app"), "public-app", LoginHost::Production),
        ] {
            let push = PushConfig {
                sf_client_id: flag.map(str::to_owned),
                ..PushConfig::default()
            };
            let app = PushApp::resolve(&push, &oauth).unwrap();
            let local = team_local(CrmKind::Salesforce, Some(&app), "{}", &connection(), None);
            assert_eq!(local.config.client_id.as_deref(), Some(client_id));
            assert_eq!(local.config.sf_login_host(), host);
            assert_eq!(local.connections.len(), 1, "the value parsed");
            let text = serde_json::to_string(&local).unwrap();
            assert!(!text.contains("never-in-the-team-value"));
        }
    }
}
