//! One row of the message list. A row is a component of its own so that, when its entry is the
//! same `Rc` as in the last render, Yew skips it: a new message costs one new row, not a
//! rebuild of the list. Text is always rendered as text (a text node), so markup in a message is
//! shown, never interpreted.

use crate::core::chat_state::{Entry, OutStatus};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MessageRowProps {
    pub entry: Rc<Entry>,
}

#[function_component]
pub fn MessageRow(props: &MessageRowProps) -> Html {
    match &*props.entry {
        Entry::Out {
            text, status, seq, ..
        } => {
            let reason = match status {
                OutStatus::Failed(reason) => Some(reason.clone()),
                _ => None,
            };
            html! {
                <div class="ws-chat-message" data-role="message" data-direction="out"
                    data-status={status.as_str()} data-seq={seq.map(|s| s.to_string())}
                    data-reason={reason.clone()} title={reason.clone()}>
                    <span data-role="message-text">{ text.clone() }</span>
                    <span class="ws-chat-meta" data-role="message-meta">
                        { reason.map_or_else(|| status.as_str().to_owned(), |r| format!("failed: {r}")) }
                    </span>
                </div>
            }
        }
        Entry::In { text, seq, .. } => html! {
            <div class="ws-chat-message" data-role="message" data-direction="in"
                data-seq={seq.map(|s| s.to_string())}>
                <span data-role="message-text">{ text.clone() }</span>
            </div>
        },
        Entry::Notice { kind, text, .. } => html! {
            <div class="ws-chat-notice" data-role="notice" data-kind={kind.as_str()}>
                { text.clone() }
            </div>
        },
    }
}
