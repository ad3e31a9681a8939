//! The one table: every measure in a row, ws-chat beside the seed page and a baseline, with
//! ratios to the baseline and of ws-chat to the seed page. Only ratios within one run mean much on a shared machine.

/// How a row's values are shown.
#[derive(Clone, Copy, Debug)]
pub enum Unit {
    Ms,
    Bytes,
    Count,
}

/// One value of the table.
#[derive(Clone, Copy, Debug)]
pub enum Cell {
    Value(f64),
    /// Skipped by the command line.
    NotRun,
    /// Tried and failed; the error is listed under the table.
    Failed,
    /// Does not apply to this page.
    None,
}

impl<E> From<Option<Result<f64, E>>> for Cell {
    fn from(v: Option<Result<f64, E>>) -> Self {
        match v {
            Some(Ok(v)) => Cell::Value(v),
            Some(Err(_)) => Cell::Failed,
            None => Cell::NotRun,
        }
    }
}

impl Cell {
    fn value(self) -> Option<f64> {
        match self {
            Cell::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// One row: ws-chat, the seed page, the baseline (named in `baseline_is`).
#[derive(Clone, Debug)]
pub struct TableRow {
    pub measure: String,
    pub unit: Unit,
    pub ws_chat: Cell,
    pub seed: Cell,
    pub baseline: Cell,
    pub baseline_is: &'static str,
    /// Whether the ÷ baseline columns make sense (not for element counts).
    pub ratios: bool,
}

/// The markdown table.
pub fn table(rows: &[TableRow]) -> String {
    let mut out = String::from(
        "| measure | ws-chat | seed page | baseline | baseline is | ws-chat ÷ baseline | seed ÷ baseline | ws-chat ÷ seed |\n\
         |---|---:|---:|---:|---|---:|---:|---:|\n",
    );
    for r in rows {
        let ratio_to = |a: Cell, b: Cell| match (r.ratios, a.value(), b.value()) {
            (true, Some(a), Some(b)) if b > 0.0 => format_ratio(a / b),
            _ => String::new(),
        };
        let ratio = |a: Cell| ratio_to(a, r.baseline);
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.measure,
            cell(r.ws_chat, r.unit),
            cell(r.seed, r.unit),
            cell(r.baseline, r.unit),
            r.baseline_is,
            ratio(r.ws_chat),
            ratio(r.seed),
            ratio_to(r.ws_chat, r.seed),
        ));
    }
    out
}

fn cell(c: Cell, unit: Unit) -> String {
    match c {
        Cell::Value(v) => match unit {
            Unit::Ms => format_ms(v),
            Unit::Bytes => format_bytes(v),
            Unit::Count => thousands(v.round() as u64),
        },
        Cell::NotRun => "not run".into(),
        Cell::Failed => "**failed**".into(),
        Cell::None => "—".into(),
    }
}

/// `12.3 s` from 10 s up, `123 ms` from 100 ms, `12.3 ms` below.
pub fn format_ms(ms: f64) -> String {
    if ms >= 10_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// Binary units, as the README's size table: `12.3 KB`, `1.2 MB`.
pub fn format_bytes(b: f64) -> String {
    if b >= 1024.0 * 1024.0 {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KB", b / 1024.0)
    }
}

fn format_ratio(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.0}×")
    } else {
        format!("{r:.2}×")
    }
}

/// `100000` as `100,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(format_ms(12_345.0), "12.3 s");
        assert_eq!(format_ms(123.4), "123 ms");
        assert_eq!(format_ms(1.25), "1.2 ms");
        assert_eq!(format_bytes(2048.0), "2.0 KB");
        assert_eq!(format_ratio(2.5), "2.50×");
    }

    #[test]
    fn rows_get_ratios_to_the_baseline() {
        let t = table(&[TableRow {
            measure: "m".into(),
            unit: Unit::Ms,
            ws_chat: Cell::Value(300.0),
            seed: Cell::Failed,
            baseline: Cell::Value(100.0),
            baseline_is: "floor",
            ratios: true,
        }]);
        assert!(
            t.contains("| m | 300 ms | **failed** | 100 ms | floor | 3.00× |  |"),
            "{t}"
        );
    }
}
