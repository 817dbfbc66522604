//! The running server: its shared state, the router with its layers, and start-up (the
//! master key checked against the database before anything listens).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::DefaultBodyLimit;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderValue, Method};
use axum::Router;
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::config::Config;
use crate::crypto::{CryptoError, SecretKey};
use crate::store::Store;

/// What every request handler shares. Holds no per-session or per-save state: that is all in
/// the database, so several server processes could serve one team.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The master key (wraps each team's data key).
    pub master_key: SecretKey,
    /// The configuration.
    pub config: Arc<Config>,
    /// Pushes accepted saves to the CRM (`crate::push`).
    pub pusher: crate::push::Pusher,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The master key could not be loaded or does not match the database.
    #[error("{0}")]
    Key(#[from] CryptoError),
    /// The database could not be opened or migrated.
    #[error("the database in {dir}: {error}")]
    Database {
        /// The data directory.
        dir: String,
        /// What failed.
        error: sqlx::Error,
    },
    /// The data directory could not be created.
    #[error("the data directory {dir}: {error}")]
    DataDir {
        /// The data directory.
        dir: String,
        /// What failed.
        error: std::io::Error,
    },
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {error}")]
    Bind {
        /// host:port.
        addr: String,
        /// What failed.
        error: std::io::Error,
    },
}

/// The current time in Unix seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

const MASTER_KEY_CHECK: &str = "master_key_check";
const MASTER_KEY_CHECK_AAD: &str = "leadline/master-key-check/v1";

impl AppState {
    /// Opens the data directory (created 0700 if missing), the master key and the database,
    /// and checks that the key is the one this database was written with.
    pub async fn open(config: Config) -> Result<Self, StartError> {
        let dir = config.data_dir.display().to_string();
        create_private_dir(&config.data_dir).map_err(|error| StartError::DataDir {
            dir: dir.clone(),
            error,
        })?;
        let master_key =
            crate::crypto::load_master_key(config.master_key_env.as_deref(), &config.data_dir)?;
        let store = Store::open(&config.data_dir)
            .await
            .map_err(|error| StartError::Database {
                dir: dir.clone(),
                error,
            })?;
        let db = |error| StartError::Database {
            dir: dir.clone(),
            error,
        };
        match store.meta(MASTER_KEY_CHECK).await.map_err(db)? {
            Some(sealed) => {
                master_key.open(&sealed, MASTER_KEY_CHECK_AAD)?;
            }
            None => {
                let sealed = master_key.seal(b"leadline", MASTER_KEY_CHECK_AAD)?;
                store
                    .put_meta_once(MASTER_KEY_CHECK, &sealed)
                    .await
                    .map_err(db)?;
            }
        }
        Ok(Self {
            store,
            master_key,
            pusher: crate::push::Pusher::new(&config.push, &config.oauth),
            config: Arc::new(config),
        })
    }
}

fn create_private_dir(path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(path)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(path)
    }
}

/// Is this the origin of a browser extension (`chrome-extension://<id>`)?
pub fn extension_origin(origin: &HeaderValue) -> bool {
    origin
        .to_str()
        .ok()
        .and_then(|o| o.strip_prefix("chrome-extension://"))
        .is_some_and(|id| id.len() == 32 && id.bytes().all(|b| (b'a'..=b'p').contains(&b)))
}

/// CORS for the extension: its service worker calls the API from its `chrome-extension://`
/// origin (any server URL, so no host permission is needed), with the session as a bearer
/// header and no cookies. Web pages' origins get no CORS grant, and the admin's pages are
/// same-origin.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(|origin, _| extension_origin(origin)))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([AUTHORIZATION, CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600))
}

/// The router with its layers: body limit, CORS for extension origins ([`cors`]), request
/// logs that name only method, path and status (never headers, query strings or bodies), and
/// `Authorization` marked sensitive.
pub fn router(state: AppState) -> Router {
    let body_limit = state.config.body_limit;
    crate::api::routes()
        .with_state(state)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(cors())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetSensitiveRequestHeadersLayer::new([AUTHORIZATION]))
}

/// Binds the configured address; the caller then runs [`serve`] on the listener.
pub async fn bind(config: &Config) -> Result<TcpListener, StartError> {
    let addr = format!("{}:{}", config.host, config.port);
    TcpListener::bind(&addr)
        .await
        .map_err(|error| StartError::Bind { addr, error })
}

/// Serves until the future `shutdown` completes, with the push engine's background work
/// (the outbox sweep, which also resumes saves a previous process left, and the scheduled
/// token refresh) running alongside.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let background = tokio::spawn(state.pusher.clone().run_background(state.clone(), stopped));
    let served = axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await;
    let _ = stop.send(true);
    let _ = background.await;
    served
}
