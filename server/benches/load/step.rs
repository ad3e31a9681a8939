//! One step: the swarm sends at one total rate for a warm-up and a measuring window, and
//! the step's figures are taken from what the clients saw and what `/proc` says of the
//! server processes.

use crate::disk;
use crate::procfs;
use crate::swarm::{Schedule, Swarm};
use crate::tally::quantile;
use std::time::Duration;
use tokio::time::Instant;

/// Sending before the window opens: connections, caches and the allocator settle.
pub const WARM_UP: Duration = Duration::from_secs(2);
/// The measuring window.
pub const WINDOW: Duration = Duration::from_secs(5);
/// How long after the window the step waits for the acks and deliveries still on their way;
/// what has not arrived by then counts as slower than everything that did.
pub const DRAIN: Duration = Duration::from_secs(3);
/// The latency a configuration must keep at a step for the step to count as sustained.
pub const TARGET_P99: Duration = Duration::from_millis(100);

/// A latency figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Latency {
    /// Not a thing this configuration has (the baseline sends no acks).
    Absent,
    /// The quantile fell among messages that had not arrived [`DRAIN`] after the window.
    Missing,
    Micros(u64),
}

impl Latency {
    fn within(self, bound: Duration) -> bool {
        matches!(self, Latency::Micros(us) if u128::from(us) <= bound.as_micros())
    }
}

/// What one step measured.
#[derive(Debug, Clone)]
pub struct StepFigures {
    /// The rate asked for, msg/s in total.
    pub rate: u32,
    /// The rate the clients managed to send at, in the window.
    pub sent_per_s: f64,
    /// Acks received per second in the window; `None` without acks.
    pub acked_per_s: Option<f64>,
    pub ack_p50: Latency,
    pub ack_p99: Latency,
    pub delivery_p99: Latency,
    /// VmRSS of the server process(es), summed, at the end of the window.
    pub rss_kib: u64,
    /// Server CPU time (user + system) in the window per message it took in (acked, or
    /// for the baseline sent), in µs.
    pub cpu_us_per_msg: Option<f64>,
    /// CPU time of the benchmark's own clients in the window, in cores: on a small machine
    /// they compete with the server, and near 1 core per core they are the limit.
    pub client_cores: f64,
    /// The slowest fsync of the disk probe ([`crate::disk`]) in the window.
    pub slowest_fsync: Latency,
    pub notes: Vec<String>,
}

impl StepFigures {
    /// Whether the configuration kept up: ack p99 within [`TARGET_P99`], or for the baseline,
    /// which has no acks, the delivery p99.
    pub fn sustained(&self) -> bool {
        match self.ack_p99 {
            Latency::Absent => self.delivery_p99.within(TARGET_P99),
            ack => ack.within(TARGET_P99),
        }
    }
}

/// Runs step number `step` (distinct per swarm) at `rate` msg/s; `pids` are the server's.
pub async fn run(swarm: &Swarm, wschat: bool, pids: &[u32], step: u32, rate: u32) -> StepFigures {
    let start = Instant::now() + Duration::from_millis(100);
    let (from, to) = (start + WARM_UP, start + WARM_UP + WINDOW);
    let closed_before = swarm.tally.closed_count();
    swarm.tally.arm(step, from.into_std(), to.into_std());
    swarm.follow(Schedule {
        step,
        rate: f64::from(rate),
        start,
        stop: to,
    });
    tokio::time::sleep_until(from).await;
    let me = [std::process::id()];
    let (cpu_before, client_before) = (cpu_ticks(pids), cpu_ticks(&me));
    disk::take_slowest();
    tokio::time::sleep_until(to).await;
    let slowest_fsync = disk::take_slowest().map_or(Latency::Absent, Latency::Micros);
    let cpu_ticks_used = cpu_ticks(pids).saturating_sub(cpu_before);
    let client_ticks = cpu_ticks(&me).saturating_sub(client_before);
    let rss_kib = pids.iter().filter_map(|&p| procfs::rss_kib(p)).sum();
    while !swarm.tally.complete(wschat) && Instant::now() < to + DRAIN {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut window = swarm.tally.take();
    let seconds = WINDOW.as_secs_f64();
    let latency = |samples: &mut Vec<u64>, expected: u64, p: f64| {
        quantile(samples, expected, p).map_or(Latency::Missing, Latency::Micros)
    };
    let deliveries = window.sent * swarm.tally.others() as u64;
    // Rooms of 1: nobody to deliver to.
    let delivery_p99 = match deliveries {
        0 => Latency::Absent,
        _ => latency(&mut window.delivery_us, deliveries, 0.99),
    };
    let (acked_per_s, ack_p50, ack_p99) = match wschat {
        true => (
            Some(window.acks_arrived as f64 / seconds),
            latency(&mut window.ack_us, window.sent, 0.50),
            latency(&mut window.ack_us, window.sent, 0.99),
        ),
        false => (None, Latency::Absent, Latency::Absent),
    };
    let taken_in = if wschat {
        window.acks_arrived
    } else {
        window.sent
    };
    let cpu_us = cpu_ticks_used as f64 * 1e6 / ticks_per_second();
    let mut notes = Vec::new();
    if window.refusals > 0 {
        let first = window.first_refusal.unwrap_or_default();
        notes.push(format!(
            "{} error/reject frames, first: {first}",
            window.refusals
        ));
    }
    let closed = swarm.tally.closed_count() - closed_before;
    if closed > 0 {
        notes.push(format!("{closed} connections closed during the step"));
    }
    let late_acks = window.sent.saturating_sub(window.ack_us.len() as u64);
    if wschat && late_acks > 0 {
        notes.push(format!(
            "{late_acks} of {} acks not in by the drain",
            window.sent
        ));
    }
    let late = deliveries.saturating_sub(window.delivery_us.len() as u64);
    if late > 0 {
        notes.push(format!(
            "{late} of {deliveries} deliveries not in by the drain"
        ));
    }
    StepFigures {
        rate,
        sent_per_s: window.sent as f64 / seconds,
        acked_per_s,
        ack_p50,
        ack_p99,
        delivery_p99,
        rss_kib,
        cpu_us_per_msg: (taken_in > 0).then(|| cpu_us / taken_in as f64),
        client_cores: client_ticks as f64 / ticks_per_second() / seconds,
        slowest_fsync,
        notes,
    }
}

/// User + system CPU time of the processes so far, in clock ticks.
fn cpu_ticks(pids: &[u32]) -> u64 {
    pids.iter().filter_map(|&pid| process_ticks(pid)).sum()
}

/// `utime + stime` from `/proc/PID/stat` (fields 14 and 15; counted after the command name,
/// which is in parentheses and may itself hold spaces).
fn process_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

fn ticks_per_second() -> f64 {
    // SAFETY: sysconf only reads a system constant.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 {
        ticks as f64
    } else {
        100.0
    }
}
