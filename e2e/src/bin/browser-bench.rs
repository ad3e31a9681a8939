//! `browser-bench`: ws-chat in headless Chromium beside the seed page and baselines, in one run,
//! printed as one markdown table (see `scripts/bench.sh`, which builds what it needs).
//!
//! Measures, in this order: bundle sizes (ws-chat's release build beside a minimal Yew
//! counter); start-up to "open" (ws-chat, the seed page, the floor page); delivery latency
//! (Enter to `delivered` beside the raw wschat.v1 ack round trip); then, for each burst size,
//! the time from the click to the last of N frames showing, and the memory kept afterwards
//! (floor, seed page, ws-chat, each on a fresh browser). A measurement that fails is shown as
//! failed, its error is printed under the table, the run goes on, and the exit code is 1.
//!
//! Relative default paths are taken from the workspace root, so it runs from anywhere.

#[path = "browser_bench/burst.rs"]
mod burst;
#[path = "browser_bench/latency.rs"]
mod latency;
#[path = "browser_bench/pages.rs"]
mod pages;
#[path = "browser_bench/report.rs"]
mod report;
#[path = "browser_bench/startup.rs"]
mod startup;
#[path = "browser_bench/stats.rs"]
mod stats;
#[path = "browser_bench/table.rs"]
mod table;

use anyhow::{bail, Result};
use clap::Parser;
use pages::BenchPage;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use ws_chat_e2e::bundle;
use ws_chat_e2e::burst_server::BurstServer;
use ws_chat_e2e::local::server_binary;
use ws_chat_e2e::{repo_root, BrowserOptions, CompanionOptions, CompanionServer};

/// The largest burst the burst server accepts.
const MAX_BURST: u64 = 1_000_000;

