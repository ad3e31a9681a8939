//! `use_chat_connection`: a UI of one's own, with none of ws-chat's markup, driven through a
//! real server next to a built-in chat in the same room.

use super::support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use ws_chat::view::{Entry, OutStatus};
use ws_chat::{use_chat_connection, ConnectionOptions};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
struct TinyProps {
    options: ConnectionOptions,
}

/// The smallest custom chat: a status line, a list, an input and three buttons.
#[function_component]
fn TinyChat(props: &TinyProps) -> Html {
    let chat = use_chat_connection(&props.options);
    let input = use_node_ref();
    let send = {
        let (chat, input) = (chat.clone(), input.clone());
        Callback::from(move |_: MouseEvent| {
            let field = input.cast::<HtmlInputElement>().expect("the input");
            chat.send(field.value());
            field.set_value("");
        })
    };
    let disconnect = {
        let chat = chat.clone();
        Callback::from(move |_: MouseEvent| chat.disconnect())
    };
    let connect = {
        let chat = chat.clone();
        Callback::from(move |_: MouseEvent| chat.connect())
    };
    let status = chat.status();
    let entries = chat.entries();
    let rows = entries.iter().map(|entry| {
        let (direction, status) = match &**entry {
            Entry::Out { status, .. } => ("out", status.as_str()),
            _ => ("in", ""),
        };
        html! {
            <li key={entry.key()} class="tiny-row" data-direction={direction} data-status={status}>
                { entry.text().to_owned() }
            </li>
        }
    });
    html! {
        <section class="tiny">
            <p class="tiny-status" data-state={status.state}>{ status.text }</p>
            <ol class="tiny-list">{ for rows }</ol>
            <input class="tiny-input" ref={input} />
            <button class="tiny-send" onclick={send}>{ "send" }</button>
            <button class="tiny-disconnect" onclick={disconnect}>{ "off" }</button>
            <button class="tiny-connect" onclick={connect}>{ "on" }</button>
        </section>
    }
}

/// The custom chat, mounted; unmounted on drop.
struct Tiny {
    root: Element,
    handle: Option<yew::AppHandle<TinyChat>>,
}

impl Drop for Tiny {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
    }
}

impl Tiny {
    fn mount(options: ConnectionOptions) -> Tiny {
        let document = web_sys::window().unwrap().document().unwrap();
        let root = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        let props = TinyProps { options };
        let handle = yew::Renderer::<TinyChat>::with_root_and_props(root.clone(), props).render();
        Tiny {
            root,
            handle: Some(handle),
        }
    }

    /// The element of `class`, once Yew has rendered it.
    fn find(&self, class: &str) -> Option<Element> {
        self.root.query_selector(&format!(".{class}")).unwrap()
    }

    fn state(&self) -> String {
        self.find("tiny-status")
            .and_then(|e| e.get_attribute("data-state"))
            .unwrap_or_default()
    }

    fn click(&self, class: &str) {
        let button = self.find(class).unwrap_or_else(|| panic!("no .{class}"));
        button.dyn_into::<HtmlElement>().unwrap().click();
    }

    fn send(&self, text: &str) {
        let input = self.find("tiny-input").expect("the input");
        let input: HtmlInputElement = input.dyn_into().unwrap();
        input.set_value(text);
        self.click("tiny-send");
    }

    /// `(direction, status, text)` of every row, in order.
    fn rows(&self) -> Vec<(String, String, String)> {
        let list = self.root.query_selector_all(".tiny-row").unwrap();
        (0..list.length())
            .filter_map(|i| list.get(i)?.dyn_into::<Element>().ok())
            .map(|row| {
                let attr = |a: &str| row.get_attribute(a).unwrap_or_default();
                let text = row.text_content().unwrap_or_default();
                (attr("data-direction"), attr("data-status"), text)
            })
            .collect()
    }

    async fn wait_state(&self, state: &str) {
        let text = || {
            self.find("tiny-status")
                .and_then(|e| e.text_content())
                .unwrap_or_default()
        };
        wait_until(
            &format!("state {state}"),
            SHORT,
            || self.state() == state,
            text,
        )
        .await;
    }
}

#[wasm_bindgen_test]
async fn a_custom_ui_sends_receives_disconnects_and_keeps_what_was_typed() {
    let room = room("headless");
    let url = room_url(SERVER, &room);
    let tiny = Tiny::mount(
        ConnectionOptions::default()
            .url(url.as_str())
            .name("Tiny")
            .storage_key("headless-tiny"),
    );
    let bob = mount_named(&url, "headless-bob", "Bob");
    tiny.wait_state("open").await;
    wait_state(&bob, "open", SHORT).await;
    wait_connections(&room, 2).await;

    // Out through the custom UI, delivered and acked; in from the built-in chat.
    tiny.send("from the custom ui");
    let delivered = |text: &str| ("out".to_owned(), "delivered".to_owned(), text.to_owned());
    wait_until(
        "the ack",
        SHORT,
        || tiny.rows() == [delivered("from the custom ui")],
        || format!("{:?}", tiny.rows()),
    )
    .await;
    wait_until(
        "the message at bob",
        SHORT,
        || bob.texts() == ["from the custom ui"],
        || format!("{:?}", bob.texts()),
    )
    .await;
    bob.send("hello tiny");
    let received = ("in".to_owned(), String::new(), "hello tiny".to_owned());
    wait_until(
        "bob's message",
        SHORT,
        || tiny.rows().last() == Some(&received),
        || format!("{:?}", tiny.rows()),
    )
    .await;

    // Disconnected by hand: the socket goes, what is typed waits as queued, and goes out once
    // on connecting again.
    tiny.click("tiny-disconnect");
    tiny.wait_state("closed").await;
    wait_connections(&room, 1).await;
    tiny.send("typed while off");
    let queued = (
        "out".to_owned(),
        OutStatus::Queued.as_str().to_owned(),
        "typed while off".to_owned(),
    );
    wait_until(
        "the message shown as queued",
        SHORT,
        || tiny.rows().last() == Some(&queued),
        || format!("{:?}", tiny.rows()),
    )
    .await;
    tiny.click("tiny-connect");
    tiny.wait_state("open").await;
    wait_until(
        "the queued message at bob",
        SHORT,
        || bob.texts().last().map(String::as_str) == Some("typed while off"),
        || format!("{:?}", bob.texts()),
    )
    .await;
    wait_until(
        "its ack",
        SHORT,
        || tiny.rows().last() == Some(&delivered("typed while off")),
        || format!("{:?}", tiny.rows()),
    )
    .await;
    sleep(300).await;
    assert_eq!(
        bob.texts(),
        ["from the custom ui", "hello tiny", "typed while off"],
        "each message once, in order"
    );

    // Unmounting the custom UI closes its socket.
    drop(tiny);
    wait_connections(&room, 1).await;
}
