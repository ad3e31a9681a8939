//! Who is in the room, against real servers: one entry per signed-in user however many tabs,
//! a closed tab no leave while another is open, a leave after the grace, the host page's
//! `ws-chat-presence` event; across the Redis pair, where a SIGKILLed server's users go; and
//! nothing at all with a plain server.

use crate::support::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};
use ws_chat::DisplayConfig;

fn count(chat: &Mounted) -> Option<u32> {
    chat.find("presence")?
        .get_attribute("data-count")?
        .parse()
        .ok()
}

fn line(chat: &Mounted) -> String {
    chat.find("presence")
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

async fn wait_count(chat: &Mounted, want: u32, within: Duration) {
    wait_until(
        &format!("{want} here"),
        within,
        || count(chat) == Some(want),
        || line(chat),
    )
    .await;
}

/// What a listener saw, shared with the test.
type Seen = Rc<RefCell<Vec<String>>>;

/// The `detail` of every `ws-chat-presence` event at `chat`'s mount element, as JSON text.
fn presence_events(chat: &Mounted) -> (Seen, Closure<dyn FnMut(JsValue)>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let into = seen.clone();
    let on_event = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        let detail = js_sys::Reflect::get(&e, &"detail".into()).unwrap();
        let json = js_sys::JSON::stringify(&detail).unwrap();
        into.borrow_mut().push(json.as_string().unwrap());
    });
    chat.root
        .add_event_listener_with_callback("ws-chat-presence", on_event.as_ref().unchecked_ref())
        .unwrap();
    (seen, on_event)
}

fn token_url(who: &str) -> String {
    format!("http://{SIGNING_SERVER}/_test/token?sub={who}&name={who}&secs=600")
}

#[wasm_bindgen_test]
async fn one_entry_per_user_across_tabs_and_a_leave_after_the_grace() {
    let url = room_url(SIGNING_SERVER, &room("presence"));
    let signed =
        |key: &str, who: &str| mount_signed(&url, key, DisplayConfig::default(), &token_url(who));
    let bob = signed("presence-bob", "Bob");
    let (events, _listener) = presence_events(&bob);
    wait_state(&bob, "open", SHORT).await;
    wait_count(&bob, 1, SHORT).await;
    assert_eq!(line(&bob), "1 here: Bob");
    let ann1 = signed("presence-ann1", "Ann");
    let ann2 = signed("presence-ann2", "Ann");
    wait_count(&bob, 2, SHORT).await;
    // Two tabs of Ann's are one Ann, in every chat.
    sleep(1_500).await;
    assert_eq!(count(&bob), Some(2));
    wait_count(&ann2, 2, SHORT).await;
    assert!(line(&bob).starts_with("2 here: "), "{}", line(&bob));
    assert!(line(&bob).contains("Ann") && line(&bob).contains("Bob"));
    // A closed tab, while the other is open: no leave.
    drop(ann2);
    sleep(4_500).await;
    assert_eq!(count(&bob), Some(2), "{}", line(&bob));
    // The last tab closes: Ann leaves after the grace.
    let closed = js_sys::Date::now();
    drop(ann1);
    wait_count(&bob, 1, SHORT).await;
    let took = js_sys::Date::now() - closed;
    console_log!("presence: a closed tab's user left after {took} ms");
    assert!(took >= 2_500.0, "left before the grace: {took} ms");
    // The host page heard each change, the latest last.
    let events = events.borrow();
    assert!(events.len() >= 3, "{events:?}");
    assert_eq!(
        events.last().map(String::as_str),
        Some(r#"{"count":1,"names":["Bob"]}"#)
    );
}

#[wasm_bindgen_test]
async fn a_killed_server_of_a_redis_pair_takes_its_users_with_it() {
    let room = room("presence-pair");
    let ann = mount_named(&room_url(SHARED_SERVER, &room), "presence-pair-a", "Ann");
    // Ann is here before Bob comes, so her list is in the order she was told: Ann, Bob.
    wait_count(&ann, 1, SHORT).await;
    let bob = mount_named(
        &room_url(SHARED_CRASH_SERVER, &room),
        "presence-pair-b",
        "Bob",
    );
    wait_count(&ann, 2, SHORT).await;
    wait_count(&bob, 2, SHORT).await;
    assert_eq!(line(&ann), "2 here: Ann, Bob");
    // Bob's server is SIGKILLed and stays down: nobody tells Ann he left, his entry runs out.
    let kill = start_call(SHARED_SUPERVISOR, "/kill?down_ms=25000", false);
    let killed = js_sys::Date::now();
    wait_count(&ann, 1, Duration::from_secs(30)).await;
    let took = js_sys::Date::now() - killed;
    console_log!("presence: a SIGKILLed server's users gone after {took} ms");
    assert!(took < 20_000.0, "{took} ms");
    // While it is down Bob's chat knows nobody; back, he is here again.
    assert_eq!(count(&bob), None);
    finish(SHARED_SUPERVISOR, "/kill", kill).await;
    wait_count(&ann, 2, Duration::from_secs(30)).await;
}

#[wasm_bindgen_test]
async fn a_plain_server_shows_no_presence() {
    let url = format!(
        "ws://{PLAIN_SERVER}/broadcast?room={}",
        room("presence-plain")
    );
    let chat = mount(&url, "presence-plain");
    wait_state(&chat, "open", SHORT).await;
    sleep(2_500).await;
    let element = chat.find("presence").expect("the element is there");
    assert!(element.has_attribute("hidden"));
    assert_eq!((count(&chat), line(&chat)), (None, String::new()));
}
