//! How long the disk takes to fsync, sampled all through the run.
//!
//! Both durable configurations wait for an fsync before they ack (SQLite per append, Redis
//! per event-loop turn with `appendfsync always`), so one slow fsync on a shared or virtual
//! disk stalls every message behind it and lands in their p99. A probe thread writes a few
//! bytes and `fdatasync`s them every 50 ms next to the databases; each step reports the
//! slowest one during its window, so a p99 made by the disk can be told from one made by the
//! server. At 20 small syncs a second the probe adds little to the disk's load.

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_millis(50);

/// The slowest fsync since the last [`take_slowest`], in µs.
static SLOWEST_US: OnceLock<Mutex<u64>> = OnceLock::new();

/// Starts the probe on a file in `dir`; it runs until the benchmark exits.
pub fn start(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(dir.join("fsync-probe"))
        .map_err(|e| format!("fsync probe: {e}"))?;
    let slowest = SLOWEST_US.get_or_init(Mutex::default);
    std::thread::Builder::new()
        .name("fsync-probe".into())
        .spawn(move || loop {
            if let Some(us) = timed_sync(&mut file) {
                let mut s = slowest.lock().unwrap_or_else(PoisonError::into_inner);
                *s = (*s).max(us);
            }
            std::thread::sleep(EVERY);
        })
        .map_err(|e| format!("fsync probe: {e}"))?;
    Ok(())
}

fn timed_sync(file: &mut File) -> Option<u64> {
    file.seek(SeekFrom::Start(0)).ok()?;
    file.write_all(b"ws-chat load benchmark fsync probe\n")
        .ok()?;
    let started = Instant::now();
    file.sync_data().ok()?;
    u64::try_from(started.elapsed().as_micros()).ok()
}

/// The slowest fsync since the last call, and starts over; `None` without a probe.
pub fn take_slowest() -> Option<u64> {
    let slowest = SLOWEST_US.get()?;
    let mut s = slowest.lock().unwrap_or_else(PoisonError::into_inner);
    Some(std::mem::take(&mut *s))
}
