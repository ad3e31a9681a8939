//! Unread messages and where the reader stopped, against the companion server that signs
//! users in: counted while scrolled up (with the host page's event and the opt-in title
//! badge), cleared when another tab of the same user reads them, and the "New messages"
//! divider on rejoining.

use crate::render::style_lists;
use crate::support::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};
use web_sys::{Element, HtmlElement};
use ws_chat::{ChatProps, TokenSource};

fn token_url(who: &str) -> String {
    format!("http://{SIGNING_SERVER}/_test/token?sub={who}&name={who}&secs=600")
}

fn signed(url: &str, key: &str, who: &str, badge: bool) -> Mounted {
    mount_props(
        ChatProps::default()
            .url(url)
            .storage_key(key.to_owned())
            .token(TokenSource::Url(token_url(who)))
            .title_badge(badge),
    )
}

fn unread(chat: &Mounted) -> u32 {
    chat.find("chat")
        .and_then(|e| e.get_attribute("data-unread"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(u32::MAX)
}

async fn wait_unread(chat: &Mounted, what: &str, want: u32) {
    wait_until(
        what,
        SHORT,
        || unread(chat) == want,
        || unread(chat).to_string(),
    )
    .await;
}

fn list(chat: &Mounted) -> HtmlElement {
    chat.find("messages").unwrap().dyn_into().unwrap()
}

/// Scrolls `chat`'s list to its top (away from the newest) or its bottom.
async fn scroll(chat: &Mounted, to_bottom: bool) {
    let list = list(chat);
    list.set_scroll_top(if to_bottom { list.scroll_height() } else { 0 });
    sleep(300).await;
    console_log!(
        "scrolled: top {} height {} client {}",
        list.scroll_top(),
        list.scroll_height(),
        list.client_height()
    );
}

/// Sends `texts` from `chat` and waits until each is delivered.
async fn say(chat: &Mounted, texts: &[&str]) {
    for text in texts {
        chat.send(text);
    }
    wait_until(
        "delivered",
        SHORT,
        || {
            chat.messages()
                .iter()
                .filter(|m| m.1 == "delivered")
                .count()
                >= texts.len()
        },
        || format!("{:?}", chat.messages()),
    )
    .await;
}

/// The counts of every `ws-chat-unread` event at `chat`'s mount element.
type Counts = Rc<RefCell<Vec<u32>>>;

fn unread_events(chat: &Mounted) -> (Counts, Closure<dyn FnMut(JsValue)>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let into = seen.clone();
    let on_event = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        let detail = js_sys::Reflect::get(&e, &"detail".into()).unwrap();
        let count = js_sys::Reflect::get(&detail, &"count".into()).unwrap();
        into.borrow_mut()
            .push(count.as_f64().unwrap_or(-1.0) as u32);
    });
    chat.root
        .add_event_listener_with_callback("ws-chat-unread", on_event.as_ref().unchecked_ref())
        .unwrap();
    (seen, on_event)
}

#[wasm_bindgen_test]
async fn counted_while_scrolled_up_and_cleared_by_another_tab_of_the_user() {
    style_lists();
    let url = room_url(SIGNING_SERVER, &room("unread"));
    let bob = signed(&url, "unread-bob", "Bob", false);
    let ann1 = signed(&url, "unread-ann1", "Ann", true);
    let ann2 = signed(&url, "unread-ann2", "Ann", false);
    for chat in [&bob, &ann1, &ann2] {
        wait_state(chat, "open", SHORT).await;
    }
    let (events, _listener) = unread_events(&ann1);
    let document = web_sys::window().unwrap().document().unwrap();
    let title = "Chat page";
    document.set_title(title);
    let filler: Vec<String> = (1..=30).map(|i| format!("filler {i}")).collect();
    let filler: Vec<&str> = filler.iter().map(String::as_str).collect();
    say(&bob, &filler).await;
    for ann in [&ann1, &ann2] {
        wait_until(
            "the filler",
            SHORT,
            || ann.texts().len() == 30,
            || ann.texts().len().to_string(),
        )
        .await;
    }
    assert_eq!(
        (unread(&ann1), unread(&ann2)),
        (0, 0),
        "at the newest, all read"
    );
    // Both of Ann's tabs scroll up: what arrives now is unread in each.
    scroll(&ann1, false).await;
    scroll(&ann2, false).await;
    say(&bob, &["one", "two", "three"]).await;
    wait_unread(&ann1, "3 unread", 3).await;
    wait_unread(&ann2, "3 unread in the other tab", 3).await;
    assert_eq!(document.title(), format!("(3) {title}"), "the opt-in badge");
    // The second tab reads them: the server tells the first, whose count goes.
    let read_at = js_sys::Date::now();
    scroll(&ann2, true).await;
    wait_unread(&ann2, "read in the second tab", 0).await;
    wait_unread(&ann1, "cleared by the other tab", 0).await;
    console_log!(
        "unread: cleared in the other tab {} ms after reading",
        js_sys::Date::now() - read_at
    );
    assert_eq!(document.title(), title, "the badge goes with the count");
    // An event per change the page rendered (two arrivals in one frame are one change), the
    // same count never twice in a row.
    let events = events.borrow();
    assert!(
        events.contains(&3) && events.last() == Some(&0),
        "{events:?}"
    );
    assert!(events.windows(2).all(|w| w[0] != w[1]), "{events:?}");
}

/// The first message element after `divider` in the list.
fn message_after(divider: &Element) -> Option<Element> {
    let mut next = divider.next_element_sibling();
    while let Some(el) = next {
        if el.get_attribute("data-role").as_deref() == Some("message") {
            return Some(el);
        }
        next = el.next_element_sibling();
    }
    None
}

#[wasm_bindgen_test]
async fn rejoining_marks_the_first_unread_with_the_divider() {
    let url = room_url(SIGNING_SERVER, &room("divider"));
    let bob = signed(&url, "divider-bob", "Bob", false);
    let ann = signed(&url, "divider-ann", "Ann", false);
    wait_state(&bob, "open", SHORT).await;
    wait_state(&ann, "open", SHORT).await;
    say(&bob, &["old 1", "old 2"]).await;
    wait_until(
        "both",
        SHORT,
        || ann.texts().len() == 2,
        || format!("{:?}", ann.texts()),
    )
    .await;
    // Read (the newest on screen): reported within half a second.
    sleep(1_000).await;
    assert!(
        ann.find("unread-divider").is_none(),
        "nothing was unread on the first join"
    );
    drop(ann);
    say(&bob, &["new 1", "new 2"]).await;
    let ann = signed(&url, "divider-ann", "Ann", false);
    wait_until(
        "all four",
        SHORT,
        || ann.texts().len() == 4,
        || format!("{:?}", ann.texts()),
    )
    .await;
    let divider = ann.find("unread-divider").expect("the divider");
    assert_eq!(divider.get_attribute("role").as_deref(), Some("separator"));
    let first_unread = message_after(&divider).expect("a message after it");
    assert!(first_unread
        .text_content()
        .unwrap_or_default()
        .contains("new 1"));
    // Read at once (at the newest, visible), and the divider stays where it was put.
    wait_unread(&ann, "read", 0).await;
    assert!(ann.find("unread-divider").is_some());
}
