//! The embedding, as a host page uses it: `<ws-chat>` elements, `[data-ws-chat]` elements and
//! `window.wsChat.mount`, against the real companion server, whose per-room connection count
//! shows whether a removed chat really let go of its socket.

use super::support::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::Element;

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Installs the embedding (as the app's start function does) and adds `<tag>` with
/// `attributes` to the page.
fn add(tag: &str, attributes: &[(&str, &str)]) -> Element {
    ws_chat::embed::install();
    let element = document().create_element(tag).unwrap();
    for (name, value) in attributes {
        element.set_attribute(name, value).unwrap();
    }
    document().body().unwrap().append_child(&element).unwrap();
    element
}

fn role(element: &Element, role: &str) -> Option<Element> {
    element
        .query_selector(&format!("[data-role=\"{role}\"]"))
        .unwrap()
}

fn state(element: &Element) -> String {
    role(element, "status")
        .and_then(|s| s.get_attribute("data-state"))
        .unwrap_or_default()
}

async fn wait_open(element: &Element) {
    wait_until(
        "open",
        SHORT,
        || state(element) == "open",
        || element.outer_html(),
    )
    .await;
}

/// Polls the server until `room` has `want` live connections.
async fn wait_connections(room: &str, want: usize) {
    let start = js_sys::Date::now();
    loop {
        let got = live_connections(room).await;
        if got == want {
            return;
        }
        assert!(
            js_sys::Date::now() - start < SHORT.as_millis() as f64,
            "room {room}: {got} connections, want {want}"
        );
        sleep(50).await;
    }
}

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
            element.set_attribute("data-ws-chat", "").unwrap();
            // Marked after it was added: only additions are watched, so re-add it.
            document().body().unwrap().append_child(&element).unwrap();
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

/// `window.wsChat.mount`, called as a page script calls it.
fn script_mount(element: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    let api = js_sys::Reflect::get(&web_sys::window().unwrap(), &"wsChat".into())?;
    let mount: js_sys::Function = js_sys::Reflect::get(&api, &"mount".into())?.dyn_into()?;
    mount.call2(&api, element, options)
}

fn destroy(handle: &JsValue) {
    let destroy: js_sys::Function = js_sys::Reflect::get(handle, &"destroy".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    destroy.call0(handle).unwrap();
}

fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        js_sys::Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

#[wasm_bindgen_test]
async fn script_mount_rejects_bad_options_with_a_type_error() {
    let element = add("div", &[]);
    let cases: [(JsValue, JsValue, &str); 5] = [
        (
            element.clone().into(),
            options(&[("reconnectJitter", "0.5".into())]),
            "reconnectJitter",
        ),
        (
            element.clone().into(),
            options(&[("historyCap", 0.into())]),
            "historyCap",
        ),
        (
            element.clone().into(),
            options(&[("storage_key", "x".into())]),
            "unknown option \"storage_key\"",
        ),
        (
            element.clone().into(),
            "ws://x/ws".into(),
            "the options must be an object",
        ),
        (
            JsValue::from(42),
            JsValue::UNDEFINED,
            "the first argument must be an element",
        ),
    ];
    for (target, options, named) in cases {
        let error = script_mount(&target, &options).expect_err(named);
        assert!(error.is_instance_of::<js_sys::TypeError>(), "{error:?}");
        let message: String = error.unchecked_ref::<js_sys::Error>().message().into();
        assert!(
            message.starts_with("wsChat.mount: ") && message.contains(named),
            "{message}"
        );
    }
    assert_eq!(element.child_element_count(), 0, "nothing was mounted");
    element.remove();
}

#[wasm_bindgen_test]
async fn script_mount_and_destroy_twenty_times_leaves_no_socket() {
    let room = room("script");
    let element = add("div", &[]);
    let opts = options(&[
        ("url", room_url(SERVER, &room).into()),
        ("storageKey", "script".into()),
        ("historyCap", 10.into()),
        ("reconnectInitialMs", 100.into()),
        ("allowQueryUrl", false.into()),
    ]);
    for i in 0..20 {
        let handle = script_mount(&element.clone().into(), &opts).unwrap();
        if i % 5 == 0 {
            wait_open(&element).await;
        }
        let again = script_mount(&element.clone().into(), &opts);
        assert!(again.is_err(), "one chat per element");
        destroy(&handle);
        destroy(&handle); // idempotent
    }
    // Yew unmounts in a microtask.
    let empty = || element.child_element_count() == 0;
    wait_until("an empty element", SHORT, empty, || element.outer_html()).await;
    wait_connections(&room, 0).await;
    let handle = script_mount(&element.clone().into(), &opts).unwrap();
    wait_open(&element).await;
    wait_connections(&room, 1).await;
    destroy(&handle);
    wait_connections(&room, 0).await;
    element.remove();
}

#[wasm_bindgen_test]
async fn the_rust_mount_api_unmounts_on_destroy() {
    let room = room("rust-mount");
    let element = add("div", &[]);
    let chat = ws_chat::mount(
        &element,
        ws_chat::ChatProps {
            url: Some(room_url(SERVER, &room).into()),
            storage_key: Some("rust-mount".into()),
            ..Default::default()
        },
    );
    wait_open(&element).await;
    wait_connections(&room, 1).await;
    chat.destroy();
    wait_connections(&room, 0).await;
    assert_eq!(element.child_element_count(), 0, "{}", element.outer_html());
    element.remove();
}
