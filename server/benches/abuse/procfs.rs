//! What the kernel says about the server process: its resident memory and its TCP
//! connections, read from `/proc` (Linux only).
//!
//! Connections are counted from the server's side: the sockets in its file-descriptor table
//! that `/proc/PID/net/tcp{,6}` shows as ESTABLISHED. A connection the server has closed
//! leaves that set at once, even while unsent data keeps the kernel's socket alive, so this is
//! also how the benchmark sees when the server gave up on a client that never reads.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::time::{Duration, Instant};

/// `VmRSS` of the process, in KiB; `None` once it has exited.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The remote ports of the process's ESTABLISHED TCP connections (all of them are clients of
/// this one benchmark on loopback, so the remote port names a client).
pub fn established_remote_ports(pid: u32) -> HashSet<u16> {
    let inodes = socket_inodes(pid);
    let mut ports = HashSet::new();
    for table in ["tcp", "tcp6"] {
        let Ok(text) = fs::read_to_string(format!("/proc/{pid}/net/{table}")) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            if f.len() < 10 || f[3] != "01" {
                continue;
            }
            let owned = f[9].parse::<u64>().is_ok_and(|i| inodes.contains(&i));
            if let (true, Some(port)) = (owned, port_of(f[2])) {
                ports.insert(port);
            }
        }
    }
    ports
}

/// Inodes of the sockets among the process's open file descriptors.
fn socket_inodes(pid: u32) -> HashSet<u64> {
    let Ok(dir) = fs::read_dir(format!("/proc/{pid}/fd")) else {
        return HashSet::new();
    };
    dir.filter_map(|e| fs::read_link(e.ok()?.path()).ok())
        .filter_map(|target| {
            let t = target.to_str()?;
            t.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
        })
        .collect()
}

/// The port of a `/proc/net/tcp` address (`0100007F:2329`: hex address, hex port).
fn port_of(address: &str) -> Option<u16> {
    u16::from_str_radix(address.rsplit(':').next()?, 16).ok()
}

/// Peak and latest figures of one process, updated by [`ProcessStats::sample`].
#[derive(Debug, Default)]
pub struct ProcessStats {
    pub peak_rss_kib: u64,
    pub peak_conns: usize,
    /// Clients being watched: remote port → when it stopped reading, and when the server
    /// was first seen without that connection.
    watched: HashMap<u16, (Instant, Option<Instant>)>,
}

impl ProcessStats {
    /// Reads the process once; `false` if it is gone.
    pub fn sample(&mut self, pid: u32) -> bool {
        let Some(rss) = rss_kib(pid) else {
            return false;
        };
        let ports = established_remote_ports(pid);
        self.peak_rss_kib = self.peak_rss_kib.max(rss);
        self.peak_conns = self.peak_conns.max(ports.len());
        let now = Instant::now();
        for (port, (_, closed)) in self.watched.iter_mut() {
            if closed.is_none() && !ports.contains(port) {
                *closed = Some(now);
            }
        }
        true
    }

    /// Starts watching the connection of the client on `port`, stuck since `since`.
    pub fn watch(&mut self, port: u16, since: Instant) {
        self.watched.insert(port, (since, None));
    }

    /// How many watched connections the server still holds.
    pub fn still_open(&self) -> usize {
        self.watched.values().filter(|(_, c)| c.is_none()).count()
    }

    /// What became of the watched connections, as of `now`; stops watching them (the
    /// clients' own closing must not count as the server's).
    pub fn take_stuck(&mut self, now: Instant) -> Option<Stuck> {
        let watched = std::mem::take(&mut self.watched);
        let earliest = watched.values().map(|(since, _)| *since).min()?;
        Some(Stuck {
            watched: watched.len(),
            open: watched.values().filter(|(_, c)| c.is_none()).count(),
            longest: watched
                .values()
                .filter_map(|(since, closed)| {
                    Some(closed.as_ref()?.saturating_duration_since(*since))
                })
                .max(),
            waited: now.saturating_duration_since(earliest),
        })
    }
}

/// The stuck clients of one case, as the server treated them.
#[derive(Debug, Clone, Copy)]
pub struct Stuck {
    pub watched: usize,
    /// Still open when the case stopped waiting.
    pub open: usize,
    /// The longest the server took to close one of those it did close.
    pub longest: Option<Duration>,
    /// How long the case waited, from the first client getting stuck.
    pub waited: Duration,
}
