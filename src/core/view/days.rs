//! Day separators: which rendered rows start a new local day, and what the separator above
//! them says ("Today", "Yesterday" or the date), so that "08:02" on last week's message is not
//! read as this morning.
//!
//! The core knows no time zone: the glue gives it a [`Calendar`] that says which local day an
//! instant falls on (the browser's `Date` knows the zone and its daylight-saving rules) and
//! which day it is now. Computed over the rendered rows only, like the sender lines, so it
//! costs the window's size per render, never the history's.

use crate::core::view::entry::Entry;
use std::rc::Rc;
use ws_chat_protocol::Millis;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A day on the reader's calendar: days since 1970-01-01 in their time zone. Consecutive days
/// are consecutive numbers, whatever daylight saving does to their length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDay(
    /// Days since 1970-01-01, local time.
    pub i64,
);

impl LocalDay {
    /// The day `at` (ms since the epoch) falls on where local time is `utc_offset_minutes`
    /// ahead of UTC (negative west of Greenwich).
    pub fn at_offset(at: Millis, utc_offset_minutes: i64) -> LocalDay {
        let local = (at as i64).saturating_add(utc_offset_minutes.saturating_mul(60_000));
        LocalDay(local.div_euclid(DAY_MS))
    }
}

/// The reader's calendar, as the glue knows it.
pub trait Calendar {
    /// The local day of `at` (ms since the epoch).
    fn day_of(&self, at: Millis) -> LocalDay;
    /// The local day now.
    fn today(&self) -> LocalDay;
}

/// A calendar at a fixed offset from UTC, with "now" given: the tests' calendar.
#[cfg(test)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FixedCalendar {
    pub utc_offset_minutes: i64,
    pub now: Millis,
}

#[cfg(test)]
impl Calendar for FixedCalendar {
    fn day_of(&self, at: Millis) -> LocalDay {
        LocalDay::at_offset(at, self.utc_offset_minutes)
    }
    fn today(&self) -> LocalDay {
        self.day_of(self.now)
    }
}

/// What a day separator says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayLabel {
    /// The reader's today.
    Today,
    /// The day before it.
    Yesterday,
    /// Another day: the view writes out the date of this instant (the first message of the
    /// day), in the reader's locale.
    On(Millis),
}

/// For each row, the separator above it: `Some` on the first timed row and wherever a row's
/// local day differs from the previous timed row's. Notices carry no time, so they neither
/// get nor break one.
pub fn day_lines(rows: &[Rc<Entry>], calendar: &dyn Calendar) -> Vec<Option<DayLabel>> {
    let today = calendar.today();
    let mut previous: Option<LocalDay> = None;
    rows.iter()
        .map(|row| {
            let at = row.at()?;
            let day = calendar.day_of(at);
            if previous.replace(day) == Some(day) {
                return None;
            }
            Some(if day == today {
                DayLabel::Today
            } else if day.0 == today.0 - 1 {
                DayLabel::Yesterday
            } else {
                DayLabel::On(at)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::view::entry::NoticeKind;

    const HOUR: Millis = 60 * 60 * 1000;
    /// 2026-12-02T00:00:00Z.
    const DEC_2: Millis = 1_796_169_600_000;

    fn message(at: Millis, key: u64) -> Rc<Entry> {
        Rc::new(Entry::In {
            key,
            text: "t".into(),
            seq: None,
            from: None,
            at,
        })
    }

    fn notice(key: u64) -> Rc<Entry> {
        Rc::new(Entry::Notice {
            key,
            kind: NoticeKind::Gap,
            text: "gap".into(),
        })
    }

    #[test]
    fn days_are_counted_in_local_time() {
        assert_eq!(LocalDay::at_offset(DEC_2, 0), LocalDay(20_789));
        assert_eq!(LocalDay::at_offset(DEC_2 - 1, 0), LocalDay(20_788));
        // 23:30 UTC is already tomorrow in Berlin (UTC+1) and still today in New York.
        let late = DEC_2 + 23 * HOUR + HOUR / 2;
        assert_eq!(LocalDay::at_offset(late, 60), LocalDay(20_790));
        assert_eq!(LocalDay::at_offset(late, -300), LocalDay(20_789));
        // Before the epoch west of Greenwich is day -1, not 0.
        assert_eq!(LocalDay::at_offset(0, -60), LocalDay(-1));
    }

    #[test]
    fn a_separator_heads_each_day() {
        let calendar = FixedCalendar {
            utc_offset_minutes: 0,
            now: DEC_2 + 12 * HOUR,
        };
        let week_ago = DEC_2 - 7 * 24 * HOUR;
        let rows = [
            message(week_ago, 0),
            message(week_ago + HOUR, 1),
            notice(2),
            message(DEC_2 - HOUR, 3),
            notice(4),
            message(DEC_2 - HOUR / 2, 5),
            message(DEC_2 + 1, 6),
            message(DEC_2 + 2, 7),
        ];
        assert_eq!(
            day_lines(&rows, &calendar),
            [
                Some(DayLabel::On(week_ago)),
                None,
                None,
                Some(DayLabel::Yesterday),
                None,
                None,
                Some(DayLabel::Today),
                None,
            ]
        );
        // The same rows a day later: today's become yesterday's.
        let tomorrow = FixedCalendar {
            now: calendar.now + 24 * HOUR,
            ..calendar
        };
        let labels = day_lines(&rows, &tomorrow);
        assert_eq!(labels[3], Some(DayLabel::On(DEC_2 - HOUR)));
        assert_eq!(labels[6], Some(DayLabel::Yesterday));
    }

    #[test]
    fn no_rows_or_only_notices_have_no_separator() {
        let calendar = FixedCalendar {
            utc_offset_minutes: 0,
            now: DEC_2,
        };
        assert!(day_lines(&[], &calendar).is_empty());
        assert_eq!(day_lines(&[notice(0)], &calendar), [None]);
    }
}
