//! How a duration flag is written: a whole number and a unit.

use std::time::Duration;

/// The longest duration flag. Far longer than any of these timeouts needs, and short enough
/// that every deadline computed from one (`now + timeout`) fits an `Instant`, and the
/// busy timeout fits SQLite's milliseconds (an `i32`): a bigger value would make the
/// arithmetic panic in every connection, or the store at startup.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

/// A duration flag: a whole number with a unit, `ms`, `s` or `m` (`250ms`, `10s`, `2m`); zero
/// is refused (no timeout here may be zero), and so is anything over [`MAX_DURATION`].
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let too_long = || format!("`{text}`: at most 1 day (1440m, 86400s)");
    let n: u64 = match number.parse() {
        Ok(n) => n,
        // All digits, but more than a u64 holds.
        Err(_) if !number.is_empty() => return Err(too_long()),
        Err(_) => {
            return Err(format!(
                "`{text}`: expected a number and a unit, e.g. 10s or 500ms"
            ))
        }
    };
    let duration = match unit {
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        _ => return Err(format!("`{text}`: the unit must be ms, s or m")),
    };
    if duration.is_zero() {
        return Err(format!("`{text}`: must be more than zero"));
    }
    if duration > MAX_DURATION {
        return Err(too_long());
    }
    Ok(duration)
}

/// A duration flag that may be zero (`0s`): a step that can be left out.
pub fn parse_duration_or_zero(text: &str) -> Result<Duration, String> {
    if text
        .strip_suffix("ms")
        .or_else(|| text.strip_suffix('s'))
        .or_else(|| text.strip_suffix('m'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b == b'0'))
    {
        return Ok(Duration::ZERO);
    }
    parse_duration(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn some_durations_may_be_zero() {
        for zero in ["0s", "0ms", "0m", "00s"] {
            assert_eq!(parse_duration_or_zero(zero), Ok(Duration::ZERO), "{zero}");
        }
        assert_eq!(parse_duration_or_zero("3s"), Ok(Duration::from_secs(3)));
        for bad in ["", "0", "s", "-0s", "0h"] {
            assert!(parse_duration_or_zero(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_need_a_unit() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        for bad in ["", "10", "s", "1.5s", "-1s", "10 s", "10h", "0s", "0ms"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_are_at_most_a_day() {
        assert_eq!(parse_duration("1440m"), Ok(MAX_DURATION));
        assert_eq!(parse_duration("86400s"), Ok(MAX_DURATION));
        assert_eq!(parse_duration("86400000ms"), Ok(MAX_DURATION));
        let max = u64::MAX;
        for huge in [
            "1441m".to_owned(),
            "86401s".to_owned(),
            "86400001ms".to_owned(),
            format!("{max}s"),
            format!("{max}m"),
            format!("{max}0ms"),
        ] {
            let e = parse_duration(&huge).expect_err(&huge);
            assert!(e.contains("at most 1 day"), "{huge}: {e}");
        }
    }
}
