//! The driver: runs an outbox entry (a single save or a bulk chunk) to completion through the
//! core's `saves::next_request` / `saves::on_response`, with the one 401 policy
//! ([`crate::refresh`]), back-off through the injected [`Clock`], and the store written at every
//! step that matters. A process killed at any point resumes from the store: the entry was
//! written in flight before every request that may change the CRM, so the core looks the
//! person up before creating them again. Reads (GET: a lookup by e-mail, a record read back)
//! are not written before they are sent nor after they answer: repeating one after a crash
//! changes nothing, and a new person's save writes two steps fewer (in the team server, two
//! database transactions of five).

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use saves::{ErrorInfo, Health, LocalTeam, OutboxEntry, Role, SavePlan, SaveResult, Step, Tokens};

use crate::budget;
use crate::clock::Clock;
use crate::refresh::{RefreshFailure, RefreshFlights};
use crate::store::{JournalLine, Store, StoreError};
use crate::transport::Transport;

/// How long a refresh that failed for now (not for good) waits before the entry is tried
/// again (the worker's outbox waits the same).
pub const REFRESH_AGAIN_MS: u64 = 30_000;

/// Engine settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineConfig {
    /// Back-offs up to this long are slept through inside [`Engine::run`]; a longer one ends
    /// the run with [`Outcome::Waiting`] (the entry keeps its `next_at_ms`; [`Engine::resume`]
    /// runs it once due). The extension, whose worker may be stopped, would use alarms.
    pub sleep_up_to: Duration,
    /// Who performs HubSpot OAuth code exchanges and refreshes, which need the app's client
    /// secret: this process with the secret (empty for Salesforce or none), or the team
    /// server (the extension in server mode, which holds no secret).
    pub hubspot: saves::api::HubspotBroker,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            sleep_up_to: Duration::from_secs(60),
            hubspot: saves::api::HubspotBroker::default(),
        }
    }
}

/// One person's final result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonResult {
    /// Position in the save message.
    pub index: usize,
    /// The person's dedupe key (a lookup cache refreshes its entry under it).
    pub lookup_key: Option<String>,
    /// Created, linked or failed (with the CRM's code, message and hint).
    pub result: SaveResult,
}

/// How a run of an entry ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The CRM answered for everyone of the entry (one result for a single save, one per
    /// person for a chunk): the entry left the outbox and its results are journalled.
    Settled(Vec<PersonResult>),
    /// A back-off longer than [`EngineConfig::sleep_up_to`], or a refresh to try later: the
    /// entry stays in the outbox until `until_ms`.
    Waiting {
        /// Not before this time (ms since epoch, the engine's clock).
        until_ms: u64,
        /// Why, for the popup.
        reason: ErrorInfo,
    },
    /// The connection's grant is gone: the entry stays in the outbox until a reconnect.
    ReconnectNeeded {
        /// Which connection.
        role: Role,
        /// What to tell the rep (once).
        reason: ErrorInfo,
    },
    /// The core could not build a request (e.g. the connection is missing): the entry stays,
    /// with the reason.
    Blocked(ErrorInfo),
    /// The entry is not in the outbox (finished by another run).
    Gone,
    /// This engine is running the entry already.
    Busy,
}

/// What stopped a run that the engine could not turn into an [`Outcome`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The store failed; the entry is wherever the store left it (it resumes).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The core kept asking for requests past its own worst case, or retried without using
    /// an attempt: a bug in the core. The entry stays in the outbox.
    #[error("the save {entry_id} made no progress after {steps} requests; it stays in the outbox")]
    NoProgress {
        /// The entry.
        entry_id: String,
        /// Requests sent in its last attempt.
        steps: usize,
    },
}

/// The save engine of one team (one browser's connections, or one team on the server).
pub struct Engine<T, S, C> {
    pub(crate) team: LocalTeam,
    pub(crate) transport: T,
    pub(crate) store: S,
    pub(crate) clock: C,
    pub(crate) config: EngineConfig,
    refresher: RefreshFlights,
    running: Mutex<HashSet<String>>,
    /// Connections whose grant the CRM refused: `resume` leaves their entries alone until
    /// [`Engine::reconnected`].
    reconnect_needed: Mutex<Vec<Role>>,
}

