//! The line that says who is in the room, and what a host page hears of it and of the
//! unread count.

use std::rc::Rc;
use ws_chat_protocol::json::write_str;

/// Names shown at most; the rest are counted.
pub const NAMES_SHOWN: usize = 5;

/// "3 here: Ann, Bob, Cy", "12 here: Ann, Bob, Cy, Di, Ed and 7 more", or past the server's
/// list "250 here"; empty while unknown (`None`: no wschat.v1 connection).
pub fn presence_line(names: &[Rc<str>], count: Option<u32>) -> String {
    let Some(count) = count else {
        return String::new();
    };
    let mut line = count.to_string();
    line.push_str(" here");
    for (i, name) in names.iter().take(NAMES_SHOWN).enumerate() {
        line.push_str(if i == 0 { ": " } else { ", " });
        line.push_str(name);
    }
    let listed = names.len().min(NAMES_SHOWN) as u32;
    if listed > 0 && count > listed {
        line.push_str(" and ");
        line.push_str(&(count - listed).to_string());
        line.push_str(" more");
    }
    line
}

/// The `detail` of the `ws-chat-presence` event, as JSON: `{"count":3,"names":["Ann",…]}`,
/// with `"count":null` while unknown.
pub fn presence_detail(names: &[Rc<str>], count: Option<u32>) -> String {
    let mut json = String::from(r#"{"count":"#);
    match count {
        Some(count) => json.push_str(&count.to_string()),
        None => json.push_str("null"),
    }
    json.push_str(r#","names":["#);
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        write_str(&mut json, name);
    }
    json.push_str("]}");
    json
}

/// The `detail` of the `ws-chat-unread` event: `{"count":3}`.
pub fn unread_detail(count: u32) -> String {
    let mut json = String::from(r#"{"count":"#);
    json.push_str(&count.to_string());
    json.push('}');
    json
}

/// The page's title `base` with the unread count in front, `(3) Title`; `base` alone at 0.
pub fn badged_title(base: &str, unread: u32) -> String {
    if unread == 0 {
        return base.to_owned();
    }
    let mut title = String::from("(");
    title.push_str(&unread.to_string());
    title.push(')');
    if !base.is_empty() {
        title.push(' ');
        title.push_str(base);
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_for_few_many_and_unlisted() {
        let names: Vec<Rc<str>> = ["Ann", "Bob", "Cy", "Di", "Ed", "Flo", "Gus"]
            .map(Rc::from)
            .to_vec();
        let cases = [
            (0, None, ""),
            (0, Some(0), "0 here"),
            (1, Some(1), "1 here: Ann"),
            (3, Some(3), "3 here: Ann, Bob, Cy"),
            (7, Some(7), "7 here: Ann, Bob, Cy, Di, Ed and 2 more"),
            (7, Some(12), "12 here: Ann, Bob, Cy, Di, Ed and 7 more"),
            (0, Some(250), "250 here"),
        ];
        for (n, count, line) in cases {
            assert_eq!(presence_line(&names[..n], count), line, "{n} of {count:?}");
        }
    }

    #[test]
    fn the_title_badge_and_the_unread_detail() {
        let cases = [
            ("Chat", 0, "Chat"),
            ("Chat", 3, "(3) Chat"),
            ("", 12, "(12)"),
            ("", 0, ""),
        ];
        for (base, unread, title) in cases {
            assert_eq!(badged_title(base, unread), title, "{base:?} {unread}");
        }
        assert_eq!(unread_detail(7), r#"{"count":7}"#);
    }

    // Native only: serde_json reads the JSON back.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_event_detail_is_json_whatever_the_names() {
        let names: Vec<Rc<str>> = vec!["Ann \"A\"".into(), "</script>\u{2028}".into()];
        let detail = presence_detail(&names, Some(2));
        let parsed: serde_json::Value = serde_json::from_str(&detail).expect("JSON");
        assert_eq!(
            parsed,
            serde_json::json!({"count": 2, "names": ["Ann \"A\"", "</script>\u{2028}"]})
        );
        assert_eq!(presence_detail(&[], None), r#"{"count":null,"names":[]}"#);
    }
}
