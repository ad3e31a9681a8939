//! From the collected results to the printed table, its footnotes and the list of errors.

use crate::burst::BurstResult;
use crate::latency::Latencies;
use crate::report::{self, thousands, Cell, TableRow, Unit};
use crate::startup::StartupResult;
use crate::stats;
use anyhow::{anyhow, Result};
use ws_chat_e2e::bundle::{Bundle, Size, GZIP_BUDGET_BYTES};

/// Per page, in `BenchPage::ALL` order (ws-chat, seed, floor); `None`: not run.
pub type PerBenchPage<T> = [Option<Result<T>>; 3];

/// Everything one run measured.
pub struct Results {
    /// ws-chat's bundle, then the Yew counter's.
    pub bundle: [Result<Bundle>; 2],
    pub startup: PerBenchPage<StartupResult>,
    /// ws-chat; the raw wschat.v1 page to the ack; and to the first animation frame after it.
    pub latency: [Option<Result<Latencies>>; 3],
    /// Per burst size.
    pub bursts: Vec<(u64, PerBenchPage<BurstResult>)>,
}

impl Default for Results {
    fn default() -> Self {
        let not_measured = || Err(anyhow!("not measured"));
        Results {
            bundle: [not_measured(), not_measured()],
            startup: Default::default(),
            latency: Default::default(),
            bursts: Vec::new(),
        }
    }
}

/// How many samples the run took where the table counts them (from the command line; 0: that
/// part was skipped): page loads after the first for the start-up median, and messages for the
/// delivery latency.
pub struct SampleCounts {
    pub startup_loads: usize,
    pub latency: usize,
}

