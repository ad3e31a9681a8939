//! A token in a URL's query, for servers that read it there (`token-param`).

/// `url` with `name=token` added to its query, both percent-encoded (a token may hold `+`,
/// `/`, `=` or `&`, which would otherwise change the query).
pub fn with_token_param(url: &str, name: &str, token: &str) -> String {
    let (base, fragment) = match url.bytes().position(|b| b == b'#') {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let mut out = String::with_capacity(url.len() + name.len() + token.len() + 2);
    out.push_str(base);
    out.push(if base.bytes().any(|b| b == b'?') {
        '&'
    } else {
        '?'
    });
    encode_into(&mut out, name);
    out.push('=');
    encode_into(&mut out, token);
    out.push_str(fragment);
    out
}

/// Percent-encodes all but RFC 3986's unreserved characters.
fn encode_into(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_token_param;

    #[test]
    fn the_token_is_added_to_the_query_encoded() {
        let cases = [
            ("ws://h/ws", "t", "a.b_c-d", "ws://h/ws?t=a.b_c-d"),
            (
                "ws://h/ws?room=x",
                "access_token",
                "k",
                "ws://h/ws?room=x&access_token=k",
            ),
            (
                "ws://h/ws#f",
                "t",
                "a+b/c=&d",
                "ws://h/ws?t=a%2Bb%2Fc%3D%26d#f",
            ),
            ("ws://h/ws", "my param", "é", "ws://h/ws?my%20param=%C3%A9"),
        ];
        for (url, name, token, want) in cases {
            assert_eq!(with_token_param(url, name, token), want, "{url}");
        }
    }
}
