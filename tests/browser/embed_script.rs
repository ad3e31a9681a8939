//! `window.wsChat.mount` as a page script calls it, and the Rust `mount` API, against the real
//! companion server.

use super::embed_support::*;
use super::support::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

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
        ws_chat::ChatProps::default()
            .url(room_url(SERVER, &room))
            .storage_key("rust-mount"),
    );
    wait_open(&element).await;
    wait_connections(&room, 1).await;
    chat.destroy();
    wait_connections(&room, 0).await;
    assert_eq!(element.child_element_count(), 0, "{}", element.outer_html());
    element.remove();
}

#[wasm_bindgen_test]
async fn the_url_option_may_be_an_array_of_servers() {
    let room = room("script-list");
    let element = add("div", &[]);
    let urls = js_sys::Array::of2(
        &format!("ws://127.0.0.1:1/ws?room={room}").into(),
        &room_url(SERVER, &room).into(),
    );
    let opts = options(&[("url", urls.into()), ("storageKey", "script-list".into())]);
    let handle = script_mount(&element.clone().into(), &opts).unwrap();
    wait_open(&element).await;
    let server = role(&element, "status").and_then(|s| s.get_attribute("data-server"));
    assert_eq!(server.as_deref(), Some(SERVER));
    let bad = options(&[("url", js_sys::Array::of1(&1.into()).into())]);
    let other = add("div", &[]);
    let error = script_mount(&other.clone().into(), &bad).expect_err("a number is no URL");
    other.remove();
    let message: String = error.unchecked_ref::<js_sys::Error>().message().into();
    assert!(message.contains("url"), "{message}");
    destroy(&handle);
    element.remove();
}
