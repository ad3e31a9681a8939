//! The table: one row per case, each figure beside the bound it is held to.

use crate::procfs::Stuck;
use std::time::Duration;

/// The server's memory may grow this much over its idle figure during any case.
pub const RSS_BOUND_BYTES: u64 = 100_000_000;
/// A client that stopped reading must have been closed by the server within this.
pub const STUCK_BOUND: Duration = Duration::from_secs(60);

/// What one case measured.
pub struct Row {
    pub case: String,
    pub idle_kib: u64,
    pub peak_kib: u64,
    /// `None` if the server died.
    pub after_kib: Option<u64>,
    pub conns_during: usize,
    pub conns_after: usize,
    /// `None` for cases without stuck clients.
    pub stuck: Option<Stuck>,
    pub notes: Vec<String>,
    /// The case could not run at all (its notes say why).
    pub failed: bool,
}

impl Row {
    /// The row of a case that could not run at all.
    pub fn failed(case: &str, why: String) -> Row {
        Row {
            case: case.to_owned(),
            idle_kib: 0,
            peak_kib: 0,
            after_kib: None,
            conns_during: 0,
            conns_after: 0,
            stuck: None,
            notes: vec![format!("could not run: {why}")],
            failed: true,
        }
    }

    fn rss_over(&self) -> bool {
        self.peak_kib.saturating_sub(self.idle_kib) * 1024 > RSS_BOUND_BYTES
    }

    fn stuck_over(&self) -> bool {
        self.stuck
            .is_some_and(|s| s.open > 0 || s.longest.is_some_and(|l| l > STUCK_BOUND))
    }
}

fn mb(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 * 1024.0 / 1e6)
}

fn stuck_cell(stuck: Option<Stuck>) -> String {
    match stuck {
        None => "—".to_owned(),
        Some(s) if s.open == s.watched => format!(
            "never: {}/{} open after {:.0} s",
            s.open,
            s.watched,
            s.waited.as_secs_f64()
        ),
        Some(s) => {
            let closed = s.watched - s.open;
            let longest = s.longest.map_or(0.0, |l| l.as_secs_f64());
            let open = match s.open {
                0 => String::new(),
                n => format!(", {n} open after {:.0} s", s.waited.as_secs_f64()),
            };
            format!("{closed}/{} within {longest:.1} s{open}", s.watched)
        }
    }
}

/// Prints the table, the bounds and each case's notes; returns how many figures are over
/// their bound.
pub fn print(rows: &[Row]) -> usize {
    let header = [
        "case",
        "RSS idle",
        "RSS peak",
        "RSS after",
        "open conns during",
        "open conns after",
        "stuck closed after",
    ];
    let mut over = 0;
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|r| {
            if r.failed {
                return [0, 1, 2, 3, 4, 5, 6].map(|i| match i {
                    0 => r.case.clone(),
                    _ => "(did not run)".to_owned(),
                });
            }
            let mark = |bad: bool| if bad { "  OVER" } else { "" };
            over += usize::from(r.rss_over()) + usize::from(r.stuck_over());
            let delta = r.peak_kib.saturating_sub(r.idle_kib);
            [
                r.case.clone(),
                mb(r.idle_kib),
                format!("{} (+{}){}", mb(r.peak_kib), mb(delta), mark(r.rss_over())),
                r.after_kib.map_or("server died".into(), mb),
                r.conns_during.to_string(),
                r.conns_after.to_string(),
                format!("{}{}", stuck_cell(r.stuck), mark(r.stuck_over())),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |row: &[&str]| {
        let padded: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("| {} |", padded.join(" | "));
    };
    println!();
    line(&header);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    println!("|-{}-|", rule.join("-|-"));
    for c in &cells {
        line(&c.iter().map(String::as_str).collect::<Vec<_>>());
    }
    println!();
    println!(
        "bounds: RSS peak within {} of idle; a client that stops reading closed by the server \
         within {} s. OVER marks a figure past its bound.",
        mb(RSS_BOUND_BYTES / 1024),
        STUCK_BOUND.as_secs()
    );
    for r in rows {
        for note in &r.notes {
            println!("  {}: {note}", r.case);
        }
    }
    over
}
