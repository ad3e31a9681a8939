//! Sockets that open and never sign in, on a server where everyone must: each holds a
//! connection (and a room membership) until the sign-in deadline, so what they cost and how
//! soon they go is the server's defence against a crowd of them.

use crate::client::{self, AbuseResult};
use crate::report::{Row, STUCK_BOUND};
use crate::run::Run;
use std::path::Path;
use std::time::Instant;

/// 1,000 wschat.v1 connections in 10 rooms that send nothing, against a server with an HS256
/// key (so `--anonymous none`) and its default 10 s `--auth-timeout`. The per-address limit
/// is raised so they all come from loopback.
pub async fn never_sign_in(bin: &Path) -> AbuseResult<Row> {
    const SOCKETS: usize = 1000;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let secret = dir.path().join("secret");
    std::fs::write(&secret, "an abuse-benchmark secret, 32 bytes or more")
        .map_err(|e| e.to_string())?;
    let secret = secret.to_str().ok_or("temporary path is not UTF-8")?;
    let flags = [
        "--jwt-secret-file",
        secret,
        "--max-connections-per-ip",
        "2000",
    ];
    let mut run = Run::start_with(bin, &flags).await?;
    run.begin().await;
    let started = Instant::now();
    let mut sockets = Vec::with_capacity(SOCKETS);
    let mut last = started;
    for i in 0..SOCKETS {
        let (ws, port) = client::connect(run.addr, &format!("quiet-{}", i % 10), None).await?;
        last = Instant::now();
        run.watch(port, last);
        sockets.push(ws);
    }
    let opened_in = started.elapsed();
    run.wait_stuck(last + STUCK_BOUND).await;
    let notes = vec![format!(
        "{SOCKETS} connections opened in {:.1} s, none sending anything; the server closes a \
         connection that has not signed in after --auth-timeout (10 s)",
        opened_in.as_secs_f64()
    )];
    drop(sockets);
    Ok(run.end(notes).await)
}
