//! The chat component: status, details, messages and composer, wired to [`use_chat`].

use super::composer::Composer;
use super::message_list::MessageList;
use super::status_bar::{details_line, StatusBar};
use super::use_chat::{use_chat, ChatHandle, Controls, Placement};
use crate::core::message_window::DisplayConfig;
use crate::core::EngineConfig;
use yew::prelude::*;

/// The settings of a [`Chat`]. Every field has a default, so `<Chat />` alone is a chat with
/// the page's own `/ws`.
#[derive(Properties, PartialEq, Clone, Default)]
pub struct ChatProps {
    /// The server URL: `ws://`/`wss://` (or `http(s)://`, as browsers accept), or a path on the
    /// page's own host. Absent: the same origin's `/ws`. Several URLs separated by whitespace
    /// are servers sharing one room, which the chat fails over between.
    #[prop_or_default]
    pub url: Option<AttrValue>,
    /// The display name others see on this chat's messages (overrides `config`'s). A label
    /// anyone can choose, not an identity: nothing checks it.
    #[prop_or_default]
    pub name: Option<AttrValue>,
    /// The chat's heading, which also names its region for assistive technology. Absent: no
    /// heading, for a page whose own heading says what the chat is.
    #[prop_or_default]
    pub title: Option<AttrValue>,
    /// Let the page's `?ws=` parameter choose the server instead of `url`. Off by default: on
    /// a page that is not the chat's own, a link must never redirect the chat elsewhere.
    #[prop_or_default]
    pub allow_query_url: bool,
    /// Names this chat's saved outbox; defaults to the URL. Two chats on one page that talk to
    /// the same URL need different keys.
    #[prop_or_default]
    pub storage_key: Option<AttrValue>,
    /// Reconnect and delivery settings; out-of-range values stop the chat with a message that
    /// names the setting.
    #[prop_or_default]
    pub config: EngineConfig,
    /// How many messages are kept and rendered.
    #[prop_or_default]
    pub display: DisplayConfig,
}

/// A WebSocket chat: connection status, messages and a composer. It connects when mounted,
/// reconnects by itself, keeps what was typed until the server has it, and closes its socket
/// when unmounted.
#[function_component]
pub fn Chat(props: &ChatProps) -> Html {
    let chat = use_chat(props, &Placement::default());
    view(props, &chat)
}

/// What the embed script mounts: a [`Chat`] with where it was put.
#[derive(Properties, PartialEq, Clone)]
pub struct EmbeddedChatProps {
    pub chat: ChatProps,
    pub placement: Placement,
}

/// A [`Chat`] put into a host page by the embed script.
#[function_component]
pub fn EmbeddedChat(props: &EmbeddedChatProps) -> Html {
    let chat = use_chat(&props.chat, &props.placement);
    view(&props.chat, &chat)
}

fn view(props: &ChatProps, chat: &ChatHandle) -> Html {
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
        <div class="ws-chat" data-role="chat" role={props.title.as_ref().map(|_| "region")}
            aria-label={props.title.clone()}>
            if let Some(title) = &props.title {
                <h2 class="ws-chat-title" data-role="title">{ title.clone() }</h2>
            }
            <StatusBar phase={state.phase.clone()} server={state.server.clone()} {on_retry_now} {on_toggle} />
            { details_line(state.details.as_ref(), state.stats) }
            if let Some(error) = state.unusable() {
                <div class="ws-chat-error" data-role="error" role="alert">{ error.to_owned() }</div>
            }
            <MessageList rows={state.rows()} {on_view} {on_retry_message} {on_remove_message} />
            <Composer {on_send} />
        </div>
    }
}