/// The table with its explanations, and how many measurements failed.
pub fn render(r: &Results, s: &SampleCounts) -> (String, usize) {
    let mut rows = Vec::new();
    for (n, pages) in &r.bursts {
        let n_text = thousands(*n);
        let get = |f: &dyn Fn(&BurstResult) -> Option<f64>| -> [Cell; 3] {
            std::array::from_fn(|i| match &pages[i] {
                Some(Ok(b)) => f(b).map_or(Cell::None, Cell::Value),
                Some(Err(_)) => Cell::Failed,
                None => Cell::NotRun,
            })
        };
        let mut push = |measure: String, unit, cells: [Cell; 3], ratios| {
            let [ws_chat, seed, baseline] = cells;
            rows.push(TableRow {
                measure,
                unit,
                ws_chat,
                seed,
                baseline,
                baseline_is: "floor page",
                ratios,
            });
        };
        push(
            format!("burst {n_text}: click to `burst {n_text}/{n_text}` shown"),
            Unit::Ms,
            get(&|b| Some(b.ms)),
            true,
        );
        push(
            format!("burst {n_text}: message elements in the DOM"),
            Unit::Count,
            get(&|b| Some(b.elements as f64)),
            false,
        );
        let total = |b: &BurstResult| b.js_heap.map(|h| h + b.wasm.unwrap_or(0.0));
        push(
            format!("burst {n_text}: memory (JS heap + wasm)"),
            Unit::Bytes,
            get(&total),
            true,
        );
        push(
            format!("burst {n_text}: JS heap used"),
            Unit::Bytes,
            get(&|b| b.js_heap),
            true,
        );
        push(
            format!("burst {n_text}: wasm linear memory"),
            Unit::Bytes,
            get(&|b| b.wasm),
            false,
        );
    }

    let startup = |f: fn(&StartupResult) -> f64| -> [Cell; 3] {
        std::array::from_fn(|i| Cell::from(r.startup[i].as_ref().map(|x| x.as_ref().map(f))))
    };
    if s.startup_loads > 0 {
        for (measure, cells) in [
            (
                "start-up to open, first load".to_owned(),
                startup(|x| x.first),
            ),
            (
                format!("start-up to open, median of {} more", s.startup_loads),
                startup(|x| x.median),
            ),
        ] {
            let [ws_chat, seed, baseline] = cells;
            rows.push(TableRow {
                measure,
                unit: Unit::Ms,
                ws_chat,
                seed,
                baseline,
                baseline_is: "floor page",
                ratios: true,
            });
        }
    }

    if s.latency > 0 {
        let lat = |i: usize, f: fn(&[f64]) -> Option<f64>| -> Cell {
            Cell::from(
                r.latency[i]
                    .as_ref()
                    .map(|x| x.as_ref().map(|l| f(l).unwrap_or(0.0))),
            )
        };
        let n = thousands(s.latency as u64);
        for (what, f) in [
            (
                "median",
                (|l: &[f64]| stats::median(l)) as fn(&[f64]) -> Option<f64>,
            ),
            ("p99", |l: &[f64]| stats::percentile(l, 99.0)),
        ] {
            for (baseline, baseline_is) in [
                (2, "raw JS send→ack→next animation frame"),
                (1, "raw JS wschat.v1 send→ack"),
            ] {
                rows.push(TableRow {
                    measure: format!("delivery, Enter to delivered, {what} of {n}"),
                    unit: Unit::Ms,
                    ws_chat: lat(0, f),
                    seed: Cell::None,
                    baseline: lat(baseline, f),
                    baseline_is,
                    ratios: true,
                });
            }
        }
    }

    let size = |i: usize, f: fn(&Bundle) -> Size, gz: bool| -> Cell {
        match &r.bundle[i] {
            Ok(b) => Cell::Value(if gz { f(b).gzip } else { f(b).raw } as f64),
            Err(_) => Cell::Failed,
        }
    };
    let budget = report::format_bytes(GZIP_BUDGET_BYTES as f64);
    for (measure, f, gz) in [
        (
            "bundle: wasm".to_owned(),
            (|b: &Bundle| b.wasm) as fn(&Bundle) -> Size,
            false,
        ),
        (
            "bundle: wasm, gzip -9".to_owned(),
            |b: &Bundle| b.wasm,
            true,
        ),
        ("bundle: JS glue".to_owned(), |b: &Bundle| b.js, false),
        (
            "bundle: JS glue, gzip -9".to_owned(),
            |b: &Bundle| b.js,
            true,
        ),
        (
            format!("bundle: wasm + JS glue, gzip -9 (budget {budget})"),
            Bundle::total,
            true,
        ),
    ] {
        rows.push(TableRow {
            measure,
            unit: Unit::Bytes,
            ws_chat: size(0, f, gz),
            seed: Cell::None,
            baseline: size(1, f, gz),
            baseline_is: "Yew counter",
            ratios: true,
        });
    }

    let mut out = report::table(&rows);
    out.push_str(
        "\nBurst: the page sends `burst N` (input + click, as a user would) and the Node burst \
         server answers with N text frames as fast as the socket drains; the time runs from the \
         click to the animation frame in which the newest message reads `burst N/N` \
         (performance.now() in the page, checked once per frame). Floor page: counts frames, \
         shows only the newest, one DOM write per animation frame. Seed page: the plain-JS page \
         of DESIGN.md, one div per frame. Each run gets a fresh browser; the pages take turns, and \
         each figure is the median of the runs (--burst-runs).\n\
         Memory: after the burst and a full GC (CDP HeapProfiler.collectGarbage); JS heap is \
         performance.memory.usedJSHeapSize (precise), wasm is the instance's memory.buffer.byteLength \
         (captured by wrapping WebAssembly.instantiate*; wasm memory never shrinks).\n\
         Start-up: navigation start to the socket open against the companion server (ws-chat: \
         when [data-role=status][data-state=open] first exists; the others: their open handler).\n\
         Delivery: one message at a time against the companion server, fresh room per run; \
         ws-chat from the Enter keydown to the row's data-status=\"delivered\" (MutationObserver), \
         raw JS from send to the matching ack, and to the first animation frame after it (the \
         earliest any page can paint \"delivered\"); a random 0-17 ms between messages. Bundle: scripts/bundle.sh (trunk build --release, std rebuilt for size, wasm-opt -Oz), each file gzip -9 on its own.\n\
         Only ratios within one run are meaningful on a shared machine.\n",
    );

    let mut errors = Vec::new();
    let mut note = |what: String, e: &anyhow::Error| errors.push(format!("- {what}: {e:#}"));
    let pages = ["ws-chat", "the seed page", "the floor page"];
    for (n, row) in &r.bursts {
        for (i, cell) in row.iter().enumerate() {
            if let Some(Err(e)) = cell {
                note(format!("burst {} on {}", thousands(*n), pages[i]), e);
            }
        }
    }
    for (i, cell) in r.startup.iter().enumerate() {
        if let Some(Err(e)) = cell {
            note(format!("start-up of {}", pages[i]), e);
        }
    }
    for (i, cell) in r.latency.iter().enumerate() {
        if let Some(Err(e)) = cell {
            note(
                format!(
                    "delivery latency of {}",
                    ["ws-chat", "the raw JS page", "the raw JS page to a frame"][i]
                ),
                e,
            );
        }
    }
    for (i, b) in r.bundle.iter().enumerate() {
        if let Err(e) = b {
            note(
                format!("bundle of {}", ["ws-chat", "the Yew counter"][i]),
                e,
            );
        }
    }
    if !errors.is_empty() {
        out.push_str("\nFailed measurements:\n");
        out.push_str(&errors.join("\n"));
        out.push('\n');
    }
    (out, errors.len())
}