#[derive(Parser, Debug)]
#[command(about = "ws-chat in headless Chromium beside the seed page and baselines: one table")]
struct BrowserBenchArgs {
    /// Burst sizes, comma-separated (each page gets a fresh load per size).
    #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
    bursts: Vec<u64>,
    /// Burst sizes for ws-chat only (default: the same as --bursts); a size in --bursts but not
    /// here is shown as "not run" for ws-chat.
    #[arg(long, value_delimiter = ',')]
    ws_chat_bursts: Option<Vec<u64>>,
    /// Messages for the delivery latency, one at a time (0: skip).
    #[arg(long, default_value_t = 1000)]
    latency: usize,
    /// Page loads for the start-up median, after one first (cold) load (0: skip start-up).
    #[arg(long, default_value_t = 5)]
    startup_loads: usize,
    /// Longest a single burst may take, in seconds.
    #[arg(long, default_value_t = 600)]
    burst_timeout: u64,
    /// Fresh loads per page and burst size, taken in turns; the table shows the median run.
    /// A 10,000-frame burst lasts half a second, so one run is at the mercy of this shared
    /// machine.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
    burst_runs: u64,
    /// ws-chat's release build [default: target/bench/ws-chat].
    #[arg(long)]
    dist: Option<PathBuf>,
    /// The Yew counter's release build [default: target/bench/baseline].
    #[arg(long)]
    baseline_dist: Option<PathBuf>,
    /// Where to assemble the served site (replaced) [default: target/bench/site].
    #[arg(long)]
    site: Option<PathBuf>,
    /// The benchmark's own pages [default: e2e/pages].
    #[arg(long)]
    pages: Option<PathBuf>,
    /// The ws-chat-server binary [default: the newer of target/{release,debug}].
    #[arg(long)]
    server: Option<PathBuf>,
    /// The Node burst server [default: tests/plain-server/burst-server.mjs].
    #[arg(long)]
    burst_server: Option<PathBuf>,
    /// chromedriver [default: $WS_CHAT_CHROMEDRIVER or /usr/bin/chromedriver].
    #[arg(long)]
    chromedriver: Option<PathBuf>,
    /// Chromium [default: $WS_CHAT_CHROMIUM or /usr/bin/chromium].
    #[arg(long)]
    chromium: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = BrowserBenchArgs::parse();
    // On Ctrl-C or SIGTERM the run is dropped, and with it every guard: sessions end, and
    // chromedriver's and the servers' process groups are killed. (They run in their own
    // groups, so the terminal's SIGINT does not reach them by itself.)
    let outcome = tokio::select! {
        outcome = run(args) => outcome,
        signal = stop_signal() => {
            eprintln!("browser-bench: {signal}, stopping");
            return ExitCode::from(130);
        }
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("browser-bench: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on SIGINT, SIGTERM or SIGHUP, naming it.
async fn stop_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    ) else {
        // Without handlers, wait for Ctrl-C only.
        let _ = tokio::signal::ctrl_c().await;
        return "interrupted";
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "interrupted",
        _ = term.recv() => "terminated",
        _ = hup.recv() => "hung up",
    }
}

/// Runs everything; `Ok(false)` when the table has failed cells.
async fn run(args: BrowserBenchArgs) -> Result<bool> {
    let root = repo_root();
    let path = |given: &Option<PathBuf>, default: &str| given.clone().unwrap_or(root.join(default));
    let dist = path(&args.dist, "target/bench/ws-chat");
    let baseline_dist = path(&args.baseline_dist, "target/bench/baseline");
    let site = path(&args.site, "target/bench/site");
    let pages_dir = path(&args.pages, "e2e/pages");
    let burst_script = path(&args.burst_server, "tests/plain-server/burst-server.mjs");
    let server = match &args.server {
        Some(s) => s.clone(),
        None => server_binary()?,
    };
    for &n in args
        .bursts
        .iter()
        .chain(args.ws_chat_bursts.iter().flatten())
    {
        if !(1..=MAX_BURST).contains(&n) {
            bail!("burst sizes must be 1..={MAX_BURST}, got {n}");
        }
    }
    let mut browser = BrowserOptions::default();
    if let Some(p) = &args.chromedriver {
        browser.chromedriver = p.clone();
    }
    if let Some(p) = &args.chromium {
        browser.chromium = p.clone();
    }
    let burst_limit = Duration::from_secs(args.burst_timeout);
    browser.script_timeout = burst_limit + Duration::from_secs(30);
    browser.request_timeout = browser.script_timeout + Duration::from_secs(60);

    pages::prepare_site(&dist, &pages_dir, &site)?;
    let companion = CompanionServer::start(&CompanionOptions::new(server, site))?;
    let burst_server = BurstServer::start(&burst_script)?;
    let site_url = companion.http_url("");
    let chat_ws = format!("ws://{}/ws", companion.addr);
    let mut results = table::Results::default();

    progress("bundle sizes");
    results.bundle = [bundle::measure(&dist), bundle::measure(&baseline_dist)];

    if args.startup_loads > 0 {
        for (i, page) in BenchPage::ALL.into_iter().enumerate() {
            progress(&format!(
                "start-up: {}, {} loads",
                page.label(),
                args.startup_loads + 1
            ));
            let url = page.url(&site_url, &chat_ws);
            results.startup[i] = Some(startup::run(&browser, page, &url, args.startup_loads).await);
        }
    }

    if args.latency > 0 {
        progress(&format!(
            "delivery latency: ws-chat, {} messages",
            args.latency
        ));
        results.latency[0] =
            Some(latency::ws_chat(&browser, &site_url, &chat_ws, args.latency).await);
        progress(&format!(
            "delivery latency: raw wschat.v1, {} messages",
            args.latency
        ));
        match latency::raw(&browser, &site_url, &chat_ws, args.latency).await {
            Ok((ack, frame)) => {
                results.latency[1] = Some(Ok(ack));
                results.latency[2] = Some(Ok(frame));
            }
            Err(e) => results.latency[1] = Some(Err(e)),
        }
    }

    for &n in &args.bursts {
        let mut runs: [Vec<Result<burst::BurstResult>>; 3] = Default::default();
        for round in 1..=args.burst_runs {
            // Floor first, ws-chat last: the cheapest pages show early whether the setup
            // works. Pages take turns, so a noisy spell of the machine hits them alike.
            for (i, page) in BenchPage::ALL.into_iter().enumerate().rev() {
                let skipped = page == BenchPage::WsChat
                    && args
                        .ws_chat_bursts
                        .as_ref()
                        .is_some_and(|only| !only.contains(&n));
                if skipped {
                    continue;
                }
                progress(&format!(
                    "burst {}: {} (run {round} of {})",
                    report::thousands(n),
                    page.label(),
                    args.burst_runs
                ));
                let url = page.url(&site_url, &burst_server.ws_url());
                let result = burst::run(&browser, page, &url, n, burst_limit).await;
                if let Ok(r) = &result {
                    progress(&format!(
                        "  {} in {} frames",
                        report::format_ms(r.ms),
                        r.frames
                    ));
                }
                runs[i].push(result);
            }
        }
        results.bursts.push((n, runs.map(burst::median_run)));
    }

    let (text, errors) = table::render(&results, &sample_counts(&args));
    println!("{text}");
    drop(burst_server);
    drop(companion);
    Ok(errors == 0)
}

fn sample_counts(args: &BrowserBenchArgs) -> table::SampleCounts {
    table::SampleCounts {
        startup_loads: args.startup_loads,
        latency: args.latency,
    }
}

fn progress(what: &str) {
    eprintln!("browser-bench: {what}…");
}
