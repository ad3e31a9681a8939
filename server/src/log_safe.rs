//! Client-chosen text in logs, made harmless.
//!
//! Room names come straight from the URL. Logged raw, a `\n` starts what looks like a log line
//! of its own and an ANSI escape can recolour or erase a terminal; either lets a client forge
//! or hide log lines. [`Escaped`] writes such characters as Rust escapes instead.

use std::fmt;

/// Displays a string with control characters (and quotes and backslashes, so an escape in
/// the output is never ambiguous) written as escapes: `a\nb` stays on one line.
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.escape_debug(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_ansi_escapes_are_written_as_escapes() {
        let forged = "lobby\n2024-01-01T00:00:00Z  INFO connected\r\x1b[2K\x1b[31mred\u{7}";
        let shown = Escaped(forged).to_string();
        assert_eq!(
            shown,
            r"lobby\n2024-01-01T00:00:00Z  INFO connected\r\u{1b}[2K\u{1b}[31mred\u{7}"
        );
        assert!(!shown.chars().any(char::is_control), "{shown}");
    }

    #[test]
    fn ordinary_names_are_unchanged_and_quotes_are_escaped() {
        assert_eq!(Escaped("lobby").to_string(), "lobby");
        assert_eq!(Escaped("café 聊天").to_string(), "café 聊天");
        assert_eq!(Escaped(r#"a"b\c"#).to_string(), r#"a\"b\\c"#);
    }
}
