//! Servers that misbehave, seen from a real chat: a plain server that never answers the sender.

use crate::support::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{MessageEvent, WebSocket};
use ws_chat::Backoff;
use ws_chat::DeliveryConfig;
use ws_chat::EngineConfig;
use ws_chat::ReconnectConfig;

/// Another member of a broadcast room: a bare WebSocket that records every text it gets.
struct RawMember {
    ws: WebSocket,
    heard: Rc<RefCell<Vec<String>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl RawMember {
    async fn join(url: &str) -> RawMember {
        let ws = WebSocket::new(url).unwrap();
        let heard = Rc::new(RefCell::new(Vec::new()));
        let on_message = {
            let heard = heard.clone();
            Closure::new(move |e: MessageEvent| {
                heard
                    .borrow_mut()
                    .push(e.data().as_string().unwrap_or_else(|| "<binary>".into()))
            })
        };
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let open = || ws.ready_state() == WebSocket::OPEN;
        wait_until("member open", SHORT, open, String::new).await;
        RawMember {
            ws,
            heard,
            _on_message: on_message,
        }
    }

    fn heard(&self) -> Vec<String> {
        self.heard.borrow().clone()
    }
}

impl Drop for RawMember {
    fn drop(&mut self) {
        self.ws.set_onmessage(None);
        let _ = self.ws.close();
    }
}

/// Short timers, so a chat that took silence for death would cycle many times in a few seconds.
fn impatient() -> EngineConfig {
    let ms = Duration::from_millis;
    EngineConfig::default()
        .reconnect(ReconnectConfig::default().backoff(Backoff::fixed(ms(300))))
        .delivery(
            DeliveryConfig::default()
                .heartbeat_idle(ms(300))
                .heartbeat_timeout(ms(300))
                .welcome_wait(ms(1_000)),
        )
}

/// Watches the chat for `ms` and fails if it ever leaves `open`.
async fn stays_open(chat: &Mounted, ms: u32) {
    for _ in 0..ms / 50 {
        assert_eq!(chat.state(), "open", "{}", chat.status_text());
        sleep(50).await;
    }
}

/// `text` reaches `member`, and the chat shows it as sent (all a plain peer can promise).
async fn reaches(chat: &Mounted, member: &RawMember, text: &str) {
    chat.send(text);
    let heard = || member.heard().iter().any(|t| t == text);
    wait_until(text, SHORT, heard, || format!("{:?}", member.heard())).await;
    let sent = || {
        chat.messages()
            .iter()
            .any(|(dir, status, t)| dir == "out" && status == "sent" && t == text)
    };
    wait_until("sent", SHORT, sent, || format!("{:?}", chat.messages())).await;
}

#[wasm_bindgen_test]
async fn a_plain_server_that_never_answers_the_sender_keeps_the_chat_open_and_clean() {
    let url = format!("ws://{PLAIN_SERVER}/broadcast");
    let chat = mount_config(&url, "broadcast", impatient());
    wait_state(&chat, "open", SHORT).await;
    let member = RawMember::join(&url).await;
    reaches(&chat, &member, "first").await;
    stays_open(&chat, 2_000).await;

    // Outages that end after an odd, then an even number of refused handshakes: the offer of
    // sub-protocols flips with each, so both kinds of connection are met.
    let mut members = vec![member];
    for refused in [1, 2, 3] {
        call(
            PLAIN_SERVER,
            &format!("/_test/outage?refuse={refused}"),
            false,
        )
        .await;
        sleep(200).await;
        wait_state(&chat, "open", Duration::from_secs(20)).await;
        let member = RawMember::join(&url).await;
        let text = format!("after {refused} refused");
        reaches(&chat, &member, &text).await;
        stays_open(&chat, 1_500).await;
        members.push(member);
    }
    for member in &members {
        for text in member.heard() {
            assert!(!text.starts_with('{'), "a member saw protocol text: {text}");
        }
    }
    for (_, _, text) in chat.messages() {
        assert!(
            !text.starts_with('{'),
            "the chat shows protocol text: {text}"
        );
    }
    assert!(chat.messages().iter().all(|(dir, _, _)| dir == "out"));
}
