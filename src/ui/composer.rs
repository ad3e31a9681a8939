//! The input box and send button. Emits the text to send; knows nothing of sockets.

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    pub on_send: Callback<String>,
}

#[function_component]
pub fn Composer(props: &ComposerProps) -> Html {
    let input = use_node_ref();
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
    let onclick = send.reform(|_: MouseEvent| ());
    let onkeydown = {
        let send = send.clone();
        Callback::from(move |e: KeyboardEvent| {
            // Enter sends, unless an input method is still composing the text.
            if e.key() == "Enter" && !e.is_composing() {
                e.prevent_default();
                send.emit(());
            }
        })
    };
    html! {
        <div class="ws-chat-composer">
            <input ref={input} type="text" data-role="message-input" aria-label="Message" {onkeydown} />
            <button type="button" data-role="send" {onclick}>{ "Send" }</button>
        </div>
    }
}
