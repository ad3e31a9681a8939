//! Building URLs for the pages under test.

/// `s` percent-encoded for use as one query parameter value (RFC 3986 unreserved kept).
///
/// Needed for `?ws=ws://host/ws?room=x`: the inner `?`, `=` and `&` must not be read as the
/// page's own query.
pub fn encode_query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            encode_query_value("ws://127.0.0.1:9/ws?room=a b"),
            "ws%3A%2F%2F127.0.0.1%3A9%2Fws%3Froom%3Da%20b"
        );
    }
}
