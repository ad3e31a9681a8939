//! `[data-ws-chat]` elements: the page's script ([`super::js`]) watches the document for them
//! being added (a chat is mounted), removed (it is unmounted) or given other `data-ws-*`
//! options (it is remounted), and reports each here, where that is decided.

use super::registry::{change, connect, disconnect, EmbeddedChats, MountedBy};
use crate::core::embed_options::attribute_names;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::Element;

/// Marks the elements that get a chat without being `<ws-chat>`.
pub const DATA_SELECTOR: &str = "[data-ws-chat]";

/// The attributes whose changes are reported: the mark and the options. The chats' own
/// rendering changes others all the time.
pub fn watched_attributes() -> js_sys::Array {
    std::iter::once("data-ws-chat".to_owned())
        .chain(attribute_names().map(|name| format!("data-ws-{name}")))
        .map(JsValue::from)
        .collect()
}

/// One report of the page's observer, as `observe_marked` makes them: `0` an added marked
/// element, `1` a changed attribute of `element`, `2` something was removed.
pub fn report(registry: &Rc<RefCell<EmbeddedChats>>, seen: u32, element: Option<Element>) {
    match (seen, element) {
        (0, Some(element)) => connect(registry, &element, MountedBy::DataAttribute),
        (1, Some(element)) => attribute_changed(registry, &element),
        (2, _) => {
            let gone = registry
                .borrow_mut()
                .take_detached(MountedBy::DataAttribute);
            drop(gone);
        }
        _ => {}
    }
}

/// An element got or lost `data-ws-chat`, or one of its `data-ws-*` options changed. Chats
/// that something else mounted (a `<ws-chat>`, a script) are not this observer's business.
fn attribute_changed(registry: &Rc<RefCell<EmbeddedChats>>, element: &Element) {
    let marked = element.matches(DATA_SELECTOR).unwrap_or(false);
    let mounted = registry.borrow().mounted_by(element);
    match (marked, mounted) {
        (true, None) => connect(registry, element, MountedBy::DataAttribute),
        (true, Some(MountedBy::DataAttribute)) => {
            change(registry, element, MountedBy::DataAttribute)
        }
        (false, Some(MountedBy::DataAttribute)) => disconnect(registry, element),
        _ => {}
    }
}
