//! The load benchmark: how many messages a second the companion server takes in, and at
//! what latency, with 1,000 wschat.v1 connections in 100 rooms of 10, beside the Node `ws`
//! relay that most chat servers start as.
//!
//! Each configuration (SQLite with a commit per message and with group commit; Redis and one
//! server; Redis and two servers, sharing rooms or not; a Redis Cluster of three masters and
//! three replicas; the Node relay) runs on a fresh deployment on loopback. Its connections
//! send at a fixed total rate, open-loop, stepped up from 250 to 32,000 msg/s until the ack
//! p99 passes 100 ms; each step gives the acks received per second, ack p50/p99 (send → ack
//! at the sender), fan-out p99 (send → arrival at the 9 other members of the room), and the
//! server's memory and CPU. A second table holds one configuration at a moderate rate while
//! the crowd grows to 10,000 connections and its rooms grow, with the server's memory per
//! connection. Every figure comes from this one run.
//!
//! The clients are this process, apart from the servers, and connect from 16 loopback
//! addresses (127.0.0.1–16), so ephemeral ports do not run out.
//!
//! `cargo bench -p ws-chat-server --bench load [-- --server PATH] [--only sqlite,node]
//! [--growth redis|none]`; Linux only (`/proc`). About fifteen minutes in all.

mod args;
mod children;
mod cluster;
mod deploy;
mod disk;
#[path = "../abuse/procfs.rs"]
#[allow(dead_code)] // the connection counting is the abuse benchmark's
mod procfs;
mod step;
mod swarm;
mod sweep;
mod table;
mod tally;

use args::LoadArgs;
use deploy::{Programs, SETUPS};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let defaults = LoadArgs {
        server: PathBuf::from(env!("CARGO_BIN_EXE_ws-chat-server")),
        node_script: manifest.join("../tests/plain-server/server.mjs"),
        setups: SETUPS.to_vec(),
        growth: SETUPS.iter().find(|s| s.key == "redis").copied(),
    };
    let args = match LoadArgs::parse(std::env::args().skip(1), defaults) {
        Ok(args) => args,
        Err(problem) => {
            eprintln!("{problem}\n{}", args::usage());
            return ExitCode::FAILURE;
        }
    };
    raise_open_files_limit();
    let programs = Programs {
        server: args.server.clone(),
        node_script: args.node_script.clone(),
        redis_server: PathBuf::from("/usr/bin/redis-server"),
        scratch: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("load-bench"),
    };
    if let Err(e) = disk::start(&programs.scratch) {
        eprintln!("load: no disk probe: {e}");
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start tokio: {e}");
            return ExitCode::FAILURE;
        }
    };
    let started = std::time::Instant::now();
    let (sweeps, growth) = runtime.block_on(async {
        let mut sweeps = Vec::new();
        for setup in &args.setups {
            sweeps.push(sweep::sweep(*setup, &programs).await);
        }
        let mut growth = Vec::new();
        if let Some(setup) = args.growth {
            for crowd in sweep::GROWTH_CROWDS {
                eprintln!(
                    "load: growth, {}: {} connections in rooms of {}…",
                    setup.label, crowd.connections, crowd.room_size
                );
                growth.push((crowd, sweep::growth_point(setup, &programs, crowd).await));
            }
        }
        (sweeps, growth)
    });
    print_report(&args, &sweeps, &growth);
    eprintln!("load: done in {:.0} s", started.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}

fn print_report(
    args: &LoadArgs,
    sweeps: &[sweep::Sweep],
    growth: &[(swarm::Crowd, Result<sweep::GrowthPoint, String>)],
) {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let crowd = sweep::SWEEP_CROWD;
    println!();
    println!(
        "Load benchmark, one run on {} ({cores} cores, shared by servers, Redis and the \
         clients), loopback: {} connections in {} rooms of {}, open-loop sends of {} bytes \
         spread evenly over the connections; each step {} s warm-up + {} s measured.",
        cpu_model(),
        crowd.connections,
        crowd.connections / crowd.room_size,
        crowd.room_size,
        swarm::TEXT_BYTES,
        step::WARM_UP.as_secs(),
        step::WINDOW.as_secs(),
    );
    table::print_summary(sweeps);
    println!(
        "Rates tried: {:?} msg/s, stepping up until the ack p99 (baseline: fan-out p99) \
         passed {} ms in {} tries in a row at one rate. Latencies are from the send; a message not in {} s after the window \
         counts as slower than all that were. Server RSS: VmRSS of the server process(es), \
         summed (not Redis); CPU: user + system time of those processes in the window per \
         message acked (baseline: per message sent). Slowest fsync: of a probe that fsyncs a \
         small file on the databases' disk every 50 ms.",
        sweep::RATES,
        step::TARGET_P99.as_millis(),
        sweep::TRIES,
        step::DRAIN.as_secs()
    );
    println!("\nEvery step:");
    table::print_steps(sweeps);
    table::print_notes(sweeps);
    if let Some(setup) = args.growth {
        println!(
            "\nCost growth, {}, at {} msg/s in total, a fresh deployment per crowd, {} tries \
             in a row on it:",
            setup.label,
            sweep::GROWTH_RATE,
            sweep::TRIES
        );
        table::print_growth(growth);
        for (crowd, result) in growth {
            let tries = result.iter().flat_map(|point| &point.tries);
            for note in tries.flat_map(|s| &s.notes) {
                println!(
                    "- {} connections in rooms of {}: {note}",
                    crowd.connections, crowd.room_size
                );
            }
        }
    }
}

/// The CPU's model name, from `/proc/cpuinfo`.
fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    info.lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("an unknown CPU".to_owned(), |(_, m)| m.trim().to_owned())
}

/// Raises the soft limit on open files to the hard one: 2,000 client sockets plus the
/// benchmark's own files can pass a soft limit of 1,024. The servers inherit it.
fn raise_open_files_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: both calls only read or write the struct passed to them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}
