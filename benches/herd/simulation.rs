//! The simulation: 10,000 real [`Reconnect`] machines that lose their server together, driven
//! by a discrete-event loop on each one's `poll_timeout()`, the server back after the outage.
//! What is made of the result (the figures, the targets, the table) is the bench's `main`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;
use ws_chat::reconnect::{Command, Input, Moment, Phase, Reconnect};
use ws_chat::Backoff;
use ws_chat::ReconnectConfig;

/// Enough clients that one 100 ms window holds a few hundred of them when they are spread well,
/// so sampling noise moves the peak share by a few percent only.
pub const CLIENTS: u64 = 10_000;
/// The machine's clock at the simulation's t = 0: far enough from its origin that the history
/// before the outage (start, open, stable) stays a non-negative `Duration`.
const ORIGIN: Duration = Duration::from_secs(3_600);
/// How long before the outage every client connected: well past `stable_after`, so the attempt
/// count has been reset and the outage is each client's first failure.
const OPEN_FOR: Duration = Duration::from_secs(60);
/// Seeds are `SEED_BASE + client`: distinct per client, identical across policies, so every
/// policy sees the same random draws.
const SEED_BASE: u64 = 0x5EED_0000;

/// What one (outage, policy) run measured.
pub struct HerdOutcome {
    /// Time from the server's return to each client's successful connect, sorted.
    pub recovery: Vec<Duration>,
    /// Connect commands per client after t = 0, the successful one included.
    pub attempts: Vec<u32>,
}

/// A client that connected [`OPEN_FOR`] before the outage and stayed up past the stable
/// deadline, so its next failure is its first.
fn steady_client(config: ReconnectConfig, seed: u64) -> Reconnect {
    let mut m = Reconnect::new(config, seed);
    let started = Moment::from_origin(ORIGIN - OPEN_FOR);
    m.handle(Input::Start, started);
    assert_eq!(m.poll_command(), Some(Command::Connect));
    m.handle(Input::Opened, started);
    let stable_at = m
        .poll_timeout()
        .expect("an open socket awaits its stable deadline");
    assert!(
        stable_at < Moment::from_origin(ORIGIN),
        "stable_after must be shorter than {OPEN_FOR:?}"
    );
    m.handle_timeout(stable_at);
    assert_eq!((m.phase(), m.poll_timeout()), (&Phase::Open, None));
    m
}

/// An abnormal close, as the browser reports a refused or dropped connection.
fn dropped() -> Input {
    Input::Closed {
        code: 1006,
        reason: String::new(),
    }
}

/// Carries out `m`'s commands at `now`: a connect before `back_at` fails at once, one from
/// `back_at` on succeeds. Returns whether the client is connected again.
fn run_commands(m: &mut Reconnect, now: Moment, back_at: Moment, attempts: &mut u32) -> bool {
    let mut connected = false;
    while let Some(command) = m.poll_command() {
        match command {
            Command::Connect if now < back_at => {
                *attempts += 1;
                m.handle(dropped(), now);
            }
            Command::Connect => {
                *attempts += 1;
                m.handle(Input::Opened, now);
                connected = true;
            }
            // Connects resolve at once here, so the connect timeout never fires and nothing is
            // ever abandoned: a Close would mean the simulation no longer matches the machine.
            Command::Close { .. } => panic!("unexpected {command:?} at {now:?}"),
        }
    }
    connected
}

/// Drops every client at t = 0, brings the server back at `outage` and runs the clients'
/// timers in time order until every one of them is connected again.
pub fn simulate(backoff: &Backoff, outage: Duration) -> HerdOutcome {
    let config = ReconnectConfig::default().backoff(backoff.clone());
    let back_at = Moment::from_origin(ORIGIN + outage);
    let mut clients: Vec<Reconnect> = (0..CLIENTS)
        .map(|i| steady_client(config.clone(), SEED_BASE + i))
        .collect();
    let mut attempts = vec![0u32; clients.len()];
    let mut recovery = Vec::with_capacity(clients.len());
    // One entry per waiting client: its deadline only moves when it is popped and handled.
    let mut timers = BinaryHeap::with_capacity(clients.len());
    for (i, m) in clients.iter_mut().enumerate() {
        m.handle(dropped(), Moment::from_origin(ORIGIN));
        schedule(&mut timers, m, i);
    }
    while let Some(Reverse((now, i))) = timers.pop() {
        let m = &mut clients[i];
        m.handle_timeout(now);
        if run_commands(m, now, back_at, &mut attempts[i]) {
            recovery.push(now.saturating_duration_since(back_at));
        } else {
            schedule(&mut timers, m, i);
        }
    }
    assert_eq!(recovery.len(), clients.len(), "every client reconnects");
    recovery.sort_unstable();
    HerdOutcome { recovery, attempts }
}

/// Queues client `i` at its next deadline.
fn schedule(timers: &mut BinaryHeap<Reverse<(Moment, usize)>>, m: &Reconnect, i: usize) {
    let due = m
        .poll_timeout()
        .expect("a disconnected client always has a retry pending");
    timers.push(Reverse((due, i)));
}
