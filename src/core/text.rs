//! Cutting text to size: for messages that quote what someone else wrote (an option's value,
//! a message in a button's label), and for the few places the browser limits a string.

/// How much of something a host page or a peer wrote is quoted back in a message: enough to
/// recognise it, and a huge value cannot make a huge message.
pub const QUOTED_CHARS: usize = 64;

/// `text`, cut after `max_chars` characters with `…` added; unchanged if it is no longer.
/// Characters, not bytes: a cut never splits one.
pub fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// The longest start of `text` that is at most `max_bytes` bytes of UTF-8 and ends on a
/// character boundary.
pub fn prefix_within_bytes(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_counts_characters_and_marks_the_cut() {
        let cases = [
            ("", 3, ""),
            ("abc", 3, "abc"),
            ("abcd", 3, "abc…"),
            ("ééééé", 2, "éé…"),
            ("🙂🙂🙂", 0, "…"),
        ];
        for (text, max, expected) in cases {
            assert_eq!(shorten(text, max), expected, "{text:?} to {max}");
        }
    }

    #[test]
    fn a_byte_limit_never_splits_a_character() {
        let cases = [
            ("abc", 3, "abc"),
            ("abcd", 3, "abc"),
            ("aé", 2, "a"),
            ("🙂🙂", 7, "🙂"),
            ("🙂", 3, ""),
            ("", 0, ""),
        ];
        for (text, max, expected) in cases {
            assert_eq!(
                prefix_within_bytes(text, max),
                expected,
                "{text:?} to {max}"
            );
        }
    }
}
