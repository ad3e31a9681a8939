//! The seed page's behaviour: send, receive, Enter, text-only rendering, the URL.

use super::support::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn two_chats_see_each_others_messages() {
    let (alice, bob) = open_pair(SERVER, "pair").await;
    assert_eq!(alice.detail("data-protocol"), "wschat.v1");

    alice.send("hello bob");
    assert_eq!(alice.input().value(), "", "sending clears the input");
    bob.send_with_enter("hi alice");
    alice.send("");
    bob.send_with_enter("");

    let both = || alice.texts().len() == 2 && bob.texts().len() == 2;
    wait_until("two messages each", SHORT, both, || {
        format!("{:?} / {:?}", alice.messages(), bob.messages())
    })
    .await;
    let delivered = || {
        alice
            .messages()
            .iter()
            .chain(bob.messages().iter())
            .filter(|m| m.0 == "out")
            .all(|m| m.1 == "delivered")
    };
    wait_until("acks", SHORT, delivered, || {
        format!("{:?}", alice.messages())
    })
    .await;
    // Both show the room's order, own messages marked out, the other's in.
    assert_eq!(alice.texts(), bob.texts());
    let alice_dirs: Vec<_> = alice.messages().into_iter().map(|m| (m.0, m.2)).collect();
    assert!(
        alice_dirs.contains(&("out".into(), "hello bob".into())),
        "{alice_dirs:?}"
    );
    assert!(
        alice_dirs.contains(&("in".into(), "hi alice".into())),
        "{alice_dirs:?}"
    );
}

#[wasm_bindgen_test]
async fn markup_in_messages_is_shown_as_text() {
    let (alice, bob) = open_pair(SERVER, "html").await;
    let evil = "<img src=x onerror=\"document.title='pwned'\"><b>bold</b> &amp;";
    alice.send(evil);
    wait_until(
        "the message at bob",
        SHORT,
        || bob.texts() == [evil],
        || format!("{:?}", bob.texts()),
    )
    .await;
    for chat in [&alice, &bob] {
        assert!(chat
            .root
            .query_selector("[data-role=messages] img, [data-role=messages] b")
            .unwrap()
            .is_none());
    }
    assert_ne!(
        web_sys::window().unwrap().document().unwrap().title(),
        "pwned"
    );
}

#[wasm_bindgen_test]
async fn an_invalid_url_shows_an_error_and_keeps_what_is_typed() {
    let chat = mount("localhost:9001", "bad-url");
    wait_until(
        "the error",
        SHORT,
        || chat.find("error").is_some(),
        || chat.status_text(),
    )
    .await;
    let error = chat.find("error").unwrap().text_content().unwrap();
    assert!(error.contains("invalid WebSocket URL"), "{error}");
    assert_eq!(chat.state(), "closed");
    chat.send("still here");
    let want = [(
        "out".to_string(),
        "queued".to_string(),
        "still here".to_string(),
    )];
    wait_until(
        "the queued message",
        SHORT,
        || chat.messages() == want,
        || format!("{:?}", chat.messages()),
    )
    .await;
    // Connect cannot help: it stays stopped with the reason, and never says "Connecting…".
    chat.click("toggle");
    for _ in 0..20 {
        assert_eq!(chat.state(), "closed", "{}", chat.status_text());
        assert!(chat.find("error").is_some());
        sleep(50).await;
    }
}

#[wasm_bindgen_test]
async fn a_url_the_browser_will_not_open_stops_with_its_reason_until_connect() {
    // It passes our checks, but `new WebSocket` throws a SyntaxError for it.
    let chat = mount("ws://[::1/ws", "refused-url");
    let error = || chat.find("error").and_then(|e| e.text_content());
    wait_until(
        "the error",
        SHORT,
        || error().is_some(),
        || chat.status_text(),
    )
    .await;
    let text = error().unwrap();
    assert!(text.contains("cannot connect to ws://[::1/ws"), "{text}");
    assert_eq!(chat.state(), "closed");
    chat.send("kept");
    chat.click("toggle");
    sleep(300).await;
    assert_eq!(chat.state(), "closed", "{}", chat.status_text());
    assert_eq!(
        chat.messages(),
        [("out".into(), "queued".into(), "kept".into())]
    );
}

#[wasm_bindgen_test]
async fn a_plain_ws_server_works_unchanged() {
    let chat = mount(&format!("ws://{PLAIN_SERVER}"), "plain");
    wait_state(&chat, "open", SHORT).await;
    wait_until(
        "details",
        SHORT,
        || {
            chat.find("details")
                .and_then(|d| d.text_content())
                .is_some_and(|t| t.starts_with("plain text"))
        },
        || chat.detail("data-protocol"),
    )
    .await;
    chat.send("hello");
    chat.send_with_enter("again");
    let want = [
        ("out".to_string(), "sent".to_string(), "hello".to_string()),
        ("in".into(), "".into(), "data received".into()),
        ("out".into(), "sent".into(), "again".into()),
        ("in".into(), "".into(), "data received".into()),
    ];
    wait_until(
        "two replies",
        SHORT,
        || chat.messages().len() >= 4,
        || format!("{:?}", chat.messages()),
    )
    .await;
    sleep(300).await;
    let mut got = chat.messages();
    // The two replies may overtake the second send in the list; compare as sets of lines too.
    got.sort();
    let mut want = want.to_vec();
    want.sort();
    assert_eq!(got, want);
}
