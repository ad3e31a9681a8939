//! The two experiments: stepping one configuration's rate up until it no longer keeps up,
//! and the cost of one moderate rate as the crowd or its rooms grow.

use crate::deploy::{Deployment, Programs, Setup};
use crate::step::{self, StepFigures};
use crate::swarm::{Crowd, Swarm};

/// The total rates tried, in msg/s, lowest first.
pub const RATES: [u32; 10] = [250, 500, 1000, 2000, 4000, 8000, 12000, 16000, 24000, 32000];
/// Tries at a rate before the sweep stops: the machine is shared, and a stall of a few
/// tens of milliseconds elsewhere (another process's fsync, a compiler) is enough to push one
/// window's p99 past the bound. Every try is in the table.
pub const TRIES: u32 = 2;
/// The crowd of the rate sweep: 100 rooms of 10 (a configuration may ask for rooms of 1).
pub const SWEEP_CROWD: Crowd = Crowd {
    connections: 1000,
    room_size: 10,
};
/// The rate of the growth runs: one most configurations sustain.
pub const GROWTH_RATE: u32 = 500;
/// The crowds of the growth runs: more connections in rooms of 10, up to 10,000, then other
/// room sizes at 1,000 connections (1,000 in rooms of 10 is in the first group).
pub const GROWTH_CROWDS: [Crowd; 9] = [
    crowd(250, 10),
    crowd(500, 10),
    crowd(1000, 10),
    crowd(2000, 10),
    crowd(5000, 10),
    crowd(10000, 10),
    crowd(1000, 2),
    crowd(1000, 50),
    crowd(1000, 100),
];

const fn crowd(connections: usize, room_size: usize) -> Crowd {
    Crowd {
        connections,
        room_size,
    }
}

/// One configuration's sweep.
pub struct Sweep {
    pub setup: Setup,
    /// Every step run, in order, tries included; the sweep stopped at a rate whose every try
    /// did not keep up, or at the top rate.
    pub steps: Vec<StepFigures>,
    /// Why the sweep could not run (or stopped early).
    pub failure: Option<String>,
    /// The server's memory once every connection had joined, before any message.
    pub joined_rss_kib: u64,
    pub notes: Vec<String>,
}

impl Sweep {
    /// The highest step that kept up.
    pub fn best(&self) -> Option<&StepFigures> {
        self.steps.iter().rfind(|s| s.sustained())
    }
}

/// Steps `setup` through [`RATES`] on a fresh deployment until a step does not keep up.
pub async fn sweep(setup: Setup, programs: &Programs) -> Sweep {
    let mut sweep = Sweep {
        setup,
        steps: Vec::new(),
        failure: None,
        joined_rss_kib: 0,
        notes: Vec::new(),
    };
    let mut deployment = match Deployment::start(&setup, programs) {
        Ok(d) => d,
        Err(e) => {
            sweep.failure = Some(e);
            return sweep;
        }
    };
    let pids = deployment.server_pids();
    let wschat = deployment.speaks_wschat;
    let room_prefix = format!("sweep-{}", setup.key);
    let swarm = match Swarm::join(
        &deployment.endpoints,
        setup.placement,
        wschat,
        Crowd {
            room_size: setup.room_size,
            ..SWEEP_CROWD
        },
        &room_prefix,
    )
    .await
    {
        Ok(swarm) => swarm,
        Err(e) => {
            sweep.failure = Some(format!("joining: {e}"));
            sweep.notes = deployment.problems();
            return sweep;
        }
    };
    sweep.joined_rss_kib = pids.iter().filter_map(|&p| crate::procfs::rss_kib(p)).sum();
    let mut step = 0;
    'rates: for rate in RATES {
        for attempt in 1..=TRIES {
            step += 1;
            eprintln!("load: {}: {rate} msg/s, try {attempt}…", setup.label);
            let figures = step::run(&swarm, wschat, &pids, step, rate).await;
            let kept_up = figures.sustained();
            sweep.steps.push(figures);
            if kept_up {
                continue 'rates;
            }
        }
        break;
    }
    swarm.close().await;
    sweep.notes = deployment.problems();
    let redis_pids = deployment.redis_pids();
    if !redis_pids.is_empty() {
        let kib: u64 = redis_pids
            .iter()
            .filter_map(|&p| crate::procfs::rss_kib(p))
            .sum();
        let mb = kib as f64 * 1024.0 / 1e6;
        sweep.notes.push(format!(
            "Redis RSS at the end: {mb:.1} MB (not in the table)"
        ));
    }
    sweep
}

/// One growth run's figures.
pub struct GrowthPoint {
    /// Each try at [`GROWTH_RATE`].
    pub tries: Vec<StepFigures>,
    /// The server's memory before any connection, and with every one joined, before any
    /// message: what a connection costs at rest.
    pub idle_rss_kib: u64,
    pub joined_rss_kib: u64,
}

impl GrowthPoint {
    /// Server memory per joined connection, in KiB.
    pub fn kib_per_connection(&self, connections: usize) -> f64 {
        self.joined_rss_kib.saturating_sub(self.idle_rss_kib) as f64 / connections as f64
    }
}

/// One growth run: `crowd` on a fresh deployment of `setup`, at [`GROWTH_RATE`], [`TRIES`]
/// times in a row on the same connections: a single window's p99 on a shared machine can be
/// one stall elsewhere, and the table shows every try.
pub async fn growth_point(
    setup: Setup,
    programs: &Programs,
    crowd: Crowd,
) -> Result<GrowthPoint, String> {
    let mut deployment = Deployment::start(&setup, programs)?;
    let pids = deployment.server_pids();
    let rss = || -> u64 { pids.iter().filter_map(|&p| crate::procfs::rss_kib(p)).sum() };
    let idle_rss_kib = rss();
    let wschat = deployment.speaks_wschat;
    let prefix = format!("growth-{}-{}", crowd.connections, crowd.room_size);
    let swarm = Swarm::join(
        &deployment.endpoints,
        setup.placement,
        wschat,
        crowd,
        &prefix,
    )
    .await
    .map_err(|e| format!("joining: {e}; {}", deployment.problems().join("; ")))?;
    let joined_rss_kib = rss();
    let mut tries = Vec::new();
    for step in 1..=TRIES {
        tries.push(step::run(&swarm, wschat, &pids, step, GROWTH_RATE).await);
    }
    swarm.close().await;
    if let Some(last) = tries.last_mut() {
        last.notes.extend(deployment.problems());
    }
    Ok(GrowthPoint {
        tries,
        idle_rss_kib,
        joined_rss_kib,
    })
}
