//! The close codes a server that checks tokens uses, in the range RFC 6455 leaves to
//! applications (4000–4999), numbered after the HTTP statuses they mirror.

/// No valid token: missing, malformed, badly signed, expired, or not sent in time. A
/// client gets a fresh token before it tries again.
pub const UNAUTHORIZED: u16 = 4401;
/// The token is valid but does not allow this: the room, or a refresh for another user.
pub const FORBIDDEN: u16 = 4403;
/// The user was removed (kicked) from the room; trying again is refused for a while.
pub const REMOVED: u16 = 4409;

/// RFC 6455's "service restart": the server is going down for a restart or a deploy and
/// wants the client back, after a delay so that its clients do not all return at once, and
/// to another server of its list first.
pub const SERVICE_RESTART: u16 = 1012;

/// The longest wait a [`SERVICE_RESTART`] reason may ask for; a longer one is cut to it.
pub const MAX_RESTART_DELAY_MS: u64 = 60_000;

/// The reason of a [`SERVICE_RESTART`] close asking the client to come back in `delay_ms`.
pub fn restart_reason(delay_ms: u64) -> String {
    format!("server restarting; reconnect in {delay_ms} ms")
}

/// The wait a [`SERVICE_RESTART`] reason asks for, at most [`MAX_RESTART_DELAY_MS`]; `None`
/// when it names none (another server's wording).
///
/// Read by hand from the end, without a substring search or `str::parse`: this runs in the
/// browser, where each of those would add its own code to the download.
pub fn restart_delay_ms(reason: &str) -> Option<u64> {
    let rest = reason.strip_suffix(" ms")?;
    let start = rest
        .bytes()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let (head, digits) = rest.split_at(start);
    if digits.is_empty() || !head.ends_with("reconnect in ") {
        return None;
    }
    let ms = digits.bytes().fold(0u64, |ms, digit| {
        ms.saturating_mul(10)
            .saturating_add(u64::from(digit - b'0'))
    });
    Some(ms.min(MAX_RESTART_DELAY_MS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restart_reason_carries_its_delay_and_nothing_else_parses_as_one() {
        assert_eq!(restart_delay_ms(&restart_reason(1840)), Some(1840));
        assert_eq!(restart_delay_ms(&restart_reason(0)), Some(0));
        for huge in [10 * MAX_RESTART_DELAY_MS, u64::MAX] {
            assert_eq!(
                restart_delay_ms(&restart_reason(huge)),
                Some(MAX_RESTART_DELAY_MS)
            );
        }
        assert_eq!(
            restart_delay_ms("reconnect in 99999999999999999999999 ms"),
            Some(MAX_RESTART_DELAY_MS)
        );
        for other in [
            "",
            "service restart",
            "reconnect in ms",
            "reconnect in -5 ms",
            "reconnect in 5ms",
            "reconnect in 5 ms please",
            "reconnect in ５ ms",
        ] {
            assert_eq!(restart_delay_ms(other), None, "{other:?}");
        }
    }
}
