//! Events the chat dispatches for its host page (`ws-chat-presence`): a `CustomEvent` that
//! bubbles (and leaves a shadow root), with a JSON detail the core wrote. Dispatched from a
//! line of JavaScript: web-sys's `CustomEvent` and its init dictionary cost more wasm than
//! the event is worth.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = "export function emit(el, type, detail) { \
    el.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail: JSON.parse(detail) })); }")]
extern "C" {
    fn emit(el: &web_sys::Element, kind: &str, detail: &str);
}

/// Dispatches the event `kind` at `element`, with `detail_json` parsed as its `detail`.
pub fn dispatch(element: &web_sys::Element, kind: &str, detail_json: &str) {
    emit(element, kind, detail_json);
}
