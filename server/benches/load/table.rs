//! The tables, in Markdown so they can be pasted into the README as printed.

use crate::step::{Latency, StepFigures, DRAIN, TARGET_P99};
use crate::swarm::Crowd;
use crate::sweep::{GrowthPoint, Sweep, RATES};

/// The figure columns every table shares, after its own leading columns.
const FIGURES: [&str; 7] = [
    "sent msg/s",
    "acked msg/s",
    "ack p50",
    "ack p99",
    "fan-out p99",
    "server RSS",
    "server CPU/msg",
];

/// Per configuration, its highest rate that kept up, with that step's figures.
pub fn print_summary(sweeps: &[Sweep]) {
    let target = TARGET_P99.as_millis();
    let head = format!("highest rate with p99 ≤ {target} ms");
    let mut header = vec!["configuration", &head];
    header.extend(FIGURES);
    let rows = sweeps.iter().map(|sweep| {
        let mut row = vec![sweep.setup.label.to_owned()];
        match (&sweep.failure, sweep.best()) {
            (Some(why), _) => row.push(format!("did not run: {why}")),
            (None, Some(best)) => {
                let top = sweep.steps.last().is_some_and(|s| s.sustained())
                    && best.rate == RATES[RATES.len() - 1];
                let note = if top { " (top step)" } else { "" };
                row.push(format!("{} msg/s{note}", best.rate));
                row.extend(figures(best));
            }
            (None, None) => row.push("none, not even the lowest step".to_owned()),
        }
        row
    });
    print_markdown(&header, rows.collect());
}

/// Every step of every configuration.
pub fn print_steps(sweeps: &[Sweep]) {
    let mut header = vec!["configuration", "target msg/s"];
    header.extend(FIGURES);
    header.extend(["clients' CPU", "slowest fsync", "kept up"]);
    let mut rows = Vec::new();
    for sweep in sweeps {
        for step in &sweep.steps {
            let mut row = vec![sweep.setup.label.to_owned(), step.rate.to_string()];
            row.extend(figures(step));
            row.push(format!("{:.2} cores", step.client_cores));
            row.push(latency(step.slowest_fsync));
            row.push(if step.sustained() { "yes" } else { "no" }.to_owned());
            rows.push(row);
        }
    }
    print_markdown(&header, rows);
}

/// The growth runs: one row per crowd and try.
pub fn print_growth(points: &[(Crowd, Result<GrowthPoint, String>)]) {
    let mut header = vec!["connections", "room size", "rooms", "try"];
    header.extend(FIGURES);
    header.push("slowest fsync");
    header.push("RSS per connection");
    let mut rows = Vec::new();
    for (crowd, result) in points {
        let lead = [
            crowd.connections,
            crowd.room_size,
            crowd.connections / crowd.room_size,
        ];
        let lead = lead.map(|n| n.to_string()).to_vec();
        match result {
            Ok(point) => {
                let per_connection = point.kib_per_connection(crowd.connections);
                for (n, step) in (1..).zip(&point.tries) {
                    let mut row = lead.clone();
                    row.push(n.to_string());
                    row.extend(figures(step));
                    row.push(latency(step.slowest_fsync));
                    row.push(format!("{per_connection:.1} KiB"));
                    rows.push(row);
                }
            }
            Err(why) => rows.push([lead, vec![format!("did not run: {why}")]].concat()),
        }
    }
    print_markdown(&header, rows);
}

/// Each step's notes (refusals, closed connections, late messages), then each
/// configuration's, under its name.
pub fn print_notes(sweeps: &[Sweep]) {
    for sweep in sweeps {
        let label = sweep.setup.label;
        for step in &sweep.steps {
            for note in &step.notes {
                println!("- {label}, {} msg/s: {note}", step.rate);
            }
        }
        for note in &sweep.notes {
            println!("- {label}: {note}");
        }
        if sweep.failure.is_none() {
            println!(
                "- {label}: server RSS with every connection joined, before any message: {}",
                mb(sweep.joined_rss_kib)
            );
        }
    }
}

fn figures(step: &StepFigures) -> Vec<String> {
    vec![
        format!("{:.0}", step.sent_per_s),
        step.acked_per_s
            .map_or("–".to_owned(), |a| format!("{a:.0}")),
        latency(step.ack_p50),
        latency(step.ack_p99),
        latency(step.delivery_p99),
        mb(step.rss_kib),
        step.cpu_us_per_msg
            .map_or("–".to_owned(), |us| format!("{us:.0} µs")),
    ]
}

fn latency(l: Latency) -> String {
    match l {
        Latency::Absent => "–".to_owned(),
        Latency::Missing => format!("> {} s", DRAIN.as_secs()),
        Latency::Micros(us) if us < 10_000 => format!("{:.1} ms", us as f64 / 1000.0),
        Latency::Micros(us) => format!("{:.0} ms", us as f64 / 1000.0),
    }
}

fn mb(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 * 1024.0 / 1e6)
}

/// Prints a Markdown table whose columns line up in plain text too.
pub fn print_markdown(header: &[&str], rows: Vec<Vec<String>>) {
    let columns = rows.iter().map(Vec::len).chain([header.len()]).max();
    let columns = columns.unwrap_or(0);
    let width = |i: usize| {
        let cells = rows
            .iter()
            .filter_map(|r| r.get(i))
            .map(|c| c.chars().count());
        cells
            .chain(header.get(i).map(|h| h.chars().count()))
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..columns).map(width).collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = (0..columns)
            .map(|i| format!("{:<w$}", cells.get(i).copied().unwrap_or(""), w = widths[i]))
            .collect();
        println!("| {} |", padded.join(" | "));
    };
    println!();
    line(header.to_vec());
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat((*w).max(3))).collect();
    println!("|-{}-|", rule.join("-|-"));
    for row in &rows {
        line(row.iter().map(String::as_str).collect());
    }
    println!();
}
