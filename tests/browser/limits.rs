//! The server's rate limit, against a companion server that allows 2 messages a second after
//! a burst of 3: a chat that types faster has its messages refused with a retry hint, keeps
//! them queued, and sends them again when the server said; every one arrives once, in the
//! order typed.

use crate::support::*;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

/// The rate-limited server (`--message-rate 2 --message-burst 3`).
const LIMITED_SERVER: &str = match option_env!("WS_CHAT_TEST_LIMITED_SERVER") {
    Some(s) => s,
    None => "127.0.0.1:9105",
};

#[wasm_bindgen_test]
async fn messages_past_the_rate_limit_wait_for_the_hint_and_arrive_once_in_order() {
    let url = room_url(LIMITED_SERVER, &room("limited"));
    let writer = mount(&url, "limited-writer");
    wait_state(&writer, "open", SHORT).await;
    let sent: Vec<String> = (0..10).map(|i| format!("quick {i}")).collect();
    let start = js_sys::Date::now();
    for text in &sent {
        writer.send(text);
    }
    let delivered = || {
        let messages = writer.messages();
        messages.len() == sent.len() && messages.iter().all(|m| m.1 == "delivered")
    };
    wait_until("every message delivered", SHORT * 2, delivered, || {
        format!("{:?}", writer.messages())
    })
    .await;
    let took = js_sys::Date::now() - start;
    // 3 at once, then one every 500 ms: the last 7 need 3.5 s.
    assert!(
        took >= 3_000.0,
        "delivered in {took} ms: no limit was reached"
    );
    assert!(
        writer.find("notice").is_none(),
        "waiting for the hint is not an error"
    );
    let reader = mount(&url, "limited-reader");
    let all_in = || reader.texts().len() == sent.len();
    wait_until("the reader's catch-up", SHORT, all_in, || {
        format!("{:?}", reader.texts())
    })
    .await;
    assert_eq!(reader.texts(), sent, "each once, in the order typed");
    console_log!(
        "rate limit: 10 messages typed at once delivered in {took:.0} ms, once each, in order"
    );
}
