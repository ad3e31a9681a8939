//! What a message shows besides its text: links, built as DOM nodes from hostile text against
//! the companion server, and day separators across a midnight on a clock the test controls
//! (the seed page's plain server, where a message's time is this browser's clock).

use crate::support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, WebSocket};

/// Texts that try to become markup, script or a link somewhere else. None may: the chat shows
/// each as its text, with links only to `http`, `https` and `mailto` addresses.
const HOSTILE: [&str; 14] = [
    "<script>window.__wsChatPwned = 1</script>",
    "<img src=x onerror=\"window.__wsChatPwned = 2\">",
    "javascript:window.__wsChatPwned=3",
    "JaVaScRiPt:alert(1) and java\u{0}script:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://a.io/\"><script>window.__wsChatPwned=4</script>",
    "https://a.io/'onmouseover='window.__wsChatPwned=5'",
    "[x](javascript:alert(1)) <a href=\"javascript:alert(1)\">x</a>",
    "https://exa\u{200b}mple.com and ｈttps://example.com",
    "\u{202e}https://moc.elgoog",
    "vbscript:msgbox(1) file:///etc/passwd",
    "&lt;b&gt;not bold&lt;/b&gt; <b>not bold</b>",
    "see https://example.com/a_(b)?c=d#e, then mailto:ann@example.com.",
    "javascript://https://example.com/%0aalert(1)",
];

/// A bare wschat.v1 member of the room that says `texts`, one message each; it lives as long
/// as the returned pair.
fn say(url: &str, texts: &'static [&'static str]) -> (WebSocket, Closure<dyn FnMut()>) {
    let socket = WebSocket::new_with_str(url, "wschat.v1").unwrap();
    let sender = socket.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || {
        sender
            .send_with_str(r#"{"type":"hello","after":null}"#)
            .unwrap();
        for (i, text) in texts.iter().enumerate() {
            let frame = ws_chat_protocol::ClientFrame::Send {
                id: format!("hostile-{i}"),
                text: (*text).to_owned(),
            };
            sender.send_with_str(&frame.encode()).unwrap();
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    (socket, on_open)
}

fn elements(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.get(i)?.dyn_into::<Element>().ok())
        .collect()
}

#[wasm_bindgen_test]
async fn hostile_texts_render_as_text_and_safe_links_only() {
    let url = room_url(SERVER, &room("links"));
    let chat = mount(&url, "links");
    wait_state(&chat, "open", SHORT).await;
    let _member = say(&url, &HOSTILE);
    wait_until(
        "every hostile text",
        SHORT,
        || chat.texts().len() == HOSTILE.len(),
        || format!("{:?}", chat.texts()),
    )
    .await;
    // Each shows exactly as it was written.
    assert_eq!(chat.texts(), HOSTILE);
    let pwned = js_sys::Reflect::get(&js_sys::global(), &"__wsChatPwned".into()).unwrap();
    assert!(pwned.is_undefined(), "a message ran script: {pwned:?}");
    let list = chat.find("messages").unwrap();
    assert!(elements(&list, "script, img, b, iframe, object").is_empty());
    // Inside a message's text there is text and `<a>`, nothing else, and every link is one of
    // the three schemes, opened apart from this page.
    for text in elements(&list, "[data-role=\"message-text\"]") {
        for inner in elements(&text, "*") {
            assert_eq!(inner.tag_name(), "A", "{}", text.inner_html());
            let href = inner.get_attribute("href").unwrap_or_default();
            let scheme = href
                .split(':')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            assert!(
                ["http", "https", "mailto"].contains(&scheme.as_str()),
                "{href}"
            );
            assert_eq!(inner.text_content().as_deref(), Some(href.as_str()));
            assert_eq!(
                inner.get_attribute("rel").as_deref(),
                Some("noopener noreferrer nofollow")
            );
            assert_eq!(inner.get_attribute("target").as_deref(), Some("_blank"));
        }
    }
    let hrefs: Vec<String> = elements(&list, "a")
        .iter()
        .filter_map(|a| a.get_attribute("href"))
        .collect();
    assert_eq!(
        hrefs,
        [
            "https://a.io/",
            "https://a.io/",
            "https://example.com/a_(b)?c=d#e",
            "mailto:ann@example.com",
            "https://example.com/%0aalert(1)",
        ]
    );
}

/// Says `text` at `now` on the chat's clock and waits for the plain server's reply ("data
/// received"), which arrives at the same (frozen) time.
async fn say_at(chat: &Mounted, now: f64, text: &str) {
    let _clock = FakeClock::set(now);
    let want = chat.texts().len() + 2;
    chat.send(text);
    wait_until(
        "the reply",
        SHORT,
        || chat.texts().len() == want,
        || format!("{:?}", chat.texts()),
    )
    .await;
}

/// Replaces `Date.now` (the chat's wall clock) until dropped.
struct FakeClock;

impl FakeClock {
    fn set(ms: f64) -> FakeClock {
        js_sys::Function::new_with_args(
            "ms",
            "if (!Date.__wsChatRealNow) Date.__wsChatRealNow = Date.now; Date.now = () => ms;",
        )
        .call1(&JsValue::NULL, &ms.into())
        .unwrap();
        FakeClock
    }
}

impl Drop for FakeClock {
    fn drop(&mut self) {
        let _ = js_sys::Function::new_no_args(
            "if (Date.__wsChatRealNow) { Date.now = Date.__wsChatRealNow; delete Date.__wsChatRealNow; }",
        )
        .call0(&JsValue::NULL);
    }
}

#[wasm_bindgen_test]
async fn day_separators_follow_the_local_calendar_across_midnight() {
    // Local midnight, in this browser's time zone, between 1 and 2 December 2026.
    let midnight = js_sys::Date::new_with_year_month_day(2026, 11, 2).get_time();
    let chat = mount(&format!("ws://{PLAIN_SERVER}"), "days");
    wait_state(&chat, "open", SHORT).await;
    let days = |chat: &Mounted| -> Vec<String> {
        let list = chat.find("messages").unwrap();
        elements(&list, "[data-role=\"day\"]")
            .iter()
            .map(|d| {
                assert_eq!(d.get_attribute("role").as_deref(), Some("separator"));
                d.text_content().unwrap_or_default()
            })
            .collect()
    };
    say_at(&chat, midnight - 30_000.0, "just before midnight").await;
    say_at(&chat, midnight + 30_000.0, "just after").await;
    // Seen on 2 December: the evening before is yesterday.
    assert_eq!(days(&chat), ["Yesterday", "Today"]);
    // A day later (the next render places them again): a date, then yesterday, then today.
    say_at(&chat, midnight + 86_400_000.0 + 30_000.0, "a day later").await;
    let labels = days(&chat);
    assert_eq!(labels.len(), 3, "{labels:?}");
    assert!(labels[0].contains("2026"), "{labels:?}");
    assert_eq!(labels[1..], ["Yesterday", "Today"]);
    // Each separator heads the first message of its day: six messages, three days.
    let list = chat.find("messages").unwrap();
    let order: Vec<String> = elements(&list, "[data-role=\"day\"], [data-role=\"message-text\"]")
        .iter()
        .map(|e| match e.get_attribute("data-role").as_deref() {
            Some("day") => "day".to_owned(),
            _ => e.text_content().unwrap_or_default(),
        })
        .collect();
    assert_eq!(
        order,
        [
            "day",
            "just before midnight",
            "data received",
            "day",
            "just after",
            "data received",
            "day",
            "a day later",
            "data received",
        ]
    );
}
