//! The connection status, its controls, and the negotiated-handshake details line.

use super::listener::use_click;
use crate::browser::page;
use crate::core::reconnect::Phase;
use crate::core::sign_in::SignedInUser;
use crate::core::view::status::{details_text, Details, ServerShown, StatusView};
use crate::core::view::update::DeliveryStats;
use gloo_timers::callback::Interval;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StatusBarProps {
    pub phase: Phase,
    pub server: Option<ServerShown>,
    /// Who the server signed the chat in as.
    pub user: Option<SignedInUser>,
    pub on_retry_now: Callback<()>,
    /// `true`: connect; `false`: disconnect.
    pub on_toggle: Callback<bool>,
}

#[function_component]
pub fn StatusBar(props: &StatusBarProps) -> Html {
    let refresh = use_force_update();
    // While waiting, redraw a few times a second so "retrying in N s" counts down.
    let waiting = matches!(props.phase, Phase::Waiting { .. });
    use_effect_with(waiting, move |&waiting| {
        let interval = waiting.then(|| Interval::new(250, move || refresh.force_update()));
        move || drop(interval)
    });
    let view = StatusView::new(&props.phase, props.server.as_ref(), page::now())
        .signed_in_as(&props.phase, props.user.as_ref());
    let retry = props.on_retry_now.reform(|_: Event| ());
    let stopped = view.stopped;
    let toggle = props.on_toggle.reform(move |_: Event| stopped);
    let (retry_button, toggle_button) = (use_node_ref(), use_node_ref());
    use_click(&retry_button, retry);
    use_click(&toggle_button, toggle);
    let attempt = match props.phase {
        Phase::Connecting { attempt } | Phase::Waiting { attempt, .. } => Some(attempt.to_string()),
        _ => None,
    };
    html! {
        // A polite live region: a change of phase is announced; the countdown is hidden from
        // screen readers, or it would be announced every second.
        <div class="ws-chat-status" data-role="status" role="status" data-state={view.state} data-attempt={attempt} data-server={view.server.map(AttrValue::from)}
            data-user={view.user}>
            <span class="ws-chat-status-text" data-role="status-text">
                { view.text }
                if let Some(countdown) = view.countdown {
                    <span aria-hidden="true">{ countdown }</span>
                }
            </span>
            if view.can_retry_now {
                <button ref={retry_button} type="button" data-role="reconnect">{ "Reconnect now" }</button>
            }
            <button ref={toggle_button} type="button" data-role="toggle">
                { if view.stopped { "Connect" } else { "Disconnect" } }
            </button>
        </div>
    }
}

/// `wschat.v1 · permessage-deflate`, or `plain text`: what the handshake settled on. A plain
/// function rather than a component: one `div`, and a component costs kilobytes of wasm.
pub fn details_line(details: Option<&Details>, stats: DeliveryStats) -> Html {
    let DeliveryStats {
        sent,
        delivered,
        duplicates,
        gaps,
    } = stats;
    let text = details.map(details_text);
    html! {
        <div class="ws-chat-details" data-role="details"
            data-protocol={details.map(|d| d.protocol.clone())}
            data-extensions={details.map(|d| d.extensions.clone())}
            data-sent={sent.to_string()} data-delivered={delivered.to_string()}
            data-duplicates={duplicates.to_string()} data-gaps={gaps.to_string()}>
            { text.unwrap_or_default() }
        </div>
    }
}
