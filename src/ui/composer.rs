//! The input box and send button. Emits the text to send, and whether the user is typing;
//! knows nothing of sockets.

use super::listener::{use_click, use_listener};
use gloo_events::EventListenerOptions;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    pub on_send: Callback<String>,
    /// `true`: a keystroke left text in the box; `false`: the box was emptied or left.
    pub on_typing: Callback<bool>,
}

#[function_component]
pub fn Composer(props: &ComposerProps) -> Html {
    let input = use_node_ref();
    let button = use_node_ref();
    let send = {
        let (input, on_send) = (input.clone(), props.on_send.clone());
        Callback::from(move |()| {
            let Some(el) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let text = el.value();
            if text.is_empty() {
                return;
            }
            el.set_value("");
            on_send.emit(text);
        })
    };
    // After a click, typing goes on in the input.
    let onclick = {
        let input = input.clone();
        send.reform(move |_: Event| {
            if let Some(el) = input.cast::<HtmlInputElement>() {
                let _ = el.focus();
            }
        })
    };
    let onkeydown = {
        let send = send.clone();
        Callback::from(move |e: Event| {
            let e: &KeyboardEvent = e.unchecked_ref();
            // Enter sends, unless an input method is still composing the text.
            if e.key() == "Enter" && !e.is_composing() {
                e.prevent_default();
                send.emit(());
            }
        })
    };
    let oninput = {
        let (input, on_typing) = (input.clone(), props.on_typing.clone());
        Callback::from(move |_: Event| {
            if let Some(el) = input.cast::<HtmlInputElement>() {
                on_typing.emit(!el.value().is_empty());
            }
        })
    };
    let passive = EventListenerOptions::default;
    use_listener(&input, "input", passive(), oninput);
    use_listener(&input, "blur", passive(), props.on_typing.reform(|_| false));
    use_click(&button, onclick);
    use_listener(
        &input,
        "keydown",
        EventListenerOptions::enable_prevent_default(),
        onkeydown,
    );
    html! {
        <div class="ws-chat-composer">
            <input ref={input} type="text" class="ws-chat-input" data-role="message-input"
                aria-label="Message" placeholder="Message" autocomplete="off" enterkeyhint="send" />
            <button ref={button} type="button" class="ws-chat-send" data-role="send">{ "Send" }</button>
        </div>
    }
}
