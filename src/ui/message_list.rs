//! The message list, newest last: a bounded window of rows (see
//! [`crate::core::view::message_window`]), kept scrolled to the newest message while the reader
//! follows it, with "show earlier" above and "N new messages" below while they read back.

use super::listener::{use_click, use_listener};
use super::message_row::MessageRow;
use crate::core::view::message_window::Rows;
use crate::core::view::update::ViewAction;
use gloo_events::EventListenerOptions;
use std::rc::Rc;
use web_sys::Element;
use yew::prelude::*;

/// How close to the bottom, in CSS pixels, still counts as reading the newest message.
const AT_NEWEST_SLACK: i32 = 24;

#[derive(Properties, PartialEq)]
pub struct MessageListProps {
    pub rows: Rows,
    /// Scrolling, "show earlier" and "N new messages" change what is rendered.
    pub on_view: Callback<ViewAction>,
    /// "Retry" and "Remove" on a failed message, by its id.
    pub on_retry_message: Callback<Rc<str>>,
    pub on_remove_message: Callback<Rc<str>>,
}

#[function_component]
pub fn MessageList(props: &MessageListProps) -> Html {
    let list = use_node_ref();
    let following = props.rows.following;
    // Scrolling tells the state whether the reader follows the newest message. Only a real
    // scroll reads layout, never a new message.
    let onscroll = {
        let (list, on_view) = (list.clone(), props.on_view.clone());
        Callback::from(move |_: Event| {
            let Some(el) = list.cast::<Element>() else {
                return;
            };
            let gap = el.scroll_height() - el.scroll_top() - el.client_height();
            let at_newest = gap <= AT_NEWEST_SLACK;
            if at_newest != following {
                on_view.emit(ViewAction::Scrolled { at_newest });
            }
        })
    };
    // Once per render (at most once per animation frame), keep the newest row in view.
    {
        let list = list.clone();
        use_effect(move || {
            if following {
                if let Some(el) = list.cast::<Element>() {
                    el.set_scroll_top(el.scroll_height());
                }
            }
        });
    }
    let show_earlier = props.on_view.reform(|_: Event| ViewAction::ShowEarlier);
    let jump = props.on_view.reform(|_: Event| ViewAction::JumpToNewest);
    let unseen = props.rows.unseen;
    let (earlier_button, new_button) = (use_node_ref(), use_node_ref());
    use_listener(&list, "scroll", EventListenerOptions::default(), onscroll);
    use_click(&earlier_button, show_earlier);
    use_click(&new_button, jump);
    html! {
        <>
            // A log: screen readers announce each message added (politely), not the status
            // changes of messages already there.
            <div class="ws-chat-messages" data-role="messages" role="log" aria-live="polite"
                aria-relevant="additions" aria-label="Messages" tabindex="0" ref={list}>
                if props.rows.earlier {
                    <button ref={earlier_button} type="button" class="ws-chat-earlier" data-role="show-earlier">
                        { "Show earlier messages" }
                    </button>
                }
                { for props.rows.entries.iter().zip(&props.rows.senders).zip(&props.rows.days).map(|((e, sender), day)| html! {
                    <MessageRow key={e.key()} entry={e.clone()} sender={sender.clone()} day={*day}
                        on_retry={props.on_retry_message.clone()} on_remove={props.on_remove_message.clone()} />
                }) }
            </div>
            if !following && unseen > 0 {
                <button ref={new_button} type="button" class="ws-chat-new-messages" data-role="new-messages" data-count={unseen.to_string()}>
                    { if unseen == 1 { "1 new message".to_owned() } else { format!("{unseen} new messages") } }
                </button>
            }
        </>
    }
}
