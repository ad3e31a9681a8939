//! The chat component: status, details, messages and composer, on a [`ChatConnection`].

use super::composer::Composer;
use super::connection::{use_placed_connection, ChatConnection, Placement};
use super::host_events::use_host_events;
use super::message_list::MessageList;
use super::status_bar::{details_line, StatusBar};
use crate::browser::page;
use crate::core::engine::config::EngineConfig;
use crate::core::options::ConnectionOptions;
use crate::core::servers::ServerUrls;
use crate::core::sign_in::TokenSource;
use crate::core::view::message_window::DisplayConfig;
use crate::core::view::presence_line::presence_line;
use crate::core::view::typing_line::typing_line;
use crate::core::view::update::ViewAction;
use std::rc::Rc;
use yew::html::IntoPropValue;
use yew::prelude::*;

/// The settings of a [`Chat`]. Every field has a default, so `<Chat />` alone is a chat with
/// the page's own `/ws`. Outside `html!`, start from `ChatProps::default()` and use the
/// setters, which have the fields' names.
#[derive(Properties, PartialEq, Clone, Default)]
#[non_exhaustive]
pub struct ChatProps {
    /// The server URL: `ws://`/`wss://` (or `http(s)://`, as browsers accept), or a path on the
    /// page's own host; or several, servers sharing one room, which the chat fails over
    /// between (a list, or one string with the URLs separated by whitespace). Empty: the same
    /// origin's `/ws`.
    #[prop_or_default]
    pub url: ServerUrls,
    /// The display name others see on this chat's messages (overrides `config`'s). A label
    /// anyone can choose, not an identity: nothing checks it.
    #[prop_or_default]
    pub name: Option<AttrValue>,
    /// The chat's heading, which also names its region for assistive technology. Absent: no
    /// heading, for a page whose own heading says what the chat is.
    #[prop_or_default]
    pub title: Option<AttrValue>,
    /// Show the unread count in the page's title, as `(3) Title`, while there is one. Off by
    /// default: the title is the host page's.
    #[prop_or_default]
    pub title_badge: bool,
    /// Let the page's `?ws=` parameter choose the server instead of `url`. Off by default: on
    /// a page that is not the chat's own, a link must never redirect the chat elsewhere.
    #[prop_or_default]
    pub allow_query_url: bool,
    /// Names this chat's saved outbox; defaults to the URLs. Two chats on one page that talk to
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
    /// Where the token comes from, for a server that signs users in (see [`TokenSource`]);
    /// `None`: a guest.
    #[prop_or_default]
    pub token: Option<TokenSource>,
    /// For a server that reads the token from the URL: the query parameter it goes in.
    #[prop_or_default]
    pub token_param: Option<AttrValue>,
}

impl ChatProps {
    /// Sets [`url`](Self::url): one URL, several separated by whitespace, or a list of them.
    #[must_use]
    pub fn url(mut self, url: impl Into<ServerUrls>) -> Self {
        self.url = url.into();
        self
    }

