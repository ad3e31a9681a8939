//! Mounting chats, driving them like a user, reading the DOM contract, and the servers' test
//! endpoints.

use gloo_timers::future::TimeoutFuture;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use ws_chat::DisplayConfig;
use ws_chat::EngineConfig;
use ws_chat::{Chat, ChatProps};
use yew::AppHandle;

/// The companion server started with `--fault-injection` and an in-memory history.
pub const SERVER: &str = match option_env!("WS_CHAT_TEST_SERVER") {
    Some(s) => s,
    None => "127.0.0.1:9101",
};
/// A companion server run by `ws-chat-supervisor`, which can SIGKILL and restart it.
pub const CRASH_SERVER: &str = match option_env!("WS_CHAT_TEST_CRASH_SERVER") {
    Some(s) => s,
    None => "127.0.0.1:9102",
};
pub const SUPERVISOR: &str = match option_env!("WS_CHAT_TEST_SUPERVISOR") {
    Some(s) => s,
    None => "127.0.0.1:9103",
};
/// The seed page's plain Node `ws` server, which answers everything with "data received".
pub const PLAIN_SERVER: &str = match option_env!("WS_CHAT_TEST_PLAIN_SERVER") {
    Some(s) => s,
    None => "127.0.0.1:9110",
};

/// Two companion servers on one Redis (`--redis`), each run by a supervisor that can SIGKILL
/// or SIGTERM it and start it again.
pub const SHARED_SERVER: &str = match option_env!("WS_CHAT_TEST_SHARED_SERVER") {
    Some(s) => s,
    None => "127.0.0.1:9121",
};
pub const SHARED_CRASH_SERVER: &str = match option_env!("WS_CHAT_TEST_SHARED_CRASH_SERVER") {
    Some(s) => s,
    None => "127.0.0.1:9122",
};
pub const SHARED_SUPERVISOR: &str = match option_env!("WS_CHAT_TEST_SHARED_SUPERVISOR") {
    Some(s) => s,
    None => "127.0.0.1:9123",
};
/// The supervisor of [`SHARED_SERVER`].
pub const SHARED_SERVER_SUPERVISOR: &str =
    match option_env!("WS_CHAT_TEST_SHARED_SERVER_SUPERVISOR") {
        Some(s) => s,
        None => "127.0.0.1:9124",
    };

/// A companion server that checks tokens (`--jwt-secret-file`, `--anonymous none`, 1 s of
/// grace) and mints them for the tests at `/_test/token`.
pub const SIGNING_SERVER: &str = match option_env!("WS_CHAT_TEST_SIGNING_SERVER") {
    Some(s) => s,
    None => "127.0.0.1:9104",
};

/// A room name no other test uses, so tests never see each other's messages.
pub fn room(name: &str) -> String {
    format!(
        "{name}-{:08x}",
        (js_sys::Math::random() * 4_294_967_295.0) as u32
    )
}

pub fn room_url(server: &str, room: &str) -> String {
    format!("ws://{server}/ws?room={room}")
}

/// A mounted chat; unmounts (closing its socket) on drop.
pub struct Mounted {
    pub root: Element,
    handle: Option<AppHandle<Chat>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
    }
}

pub fn mount(url: &str, storage_key: &str) -> Mounted {
    mount_with(url, storage_key, DisplayConfig::default())
}

/// A chat that keeps and renders as much as `display` says.
pub fn mount_with(url: &str, storage_key: &str, display: DisplayConfig) -> Mounted {
    mount_props(
        ChatProps::default()
            .url(url)
            .storage_key(storage_key.to_owned())
            .display(display),
    )
}

/// A chat with its connection settings given (short timers, for instance).
pub fn mount_config(url: &str, storage_key: &str, config: EngineConfig) -> Mounted {
    mount_props(
        ChatProps::default()
            .url(url)
            .storage_key(storage_key.to_owned())
            .config(config),
    )
}

/// A chat with a display name.
pub fn mount_named(url: &str, storage_key: &str, name: &str) -> Mounted {
    mount_props(
        ChatProps::default()
            .url(url)
            .storage_key(storage_key.to_owned())
            .name(name.to_owned()),
    )
}

/// A chat signed in with tokens from `token_url`.
pub fn mount_signed(
    url: &str,
    storage_key: &str,
    display: DisplayConfig,
    token_url: &str,
) -> Mounted {
    mount_props(
        ChatProps::default()
            .url(url)
            .storage_key(storage_key.to_owned())
            .display(display)
            .token(ws_chat::TokenSource::Url(token_url.to_owned())),
    )
}

/// A chat with these props.
pub fn mount_props(props: ChatProps) -> Mounted {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<Chat>::with_root_and_props(root.clone(), props).render();
    Mounted {
        root,
        handle: Some(handle),
    }
}

impl Mounted {
    pub fn find(&self, role: &str) -> Option<Element> {
        self.root
            .query_selector(&format!("[data-role=\"{role}\"]"))
            .ok()
            .flatten()
    }

    pub fn state(&self) -> String {
        self.find("status")
            .and_then(|e| e.get_attribute("data-state"))
            .unwrap_or_default()
    }

    pub fn status_text(&self) -> String {
        self.find("status")
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }

    pub fn input(&self) -> HtmlInputElement {
        self.find("message-input").unwrap().dyn_into().unwrap()
    }

    pub fn click(&self, role: &str) {
        let button: HtmlElement = self
            .find(role)
            .unwrap_or_else(|| panic!("no {role}"))
            .dyn_into()
            .unwrap();
        button.click();
    }

    /// Types `text` and clicks Send.
    pub fn send(&self, text: &str) {
        self.input().set_value(text);
        self.click("send");
    }

