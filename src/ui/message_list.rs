//! The message list, newest last. Text is always rendered as text: Yew sets it as a text node,
//! so markup in a message is shown, never interpreted.

use crate::core::chat_state::{Entry, OutStatus};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MessageListProps {
    pub entries: Vec<Entry>,
}

#[function_component]
pub fn MessageList(props: &MessageListProps) -> Html {
    let list = use_node_ref();
    // Keep the newest message in view as the list grows.
    {
        let list = list.clone();
        use_effect_with(props.entries.len(), move |_| {
            if let Some(el) = list.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    html! {
        <div class="ws-chat-messages" data-role="messages" ref={list} aria-live="polite">
            { for props.entries.iter().map(entry) }
        </div>
    }
}

fn entry(e: &Entry) -> Html {
    match e {
        Entry::Out {
            id,
            text,
            status,
            seq,
        } => {
            let reason = match status {
                OutStatus::Failed(reason) => Some(reason.clone()),
                _ => None,
            };
            html! {
                <div key={format!("o{id}")} class="ws-chat-message" data-role="message" data-direction="out"
                    data-status={status.as_str()} data-seq={seq.map(|s| s.to_string())}
                    data-reason={reason.clone()} title={reason.clone()}>
                    <span data-role="message-text">{ text.to_string() }</span>
                    <span class="ws-chat-meta" data-role="message-meta">
                        { reason.map_or_else(|| status.as_str().to_owned(), |r| format!("failed: {r}")) }
                    </span>
                </div>
            }
        }
        Entry::In { key, text, seq } => html! {
            <div key={format!("i{key}")} class="ws-chat-message" data-role="message" data-direction="in"
                data-seq={seq.map(|s| s.to_string())}>
                <span data-role="message-text">{ text.to_string() }</span>
            </div>
        },
        Entry::Notice { key, kind, text } => html! {
            <div key={format!("n{key}")} class="ws-chat-notice" data-role="notice" data-kind={kind.as_str()}>
                { text.to_string() }
            </div>
        },
    }
}
