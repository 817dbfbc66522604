//! The `sandbox` binary: the READY line, the certificate in the data dir, a clean SIGTERM exit,
//! refused arguments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn prints_ready_writes_the_certificate_and_exits_cleanly_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("sandbox-bin-{}", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .args(["--port", "0", "--data"])
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("SANDBOX_READY ")
        .expect("the READY line comes first");
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0);
    let pem = std::fs::read_to_string(dir.join("cert.pem")).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(dir.join("org.sqlite3").exists());
    let killed = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "SIGTERM exits cleanly");
    assert!(
        dir.join("org.sqlite3").exists(),
        "an explicit --data dir is kept"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn refuses_unknown_arguments() {
    let output = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .arg("--nope")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage: sandbox"));
    assert!(output.stdout.is_empty());
}
