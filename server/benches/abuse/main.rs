//! The load-and-abuse benchmark: what one peer, or a crowd, can cost the companion server.
//!
//! It runs the release `ws-chat-server` as a child process on loopback with an in-memory
//! history, a fresh one per case, and for each case prints the server's resident memory
//! (`VmRSS`) before, at its peak during and after the case, its open connections (its
//! ESTABLISHED TCP sockets, from `/proc`), and how long it took to close clients that stopped
//! reading. Beside them are the bounds a server that protects itself should keep: memory
//! within 100 MB of idle, and stuck clients closed within a minute. A figure over its bound
//! is marked, not fatal: the benchmark measures, and the table says how far off the server is.
//!
//! `cargo bench -p ws-chat-server --bench abuse [-- --server PATH]`; Linux only (`/proc`).
//! Everything is bounded: about two to three minutes in all, most of it spent waiting to see
//! whether stuck clients get closed.

mod args;
mod client;
mod crowd;
mod flood;
mod procfs;
mod report;
mod run;
mod silent;
mod stuck;

use args::AbuseArgs;
use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let default_server = PathBuf::from(env!("CARGO_BIN_EXE_ws-chat-server"));
    let args = match AbuseArgs::parse(std::env::args().skip(1), default_server) {
        Ok(args) => args,
        Err(problem) => return usage(&problem),
    };
    let server = args.server.clone();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return usage(&format!("cannot start tokio: {e}")),
    };
    println!(
        "abuse benchmark: {} on 127.0.0.1, in-memory history, a fresh server per case",
        server.display()
    );
    let wanted = |case: &str| args.wanted(case);
    let rows = runtime.block_on(async {
        let mut rows = Vec::new();
        if wanted("crowd") {
            rows.push(case("200 members × 50 messages", crowd::crowd(&server)).await);
        }
        if wanted("stuck") {
            rows.push(case("10 stuck readers, busy room", stuck::stuck_readers(&server)).await);
        }
        if wanted("hogs") {
            let hogs = stuck::catch_up_hogs(&server);
            rows.push(case("30 × hello{after:0} on 16 MB, no reads", hogs).await);
        }
        if wanted("flood") {
            rows.push(case("hello flood, 4 connections", flood::hello_flood(&server)).await);
        }
        if wanted("silent") {
            let silent = silent::never_sign_in(&server);
            rows.push(case("1000 sockets that never send auth", silent).await);
        }
        rows
    });
    let over = report::print(&rows);
    println!("{over} figure(s) over their bound");
    ExitCode::SUCCESS
}

async fn case(
    name: &str,
    run: impl Future<Output = client::AbuseResult<report::Row>>,
) -> report::Row {
    eprintln!("abuse: {name}…");
    let started = std::time::Instant::now();
    let mut row = run
        .await
        .unwrap_or_else(|why| report::Row::failed(name, why));
    row.case = name.to_owned();
    eprintln!(
        "abuse: {name}: done in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    row
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("{problem}\n{}", args::usage());
    ExitCode::FAILURE
}
