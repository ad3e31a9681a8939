//! The message list, newest last: a bounded window of rows (see
//! [`crate::core::view::message_window`]), kept scrolled to the newest message while the reader
//! follows it, with "show earlier" above and "N new messages" below while they read back.

use super::listener::{use_click, use_listener};
use super::message_row::MessageRow;
use crate::core::view::message_window::Rows;
use crate::core::view::update::ViewAction;
use gloo_events::EventListenerOptions;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

/// How close to the bottom, in CSS pixels, still counts as reading the newest message.
const AT_NEWEST_SLACK: i32 = 24;

/// How close to the top, in CSS pixels, scrolling up asks for earlier messages.
const NEAR_TOP: i32 = 48;

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
    let offers_earlier = props.rows.earlier || props.rows.older;
    // Where the first rendered row was when the reader asked for earlier messages: once rows
    // went in above it, the list scrolls by as much as it moved, so what the reader sees
    // stays put (the browser's own scroll anchoring is off: it does not anchor at the very
    // top, where this happens).
    let pinned: Rc<RefCell<Option<(u64, HtmlElement, i32)>>> = use_mut_ref(|| None);
    let first_key = props.rows.entries.first().map(|e| e.key());
    // Once per render (at most once per animation frame), keep the newest row in view.
    {
        let (list, pinned) = (list.clone(), pinned.clone());
        use_effect(move || {
            let Some(el) = list.cast::<Element>() else {
                return;
            };
            if following {
                el.set_scroll_top(el.scroll_height());
                pinned.take();
            } else if pinned
                .borrow()
                .as_ref()
                .is_some_and(|(key, ..)| Some(*key) != first_key)
            {
                // A row no longer in the list has no place to keep.
                if let Some((_, row, top)) = pinned.take().filter(|(_, row, _)| row.is_connected())
                {
                    el.set_scroll_top(el.scroll_top() + row.offset_top() - top);
                }
            }
        });
    }
    // Asking for earlier messages pins the first row (a layout read, on the reader's action).
    let pin = {
        let (list, pinned) = (list.clone(), pinned.clone());
        move || {
            let row = list
                .cast::<Element>()
                .and_then(|el| {
                    el.query_selector("[data-role=message], [data-role=notice]")
                        .ok()
                        .flatten()
                })
                .and_then(|row| row.dyn_into::<HtmlElement>().ok());
            if let (Some(row), Some(key)) = (row, first_key) {
                let top = row.offset_top();
                *pinned.borrow_mut() = Some((key, row, top));
            }
        }
    };
    // Scrolling tells the state whether the reader follows the newest message. Only a real
    // scroll reads layout, never a new message.
    let onscroll = {
        let (list, on_view, pin) = (list.clone(), props.on_view.clone(), pin.clone());
        Callback::from(move |_: Event| {
            let Some(el) = list.cast::<Element>() else {
                return;
            };
            let gap = el.scroll_height() - el.scroll_top() - el.client_height();
            let at_newest = gap <= AT_NEWEST_SLACK;
            if at_newest != following {
                on_view.emit(ViewAction::Scrolled { at_newest });
            }
            // Near the top, the earlier messages come by themselves.
            if !at_newest && el.scroll_top() <= NEAR_TOP && offers_earlier {
                pin();
                on_view.emit(ViewAction::ShowEarlier);
            }
        })
    };
    let show_earlier = props.on_view.reform(move |_: Event| {
        pin();
        ViewAction::ShowEarlier
    });
    let jump = props.on_view.reform(|_: Event| ViewAction::JumpToNewest);
    let unseen = props.rows.unseen;
    let (earlier_button, new_button, latest_button) =
        (use_node_ref(), use_node_ref(), use_node_ref());
    use_listener(&list, "scroll", EventListenerOptions::default(), onscroll);
    use_click(&earlier_button, show_earlier);
    use_click(&new_button, jump.clone());
    use_click(&latest_button, jump);
    let detached = props.rows.detached;
    html! {
        <>
            // A log: screen readers announce each message added (politely), not the status
            // changes of messages already there.
            <div class="ws-chat-messages" data-role="messages" role="log" aria-live="polite"
                aria-relevant="additions" aria-label="Messages" tabindex="0" ref={list}>
                if offers_earlier {
                    <button ref={earlier_button} type="button" class="ws-chat-earlier" data-role="show-earlier">
                        { "Show earlier messages" }
                    </button>
                }
                { for props.rows.entries.iter().zip(&props.rows.senders).zip(&props.rows.days).map(|((e, sender), day)| html! {
                    <MessageRow key={e.key()} entry={e.clone()} sender={sender.clone()} day={*day}
                        on_retry={props.on_retry_message.clone()} on_remove={props.on_remove_message.clone()} />
                }) }
            </div>
            if detached {
                // The newest were let go of: this brings them back from the server.
                <button ref={latest_button} type="button" class="ws-chat-new-messages" data-role="jump-latest" data-count={unseen.to_string()}>
                    { if unseen == 0 { "Jump to latest".to_owned() } else { format!("Jump to latest ({unseen} new)") } }
                </button>
            } else if !following && unseen > 0 {
                <button ref={new_button} type="button" class="ws-chat-new-messages" data-role="new-messages" data-count={unseen.to_string()}>
                    { if unseen == 1 { "1 new message".to_owned() } else { format!("{unseen} new messages") } }
                </button>
            }
        </>
    }
}
