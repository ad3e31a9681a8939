//! The render path in a busy room: a bounded DOM in room order, and scrolling that follows the
//! newest message unless the reader has scrolled up.

use super::support::*;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::Element;
use ws_chat::DisplayConfig;

/// Another member of the room, speaking wschat.v1 from plain JS: sends `n` messages `"<tag> i"`
/// (i = 1..=n) as fast as the socket takes them and resolves once all are acked.
pub(crate) async fn raw_member_sends(url: &str, tag: &str, n: u32) {
    let send_all = js_sys::Function::new_with_args(
        "url, tag, n",
        r#"return new Promise((done, fail) => {
            const ws = new WebSocket(url, "wschat.v1");
            let acks = 0;
            ws.onerror = () => fail(new Error("socket error"));
            ws.onopen = () => {
                ws.send(JSON.stringify({ type: "hello", after: null }));
                for (let i = 1; i <= n; i++) {
                    ws.send(JSON.stringify({ type: "send", id: tag + "-" + i, text: tag + " " + i }));
                }
            };
            ws.onmessage = (e) => {
                if (JSON.parse(e.data).type === "ack" && ++acks === n) { ws.close(); done(); }
            };
        })"#,
    );
    let promise = send_all
        .call3(
            &wasm_bindgen::JsValue::NULL,
            &url.into(),
            &tag.into(),
            &n.into(),
        )
        .unwrap();
    JsFuture::from(promise.dyn_into::<js_sys::Promise>().unwrap())
        .await
        .unwrap_or_else(|e| panic!("raw member: {e:?}"));
}

fn numbers(chat: &Mounted, tag: &str) -> Vec<u32> {
    chat.texts()
        .iter()
        .map(|t| {
            t.strip_prefix(&format!("{tag} "))
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("unexpected message {t:?}"))
        })
        .collect()
}

fn rendered_rows(chat: &Mounted) -> usize {
    chat.root
        .query_selector_all("[data-role=message]")
        .unwrap()
        .length() as usize
}

fn consecutive(from: u32, to: u32) -> Vec<u32> {
    (from..=to).collect()
}

#[wasm_bindgen_test]
async fn five_thousand_messages_keep_the_dom_bounded_in_room_order() {
    style_lists();
    let url = room_url(SERVER, &room("busy"));
    let chat = mount(&url, "busy");
    wait_state(&chat, "open", SHORT).await;
    raw_member_sends(&url, "m", 5_000).await;
    wait_until(
        "the newest message",
        Duration::from_secs(30),
        || chat.texts().last().is_some_and(|t| t == "m 5000"),
        || format!("{:?}", chat.texts().last()),
    )
    .await;
    sleep(300).await;
    // Following the newest: one page of rows, the newest last, in room order, none twice.
    let page = DisplayConfig::default().batch as u32;
    assert_eq!(numbers(&chat, "m"), consecutive(5_001 - page, 5_000));
    assert_eq!(chat.detail("data-duplicates"), "0");
    assert!(chat.messages().iter().all(|m| m.0 == "in"));
    // The reader scrolls to the top, again and again: each time a page more of what is kept
    // shows above, never past 500 rows. (Scrolling, not clicking "Show earlier": the list
    // keeps the reader's row in place, so the button goes out of view above what came.)
    let full = 500 / page;
    for pages in 2..=full + 1 {
        to_the_top(&chat).await;
        let first = 5_001 - page * pages;
        let last = if pages > full { 5_000 - page } else { 5_000 };
        assert_eq!(
            numbers(&chat, "m"),
            consecutive(first, last),
            "{pages} pages"
        );
    }
    assert_eq!(
        rendered_rows(&chat),
        500,
        "the DOM never holds more than 500"
    );
    // Past the 1,000 kept, the server's pages go on (scrollback.rs follows them to the
    // first message), and the DOM stays at 500.
    for _ in 0..12 {
        if numbers(&chat, "m").first().is_some_and(|&n| n < 4_001) {
            break;
        }
        to_the_top(&chat).await;
    }
    assert!(numbers(&chat, "m").first().is_some_and(|&n| n < 4_001));
    assert_eq!(rendered_rows(&chat), 500);
}

