//! Exactly-once, in-order delivery while the connection keeps breaking: two chats each send 300
//! messages while the server drops every connection (or is SIGKILLed and restarted).

use super::support::*;
use std::time::Duration;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};
use ws_chat::DisplayConfig;

const PER_CHAT: usize = 300;
const PACE_MS: u32 = 15;

/// Runs the exchange on one server, calling `fault` about every 40 messages, then checks both
/// chats agree.
async fn chaos(name: &str, server: &str, fault: impl AsyncFnMut()) {
    let url = room_url(server, &room(name));
    let _chats = chaos_on(name, &url, &url, fault).await;
}

/// [`chaos`] with a URL (or a list of servers) for each chat.
/// Returns the two chats, still mounted.
pub async fn chaos_on(
    name: &str,
    a_url: &str,
    b_url: &str,
    fault: impl AsyncFnMut(),
) -> (Mounted, Mounted) {
    let (a, b) = open_pair_on(a_url, b_url, name, whole_room()).await;
    exchange(name, a, b, fault).await
}

/// The display every chaos run uses: every message of the run stays rendered, so the whole
/// room can be compared.
fn whole_room() -> DisplayConfig {
    DisplayConfig::default()
        .keep(2 * PER_CHAT)
        .batch(2 * PER_CHAT)
        .max_rendered(2 * PER_CHAT)
}

/// Both chats send [`PER_CHAT`] messages, `fault` runs about every 40, and then every message
/// must be delivered once, in each sender's order, and both chats must agree.
async fn exchange(
    name: &str,
    a: Mounted,
    b: Mounted,
    mut fault: impl AsyncFnMut(),
) -> (Mounted, Mounted) {
    for i in 0..PER_CHAT {
        a.send(&format!("a{i:03}"));
        b.send(&format!("b{i:03}"));
        if i % 20 == 19 {
            // Two messages per step: every 20 steps is every 40 messages.
            fault().await;
        }
        sleep(PACE_MS).await;
    }
    let total = 2 * PER_CHAT;
    let settled = |c: &Mounted| {
        let m = c.messages();
        m.len() >= total && m.iter().all(|m| m.0 == "in" || m.1 == "delivered")
    };
    wait_until(
        "all messages delivered",
        Duration::from_secs(60),
        || settled(&a) && settled(&b),
        || format!("a has {}, b has {}", a.messages().len(), b.messages().len()),
    )
    .await;
    sleep(1_000).await;
    for (label, chat) in [("a", &a), ("b", &b)] {
        console_log!(
            "{name} {label}: sent {} delivered {} duplicates seen {} gaps seen {} messages shown {}",
            chat.detail("data-sent"),
            chat.detail("data-delivered"),
            chat.detail("data-duplicates"),
            chat.detail("data-gaps"),
            chat.messages().len()
        );
        assert_eq!(
            chat.detail("data-gaps"),
            "0",
            "{label}: history covered every outage"
        );
        assert_eq!(
            chat.detail("data-delivered"),
            PER_CHAT.to_string(),
            "{label}"
        );
    }
    let (ta, tb) = (a.texts(), b.texts());
    assert_eq!(ta.len(), total, "a: none missing, none twice");
    assert_eq!(
        ta, tb,
        "both chats show the same messages in the same order"
    );
    let mut unique = ta.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), total, "no message twice");
    // Each sender's own messages keep their typing order.
    for prefix in ["a", "b"] {
        let own: Vec<_> = ta
            .iter()
            .filter(|t| t.starts_with(prefix))
            .cloned()
            .collect();
        let want: Vec<_> = (0..PER_CHAT).map(|i| format!("{prefix}{i:03}")).collect();
        assert_eq!(own, want, "{prefix}'s messages in order");
    }
    (a, b)
}

#[wasm_bindgen_test]
async fn chaos_with_connection_drops() {
    let mut drops = 0;
    chaos("chaos-drop", SERVER, async || {
        call(SERVER, "/_test/drop", false).await;
        drops += 1;
    })
    .await;
    console_log!("chaos-drop: {drops} drops");
    assert!(drops >= 14);
}

#[wasm_bindgen_test]
async fn chaos_with_a_killed_server() {
    let (mut faults, mut kills) = (0, 0);
    chaos("chaos-kill", CRASH_SERVER, async || {
        // Twice in the run, around messages 120 and 400: SIGKILL, down for a second, then back
        // with its history from disk.
        faults += 1;
        if faults == 3 || faults == 10 {
            kills += 1;
            call(SUPERVISOR, "/kill?down_ms=1000", false).await;
        }
    })
    .await;
    console_log!("chaos-kill: {kills} kills");
    assert_eq!(kills, 2);
}

#[wasm_bindgen_test]
async fn chaos_with_short_lived_tokens() {
    // Tokens of 3 s, so each chat refreshes several times on its open connection during the
    // run (and the server closes a connection whose token ran out), while every connection
    // is dropped about every 40 messages.
    let url = room_url(SIGNING_SERVER, &room("chaos-tokens"));
    let token =
        |who: &str| format!("http://{SIGNING_SERVER}/_test/token?sub={who}&name={who}&secs=3");
    let (a, b) = (
        mount_signed(&url, "chaos-tokens-a", whole_room(), &token("ann")),
        mount_signed(&url, "chaos-tokens-b", whole_room(), &token("bob")),
    );
    wait_state(&a, "open", SHORT).await;
    wait_state(&b, "open", SHORT).await;
    let mut drops = 0;
    let (a, _b) = exchange("chaos-tokens", a, b, async || {
        call(SIGNING_SERVER, "/_test/drop", false).await;
        drops += 1;
    })
    .await;
    console_log!("chaos-tokens: {drops} drops");
    let user = || a.find("status").and_then(|s| s.get_attribute("data-user"));
    wait_until(
        "Ann's chat to show it is signed in",
        SHORT,
        || user().as_deref() == Some("ann"),
        || format!("data-user is {:?}", user()),
    )
    .await;
}
