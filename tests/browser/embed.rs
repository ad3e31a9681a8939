//! The embedding's elements, as a host page uses them: `<ws-chat>` and `[data-ws-chat]`,
//! against the real companion server.

use super::embed_support::*;
use super::support::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn a_ws_chat_element_mounts_and_removing_it_closes_its_socket() {
    let room = room("element");
    let element = add(
        "ws-chat",
        &[
            ("url", &room_url(SERVER, &room)),
            ("storage-key", "element"),
            ("title", "Lobby"),
        ],
    );
    wait_open(&element).await;
    wait_connections(&room, 1).await;
    let title = role(&element, "title").and_then(|t| t.text_content());
    assert_eq!(title.as_deref(), Some("Lobby"));
    let chat = role(&element, "chat").unwrap();
    assert_eq!(chat.get_attribute("aria-label").as_deref(), Some("Lobby"));
    element.remove();
    wait_connections(&room, 0).await;
    assert_eq!(element.child_element_count(), 0, "the chat's DOM is gone");
}

#[wasm_bindgen_test]
async fn moving_a_ws_chat_element_keeps_one_chat() {
    let room = room("move");
    let element = add(
        "ws-chat",
        &[("url", &room_url(SERVER, &room)), ("storage-key", "move")],
    );
    wait_open(&element).await;
    let holder = document().create_element("section").unwrap();
    document().body().unwrap().append_child(&holder).unwrap();
    holder.append_child(&element).unwrap();
    sleep(500).await;
    assert_eq!(state(&element), "open");
    assert_eq!(element.child_element_count(), 1, "{}", element.outer_html());
    wait_connections(&room, 1).await;
    holder.remove();
    wait_connections(&room, 0).await;
}

#[wasm_bindgen_test]
async fn changing_an_attribute_remounts_with_the_new_options() {
    let (first, second) = (room("attr-a"), room("attr-b"));
    let element = add(
        "ws-chat",
        &[("url", &room_url(SERVER, &first)), ("storage-key", "attr")],
    );
    wait_open(&element).await;
    wait_connections(&first, 1).await;
    element
        .set_attribute("url", &room_url(SERVER, &second))
        .unwrap();
    element.set_attribute("title", "Second").unwrap();
    wait_connections(&second, 1).await;
    wait_connections(&first, 0).await;
    wait_open(&element).await;
    assert_eq!(element.child_element_count(), 1, "one chat, not two");
    element.remove();
    wait_connections(&second, 0).await;
}

#[wasm_bindgen_test]
async fn an_invalid_attribute_shows_an_error_that_names_it() {
    let cases = [
        ("ws-chat", "reconnect-jitter", "2"),
        ("ws-chat", "history-cap", "lots"),
        ("div", "data-ws-max-attempts", "-1"),
    ];
    for (tag, attribute, value) in cases {
        let element = add(tag, &[(attribute, value)]);
        if tag == "div" {
            // Marked after it was added: the mark itself is watched.
            element.set_attribute("data-ws-chat", "").unwrap();
        }
        let error = || role(&element, "error").and_then(|e| e.text_content());
        wait_until(
            "the error",
            SHORT,
            || error().is_some(),
            || element.outer_html(),
        )
        .await;
        let text = error().unwrap();
        assert!(text.contains(&format!("{attribute}=\"{value}\"")), "{text}");
        assert_eq!(state(&element), "closed");
        let status = role(&element, "status").unwrap().text_content().unwrap();
        assert!(status.starts_with("Cannot connect: "), "{status}");
        element.remove();
    }
}

