//! Putting chats into a page that was not written for Yew.

use crate::ui::{Chat, ChatProps};
use yew::AppHandle;

/// Mounts a chat into `element`, taking the URL from its `data-ws-url` attribute (unless the
/// page has `?ws=`) and the outbox key from `data-ws-storage-key`.
pub fn mount(element: web_sys::Element) -> AppHandle<Chat> {
    let props = ChatProps {
        url: element.get_attribute("data-ws-url").map(Into::into),
        storage_key: element.get_attribute("data-ws-storage-key").map(Into::into),
        ..ChatProps::default()
    };
    yew::Renderer::<Chat>::with_root_and_props(element, props).render()
}

/// Mounts a chat into every `[data-ws-chat]` element, or into `<body>` if there is none.
pub fn mount_all() -> Vec<AppHandle<Chat>> {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return Vec::new();
    };
    let mut targets = Vec::new();
    if let Ok(list) = document.query_selector_all("[data-ws-chat]") {
        for i in 0..list.length() {
            if let Some(el) = list
                .get(i)
                .and_then(|n| wasm_bindgen::JsCast::dyn_into(n).ok())
            {
                targets.push(el);
            }
        }
    }
    if targets.is_empty() {
        targets.extend(document.body().map(Into::into));
    }
    targets.into_iter().map(mount).collect()
}
