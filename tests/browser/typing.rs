//! Who is typing, against real servers: shown to the others within a second, gone after idle
//! and at once on send, throttled on the wire (a member of the room counts the frames), across
//! the Redis pair, and never sent to a plain server, which would show it as text.

use crate::support::*;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};
use web_sys::{Event, MessageEvent, WebSocket};

/// A member's socket and the handlers it lives with.
type Member = (WebSocket, [Closure<dyn FnMut(JsValue)>; 2]);

/// A bare wschat.v1 member of the room that counts the `typing` frames it hears; it lives as
/// long as the returned member.
fn counting_member(url: &str) -> (Member, Rc<Cell<u32>>) {
    let socket = WebSocket::new_with_str(url, "wschat.v1").unwrap();
    let count = Rc::new(Cell::new(0));
    let sender = socket.clone();
    let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_| {
        // It watches the room: typing reaches only members that do.
        sender.send_with_str(r#"{"type":"watch"}"#).unwrap();
        sender
            .send_with_str(r#"{"type":"hello","after":null}"#)
            .unwrap();
    });
    let counted = count.clone();
    let on_message = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        let text = e.unchecked_into::<MessageEvent>().data().as_string();
        if text.is_some_and(|t| t.contains(r#""type":"typing""#)) {
            counted.set(counted.get() + 1);
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ((socket, [on_open, on_message]), count)
}

/// A keystroke: the box holds `text`, and says so as the browser does.
fn key(chat: &Mounted, text: &str) {
    let input = chat.input();
    input.set_value(text);
    input.dispatch_event(&Event::new("input").unwrap()).unwrap();
}

fn typing_line(chat: &Mounted) -> String {
    chat.find("typing")
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Ann types and Bob sees it within a second of her first keystroke; returns how long it took
/// (ms). She goes on typing, a key every 200 ms, as a user does: a start that went out while
/// her connection was not ready is sent again with the next keystroke once it is.
async fn seen_typing(ann: &Mounted, bob: &Mounted, line: &str) -> f64 {
    let start = js_sys::Date::now();
    let mut typed = String::new();
    let mut last_key = f64::NEG_INFINITY;
    while typing_line(bob) != line {
        let now = js_sys::Date::now();
        let took = now - start;
        assert!(
            took < 1_000.0,
            "no {line:?} within a second of the first keystroke: Bob shows {:?}; Ann is {} \
             ({:?}), Bob is {} ({:?})",
            typing_line(bob),
            ann.state(),
            ann.status_text(),
            bob.state(),
            bob.status_text(),
        );
        if now - last_key >= 200.0 {
            typed.push('h');
            key(ann, &typed);
            last_key = now;
        }
        sleep(10).await;
    }
    js_sys::Date::now() - start
}

#[wasm_bindgen_test]
async fn typing_shows_within_a_second_is_throttled_and_goes_after_idle_and_on_send() {
    let url = room_url(SERVER, &room("typing"));
    let ann = mount_named(&url, "typing-ann", "Ann");
    let bob = mount(&url, "typing-bob");
    wait_state(&ann, "open", SHORT).await;
    wait_state(&bob, "open", SHORT).await;
    let (_member, frames) = counting_member(&url);
    sleep(300).await;
    let live = bob.find("typing").expect("the typing line is always there");
    assert_eq!(live.get_attribute("aria-live").as_deref(), Some("polite"));
    assert_eq!(typing_line(&bob), "");

    let first_key = js_sys::Date::now();
    let took = seen_typing(&ann, &bob, "Ann is typing…").await;
    // 41 keystrokes over 4 s: a start, a repeat every 3 s while they go on, and the stop.
    for i in 0..40 {
        key(&ann, &"h".repeat(i + 2));
        sleep(100).await;
    }
    assert_eq!(typing_line(&bob), "Ann is typing…");
    assert_eq!(typing_line(&ann), "", "nobody sees themselves typing");
    // Then no keystroke: the idle stop, 3 s after the last one.
    let idle_from = js_sys::Date::now();
    wait_until(
        "the idle stop",
        SHORT,
        || typing_line(&bob).is_empty(),
        || typing_line(&bob),
    )
    .await;
    let idle_took = js_sys::Date::now() - idle_from;
    let heard = frames.get();
    let repeats = ((js_sys::Date::now() - first_key) / 3_000.0).ceil() as u32;
    console_log!(
        "typing: seen after {took} ms; {heard} frames for 41 keystrokes; gone {idle_took} ms after the last"
    );
    assert!(
        (2..=2 + repeats).contains(&heard),
        "throttled: {heard} typing frames for 41 keystrokes (at most {} expected)",
        2 + repeats
    );
    assert!(idle_took >= 2_500.0, "stopped too early: {idle_took} ms");

    // Typing again, then sending: the line goes at once, with the message.
    seen_typing(&ann, &bob, "Ann is typing…").await;
    ann.send("hello");
    wait_until(
        "the message",
        SHORT,
        || bob.texts() == ["hello"],
        || format!("{:?}", bob.texts()),
    )
    .await;
    assert_eq!(typing_line(&bob), "");

    // A blur stops it too; a second typer joins the line.
    let cy = mount_named(&url, "typing-cy", "Cy");
    wait_state(&cy, "open", SHORT).await;
    sleep(1_000).await;
    seen_typing(&ann, &bob, "Ann is typing…").await;
    seen_typing(&cy, &bob, "Ann and Cy are typing…").await;
    ann.input()
        .dispatch_event(&Event::new("blur").unwrap())
        .unwrap();
    wait_until(
        "Ann's stop",
        std::time::Duration::from_secs(1),
        || typing_line(&bob) == "Cy is typing…",
        || typing_line(&bob),
    )
    .await;
    // Cy's tab closes: the server says so at once, without waiting for the expiry.
    drop(cy);
    wait_until(
        "Cy gone",
        std::time::Duration::from_secs(1),
        || typing_line(&bob).is_empty(),
        || typing_line(&bob),
    )
    .await;
}

#[wasm_bindgen_test]
async fn typing_reaches_a_chat_on_the_other_server_of_a_redis_pair() {
    let room = room("typing-pair");
    let ann = mount_named(
        &room_url(SHARED_CRASH_SERVER, &room),
        "typing-pair-a",
        "Ann",
    );
    let bob = mount(&room_url(SHARED_SERVER, &room), "typing-pair-b");
    wait_state(&ann, "open", SHORT).await;
    wait_state(&bob, "open", SHORT).await;
    sleep(300).await;
    let took = seen_typing(&ann, &bob, "Ann is typing…").await;
    console_log!("typing across servers: seen after {took} ms");
    ann.input()
        .dispatch_event(&Event::new("blur").unwrap())
        .unwrap();
    wait_until(
        "the stop",
        SHORT,
        || typing_line(&bob).is_empty(),
        || typing_line(&bob),
    )
    .await;
}

#[wasm_bindgen_test]
async fn a_plain_server_hears_no_typing() {
    // A plain broadcast server: every frame, whatever it is, to every other client.
    let url = format!(
        "ws://{PLAIN_SERVER}/broadcast?room={}",
        room("typing-plain")
    );
    let (ann, bob) = (mount(&url, "typing-plain-a"), mount(&url, "typing-plain-b"));
    wait_state(&ann, "open", SHORT).await;
    wait_state(&bob, "open", SHORT).await;
    // Past the in-band wait, when both know the server is plain.
    sleep(2_500).await;
    for i in 0..10 {
        key(&ann, &"x".repeat(i + 1));
        sleep(50).await;
    }
    ann.send("plain text");
    wait_until(
        "the message",
        SHORT,
        || bob.texts() == ["plain text"],
        || format!("{:?}", bob.texts()),
    )
    .await;
    sleep(500).await;
    assert_eq!(bob.texts(), ["plain text"], "no typing frame shown as text");
    assert_eq!(typing_line(&bob), "");
}
