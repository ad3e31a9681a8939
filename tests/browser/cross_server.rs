//! Two companion servers on one Redis (`--redis`): chats on different servers share one room,
//! and a chat whose server is SIGKILLed fails over to the other one. Both end with every
//! message once, in one order.

use super::chaos::chaos_on;
use super::support::*;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

#[wasm_bindgen_test]
async fn chats_on_two_servers_share_one_room() {
    let room = room("shared");
    let on_a = room_url(SHARED_CRASH_SERVER, &room);
    let on_b = room_url(SHARED_SERVER, &room);
    chaos_on("shared", &on_a, &on_b, async || {}).await;
}

#[wasm_bindgen_test]
async fn chaos_across_servers_with_a_killed_server() {
    let room = room("shared-kill");
    // Each chat lists its own server first and the other as the one to fail over to.
    let a_urls = format!(
        "{} {}",
        room_url(SHARED_CRASH_SERVER, &room),
        room_url(SHARED_SERVER, &room)
    );
    let b_urls = format!(
        "{} {}",
        room_url(SHARED_SERVER, &room),
        room_url(SHARED_CRASH_SERVER, &room)
    );
    let mut faults = 0;
    let mut kill = None;
    let (a, _b) = chaos_on("shared-kill", &a_urls, &b_urls, async || {
        // Around message 120, chat a's server is SIGKILLed and stays down past the end of the
        // exchange while both chats keep typing (the supervisor answers once the server is
        // back, which is waited for only at the end), so chat a must finish the run on the
        // other server.
        faults += 1;
        if faults == 3 {
            kill = Some(start_call(SHARED_SUPERVISOR, "/kill?down_ms=12000", false));
        }
    })
    .await;
    let server = a.status_attribute("data-server");
    assert_eq!(
        server, SHARED_SERVER,
        "chat a failed over to the other server"
    );
    let kill = kill.expect("the server was killed");
    let answer = finish(SHARED_SUPERVISOR, "/kill", kill).await;
    console_log!("chaos across servers: chat a ended on {server}; supervisor: {answer}");
}
