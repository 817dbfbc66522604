//! `leadline-server`: see `leadline-server --help` and the README's "The team server".

use std::io::IsTerminal;
use std::process::ExitCode;

use server::app::{bind, serve, AppState};
use server::config::{parse, Command, USAGE};

/// mimalloc rather than glibc's malloc: a save allocates many small, short-lived values (JSON,
/// rows, requests) across tokio's and SQLite's threads (BENCHMARKS.md §7b).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match parse(&args, |name| std::env::var(name).ok()) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Command::AdminInvite { config, team, crm } => {
            match server::cli::admin_invite(config, &team, &crm).await {
                Ok((team_id, code, expires_at)) => {
                    println!("{code}");
                    eprintln!(
                        "one-time admin invite for team {team:?} ({team_id}), valid until {expires_at} (Unix time);\n\
                         redeem it with: POST /api/join {{\"code\": \"<the code>\", \"email\": \"you@example.com\"}}"
                    );
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Serve(config) => run(config).await,
    }
}

async fn run(config: server::config::Config) -> ExitCode {
    let state = match AppState::open(config.clone()).await {
        Ok(state) => state,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match bind(&config).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        // The tests and build.sh read this line to learn the port.
        Ok(addr) => println!("leadline-server listening on http://{addr}"),
        Err(error) => eprintln!("warning: no local address: {error}"),
    }
    let shutdown = async {
        // Ctrl-C, or SIGTERM from a service manager: stop accepting, finish what runs.
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    tokio::select! {
                        _ = tokio::signal::ctrl_c() => {}
                        _ = term.recv() => {}
                    }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down");
    };
    match serve(listener, state, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
