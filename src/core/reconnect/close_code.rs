//! Which close codes are worth a reconnect.
//!
//! A server that closes with 1001/1012/1013 is restarting or busy and wants the client back; one
//! that closes with 1008 or an application code (4000–4999) has said no, and retrying would only
//! hammer it and hide the reason from the user.

use crate::core::setters::setters;
use crate::core::text::prefix_within_bytes;
use std::ops::RangeInclusive;

/// What to do after the server (or the network) closed the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseAction {
    Reconnect,
    Stop,
}

/// Which close codes stop reconnecting: by default 1002, 1003, 1007–1010 and the
/// application's own 4000–4999, where retrying would only hammer a server that said no.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClosePolicy {
    /// Codes that stop reconnecting. Every other code reconnects.
    pub stop: Vec<RangeInclusive<u16>>,
}

impl Default for ClosePolicy {
    fn default() -> Self {
        Self {
            // 1002 protocol error, 1003 unsupported data, 1007 invalid payload, 1008 policy
            // violation, 1009 message too big, 1010 missing extension; 4xxx: the application's own.
            stop: vec![1002..=1003, 1007..=1010, 4000..=4999],
        }
    }
}

setters!(ClosePolicy {
    stop: Vec<RangeInclusive<u16>>,
});

impl ClosePolicy {
    pub(crate) fn action(&self, code: u16) -> CloseAction {
        if self.stop.iter().any(|r| r.contains(&code)) {
            CloseAction::Stop
        } else {
            CloseAction::Reconnect
        }
    }
}

/// The most bytes of UTF-8 a browser accepts as a close reason from a script (RFC 6455 leaves
/// 123 after the code in a control frame); a longer one makes `close()` throw.
pub const MAX_REASON_BYTES: usize = 123;

/// The close a script may send for `code` and `reason`: browsers accept only 1000 and
/// 3000–4999 from scripts (any other code throws, and the socket would not be closed with
/// ours), so any other becomes 1000; the reason is cut to [`MAX_REASON_BYTES`], on a
/// character boundary.
pub fn script_close(code: u16, reason: &str) -> (u16, &str) {
    let code = if code == 1000 || (3000..=4999).contains(&code) {
        code
    } else {
        1000
    };
    (code, prefix_within_bytes(reason, MAX_REASON_BYTES))
}

/// The RFC 6455 name of a close code, for people reading the status line.
pub fn describe(code: u16) -> &'static str {
    match code {
        1000 => "normal closure",
        1001 => "going away",
        1002 => "protocol error",
        1003 => "unsupported data",
        1005 => "no status",
        1006 => "connection lost",
        1007 => "invalid payload",
        1008 => "policy violation",
        1009 => "message too big",
        1010 => "missing extension",
        1011 => "server error",
        1012 => "service restart",
        1013 => "try again later",
        1014 => "bad gateway",
        1015 => "TLS failure",
        3000..=3999 => "registered code",
        4000..=4999 => "application code",
        _ => "unknown code",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_table() {
        let p = ClosePolicy::default();
        let reconnect = [1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014, 3000];
        let stop = [1002, 1003, 1007, 1008, 1009, 1010, 4000, 4404, 4999];
        for code in reconnect {
            assert_eq!(p.action(code), CloseAction::Reconnect, "{code}");
        }
        for code in stop {
            assert_eq!(p.action(code), CloseAction::Stop, "{code}");
        }
    }

    #[test]
    fn policy_is_configurable() {
        let p = ClosePolicy {
            stop: vec![1001..=1001],
        };
        assert_eq!(p.action(1001), CloseAction::Stop);
        assert_eq!(p.action(1008), CloseAction::Reconnect);
    }

    #[test]
    fn a_script_close_is_one_the_browser_accepts() {
        let long = "é".repeat(100);
        let cases = [
            (1000, "bye", 1000, "bye"),
            (4000, "dead", 4000, "dead"),
            (3000, "", 3000, ""),
            (1001, "x", 1000, "x"),
            (1006, "x", 1000, "x"),
            (5000, "x", 1000, "x"),
            (4000, long.as_str(), 4000, &long[..122]),
        ];
        for (code, reason, want_code, want_reason) in cases {
            assert_eq!(
                script_close(code, reason),
                (want_code, want_reason),
                "{code}"
            );
            assert!(script_close(code, reason).1.len() <= MAX_REASON_BYTES);
        }
    }

    #[test]
    fn names() {
        assert_eq!(describe(1008), "policy violation");
        assert_eq!(describe(4001), "application code");
        assert_eq!(describe(2000), "unknown code");
    }
}
