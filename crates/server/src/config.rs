//! How the server is configured: command-line flags first, then the environment, then
//! defaults. Secrets (the master key) come only from the environment or from the key file in
//! the data directory, never from a flag (flags show up in `ps`).

use std::path::PathBuf;
use std::time::Duration;

/// The port `leadline-server` listens on when none is given.
pub const DEFAULT_PORT: u16 = 8787;
/// The largest request body accepted (a bulk save of 250 prospects fits with room to spare).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// How long a session lasts from sign-in.
pub const DEFAULT_SESSION_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long an invite code stays usable.
pub const DEFAULT_INVITE_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// The environment variable that may carry the master key (base64 of 32 bytes).
pub const MASTER_KEY_ENV: &str = "LEADLINE_MASTER_KEY";

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on (`127.0.0.1` unless `--host` says otherwise).
    pub host: String,
    /// The port (0 picks a free one, as the tests do).
    pub port: u16,
    /// Where the database and the master key file live.
    pub data_dir: PathBuf,
    /// The master key from the environment, if set (else the key file is used).
    pub master_key_env: Option<String>,
    /// The largest request body accepted.
    pub body_limit: usize,
    /// Session lifetime.
    pub session_ttl: Duration,
    /// Invite code lifetime.
    pub invite_ttl: Duration,
    /// The server's own OAuth apps (Salesforce, HubSpot) and callback URL.
    pub oauth: crate::oauth::OAuthSettings,
    /// The push engine's settings (`crate::push::config`).
    pub push: crate::push::PushConfig,
}

impl Config {
    /// Defaults for a data directory (tests use this with port 0).
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: DEFAULT_PORT,
            data_dir,
            master_key_env: None,
            body_limit: DEFAULT_BODY_LIMIT,
            session_ttl: DEFAULT_SESSION_TTL,
            invite_ttl: DEFAULT_INVITE_TTL,
            oauth: crate::oauth::OAuthSettings::default(),
            push: crate::push::PushConfig::default(),
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone)]
pub enum Command {
    /// Run the server.
    Serve(Config),
    /// Print a one-time admin invite for a team (creating the team if needed), then exit.
    AdminInvite {
        /// The configuration (for the data directory and key).
        config: Config,
        /// The team's name.
        team: String,
        /// The team's CRM when the team is created (`salesforce` or `hubspot`).
        crm: String,
    },
    /// Print the usage text.
    Help,
}

/// The usage text of `leadline-server --help`.
pub const USAGE: &str = "\
leadline-server: the Leadline team server

USAGE:
    leadline-server [serve] [--port N] [--host ADDR] [--data DIR] [--session-ttl SECS]
                    [--sf-client-id ID] [--crm-ca FILE] [--crm-resolve HOST=IP:PORT]...
                    [--token-refresh-secs N] [--push-lease-secs N]
    leadline-server admin-invite --team NAME [--crm salesforce|hubspot] [--data DIR]

ENVIRONMENT:
    LEADLINE_PORT, LEADLINE_HOST, LEADLINE_DATA   defaults for --port, --host, --data
    LEADLINE_MASTER_KEY   base64 of 32 bytes; else DIR/master.key (created 0600 on first start)
    --sf-client-id        a public Salesforce app the team tokens belong to (default: the
                          server's own app below, refreshed with its secret)
    LEADLINE_CRM_CA       PEM certificates the CRM client trusts (default: LEADLINE_CA_FILE)
    LEADLINE_CRM_RESOLVE  HOST=IP:PORT,... pinned addresses (tests against the sandbox)
    LEADLINE_TOKEN_REFRESH_SECS  scheduled team-token refresh (default: 43200, 12 h)
    LEADLINE_PUSH_LEASE_SECS     how long a process holds a save it pushes (default: 60)
    RUST_LOG              log filter (default: info)
    LEADLINE_PUBLIC_URL   the server's public https:// base URL (its OAuth callback lives under it)
    LEADLINE_SF_LOGIN_URL, LEADLINE_SF_CLIENT_ID, LEADLINE_SF_CLIENT_SECRET[_FILE]
                          the server's Salesforce app (login host default https://login.salesforce.com)
    LEADLINE_HS_CLIENT_ID, LEADLINE_HS_CLIENT_SECRET[_FILE], LEADLINE_HS_API_BASE
                          the server's HubSpot app (reps' code exchange)
    LEADLINE_CA_FILE      PEM certificates trusted for outbound HTTPS (default: the system bundle)
