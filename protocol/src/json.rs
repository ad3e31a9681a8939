//! The one piece of JSON writing the browser client needs: a string literal. Everything else
//! in its envelopes is fixed text and integers.

/// Appends `s` as a JSON string literal, quotes included, escaping exactly what serde_json
/// escapes: `"`, `\`, and the control characters below U+0020 (the short forms `\b \f \n \r \t`
/// where JSON has them, `\u00xx` otherwise). Everything else, non-ASCII included, is copied.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if short.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(short);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}
