//! `ws-chat-supervisor --control ADDR -- <ws-chat-server args>`: crash tests on demand.
//!
//! Runs `ws-chat-server` (the binary next to this one) as a child and serves a small
//! control API, so a browser test can SIGKILL the server mid-conversation and have it come
//! back on the same port and database, as a crash and a restart by an init system would.
//!
//! - `POST /kill?down_ms=N`: SIGKILL the child, wait N ms (default 1000), start it again;
//!   answers once it listens, with the restart count.
//! - `POST /restart?down_ms=N`: the same with SIGTERM, as a deploy would: the server drains
//!   (its clients are closed with 1012 and come back spread out) and exits by itself; the
//!   answer also says how long the drain took.
//! - `GET /status`: `up` or `down`, and the restart count.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use clap::Parser;
use serde::Deserialize;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{oneshot, Mutex};
use tower_http::cors::CorsLayer;
use ws_chat_server::shutdown_signal;

/// What `ws-chat-server` prints once it accepts connections.
const LISTENING_MARKER: &str = "ws-chat-server listening on";

/// How long a SIGTERMed server may take to drain and exit before it is killed.
const TERM_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a (re)started server may take to open its database and listen.
const START_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Parser)]
#[command(
    name = "ws-chat-supervisor",
    version,
    about = "Runs ws-chat-server and kills/restarts it on request"
)]
struct SupervisorArgs {
    /// Address of the control API.
    #[arg(long, default_value = "127.0.0.1:9003")]
    control: String,

    /// Arguments for ws-chat-server (after `--`). Give it a fixed `--listen` port so that it
    /// comes back where the clients expect it.
    #[arg(last = true)]
    server_args: Vec<String>,
}

struct Supervisor {
    program: PathBuf,
    args: Vec<String>,
    child: Mutex<Option<Child>>,
    /// True from the kill until the new child listens.
    restarting: AtomicBool,
    restarts: AtomicU64,
}

impl Supervisor {
    /// Starts the server and waits for its listening line; its output is forwarded.
    async fn start(&self) -> io::Result<Child> {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        die_with_parent(&mut command);
        let mut child = command.spawn().map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot start {}: {e}", self.program.display()),
            )
        })?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("child has no stdout"))?;
        let (ready_tx, ready_rx) = oneshot::channel();
        tokio::spawn(async move {
            let mut ready_tx = Some(ready_tx);
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                println!("{line}");
                if line.contains(LISTENING_MARKER) {
                    if let Some(tx) = ready_tx.take() {
                        let _ = tx.send(());
                    }
                }
            }
        });
        match tokio::time::timeout(START_TIMEOUT, ready_rx).await {
            Ok(Ok(())) => Ok(child),
            Ok(Err(_)) => Err(io::Error::other("ws-chat-server exited before listening")),
            Err(_) => Err(io::Error::other("ws-chat-server did not listen in time")),
        }
    }

    async fn is_up(&self) -> bool {
        if self.restarting.load(Ordering::SeqCst) {
            return false;
        }
        let Ok(mut child) = self.child.try_lock() else {
            return false; // a kill is in progress
        };
        child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// SIGTERMs the child and waits for it to exit by itself (SIGKILL after
    /// [`TERM_TIMEOUT`]); returns how long it took.
    async fn terminate_child(&self, child: &mut Option<Child>) -> Duration {
        let started = std::time::Instant::now();
        if let Some(mut c) = child.take() {
            if let Some(pid) = c.id().and_then(|pid| i32::try_from(pid).ok()) {
                terminate(pid);
            }
            if tokio::time::timeout(TERM_TIMEOUT, c.wait()).await.is_err() {
                eprintln!("ws-chat-supervisor: the server ignored SIGTERM; killing it");
                let _ = c.start_kill();
                let _ = c.wait().await;
            }
        }
        started.elapsed()
    }

    /// SIGKILLs the child and waits for it to be gone.
    async fn kill_child(&self, child: &mut Option<Child>) {
        if let Some(mut c) = child.take() {
            let _ = c.start_kill();
            let _ = c.wait().await;
        }
    }
}