    /// Sets [`name`](Self::name).
    #[must_use]
    pub fn name(mut self, name: impl Into<AttrValue>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets [`title`](Self::title).
    #[must_use]
    pub fn title(mut self, title: impl Into<AttrValue>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets [`allow_query_url`](Self::allow_query_url).
    #[must_use]
    pub fn allow_query_url(mut self, allow: bool) -> Self {
        self.allow_query_url = allow;
        self
    }

    /// Sets [`title_badge`](Self::title_badge).
    #[must_use]
    pub fn title_badge(mut self, on: bool) -> Self {
        self.title_badge = on;
        self
    }

    /// Sets [`storage_key`](Self::storage_key).
    #[must_use]
    pub fn storage_key(mut self, key: impl Into<AttrValue>) -> Self {
        self.storage_key = Some(key.into());
        self
    }

    /// Sets [`config`](Self::config).
    #[must_use]
    pub fn config(mut self, config: EngineConfig) -> Self {
        self.config = config;
        self
    }

    /// Sets [`token`](Self::token).
    #[must_use]
    pub fn token(mut self, token: TokenSource) -> Self {
        self.token = Some(token);
        self
    }

    /// Sets [`token_param`](Self::token_param).
    #[must_use]
    pub fn token_param(mut self, param: impl Into<AttrValue>) -> Self {
        self.token_param = Some(param.into());
        self
    }

    /// Sets [`display`](Self::display).
    #[must_use]
    pub fn display(mut self, display: DisplayConfig) -> Self {
        self.display = display;
        self
    }

    /// The connection these props ask for.
    pub fn connection_options(&self) -> ConnectionOptions {
        let mut options = ConnectionOptions::default()
            .url(self.url.clone())
            .allow_query_url(self.allow_query_url)
            .config(self.config.clone())
            .display(self.display)
            .token(self.token.clone())
            .token_param(self.token_param.as_ref().map(|p| p.to_string()));
        if let Some(name) = &self.name {
            options = options.name(name.as_str());
        }
        if let Some(key) = &self.storage_key {
            options = options.storage_key(key.as_str());
        }
        options
    }
}

// `<Chat url="wss://…" />` and `<Chat url={vec![…]} />`: what the `url` prop takes.
impl IntoPropValue<ServerUrls> for &'static str {
    fn into_prop_value(self) -> ServerUrls {
        self.into()
    }
}

impl IntoPropValue<ServerUrls> for String {
    fn into_prop_value(self) -> ServerUrls {
        self.into()
    }
}

impl IntoPropValue<ServerUrls> for AttrValue {
    fn into_prop_value(self) -> ServerUrls {
        self.as_str().into()
    }
}

impl<S: AsRef<str>> IntoPropValue<ServerUrls> for Vec<S> {
    fn into_prop_value(self) -> ServerUrls {
        self.into()
    }
}

/// A WebSocket chat: connection status, messages and a composer. It connects when mounted,
/// reconnects by itself, keeps what was typed until the server has it, and closes its socket
/// when unmounted.
#[function_component]
pub fn Chat(props: &ChatProps) -> Html {
    use_chat_view(props, &Placement::default())
}

/// What the embed script mounts: a [`Chat`] with where it was put.
#[derive(Properties, PartialEq, Clone)]
pub(crate) struct EmbeddedChatProps {
    pub chat: ChatProps,
    pub placement: Placement,
}

/// A [`Chat`] put into a host page by the embed script.
#[function_component]
pub(crate) fn EmbeddedChat(props: &EmbeddedChatProps) -> Html {
    use_chat_view(&props.chat, &props.placement)
}

/// The callbacks of the chat's controls, made once per connection, so the components they are
/// handed to see unchanged props.
struct Controls {
    on_send: Callback<String>,
    on_typing: Callback<bool>,
    on_retry_now: Callback<()>,
    on_retry_message: Callback<Rc<str>>,
    on_remove_message: Callback<Rc<str>>,
    /// `true`: connect; `false`: disconnect.
    on_toggle: Callback<bool>,
    /// Scrolling, "show earlier", "N new messages": what is rendered, not the connection.
    on_view: Callback<ViewAction>,
}

impl Controls {
    fn new(chat: &ChatConnection) -> Self {
        let with = |f: fn(&ChatConnection)| {
            let chat = chat.clone();
            Callback::from(move |()| f(&chat))
        };
        let on_send = {
            let chat = chat.clone();
            Callback::from(move |text: String| chat.send(text))
        };
        let on_typing = {
            let chat = chat.clone();
            Callback::from(move |typing| chat.typing(typing))
        };
        let on_retry_message = {
            let chat = chat.clone();
            Callback::from(move |id: Rc<str>| chat.retry(&id))
        };
        let on_remove_message = {
            let chat = chat.clone();
            Callback::from(move |id: Rc<str>| chat.remove(&id))
        };
        let on_toggle = {
            let chat = chat.clone();
            Callback::from(move |connect| {
                if connect {
                    chat.connect();
                } else {
                    chat.disconnect();
                }
            })
        };
        let on_view = {
            let chat = chat.clone();
            Callback::from(move |action| chat.view(action))
        };
        Controls {
            on_view,
            on_send,
            on_typing,
            on_retry_now: with(ChatConnection::reconnect_now),
            on_retry_message,
            on_remove_message,
            on_toggle,
        }
    }
}

/// The body both components share.
#[hook]
fn use_chat_view(props: &ChatProps, placement: &Placement) -> Html {
    let chat = use_placed_connection(&props.connection_options(), placement);
    let controls = use_memo(chat.clone(), Controls::new);
    let Controls {
        on_send,
        on_typing,
        on_retry_now,
        on_retry_message,
        on_remove_message,
        on_toggle,
        on_view,
    } = &*controls;
    let state = chat.state();
    let root = use_node_ref();
    let unread = state.unread();
    use_host_events(&root, &state.presence, unread, props.title_badge);
    let (names, count) = &state.presence;
    html! {
        <div ref={root} class="ws-chat" data-role="chat" data-unread={unread.to_string()} role={props.title.as_ref().map(|_| "region")}
            aria-label={props.title.clone()}>
            if let Some(title) = &props.title {
                <h2 class="ws-chat-title" data-role="title">{ title.clone() }</h2>
            }
            <StatusBar phase={state.phase.clone()} server={state.server.clone()} user={state.user.clone()}
                on_retry_now={on_retry_now.clone()} on_toggle={on_toggle.clone()} />
            { details_line(state.details.as_ref(), state.stats) }
            <div class="ws-chat-presence" data-role="presence" hidden={count.is_none()}
                data-count={count.map(|c| c.to_string())}>
                { presence_line(names, *count) }
            </div>
            if let Some(error) = state.unusable() {
                <div class="ws-chat-error" data-role="error" role="alert">{ error.to_owned() }</div>
            }
            <MessageList rows={state.rows(&page::BrowserCalendar)} on_view={on_view.clone()} on_retry_message={on_retry_message.clone()}
                on_remove_message={on_remove_message.clone()} />
            <div class="ws-chat-typing" data-role="typing" aria-live="polite" data-count={state.typing.len().to_string()}>
                { typing_line(&state.typing) }
            </div>
            <Composer on_send={on_send.clone()} on_typing={on_typing.clone()} />
        </div>
    }
}
