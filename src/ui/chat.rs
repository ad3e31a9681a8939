//! The chat component: status, details, messages and composer, wired to [`use_chat`].

use super::composer::Composer;
use super::message_list::MessageList;
use super::status_bar::{details_line, StatusBar};
use super::use_chat::{use_chat, Controls};
use crate::core::message_window::DisplayConfig;
use crate::core::EngineConfig;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone, Default)]
pub struct ChatProps {
    /// The server URL, used unless the page has `?ws=`. Absent: the same origin's `/ws`.
    #[prop_or_default]
    pub url: Option<AttrValue>,
    /// Names this chat's saved outbox; defaults to the URL. Two chats on one page that talk to
    /// the same URL need different keys.
    #[prop_or_default]
    pub storage_key: Option<AttrValue>,
    /// The display name others see on this chat's messages (overrides `config`'s). A label
    /// anyone can choose, not an identity: nothing checks it.
    #[prop_or_default]
    pub name: Option<AttrValue>,
    #[prop_or_default]
    pub config: EngineConfig,
    /// How many messages are kept and rendered.
    #[prop_or_default]
    pub display: DisplayConfig,
}

#[function_component]
pub fn Chat(props: &ChatProps) -> Html {
    let chat = use_chat(
        props.url.clone(),
        props.storage_key.clone(),
        props.name.clone(),
        props.config.clone(),
        props.display,
    );
    let Controls {
        on_send,
        on_retry_now,
        on_retry_message,
        on_remove_message,
        on_toggle,
        on_view,
    } = (*chat.controls).clone();
    let live = chat.live.borrow();
    let state = &live.state;
    html! {
        <div class="ws-chat" data-role="chat">
            <StatusBar phase={state.phase.clone()} {on_retry_now} {on_toggle} />
            { details_line(state.details.as_ref(), state.stats) }
            if let Some(error) = state.unusable() {
                <div class="ws-chat-error" data-role="error" role="alert">{ error.to_owned() }</div>
            }
            <MessageList rows={state.rows()} {on_view} {on_retry_message} {on_remove_message} />
            <Composer {on_send} />
        </div>
    }
}