/// Even a SIGKILLed supervisor must not leave its server running (holding the port and
/// the test's output pipes): on Linux the kernel kills the child when its parent goes.
#[cfg(target_os = "linux")]
fn die_with_parent(command: &mut Command) {
    // SAFETY: between fork and exec only async-signal-safe calls are allowed; prctl is one.
    // PDEATHSIG follows the *thread* that forked: the runtime is single-threaded, so that
    // is the main thread, which lives as long as the supervisor.
    let supervisor = std::process::id();
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(io::Error::last_os_error());
            }
            // The supervisor may have died before prctl took effect.
            if u32::try_from(libc::getppid()).ok() != Some(supervisor) {
                return Err(io::Error::other("the supervisor is gone"));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_command: &mut Command) {}

/// SIGTERM to `pid`.
#[cfg(target_os = "linux")]
fn terminate(pid: i32) {
    // SAFETY: kill(2) has no memory-safety preconditions; the pid is our own child's.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
}

#[cfg(not(target_os = "linux"))]
fn terminate(_pid: i32) {}

#[derive(Deserialize)]
struct KillQuery {
    down_ms: Option<u64>,
}

async fn kill(State(sup): State<Arc<Supervisor>>, Query(q): Query<KillQuery>) -> Response {
    let down = Duration::from_millis(q.down_ms.unwrap_or(1000));
    let mut child = sup.child.lock().await;
    sup.restarting.store(true, Ordering::SeqCst);
    sup.kill_child(&mut child).await;
    eprintln!(
        "ws-chat-supervisor: server killed; restarting in {} ms",
        down.as_millis()
    );
    start_again(&sup, &mut child, down, String::new()).await
}

async fn restart(State(sup): State<Arc<Supervisor>>, Query(q): Query<KillQuery>) -> Response {
    let down = Duration::from_millis(q.down_ms.unwrap_or(1000));
    let mut child = sup.child.lock().await;
    sup.restarting.store(true, Ordering::SeqCst);
    let drained = sup.terminate_child(&mut child).await;
    eprintln!(
        "ws-chat-supervisor: server exited {} ms after SIGTERM; restarting in {} ms",
        drained.as_millis(),
        down.as_millis()
    );
    let drained = format!(" drained_ms={}", drained.as_millis());
    start_again(&sup, &mut child, down, drained).await
}

/// After `down`, starts the server again; answers with the restart count and `note`.
async fn start_again(
    sup: &Supervisor,
    child: &mut Option<Child>,
    down: Duration,
    note: String,
) -> Response {
    tokio::time::sleep(down).await;
    let result = sup.start().await;
    sup.restarting.store(false, Ordering::SeqCst);
    match result {
        Ok(new) => {
            *child = Some(new);
            let n = sup.restarts.fetch_add(1, Ordering::SeqCst) + 1;
            format!("{n}{note}").into_response()
        }
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("restart failed: {e}\n"),
        )
            .into_response(),
    }
}

async fn status(State(sup): State<Arc<Supervisor>>) -> String {
    let state = if sup.is_up().await { "up" } else { "down" };
    format!("{state} restarts={}", sup.restarts.load(Ordering::SeqCst))
}

// Single-threaded on purpose: see `die_with_parent`.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = SupervisorArgs::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ws-chat-supervisor: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: SupervisorArgs) -> io::Result<()> {
    let program = std::env::current_exe()?
        .with_file_name(format!("ws-chat-server{}", std::env::consts::EXE_SUFFIX));
    let sup = Arc::new(Supervisor {
        program,
        args: args.server_args,
        child: Mutex::new(None),
        restarting: AtomicBool::new(false),
        restarts: AtomicU64::new(0),
    });
    let first = sup.start().await?;
    *sup.child.lock().await = Some(first);

    let app = Router::new()
        .route("/kill", post(kill))
        .route("/restart", post(restart))
        .route("/status", get(status))
        .layer(CorsLayer::permissive())
        .with_state(sup.clone());
    let listener = tokio::net::TcpListener::bind(&args.control).await?;
    println!(
        "ws-chat-supervisor control on http://{}",
        listener.local_addr()?
    );
    let _ = io::stdout().flush();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    // Whatever ended the control server, the child goes with it.
    let mut child = sup.child.lock().await;
    sup.kill_child(&mut child).await;
    served
}
