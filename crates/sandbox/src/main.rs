//! `sandbox`: runs the local Salesforce + HubSpot org (see the library docs).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use sandbox::SandboxConfig;

const USAGE: &str =
    "usage: sandbox [--port N (default 8443; 0 = any)] [--data PATH] [--fixtures DIR] [--token-ttl SECS]";

fn parse_args(args: impl Iterator<Item = String>) -> Result<SandboxConfig, String> {
    let mut config = SandboxConfig::default();
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (flag.clone(), None),
        };
        if name == "--help" || name == "-h" {
            return Err(USAGE.into());
        }
        let value = match inline {
            Some(v) => v,
            None => args
                .next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))?,
        };
        match name.as_str() {
            "--port" => {
                config.port = value
                    .parse()
                    .map_err(|_| format!("bad --port {value}\n{USAGE}"))?
            }
            "--data" => config.data = Some(PathBuf::from(value)),
            "--fixtures" => config.fixtures = Some(PathBuf::from(value)),
            "--token-ttl" => {
                let secs: u64 = value
                    .parse()
                    .map_err(|_| format!("bad --token-ttl {value}\n{USAGE}"))?;
                config.token_ttl = Duration::from_secs(secs);
            }
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    Ok(config)
}

fn main() -> ExitCode {
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    // Without --data the org lives in a fresh temp dir, removed again on a clean exit.
    let ephemeral = config.data.is_none();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    }) {
        eprintln!("sandbox: cannot install the signal handler: {e}");
        return ExitCode::FAILURE;
    }
    let running = match sandbox::start(config) {
        Ok(running) => running,
        Err(e) => {
            eprintln!("sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprint!("{}", sandbox::seed::summary());
    eprintln!(
        "Data dir {} (certificate {}/cert.pem)",
        running.data_dir().display(),
        running.data_dir().display()
    );
    eprintln!(
        "Salesforce: login {url}/services/oauth2/authorize, REST {url}/services/data/ (or via login.salesforce.com / acme.my.salesforce.com mapped here)",
        url = running.url()
    );
    eprintln!(
        "HubSpot: authorize {url}/oauth/authorize, API {url}/crm/v3/... (or via app.hubspot.com / api.hubapi.com); admin API {url}/__sandbox/",
        url = running.url()
    );
    // The one stdout line tests wait for.
    println!("SANDBOX_READY {}", running.url());
    let _ = stop_rx.recv();
    eprintln!("sandbox: shutting down");
    let data_dir = running.data_dir().to_path_buf();
    running.shutdown();
    if ephemeral {
        let _ = std::fs::remove_dir_all(&data_dir);
    }
    ExitCode::SUCCESS
}
