//! What the host page hears of a chat: `ws-chat-presence` and `ws-chat-unread` on the chat's
//! root (they bubble to the element it was mounted in) whenever who is here or the unread
//! count changes, and, opted in, the unread count in the page's title.

use crate::browser::events::dispatch;
use crate::core::view::presence_line::{badged_title, presence_detail, unread_detail};
use std::rc::Rc;
use yew::prelude::*;

/// What was last told, and the page's title before the badge.
#[derive(Default)]
struct Told {
    presence: (Vec<Rc<str>>, Option<u32>),
    unread: u32,
    title: Option<String>,
}

/// Dispatches the events after a render that changed what they say (one effect for both: each
/// effect a component runs costs the bundle its own code).
#[hook]
pub fn use_host_events(
    root: &NodeRef,
    presence: &(Vec<Rc<str>>, Option<u32>),
    unread: u32,
    badge: bool,
) {
    let told = use_mut_ref(Told::default);
    let root = root.clone();
    let presence = presence.clone();
    use_effect(move || {
        let mut told = told.borrow_mut();
        let Some(element) = root.cast::<web_sys::Element>() else {
            return;
        };
        if told.presence != presence {
            let (names, count) = &presence;
            dispatch(
                &element,
                "ws-chat-presence",
                &presence_detail(names, *count),
            );
            told.presence = presence;
        }
        if told.unread == unread {
            return;
        }
        told.unread = unread;
        dispatch(&element, "ws-chat-unread", &unread_detail(unread));
        let document = web_sys::window().and_then(|w| w.document());
        if let (true, Some(document)) = (badge, document) {
            let base = told.title.get_or_insert_with(|| document.title());
            document.set_title(&badged_title(base, unread));
        }
    });
}