/// Removes an entry id from the running set when a run ends, however it ends (a dropped
/// future included).
struct RunningGuard<'a> {
    set: &'a Mutex<HashSet<String>>,
    id: String,
}

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut set) = self.set.lock() {
            set.remove(&self.id);
        }
    }
}

impl<T: Transport, S: Store, C: Clock> Engine<T, S, C> {
    /// An engine for `team` over a transport, a store and a clock.
    pub fn new(team: LocalTeam, transport: T, store: S, clock: C) -> Self {
        let reconnect_needed = team
            .connections
            .iter()
            .filter(|c| c.health == Health::ReconnectNeeded)
            .map(|c| c.role)
            .collect();
        Self {
            team,
            transport,
            store,
            clock,
            config: EngineConfig::default(),
            refresher: RefreshFlights::default(),
            running: Mutex::new(HashSet::new()),
            reconnect_needed: Mutex::new(reconnect_needed),
        }
    }

    /// The same engine with these settings.
    pub fn with_config(mut self, config: EngineConfig) -> Self {
        self.config = config;
        self
    }

    /// The same engine sharing `flights` (the single-flight refresh locks) with the other
    /// engines of these connections: one refresh per connection however many engines see a
    /// 401 at once.
    pub fn with_refresh_flights(mut self, flights: RefreshFlights) -> Self {
        self.refresher = flights;
        self
    }