/// Scrolls the list to the top, and waits until earlier rows came and the list's effects ran.
async fn to_the_top(chat: &Mounted) {
    let first = numbers(chat, "m").first().copied();
    list(chat).set_scroll_top(0);
    wait_until(
        "earlier rows",
        SHORT,
        || numbers(chat, "m").first().copied() != first,
        || format!("{first:?}"),
    )
    .await;
    sleep(50).await;
}

fn list(chat: &Mounted) -> Element {
    chat.find("messages").expect("the message list")
}

/// Pixels between the list's bottom and what is in view.
fn below_view(chat: &Mounted) -> i32 {
    let el = list(chat);
    el.scroll_height() - el.scroll_top() - el.client_height()
}

/// The test page has no stylesheet: give the list the fixed height and scrolling that
/// `style.css` gives it.
pub(crate) fn style_lists() {
    let document = web_sys::window().unwrap().document().unwrap();
    let style = document.create_element("style").unwrap();
    style.set_text_content(Some(
        ".ws-chat-messages { height: 200px; overflow-y: auto; overflow-anchor: none; } .ws-chat-message { min-height: 20px; }",
    ));
    document.head().unwrap().append_child(&style).unwrap();
}

#[wasm_bindgen_test]
async fn the_list_follows_the_newest_unless_the_reader_scrolled_up() {
    style_lists();
    let url = room_url(SERVER, &room("scroll"));
    let chat = mount(&url, "scroll");
    wait_state(&chat, "open", SHORT).await;
    raw_member_sends(&url, "s", 40).await;
    wait_until(
        "40 messages",
        SHORT,
        || chat.texts().len() == 40,
        || format!("{}", chat.texts().len()),
    )
    .await;
    sleep(100).await;
    assert!(
        list(&chat).scroll_height() > list(&chat).client_height(),
        "the list overflows"
    );
    assert!(
        below_view(&chat) <= 2,
        "following: {} px below",
        below_view(&chat)
    );

    // The reader scrolls to the top; new messages neither move the view nor render below the cap.
    list(&chat).set_scroll_top(0);
    sleep(100).await;
    raw_member_sends(&url, "t", 5).await;
    wait_until(
        "the new-messages control",
        SHORT,
        || chat.find("new-messages").is_some(),
        || format!("{:?}", chat.texts().last()),
    )
    .await;
    sleep(100).await;
    let control = chat.find("new-messages").unwrap();
    assert_eq!(control.text_content().unwrap(), "5 new messages");
    assert_eq!(control.get_attribute("data-count").as_deref(), Some("5"));
    assert_eq!(list(&chat).scroll_top(), 0, "the reader's place is kept");

    // The control takes the reader down, and the list follows again.
    chat.click("new-messages");
    sleep(200).await;
    assert!(chat.find("new-messages").is_none());
    assert!(below_view(&chat) <= 2, "{} px below", below_view(&chat));
    assert_eq!(chat.texts().last().map(String::as_str), Some("t 5"));

    // Scrolling down by hand also follows again; sending always does.
    list(&chat).set_scroll_top(0);
    sleep(100).await;
    list(&chat).set_scroll_top(list(&chat).scroll_height());
    sleep(100).await;
    raw_member_sends(&url, "u", 3).await;
    sleep(300).await;
    assert!(chat.find("new-messages").is_none());
    assert!(below_view(&chat) <= 2, "{} px below", below_view(&chat));
    list(&chat).set_scroll_top(0);
    sleep(100).await;
    chat.send("mine");
    sleep(200).await;
    assert!(below_view(&chat) <= 2, "sending scrolls to what was sent");
    assert_eq!(chat.texts().last().map(String::as_str), Some("mine"));
}
