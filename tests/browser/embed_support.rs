//! Helpers of the embedding tests: adding elements as a host page does, reading a chat's DOM,
//! and the server's per-room connection count, which shows whether a removed chat really let
//! go of its socket.

use super::support::{wait_until, SHORT};
use web_sys::Element;

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Installs the embedding (as the app's start function does) and adds `<tag>` with
/// `attributes` to the page.
pub fn add(tag: &str, attributes: &[(&str, &str)]) -> Element {
    ws_chat::embed::install();
    let element = document().create_element(tag).unwrap();
    for (name, value) in attributes {
        element.set_attribute(name, value).unwrap();
    }
    document().body().unwrap().append_child(&element).unwrap();
    element
}

pub fn role(element: &Element, role: &str) -> Option<Element> {
    element
        .query_selector(&format!("[data-role=\"{role}\"]"))
        .unwrap()
}

pub fn state(element: &Element) -> String {
    role(element, "status")
        .and_then(|s| s.get_attribute("data-state"))
        .unwrap_or_default()
}

pub async fn wait_open(element: &Element) {
    wait_until(
        "open",
        SHORT,
        || state(element) == "open",
        || element.outer_html(),
    )
    .await;
}