#[wasm_bindgen_test]
async fn data_ws_chat_elements_added_later_mount_and_unmount_when_removed() {
    let room = room("data");
    // Nested, as a framework would add it: the observer looks inside added subtrees.
    let outer = add("div", &[]);
    let element = document().create_element("div").unwrap();
    element.set_attribute("data-ws-chat", "").unwrap();
    element
        .set_attribute("data-ws-url", &room_url(SERVER, &room))
        .unwrap();
    element
        .set_attribute("data-ws-storage-key", "data")
        .unwrap();
    outer.append_child(&element).unwrap();
    wait_open(&element).await;
    wait_connections(&room, 1).await;
    outer.remove();
    wait_connections(&room, 0).await;
}

#[wasm_bindgen_test]
async fn data_ws_options_and_the_mark_itself_are_watched() {
    let (first, second) = (room("data-a"), room("data-b"));
    let element = add(
        "div",
        &[
            ("data-ws-chat", ""),
            ("data-ws-url", &room_url(SERVER, &first)),
            ("data-ws-storage-key", "data-watch"),
        ],
    );
    wait_open(&element).await;
    wait_connections(&first, 1).await;
    element
        .set_attribute("data-ws-url", &room_url(SERVER, &second))
        .unwrap();
    wait_connections(&second, 1).await;
    wait_connections(&first, 0).await;
    // Other attributes are the page's business: no remount.
    element.set_attribute("class", "x").unwrap();
    element.set_attribute("data-other", "x").unwrap();
    element.remove_attribute("data-ws-chat").unwrap();
    wait_connections(&second, 0).await;
    let empty = || element.child_element_count() == 0;
    wait_until("an empty element", SHORT, empty, || element.outer_html()).await;
    element.remove();
}

#[wasm_bindgen_test]
async fn nothing_is_mounted_into_the_body() {
    ws_chat::embed::install();
    sleep(200).await;
    let body = document().body().unwrap();
    let direct = body
        .query_selector(":scope > [data-role=\"chat\"]")
        .unwrap();
    assert!(direct.is_none(), "a chat was mounted into <body>");
}

#[wasm_bindgen_test]
async fn the_page_query_is_honoured_only_with_allow_query_url() {
    let (own, from_query) = (room("own-url"), room("query-url"));
    let history = web_sys::window().unwrap().history().unwrap();
    let before = web_sys::window().unwrap().location().href().unwrap();
    let target = String::from(js_sys::encode_uri_component(&room_url(SERVER, &from_query)));
    let query = format!("?ws={target}");
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&query))
        .unwrap();
    let url = room_url(SERVER, &own);
    let ignoring = add("ws-chat", &[("url", &url), ("storage-key", "q1")]);
    let honouring = add(
        "ws-chat",
        &[
            ("url", &url),
            ("storage-key", "q2"),
            ("allow-query-url", ""),
        ],
    );
    wait_open(&ignoring).await;
    wait_open(&honouring).await;
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&before))
        .unwrap();
    wait_connections(&own, 1).await;
    wait_connections(&from_query, 1).await;
    ignoring.remove();
    honouring.remove();
    wait_connections(&own, 0).await;
    wait_connections(&from_query, 0).await;
}

#[wasm_bindgen_test]
async fn uninstalling_unmounts_everything_and_installing_again_remounts() {
    let room = room("reinstall");
    let element = add(
        "ws-chat",
        &[
            ("url", &room_url(SERVER, &room)),
            ("storage-key", "reinstall"),
        ],
    );
    wait_open(&element).await;
    wait_connections(&room, 1).await;
    ws_chat::embed::uninstall();
    wait_connections(&room, 0).await;
    let api = js_sys::Reflect::get(&web_sys::window().unwrap(), &"wsChat".into()).unwrap();
    assert!(api.is_undefined(), "window.wsChat is removed");
    // The element stays defined but does nothing while uninstalled.
    let other = document().create_element("ws-chat").unwrap();
    document().body().unwrap().append_child(&other).unwrap();
    sleep(300).await;
    assert_eq!(other.child_element_count(), 0);
    other.remove();
    ws_chat::embed::install();
    wait_open(&element).await;
    wait_connections(&room, 1).await;
    element.remove();
    wait_connections(&room, 0).await;
}
