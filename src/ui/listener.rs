//! Event listeners that a component owns, on elements it renders.
//!
//! Yew's own `onclick={…}` and the like are not used in ws-chat: Yew delegates them to one
//! listener per event type on the element its root was mounted at, and never removes it
//! (`HostHandlers::add_listener` in yew 0.23's `src/dom_bundle/subtree_root.rs` hands its
//! closure to the browser for good, owned by nothing; that closure holds the root's
//! `SubtreeData`: its event registry, its host element). An app mounted once does not notice; `mount`/`destroy` leaves one such
//! listener per event type behind at every round, about 0.85 KiB of wasm memory and 1 KiB of JS
//! heap (e2e/tests/mount_destroy.rs). A Yew root that never registers a listener leaves nothing.
//!
//! [`use_listener`] instead adds the listener to the element itself and removes it when the
//! element goes (or is replaced) or the component is unmounted: the [`EventListener`] is held
//! by the component, and its `Drop` removes it.

use gloo_events::{EventListener, EventListenerOptions};
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::Element;
use yew::prelude::*;

/// The element a listener was added to, and the listener.
type Bound = Option<(Element, EventListener)>;

/// Calls `callback` with the `event_type` events at the element `node` refers to, whenever one
/// is rendered: the listener follows the element as it is rendered, replaced or removed, and
/// always calls the `callback` of the latest render. `options`: passive unless the callback
/// calls `prevent_default` ([`EventListenerOptions::enable_prevent_default`]).
///
/// The callback takes the plain `Event` (one that needs a `KeyboardEvent` casts it): a hook
/// generic over the event type is compiled once per type, each costing wasm.
#[hook]
pub fn use_listener(
    node: &NodeRef,
    event_type: &'static str,
    options: EventListenerOptions,
    callback: Callback<Event>,
) {
    let latest = use_mut_ref(|| callback.clone());
    *latest.borrow_mut() = callback;
    let bound: Rc<RefCell<Bound>> = use_mut_ref(|| None);
    {
        let (node, bound) = (node.clone(), bound.clone());
        // After every render: the element may have come, gone or been replaced.
        use_effect(move || {
            let element = node.cast::<Element>();
            let mut bound = bound.borrow_mut();
            if bound.as_ref().map(|(el, _)| el) != element.as_ref() {
                *bound = element.map(|el| {
                    let listener =
                        EventListener::new_with_options(&el, event_type, options, move |e| {
                            // Cloned out first: the callback may render, which sets `latest`.
                            let callback = latest.borrow().clone();
                            callback.emit(e.clone());
                        });
                    (el, listener)
                });
            }
        });
    }
    // Unmounted: removed at once, not whenever the hook's state is dropped.
    use_effect_with((), move |()| move || drop(bound.borrow_mut().take()));
}

/// [`use_listener`] for clicks.
#[hook]
pub fn use_click(node: &NodeRef, callback: Callback<Event>) {
    use_listener(node, "click", EventListenerOptions::default(), callback);
}
