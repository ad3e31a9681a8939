//! Watches the page for `[data-ws-chat]` elements being added (mounts a chat), removed
//! (unmounts it) or given other `data-ws-*` options (remounts it), for as long as this value
//! lives.

use super::registry::{change, connect, disconnect, EmbeddedChats, MountedBy};
use crate::core::embed_options::attribute_names;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, MutationObserver, MutationObserverInit, MutationRecord};

/// Marks the elements that get a chat without being `<ws-chat>`.
pub const DATA_SELECTOR: &str = "[data-ws-chat]";

/// A mutation observer on the whole document; disconnected on drop.
pub struct DataAttributeObserver {
    observer: MutationObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl DataAttributeObserver {
    /// `None` if the page has no document to observe.
    pub fn start(registry: &Rc<RefCell<EmbeddedChats>>) -> Option<Self> {
        let root = web_sys::window()?.document()?.document_element()?;
        let registry = registry.clone();
        let callback = Closure::new(move |records| observe(&registry, records));
        let observer = MutationObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        let init = MutationObserverInit::new();
        init.set_child_list(true);
        init.set_subtree(true);
        // Only the options' attributes: the chats' own rendering changes others all the time.
        let filter: js_sys::Array = std::iter::once("data-ws-chat".to_owned())
            .chain(attribute_names().map(|name| format!("data-ws-{name}")))
            .map(JsValue::from)
            .collect();
        init.set_attribute_filter(&filter);
        observer.observe_with_options(&root, &init).ok()?;
        Some(Self {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for DataAttributeObserver {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Handles a batch of DOM changes: mounts added `[data-ws-chat]` elements, unmounts those that
/// left. Only added elements are searched, so a chat rendering its own messages costs a
/// `matches` per added row and a look at the few mounted elements per removal.
fn observe(registry: &Rc<RefCell<EmbeddedChats>>, records: js_sys::Array) {
    let mut removed = false;
    for record in records.iter() {
        let record: MutationRecord = record.unchecked_into();
        if record.type_() == "attributes" {
            if let Some(element) = record.target().and_then(|n| n.dyn_into::<Element>().ok()) {
                attribute_changed(registry, &element);
            }
            continue;
        }
        removed |= record.removed_nodes().length() > 0;
        let added = record.added_nodes();
        for i in 0..added.length() {
            let Some(element) = added.get(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            if element.matches(DATA_SELECTOR).unwrap_or(false) {
                connect(registry, &element, MountedBy::DataAttribute);
            }
            if element.first_element_child().is_none() {
                continue;
            }
            if let Ok(list) = element.query_selector_all(DATA_SELECTOR) {
                for j in 0..list.length() {
                    if let Some(inner) = list.get(j).and_then(|n| n.dyn_into::<Element>().ok()) {
                        connect(registry, &inner, MountedBy::DataAttribute);
                    }
                }
            }
        }
    }
    if removed {
        let gone = registry
            .borrow_mut()
            .take_detached(MountedBy::DataAttribute);
        drop(gone);
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