    /// Types `text` and presses Enter.
    pub fn send_with_enter(&self, text: &str) {
        let input = self.input();
        input.set_value(text);
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("Enter");
        init.set_bubbles(true);
        let event =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        input.dispatch_event(&event).unwrap();
    }

    /// `(direction, status, text)` of every message, in display order.
    pub fn messages(&self) -> Vec<(String, String, String)> {
        let list = self
            .root
            .query_selector_all("[data-role=\"message\"]")
            .unwrap();
        (0..list.length())
            .filter_map(|i| list.get(i)?.dyn_into::<Element>().ok())
            .map(|m| {
                let attr = |a: &str| m.get_attribute(a).unwrap_or_default();
                let text = m
                    .query_selector("[data-role=\"message-text\"]")
                    .ok()
                    .flatten()
                    .and_then(|t| t.text_content())
                    .unwrap_or_default();
                (attr("data-direction"), attr("data-status"), text)
            })
            .collect()
    }

    pub fn texts(&self) -> Vec<String> {
        self.messages().into_iter().map(|(_, _, t)| t).collect()
    }

    /// An attribute of the status element (`data-state`, `data-server`, …).
    pub fn status_attribute(&self, attribute: &str) -> String {
        self.find("status")
            .and_then(|e| e.get_attribute(attribute))
            .unwrap_or_default()
    }

    pub fn detail(&self, attribute: &str) -> String {
        self.find("details")
            .and_then(|e| e.get_attribute(attribute))
            .unwrap_or_default()
    }
}

pub async fn sleep(ms: u32) {
    TimeoutFuture::new(ms).await;
}

/// Polls `done` until it holds, or panics after `timeout` with `what` and the last `show()`.
pub async fn wait_until(
    what: &str,
    timeout: Duration,
    mut done: impl FnMut() -> bool,
    show: impl Fn() -> String,
) {
    let start = js_sys::Date::now();
    while !done() {
        if js_sys::Date::now() - start > timeout.as_millis() as f64 {
            panic!(
                "timed out after {timeout:?} waiting for {what}; last seen: {}",
                show()
            );
        }
        sleep(20).await;
    }
}

pub async fn wait_state(chat: &Mounted, state: &str, timeout: Duration) {
    wait_until(
        &format!("state {state}"),
        timeout,
        || chat.state() == state,
        || chat.status_text(),
    )
    .await;
}

/// Calls a test endpoint (`POST` unless `get`), returning the body.
pub async fn call(base: &str, path: &str, get: bool) -> String {
    finish(base, path, start_call(base, path, get)).await
}

/// Sends the request now; `finish` waits for its answer. For work to do while it runs.
pub fn start_call(base: &str, path: &str, get: bool) -> JsFuture {
    let init = web_sys::RequestInit::new();
    init.set_method(if get { "GET" } else { "POST" });
    let window = web_sys::window().unwrap();
    JsFuture::from(window.fetch_with_str_and_init(&format!("http://{base}{path}"), &init))
}

pub async fn finish(base: &str, path: &str, call: JsFuture) -> String {
    let url = format!("http://{base}{path}");
    let response = call.await.unwrap_or_else(|e| panic!("{url}: {e:?}"));
    let response: web_sys::Response = response.dyn_into().unwrap();
    assert!(response.ok(), "{url}: HTTP {}", response.status());
    let text = JsFuture::from(response.text().unwrap()).await.unwrap();
    text.as_string().unwrap_or_default()
}

pub async fn live_connections(room: &str) -> usize {
    let body = call(SERVER, &format!("/_test/connections?room={room}"), true).await;
    body.trim()
        .parse()
        .unwrap_or_else(|_| panic!("connections: {body:?}"))
}

pub const SHORT: Duration = Duration::from_secs(10);

/// Polls the server until `room` has `want` live connections.
pub async fn wait_connections(room: &str, want: usize) {
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

/// Waits until `reader` shows exactly `sent` and `writer` has every message acked, then checks
/// that nothing arrives a second time.
pub async fn expect_delivered_once<S: AsRef<str>>(writer: &Mounted, reader: &Mounted, sent: &[S]) {
    let sent: Vec<String> = sent.iter().map(|s| s.as_ref().to_owned()).collect();
    let arrived = || reader.texts() == sent;
    wait_until("delivery", Duration::from_secs(20), arrived, || {
        format!("{:?}", reader.texts())
    })
    .await;
    let acked = || writer.messages().iter().all(|m| m.1 == "delivered");
    wait_until("acks", SHORT, acked, || format!("{:?}", writer.messages())).await;
    sleep(500).await;
    assert_eq!(reader.texts(), sent, "nothing arrives twice");
}

/// Two chats in a fresh room named after `name` on `server`, both open.
pub async fn open_pair(server: &str, name: &str) -> (Mounted, Mounted) {
    open_pair_with(server, name, DisplayConfig::default()).await
}

/// [`open_pair`], with chats that keep and render as much as `display` says.
pub async fn open_pair_with(
    server: &str,
    name: &str,
    display: DisplayConfig,
) -> (Mounted, Mounted) {
    let url = room_url(server, &room(name));
    open_pair_on(&url, &url, name, display).await
}

/// Two chats on URLs of their own (each may be a list of servers) and waits until both are
/// open.
pub async fn open_pair_on(
    a_url: &str,
    b_url: &str,
    name: &str,
    display: DisplayConfig,
) -> (Mounted, Mounted) {
    let (a, b) = (
        mount_with(a_url, &format!("{name}-a"), display),
        mount_with(b_url, &format!("{name}-b"), display),
    );
    wait_state(&a, "open", SHORT).await;
    wait_state(&b, "open", SHORT).await;
    (a, b)
}