    /// This engine's single-flight refresh locks, to share with another engine of the same
    /// connections ([`Engine::with_refresh_flights`]).
    pub fn refresh_flights(&self) -> RefreshFlights {
        self.refresher.clone()
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// The team this engine saves for.
    pub fn team(&self) -> &LocalTeam {
        &self.team
    }

    /// Writes a planned save's entries to the outbox: before any request is sent.
    pub async fn enqueue(&self, plan: &SavePlan) -> Result<(), EngineError> {
        Ok(self.store.put_entries(&plan.entries).await?)
    }

    /// The rep reconnected `role`: its new tokens are stored and `resume` runs its entries
    /// again.
    pub async fn reconnected(&self, role: Role, tokens: &Tokens) -> Result<(), EngineError> {
        self.store.set_tokens(role, tokens).await?;
        if let Ok(mut roles) = self.reconnect_needed.lock() {
            roles.retain(|r| *r != role);
        }
        Ok(())
    }

    /// Connections that need a reconnect (their grant was refused).
    pub fn reconnect_needed(&self) -> Vec<Role> {
        self.reconnect_needed
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }

    /// Runs every entry of the outbox that is due now (at start, after a wait, after a
    /// reconnect), one after the other, except those of a connection that needs a reconnect;
    /// answers each entry's outcome.
    pub async fn resume(&self) -> Result<Vec<(String, Outcome)>, EngineError> {
        let now = self.clock.now_ms();
        let blocked = self.reconnect_needed();
        let due: Vec<String> = self
            .store
            .entries()
            .await?
            .into_iter()
            .filter(|e| e.next_at_ms <= now)
            .filter(|e| {
                !blocked.contains(&e.role) && !e.activity_role.is_some_and(|r| blocked.contains(&r))
            })
            .map(|e| e.id.clone())
            .collect();
        let mut out = Vec::with_capacity(due.len());
        for id in due {
            let outcome = self.run(&id).await?;
            out.push((id, outcome));
        }
        Ok(out)
    }

    /// Runs one outbox entry (by id, as stored) until the CRM has answered for it, it must
    /// wait, or its connection needs a reconnect.
    pub async fn run(&self, id: &str) -> Result<Outcome, EngineError> {
        let Some(_guard) = self.start(id) else {
            return Ok(Outcome::Busy);
        };
        let Some(entry) = self.store.entry(id).await? else {
            return Ok(Outcome::Gone);
        };
        self.drive(entry).await
    }

    /// [`Engine::run`] for an entry the caller has just stored (planned and written to the
    /// outbox in the same step, e.g. the team server's recorded save): the entry as stored is
    /// `entry`, so it is not read back first.
    pub async fn run_stored(&self, entry: OutboxEntry) -> Result<Outcome, EngineError> {
        let Some(_guard) = self.start(&entry.id) else {
            return Ok(Outcome::Busy);
        };
        self.drive(entry).await
    }

    /// Runs `entry` (as stored) while this engine holds it as running.
    async fn drive(&self, mut entry: OutboxEntry) -> Result<Outcome, EngineError> {
        let mut steps = 0;
        loop {
            if steps >= budget::requests_per_attempt(&entry) {
                return Err(EngineError::NoProgress {
                    entry_id: entry.id.clone(),
                    steps,
                });
            }
            steps += 1;
            let role = saves::current_role(&entry);
            let Some(tokens) = self.store.tokens(role).await? else {
                return self.block(entry, not_connected(role)).await;
            };
            let (sent, request) = match saves::next_request(&self.team, &entry, &tokens) {
                Ok(next) => next,
                Err(reason) => return self.block(entry, reason).await,
            };
            // In flight before a request that may change the CRM: a crash from here on
            // resumes with a lookup. A read (GET) changes nothing: the entry as last written
            // is still a true place to resume from, so it is not written for it.
            let reads_only = reads_only(&request);
            if !reads_only {
                self.store.put_entries(std::slice::from_ref(&sent)).await?;
            }
            let response = match self.transport.send(&request).await {
                Ok(response) => response,
                Err(e) => e.as_response(),
            };
            let (next, step) = saves::on_response(
                &self.team,
                &sent,
                &response,
                self.clock.now_ms(),
                self.clock.random_u32(),
            );
            match step {
                Step::Done { result } | Step::Failed { result } => {
                    let person = PersonResult {
                        index: next.index,
                        lookup_key: next.lookup_key.clone(),
                        result,
                    };
                    return self.settle(&next, vec![person]).await;
                }
                Step::Settled { results } => {
                    let people = results
                        .into_iter()
                        .map(|r| PersonResult {
                            index: r.index,
                            lookup_key: r.lookup_key,
                            result: r.result,
                        })
                        .collect();
                    return self.settle(&next, people).await;
                }
                Step::Continue | Step::Link { .. } => {
                    // After a read, what it told is kept in memory and written with the next
                    // request that may change the CRM (or the settle); lost in a crash, it
                    // is read again.
                    if !reads_only {
                        self.store.put_entries(std::slice::from_ref(&next)).await?;
                    }
                }
                Step::RefreshToken { role } => {
                    self.store.put_entries(std::slice::from_ref(&next)).await?;
                    match self.refresh(role, &tokens.access_token).await {
                        Ok(()) => {}
                        Err(RefreshFailure::Store(e)) => return Err(e.into()),
                        Err(RefreshFailure::Later(reason)) => {
                            let mut waiting = next;
                            waiting.next_at_ms =
                                self.clock.now_ms().saturating_add(REFRESH_AGAIN_MS);
                            waiting.waiting = Some(reason.clone());
                            self.store
                                .put_entries(std::slice::from_ref(&waiting))
                                .await?;
                            return Ok(Outcome::Waiting {
                                until_ms: waiting.next_at_ms,
                                reason,
                            });
                        }
                        Err(RefreshFailure::Reconnect(error)) => {
                            let (waiting, step) = saves::on_refresh_failed(
                                &self.team,
                                &next,
                                role,
                                &error.code,
                                &error.message,
                            );
                            self.store
                                .put_entries(std::slice::from_ref(&waiting))
                                .await?;
                            self.mark_reconnect_needed(role);
                            return Ok(reconnect(step, role, error));
                        }
                    }
                }
                Step::ReconnectNeeded { role, reason } => {
                    self.store.put_entries(std::slice::from_ref(&next)).await?;
                    self.mark_reconnect_needed(role);
                    return Ok(Outcome::ReconnectNeeded { role, reason });
                }
                Step::Retry { after_ms, reason } => {
                    self.store.put_entries(std::slice::from_ref(&next)).await?;
                    if !budget::retry_used_something(&sent, &next) {
                        return Err(EngineError::NoProgress {
                            entry_id: next.id.clone(),
                            steps,
                        });
                    }
                    let wait = Duration::from_millis(after_ms);
                    if wait > self.config.sleep_up_to {
                        return Ok(Outcome::Waiting {
                            until_ms: next.next_at_ms,
                            reason,
                        });
                    }
                    self.clock.sleep(wait).await;
                    steps = 0; // a new attempt
                }
            }
            entry = next;
        }
    }

    /// Refreshes `role`'s token after a 401 on a request that carried the access token `used`
    /// (single flight per connection: when the stored token is no longer `used`, a refresh
    /// finished meanwhile and none is made; see [`crate::refresh`]).
    pub async fn refresh(&self, role: Role, used: &str) -> Result<(), RefreshFailure> {
        self.refresher
            .0
            .refresh(
                &self.team,
                &self.transport,
                &self.store,
                role,
                used,
                &self.config.hubspot,
            )
            .await
    }

    /// Refreshes `role`'s token now, unless a refresh is under way or just happened (the same
    /// single flight as a 401's): what a scheduled keep-alive refresh calls, since some CRMs
    /// expire refresh tokens left idle. A connection without stored tokens is a reconnect.
    pub async fn refresh_now(&self, role: Role) -> Result<(), RefreshFailure> {
        let used = match self.store.tokens(role).await {
            Ok(Some(tokens)) => tokens.access_token,
            Ok(None) => {
                return Err(RefreshFailure::Reconnect(not_connected(role)));
            }
            Err(e) => return Err(RefreshFailure::Store(e)),
        };
        self.refresh(role, &used).await
    }

    fn mark_reconnect_needed(&self, role: Role) {
        if let Ok(mut roles) = self.reconnect_needed.lock() {
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
    }

    /// Marks `id` as running here; `None` when it already is.
    fn start(&self, id: &str) -> Option<RunningGuard<'_>> {
        let mut set = self.running.lock().ok()?;
        set.insert(id.to_owned()).then(|| RunningGuard {
            set: &self.running,
            id: id.to_owned(),
        })
    }

    async fn block(
        &self,
        mut entry: OutboxEntry,
        reason: ErrorInfo,
    ) -> Result<Outcome, EngineError> {
        entry.waiting = Some(reason.clone());
        self.store.put_entries(std::slice::from_ref(&entry)).await?;
        Ok(Outcome::Blocked(reason))
    }

    async fn settle(
        &self,
        entry: &OutboxEntry,
        people: Vec<PersonResult>,
    ) -> Result<Outcome, EngineError> {
        self.store
            .settle(JournalLine {
                save_id: entry.save_id.clone(),
                entry_id: entry.id.clone(),
                at_ms: self.clock.now_ms(),
                results: people.iter().map(|p| p.result.clone()).collect(),
                lookup_keys: people.iter().map(|p| p.lookup_key.clone()).collect(),
            })
            .await?;
        Ok(Outcome::Settled(people))
    }
}

/// Whether a request only reads (an HTTP GET): sending it again after a crash changes nothing
/// in the CRM, so the outbox need not record that it was sent, nor what it answered.
fn reads_only(request: &crm::HttpRequest) -> bool {
    request.method.eq_ignore_ascii_case("GET")
}

fn not_connected(role: Role) -> ErrorInfo {
    let which = match role {
        Role::TeamSync => "team sync",
        Role::Personal => "personal",
    };
    ErrorInfo {
        code: "not_connected".into(),
        message: format!("The {which} connection is missing."),
        hint: "Reconnect in Options; the save is kept and will finish then.".into(),
    }
}

/// The outcome of a refused refresh, with the core's reason when it gave one.
fn reconnect(step: Step, role: Role, error: ErrorInfo) -> Outcome {
    match step {
        Step::ReconnectNeeded { role, reason } => Outcome::ReconnectNeeded { role, reason },
        _ => Outcome::ReconnectNeeded {
            role,
            reason: error,
        },
    }
}
