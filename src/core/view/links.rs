//! Which parts of a message are links: `http`, `https` and `mailto` URLs, found in plain text
//! and handed to the view as pieces, so the view builds a text node or an `<a>` for each and
//! never parses HTML.
//!
//! A link must go where it reads. So a URL is a link only when the whole word it stands in is
//! printable ASCII: a word with a control, a zero-width, a right-to-left or any other
//! non-ASCII character (a look-alike) stays text. Anything else with a scheme (`javascript:`,
//! `data:`, `file:`) is text however it is written, as only the three schemes are looked for.
//! A word is what lies between ASCII whitespace. What ends a URL: a character that cannot
//! stand in one unescaped (`<>"'` and the like), and trailing punctuation that belongs to the
//! sentence (a final `.` or `,`, a `)` the URL did not open).

/// One piece of a message: text, or a link whose text is its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Shown as text.
    Text(&'a str),
    /// A link to exactly this address, shown as itself.
    Link(&'a str),
}

/// `text` cut into text and links, in order; joined, the pieces are `text` again. Text with no
/// link is one piece, found without allocating more than that. The scan is over bytes: a link
/// is ASCII, and byte loops keep the wasm small (`str`'s pattern searchers are generic code).
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::with_capacity(1);
    // A direction override reorders what follows it, links included, so that
    // `https://moc.elgoog` can read as `google.com//:sptth`: such a message has no links.
    if !text.chars().any(bidi_control) {
        let bytes = text.as_bytes();
        let (mut plain_from, mut at) = (0, 0);
        while at < bytes.len() {
            match link_at(bytes, at) {
                Some(end) => {
                    if plain_from < at {
                        out.push(Piece::Text(&text[plain_from..at]));
                    }
                    out.push(Piece::Link(&text[at..end]));
                    (plain_from, at) = (end, end);
                }
                None => at += 1,
            }
        }
        if plain_from > 0 && plain_from < text.len() {
            out.push(Piece::Text(&text[plain_from..]));
        }
    }
    if out.is_empty() {
        out.push(Piece::Text(text));
    }
    out
}

/// Where the link that starts at `start` ends, if one does: a scheme at the start of a word,
/// a word of printable ASCII only, and an address after the scheme.
fn link_at(bytes: &[u8], start: usize) -> Option<usize> {
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return None;
    }
    let rest = &bytes[start..];
    let scheme = [&b"https://"[..], b"http://", b"mailto:"]
        .into_iter()
        .find(|s| rest.len() >= s.len() && rest[..s.len()].eq_ignore_ascii_case(s))?
        .len();
    // The whole word, from the whitespace before the scheme to the whitespace after it.
    let word_start = bytes[..start]
        .iter()
        .rposition(u8::is_ascii_whitespace)
        .map_or(0, |i| i + 1);
    let word_end = rest
        .iter()
        .position(u8::is_ascii_whitespace)
        .map_or(bytes.len(), |i| start + i);
    if !bytes[word_start..word_end].iter().all(u8::is_ascii_graphic) {
        return None;
    }
    let mut end = bytes[start..word_end]
        .iter()
        .position(|&b| !url_byte(b))
        .map_or(word_end, |i| start + i);
    // Sentence punctuation after a URL is not part of it; a `)` is, when the URL opened one.
    loop {
        let link = &bytes[start..end];
        let count = |c: u8| link.iter().filter(|&&b| b == c).count();
        match link.last() {
            Some(b'.' | b',' | b';' | b':' | b'!' | b'?' | b'*') => end -= 1,
            Some(b')') if count(b'(') < count(b')') => end -= 1,
            _ => break,
        }
    }
    let address = bytes.get(start + scheme..end).unwrap_or_default();
    let valid = if scheme == 7 && rest[0].eq_ignore_ascii_case(&b'm') {
        // Someone, `@`, a domain.
        address
            .iter()
            .position(|&b| b == b'@')
            .is_some_and(|at| at > 0 && address.get(at + 1).is_some_and(u8::is_ascii_alphanumeric))
    } else {
        // A host: it starts with a letter, a digit or `[` (IPv6).
        address
            .first()
            .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'[')
    };
    valid.then_some(end)
}

/// The invisible characters that change the direction of what follows (Unicode's bidi
/// embeddings, overrides, isolates and marks).
fn bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A byte that stands unescaped in a URL as people paste them (RFC 3986's unreserved and
/// reserved characters, and `%`).
fn url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&()*+,;=%".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::Piece::{Link, Text};
    use super::*;

    #[test]
    fn urls_of_the_three_schemes_become_links() {
        let cases: &[(&str, &[Piece])] = &[
            ("no link here", &[Text("no link here")]),
            ("", &[Text("")]),
            ("https://example.com", &[Link("https://example.com")]),
            (
                "see http://a.io/x?y=1#z now",
                &[Text("see "), Link("http://a.io/x?y=1#z"), Text(" now")],
            ),
            ("HTTPS://EXAMPLE.COM/A", &[Link("HTTPS://EXAMPLE.COM/A")]),
            (
                "mail mailto:ann@example.com.",
                &[Text("mail "), Link("mailto:ann@example.com"), Text(".")],
            ),
            (
                "(see https://en.wikipedia.org/wiki/Rust_(language)).",
                &[
                    Text("(see "),
                    Link("https://en.wikipedia.org/wiki/Rust_(language)"),
                    Text(")."),
                ],
            ),
            (
                "a https://a.io, b https://b.io!",
                &[
                    Text("a "),
                    Link("https://a.io"),
                    Text(", b "),
                    Link("https://b.io"),
                    Text("!"),
                ],
            ),
            ("http://[::1]:8080/", &[Link("http://[::1]:8080/")]),
            (
                "<https://a.io/x>",
                &[Text("<"), Link("https://a.io/x"), Text(">")],
            ),
            (
                "https://a.io/\"onmouseover=\"x",
                &[Link("https://a.io/"), Text("\"onmouseover=\"x")],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(pieces(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn other_schemes_and_look_alikes_stay_text() {
        let texts = [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "xhttps://example.com",
            "https://",
            "https:// example.com",
            "http://-",
            "https:///x",
            "mailto:",
            "mailto:@example.com",
            "mailto:ann@",
            "https://exa\u{200b}mple.com",
            "https://\u{202e}moc.elgoog",
            "\u{202e}https://moc.elgoog",
            "\u{202e} https://moc.elgoog",
            "x\u{200b}https://example.com",
            "https://ｅｘａｍｐｌｅ.com",
            "https://example.com\u{0}",
            "https://a.io/\u{7f}",
            "ｈttps://example.com",
            "https:/example.com",
            "javascript://https://example.com%0aalert(1)",
        ];
        for text in texts {
            let links: Vec<_> = pieces(text)
                .into_iter()
                .filter(|p| matches!(p, Link(_)))
                .collect();
            // The last one holds a real https URL after `//`: only that part may link.
            let allowed: &[Piece] = if text.starts_with("javascript://") {
                &[Link("https://example.com%0aalert(1)")]
            } else {
                &[]
            };
            assert_eq!(links, allowed, "{text:?}");
        }
    }

    #[test]
    fn the_pieces_join_into_the_text() {
        for text in [
            "a https://x.io b mailto:a@b.c c",
            "https://a.io.https://b.io",
            "((https://a.io)))",
            "\u{1F600} https://a.io \u{1F600}",
        ] {
            let joined: String = pieces(text)
                .iter()
                .map(|p| match p {
                    Text(t) | Link(t) => *t,
                })
                .collect();
            assert_eq!(joined, text);
        }
    }
}
