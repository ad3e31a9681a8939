//! One row of the message list. A row is a component of its own so that, when its entry is the
//! same `Rc` as in the last render, Yew skips it: a new message costs one new row, not a
//! rebuild of the list. Text is always rendered as text (a text node), so markup in a message is
//! shown, never interpreted; so are sender names, which anyone can choose.

use super::listener::use_click;
use crate::core::view::days::DayLabel;
use crate::core::view::entry::{clock_time, failed_action_labels, Entry, OutStatus};
use crate::core::view::links::{pieces, Piece};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MessageRowProps {
    pub entry: Rc<Entry>,
    /// The sender line above this row, when it starts a run (decided by the core).
    #[prop_or_default]
    pub sender: Option<Rc<str>>,
    /// The day separator above this row, when it starts a day (decided by the core).
    #[prop_or_default]
    pub day: Option<DayLabel>,
    /// The "New messages" divider above this row: the first unread when the chat joined.
    #[prop_or_default]
    pub divider: bool,
    /// "Retry" and "Remove" on a failed message of ours, by its id.
    pub on_retry: Callback<Rc<str>>,
    pub on_remove: Callback<Rc<str>>,
}

#[function_component]
pub fn MessageRow(props: &MessageRowProps) -> Html {
    // Aligned with the messages it names: ours on the right, others' on the left.
    let direction = match &*props.entry {
        Entry::Out { .. } => "out",
        _ => "in",
    };
    let sender = props.sender.as_ref().map(|name| {
        html! {
            <div key="sender" class="ws-chat-sender" data-role="sender" data-direction={direction}>
                { name.to_string() }
            </div>
        }
    });
    let row = match &*props.entry {
        Entry::Out {
            id,
            text,
            status,
            seq,
            at,
            ..
        } => {
            let reason = match status {
                OutStatus::Failed(reason) => Some(reason.clone()),
                _ => None,
            };
            let actions = reason.is_some().then(|| {
                html! {
                    <FailedActions id={id.clone()} text={text.clone()}
                        on_retry={props.on_retry.clone()} on_remove={props.on_remove.clone()} />
                }
            });
            html! {
                <div key="row" class="ws-chat-message" data-role="message" data-direction="out"
                    data-status={status.as_str()} data-seq={seq.map(|s| s.to_string())}
                    data-reason={reason.clone()} title={reason.clone()}>
                    { message_text(text) }
                    <span class="ws-chat-meta" data-role="message-meta">
                        { time(*at) }
                        { status.text() }
                    </span>
                    { for actions }
                </div>
            }
        }
        Entry::In { text, seq, at, .. } => html! {
            <div key="row" class="ws-chat-message" data-role="message" data-direction="in"
                data-seq={seq.map(|s| s.to_string())}>
                { message_text(text) }
                <span class="ws-chat-meta" data-role="message-meta">{ time(*at) }</span>
            </div>
        },
        Entry::Notice { kind, text, .. } => html! {
            <div key="row" class="ws-chat-notice" data-role="notice" data-kind={kind.as_str()}>
                { text.clone() }
            </div>
        },
    };
    let day = props.day.map(day_separator);
    let divider = props.divider.then(|| {
        html! {
            <div key="unread" class="ws-chat-unread-divider" data-role="unread-divider" role="separator">
                { "New messages" }
            </div>
        }
    });
    // All are keyed: the separators and the sender line come and go as the window moves
    // (they head its first row), and the row's element must stay the same one, for the list
    // to keep the reader's place by it.
    html! { <>{ for day }{ for divider }{ for sender }{ row }</> }
}

/// A separator row: "Today", "Yesterday", or the date in the reader's locale and time zone
/// (the browser formats it, which keeps date formatting out of the wasm).
fn day_separator(label: DayLabel) -> Html {
    let text = match label {
        DayLabel::Today => "Today".to_owned(),
        DayLabel::Yesterday => "Yesterday".to_owned(),
        DayLabel::On(at) => {
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"full".into());
            String::from(
                js_sys::Date::new(&JsValue::from_f64(at as f64))
                    .to_locale_date_string("default", &options),
            )
        }
    };
    html! {
        <div key="day" class="ws-chat-day" data-role="day" role="separator">{ text }</div>
    }
}

/// The message's text, with its URLs as links (see [`crate::core::view::links`]); for a
/// deleted one (whose text is empty: no message is stored
/// empty), "message deleted", marked `data-deleted`.
fn message_text(text: &Rc<str>) -> Html {
    if text.is_empty() {
        return html! {
            <span class="ws-chat-deleted" data-role="message-text" data-deleted="">
                { "message deleted" }
            </span>
        };
    }
    let pieces = pieces(text);
    if let [Piece::Text(_)] = pieces[..] {
        return html! { <span data-role="message-text">{ text.clone() }</span> };
    }
    html! {
        <span data-role="message-text">
            { for pieces.into_iter().map(|piece| match piece {
                Piece::Text(part) => html! { { part } },
                // Yew sets `href` as an attribute on an element it creates: nothing is parsed
                // as HTML, and the core only lets `http`, `https` and `mailto` through.
                Piece::Link(url) => html! {
                    <a href={url.to_owned()} target="_blank" rel="noopener noreferrer nofollow">{ url }</a>
                },
            }) }
        </span>
    }
}

/// `<time>` with the local `HH:MM`, the exact instant in `datetime` (UTC, ISO 8601) and the
/// full local date and time as a tooltip. The browser's own `Date` does the time-zone work,
/// which keeps date formatting code out of the wasm.
fn time(at: u64) -> Html {
    let date = js_sys::Date::new(&JsValue::from_f64(at as f64));
    let short = clock_time(date.get_hours(), date.get_minutes());
    let iso = String::from(date.to_iso_string());
    let full = String::from(date.to_locale_string("default", &JsValue::UNDEFINED));
    html! {
        <time class="ws-chat-time" data-role="time" datetime={iso} title={full}>{ short }</time>
    }
}

#[derive(Properties, PartialEq)]
struct FailedActionsProps {
    id: Rc<str>,
    text: Rc<str>,
    on_retry: Callback<Rc<str>>,
    on_remove: Callback<Rc<str>>,
}

/// "Retry" and "Remove" for a failed message, named after the message they act on.
#[function_component]
fn FailedActions(props: &FailedActionsProps) -> Html {
    let FailedActionsProps {
        id,
        text,
        on_retry,
        on_remove,
    } = props;
    let (retry_label, remove_label) = failed_action_labels(text);
    let retry = {
        let (id, on_retry) = (id.clone(), on_retry.clone());
        Callback::from(move |_: Event| on_retry.emit(id.clone()))
    };
    let remove = {
        let (id, on_remove) = (id.clone(), on_remove.clone());
        Callback::from(move |_: Event| on_remove.emit(id.clone()))
    };
    let (retry_button, remove_button) = (use_node_ref(), use_node_ref());
    use_click(&retry_button, retry);
    use_click(&remove_button, remove);
    html! {
        <span class="ws-chat-failed-actions">
            <button ref={retry_button} type="button" data-role="retry"
                aria-label={retry_label}>{ "Retry" }</button>
            <button ref={remove_button} type="button" data-role="remove"
                aria-label={remove_label}>{ "Remove" }</button>
        </span>
    }
}
