//! Scrolling back through a room of 5,000 messages, against the companion server (which keeps
//! them all: `--history` is above that in the test servers): scrolling to the top of the list
//! brings the kept messages, then the server's pages, back to the room's first message, with
//! the reader's place kept and the DOM bounded all the way; "Jump to latest" then comes back
//! to the newest.

use crate::render::{raw_member_sends, style_lists};
use crate::support::*;
use std::time::Duration;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use ws_chat::DisplayConfig;

const ROOM_SIZE: u32 = 5_000;

fn rendered_messages(chat: &Mounted) -> Vec<Element> {
    let list = chat
        .root
        .query_selector_all("[data-role=\"message\"]")
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.get(i)?.dyn_into::<Element>().ok())
        .collect()
}

fn text_of(message: &Element) -> String {
    message
        .query_selector("[data-role=\"message-text\"]")
        .ok()
        .flatten()
        .and_then(|t| t.text_content())
        .unwrap_or_default()
}

/// Where `row` shows in the scrolled `list`, in CSS pixels.
fn shown_at(row: &Element, list: &HtmlElement) -> i32 {
    row.dyn_ref::<HtmlElement>().unwrap().offset_top() - list.scroll_top()
}

#[wasm_bindgen_test::wasm_bindgen_test]
async fn a_room_of_5000_scrolls_back_to_its_first_message_and_jumps_back_to_the_latest() {
    style_lists();
    let url = room_url(SERVER, &room("scrollback"));
    raw_member_sends(&url, "old", ROOM_SIZE).await;
    let display = DisplayConfig::default();
    let chat = mount_with(&url, "scrollback", display);
    wait_state(&chat, "open", SHORT).await;
    let newest = format!("old {ROOM_SIZE}");
    wait_until(
        "the newest message",
        SHORT,
        || chat.texts().last() == Some(&newest),
        || format!("{:?}", chat.texts().last()),
    )
    .await;
    let list: HtmlElement = chat.find("messages").unwrap().dyn_into().unwrap();
    let started = js_sys::Date::now();
    let (mut steps, mut most_rendered) = (0, 0);
    // Each step: scroll to the top, as a reader does, and wait for earlier rows.
    while chat.find("show-earlier").is_some() {
        list.set_scroll_top(0);
        let first = rendered_messages(&chat)
            .first()
            .cloned()
            .expect("a first row");
        let (first_text, top) = (text_of(&first), shown_at(&first, &list));
        let seq = first.get_attribute("data-seq").expect("a seq");
        wait_until(
            "earlier rows",
            Duration::from_secs(10),
            || rendered_messages(&chat).first().map(text_of).as_ref() != Some(&first_text),
            || format!("step {steps}, first {first_text}"),
        )
        .await;
        // Where the reader was reading, it still is (the row found again by its seq), once the
        // list's effects ran: Yew runs them after a pause when a render took long, as 500 rows
        // of an unoptimised test build can.
        sleep(50).await;
        let row = list
            .query_selector(&format!("[data-seq=\"{seq}\"]"))
            .unwrap()
            .expect("the row read before");
        let moved = shown_at(&row, &list) - top;
        assert!(moved.abs() <= 1, "step {steps}: moved {moved} px");
        let rendered = rendered_messages(&chat).len();
        most_rendered = most_rendered.max(rendered);
        assert!(
            rendered <= display.max_rendered,
            "step {steps}: {rendered} rows"
        );
        steps += 1;
        assert!(steps < 500, "no end to scrolling back");
    }
    let took = js_sys::Date::now() - started;
    let first = rendered_messages(&chat).first().map(text_of);
    assert_eq!(first.as_deref(), Some("old 1"), "back to the first message");
    wasm_bindgen_test::console_log!(
        "scrolled back through {ROOM_SIZE} messages in {steps} steps, {took:.0} ms; at most {most_rendered} rows rendered"
    );
    // The newest were let go of on the way: "Jump to latest" brings them back.
    assert!(chat.find("new-messages").is_none());
    chat.click("jump-latest");
    wait_until(
        "the newest again",
        SHORT,
        || chat.texts().last() == Some(&newest) && chat.find("jump-latest").is_none(),
        || format!("{:?}", chat.texts().last()),
    )
    .await;
    assert!(rendered_messages(&chat).len() <= display.batch.max(display.max_rendered));
    // And live again: a new message shows.
    raw_member_sends(&url, "new", 1).await;
    wait_until(
        "a live message",
        SHORT,
        || chat.texts().last().map(String::as_str) == Some("new 1"),
        || format!("{:?}", chat.texts().last()),
    )
    .await;
}
