//! Which rendered rows start a run of one sender's messages, and so show who sent them.
//!
//! A sender line above every message repeats itself; one above each run says the same with
//! less. A run is broken by another sender, by the other direction (our own messages never
//! join someone else's run, even under the same name: names are unauthenticated labels), by
//! a notice, by a day separator, and by a pause of more than [`RUN_GAP_MS`]. Computed over the rendered rows only,
//! so it costs the window's size per render, never the history's.

use crate::core::view::days::DayLabel;
use crate::core::view::entry::Entry;
use std::rc::Rc;
use ws_chat_protocol::Millis;

/// A longer pause between two messages starts a new run: after five minutes, the sender is
/// worth repeating.
pub const RUN_GAP_MS: Millis = 5 * 60 * 1000;

/// What heads our own messages when this chat has no name: what everyone else sees instead
/// is no name at all.
pub const OWN_LABEL_WITHOUT_NAME: &str = "You";

/// For each row, the sender line to show above it: `Some` where a run starts and the sender
/// is known. `own_label` heads our own messages; `None` means no sender lines at all (a plain
/// server carries no names). `days` are the rows' day separators: a run never continues
/// across one.
pub fn sender_lines(
    rows: &[Rc<Entry>],
    own_label: Option<&Rc<str>>,
    days: &[Option<DayLabel>],
) -> Vec<Option<Rc<str>>> {
    let Some(own) = own_label else {
        return vec![None; rows.len()];
    };
    let mut previous: Option<(&Entry, Millis)> = None;
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let at = row.at();
            let new_day = days.get(i).is_some_and(Option::is_some);
            let continues = !new_day
                && match (previous, at) {
                    (Some((before, then)), Some(now)) => {
                        same_sender(before, row) && then.abs_diff(now) <= RUN_GAP_MS
                    }
                    _ => false,
                };
            previous = at.map(|at| (&**row, at));
            if continues {
                return None;
            }
            match &**row {
                Entry::Out { .. } => Some(own.clone()),
                Entry::In { from, .. } => from.clone(),
                Entry::Notice { .. } => None,
            }
        })
        .collect()
}

/// Both are ours, or both are someone else's under the same name (a missing name matches
/// nothing, as there is no telling such senders apart).
fn same_sender(a: &Entry, b: &Entry) -> bool {
    match (a, b) {
        (Entry::Out { .. }, Entry::Out { .. }) => true,
        (Entry::In { from: Some(x), .. }, Entry::In { from: Some(y), .. }) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::view::entry::{NoticeKind, OutStatus};

    const MIN: Millis = 60 * 1000;

    /// `'o'`: ours, `'-'`: a notice, `'?'`: someone without a name, any other letter: the
    /// sender of that name; each with its time in minutes.
    fn rows(spec: &[(char, Millis)]) -> Vec<Rc<Entry>> {
        spec.iter()
            .zip(0u64..)
            .map(|(&(who, minutes), key)| {
                let at = minutes * MIN;
                Rc::new(match who {
                    'o' => Entry::Out {
                        key,
                        id: "id".into(),
                        text: "t".into(),
                        status: OutStatus::Sent,
                        seq: None,
                        at,
                    },
                    '-' => Entry::Notice {
                        key,
                        kind: NoticeKind::Gap,
                        text: "n".into(),
                    },
                    '?' => Entry::In {
                        key,
                        text: "t".into(),
                        seq: Some(key),
                        from: None,
                        at,
                    },
                    name => Entry::In {
                        key,
                        text: "t".into(),
                        seq: Some(key),
                        from: Some(name.to_string().into()),
                        at,
                    },
                })
            })
            .collect()
    }

    fn lines(spec: &[(char, Millis)], own: Option<&str>) -> Vec<Option<String>> {
        let own: Option<Rc<str>> = own.map(Rc::from);
        let rows = rows(spec);
        // From minute 1,000 (past 16 h) is another day in these tables.
        let mut before = 0;
        let days: Vec<_> = spec
            .iter()
            .map(|&(_, m)| {
                let starts = before < 1_000 && m >= 1_000;
                before = m;
                starts.then_some(DayLabel::Today)
            })
            .collect();
        sender_lines(&rows, own.as_ref(), &days)
            .into_iter()
            .map(|l| l.map(|l| l.to_string()))
            .collect()
    }

    #[test]
    fn a_sender_line_heads_each_run() {
        let s = |l: &str| Some(l.to_owned());
        #[allow(clippy::type_complexity)]
        let cases: [(&str, &[(char, Millis)], Vec<Option<String>>); 8] = [
            (
                "a new day",
                &[('A', 998), ('A', 1_000), ('A', 1_001)],
                vec![s("A"), s("A"), None],
            ),
            (
                "one run",
                &[('A', 0), ('A', 1), ('A', 2)],
                vec![s("A"), None, None],
            ),
            (
                "another sender",
                &[('A', 0), ('B', 0), ('A', 0)],
                vec![s("A"), s("B"), s("A")],
            ),
            (
                "ours",
                &[('o', 0), ('o', 0), ('A', 0), ('o', 0)],
                vec![s("Me"), None, s("A"), s("Me")],
            ),
            (
                "a notice between",
                &[('A', 0), ('-', 0), ('A', 0)],
                vec![s("A"), None, s("A")],
            ),
            (
                "a long pause",
                &[('A', 0), ('A', 5), ('A', 11)],
                vec![s("A"), None, s("A")],
            ),
            (
                "no name, no line",
                &[('?', 0), ('A', 0), ('?', 0)],
                vec![None, s("A"), None],
            ),
            (
                "times out of order",
                &[('A', 9), ('A', 8)],
                vec![s("A"), None],
            ),
        ];
        for (what, spec, expected) in cases {
            assert_eq!(lines(spec, Some("Me")), expected, "{what}");
        }
        // Someone else using our name is not us: their message starts a run of its own.
        assert_eq!(lines(&[('o', 0), ('M', 0)], Some("M")), [s("M"), s("M")]);
    }

    #[test]
    fn a_plain_server_shows_no_sender_lines() {
        assert_eq!(
            lines(&[('o', 0), ('?', 0), ('A', 0)], None),
            [None, None, None]
        );
    }
}
