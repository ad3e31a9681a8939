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
    let detached = props.rows.detached;
    // Where the first and last rendered rows were (by seq) after the last render: once the
    // reader is not following, when rows went in or out above them (earlier or later rows
    // came, a page of older ones arrived), the list scrolls by as much as they moved, so what
    // the reader sees stays put. The browser's own scroll anchoring is off: it does not anchor
    // at the very top, which is where earlier rows come in. Found by seq, not kept as
    // elements: Yew may build a row's element anew.
    let placed: Rc<RefCell<Option<Placed>>> = use_mut_ref(|| None);
    let first_key = props.rows.entries.first().map(|e| e.key());
    let ends = (
        props.rows.entries.first().and_then(|e| e.seq()),
        props.rows.entries.last().and_then(|e| e.seq()),
    );
    // Once per render (at most once per animation frame): keep the newest row in view, or
    // the rows the reader sees where they are.
    {
        let (list, placed) = (list.clone(), placed.clone());
        use_effect(move || {
            let Some(el) = list.cast::<Element>() else {
                return;
            };
            let before = placed.take();
            if following {
                el.set_scroll_top(el.scroll_height());
            } else if let Some(before) = before.filter(|b| Some(b.first_key) != first_key) {
                let moved = [before.first, before.last]
                    .into_iter()
                    .flatten()
                    .find_map(|(seq, top)| Some(row_by_seq(&el, seq)?.offset_top() - top));
                if let Some(moved) = moved.filter(|&m| m != 0) {
                    el.set_scroll_top(el.scroll_top() + moved);
                }
            }
            // Recorded while following too: scrolling from the bottom straight to the top stops
            // following and asks for earlier rows in one go.
            let at =
                |seq: Option<u64>| seq.and_then(|s| Some((s, row_by_seq(&el, s)?.offset_top())));
            *placed.borrow_mut() = first_key.map(|first_key| Placed {
                first_key,
                first: at(ends.0),
                last: at(ends.1),
            });
        });
    }
    // Scrolling tells the state whether the reader follows the newest message (a render
    // reads the two rows' offsets once, after the layout it needs anyway).
    let onscroll = {
        let (list, on_view) = (list.clone(), props.on_view.clone());
        Callback::from(move |_: Event| {
            let Some(el) = list.cast::<Element>() else {
                return;
            };
            let at_bottom =
                el.scroll_height() - el.scroll_top() - el.client_height() <= AT_NEWEST_SLACK;
            // At the bottom the reader follows the newest message again, unless the newest were
            // let go of (detached): then the later kept rows come instead.
            if at_bottom && detached {
                on_view.emit(ViewAction::ShowLater);
                return;
            }
            if at_bottom != following {
                on_view.emit(ViewAction::Scrolled {
                    at_newest: at_bottom,
                });
            }
            // Near the top, the earlier messages come by themselves.
            if !at_bottom && el.scroll_top() <= NEAR_TOP && offers_earlier {
                on_view.emit(ViewAction::ShowEarlier);
            }
        })
    };
    let show_earlier = props.on_view.reform(|_: Event| ViewAction::ShowEarlier);
    let jump = props.on_view.reform(|_: Event| ViewAction::JumpToNewest);
    let unseen = props.rows.unseen;
    let (earlier_button, new_button, latest_button) =
        (use_node_ref(), use_node_ref(), use_node_ref());
    use_listener(&list, "scroll", EventListenerOptions::default(), onscroll);
    use_click(&earlier_button, show_earlier);
    use_click(&new_button, jump.clone());
    use_click(&latest_button, jump);
    html! {
        <>
            // A log: screen readers announce each message added (politely), not the status
            // changes of messages already there.
            <div class="ws-chat-messages" data-role="messages" role="log" aria-live="polite"
                aria-relevant="additions" aria-label="Messages" tabindex="0" ref={list}>
                if offers_earlier {
                    <button ref={earlier_button} type="button" class="ws-chat-earlier" data-role="show-earlier"
                        data-from={(!props.rows.earlier).then_some("server")}>
                        { "Show earlier messages" }
                    </button>
                }
                { for props.rows.entries.iter().zip(&props.rows.senders).zip(&props.rows.days).enumerate().map(|(i, ((e, sender), day))| html! {
                    <MessageRow key={e.key()} entry={e.clone()} sender={sender.clone()} day={*day} divider={props.rows.divider == Some(i)}
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

/// Where two rendered rows were after a render: see [`MessageList`].
struct Placed {
    /// The first rendered entry's key then.
    first_key: u64,
    /// The first and the last row's seq and offset, when they have a seq.
    first: Option<(u64, i32)>,
    last: Option<(u64, i32)>,
}

/// The rendered message at `seq` in the list `el`.
fn row_by_seq(el: &Element, seq: u64) -> Option<HtmlElement> {
    el.query_selector(&format!("[data-seq=\"{seq}\"]"))
        .ok()
        .flatten()?
        .dyn_into()
        .ok()
}