";

/// Reads the command line (`args` without the program name) and the environment.
pub fn parse(args: &[String], env: impl Fn(&str) -> Option<String>) -> Result<Command, String> {
    let mut args = args.iter().peekable();
    let subcommand = match args.peek().map(|s| s.as_str()) {
        Some("serve") => {
            args.next();
            "serve"
        }
        Some("admin-invite") => {
            args.next();
            "admin-invite"
        }
        Some("-h" | "--help" | "help") => return Ok(Command::Help),
        _ => "serve",
    };
    let mut config = Config::new(PathBuf::from(
        env("LEADLINE_DATA").unwrap_or_else(|| "leadline-data".into()),
    ));
    if let Some(host) = env("LEADLINE_HOST") {
        config.host = host;
    }
    if let Some(port) = env("LEADLINE_PORT") {
        config.port = port_number(&port)?;
    }
    config.master_key_env = env(MASTER_KEY_ENV).filter(|k| !k.is_empty());
    config.oauth = crate::oauth::OAuthSettings::from_env(&env)?;
    config.push = crate::push::PushConfig::from_env(&env)?;
    let mut team = None;
    let mut crm = "salesforce".to_owned();
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--port" => config.port = port_number(&value()?)?,
            "--host" => config.host = value()?,
            "--data" => config.data_dir = PathBuf::from(value()?),
            "--session-ttl" => {
                let secs = value()?;
                let secs: u64 = secs
                    .parse()
                    .map_err(|_| format!("--session-ttl takes seconds, not {secs:?}"))?;
                config.session_ttl = Duration::from_secs(secs.max(1));
            }
            "--team" if subcommand == "admin-invite" => team = Some(value()?),
            "--crm" if subcommand == "admin-invite" => {
                crm = value()?;
                if attribution::Crm::parse(&crm).is_none() {
                    return Err(format!("--crm is salesforce or hubspot, not {crm:?}"));
                }
            }
            "-h" | "--help" => return Ok(Command::Help),
            push if crate::push::PushConfig::takes(push) => config.push.set(push, &value()?)?,
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(match subcommand {
        "admin-invite" => Command::AdminInvite {
            config,
            team: team
                .filter(|t| !t.trim().is_empty())
                .ok_or("admin-invite needs --team NAME")?,
            crm,
        },
        _ => Command::Serve(config),
    })
}

fn port_number(text: &str) -> Result<u16, String> {
    text.parse()
        .map_err(|_| format!("the port must be a number from 0 to 65535, not {text:?}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failure should panic
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_override_the_environment() {
        let env = |name: &str| match name {
            "LEADLINE_PORT" => Some("9000".to_string()),
            "LEADLINE_DATA" => Some("/srv/leadline".to_string()),
            _ => None,
        };
        let Ok(Command::Serve(config)) = parse(&args(&["--port", "9100"]), env) else {
            panic!("expected serve");
        };
        assert_eq!(config.port, 9100);
        assert_eq!(config.data_dir, PathBuf::from("/srv/leadline"));
        assert!(config.master_key_env.is_none());
    }

    #[test]
    fn admin_invite_needs_a_team() {
        let none = |_: &str| None;
        assert!(parse(&args(&["admin-invite"]), none).is_err());
        let Ok(Command::AdminInvite { team, crm, .. }) =
            parse(&args(&["admin-invite", "--team", "Acme"]), none)
        else {
            panic!("expected admin-invite");
        };
        assert_eq!((team.as_str(), crm.as_str()), ("Acme", "salesforce"));
        let Ok(Command::AdminInvite { crm, .. }) = parse(
            &args(&["admin-invite", "--team", "Acme", "--crm", "hubspot"]),
            none,
        ) else {
            panic!("expected admin-invite");
        };
        assert_eq!(crm, "hubspot");
        assert!(parse(
            &args(&["admin-invite", "--team", "A", "--crm", "pipedrive"]),
            none
        )
        .is_err());
    }

    #[test]
    fn bad_flags_are_refused_with_a_reason() {
        let none = |_: &str| None;
        assert!(parse(&args(&["--port", "http"]), none)
            .unwrap_err()
            .contains("port"));
        assert!(parse(&args(&["--bogus"]), none)
            .unwrap_err()
            .contains("--bogus"));
        assert!(parse(&args(&["--team", "x"]), none).is_err());
    }
}
