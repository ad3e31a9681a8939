//! The hook that owns a chat's browser glue and its display state for as long as the component
//! that calls it is mounted: [`use_chat_connection`], for a UI of one's own, and what the
//! built-in [`Chat`](crate::Chat) runs on.
//!
//! The state is mutated in place by [`ChatState::apply`] as the engine's updates arrive; when
//! to render is decided in the core and carried out by [`super::live`].

use super::live::{apply, as_user, render, Live};
use crate::browser::driver::{Driver, UiSink};
use crate::browser::page;
use crate::core::boundary::EngineEvent;
use crate::core::options::ConnectionOptions;
use crate::core::servers::{self, PageOrigin};
use crate::core::view::chat_state::ChatState;
use crate::core::view::entry::Entry;
use crate::core::view::status::StatusView;
use crate::core::view::update::{ChatUpdate, ViewAction};
use std::cell::{Ref, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// Where a chat was put, which its options do not say.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Placement {
    /// The origin a relative URL and the default `/ws` are on; `None`: the page's. An embedded
    /// chat belongs to the server its script came from, not to the host page.
    pub origin: Option<PageOrigin>,
    /// Why the chat must not connect at all (its embedder's options are wrong): shown the way
    /// an unusable URL is.
    pub refused: Option<AttrValue>,
}

/// A live chat connection, as [`use_chat_connection`] hands it to a component: what the chat
/// shows, and what the user can do to it. Cheap to clone; every clone is the same connection.
///
/// Reading it borrows the state: drop what [`state`](Self::state) returns before calling any
/// of the actions.
#[derive(Clone)]
pub struct ChatConnection {
    live: Rc<RefCell<Live>>,
    driver: Rc<RefCell<Option<Driver>>>,
    view: Callback<ViewAction>,
}

impl PartialEq for ChatConnection {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.live, &other.live)
    }
}

impl ChatConnection {
    /// Everything the chat shows: the connection's phase, server, handshake details and
    /// counters, and the kept messages ([`ChatState::rows`] gives the ones to render).
    pub fn state(&self) -> Ref<'_, ChatState> {
        Ref::map(self.live.borrow(), |live| &live.state)
    }

    /// The status line as the built-in UI shows it: `data-state`, words, a countdown.
    pub fn status(&self) -> StatusView {
        let state = self.state();
        StatusView::new(&state.phase, state.server.as_ref(), page::now())
    }

    /// The messages to render now, oldest first: a bounded window of what is kept (see
    /// [`DisplayConfig`](crate::DisplayConfig)).
    pub fn entries(&self) -> Vec<Rc<Entry>> {
        self.state().rows(&page::BrowserCalendar).entries
    }

    /// Sends `text` (nothing if it is empty). It is shown at once as queued, kept until the
    /// server has it, and sent again after a reload or a reconnect if need be.
    pub fn send(&self, text: impl Into<String>) {
        // Scrolled back so far that the newest were let go of: they come back first, so what
        // is sent shows after them.
        if self.state().detached() {
            self.view(ViewAction::JumpToNewest);
        }
        self.user(EngineEvent::UserSend {
            text: text.into(),
            nonce: page::random_nonce(),
            wall_ms: page::wall_ms(),
        });
    }

    /// Whether the user is typing: `true` for a keystroke that left text in the box, `false`
    /// when it was emptied or left. The room hears of it throttled (see
    /// [`crate::core::delivery::typing`]); sending is a stop by itself.
    pub fn typing(&self, typing: bool) {
        self.user(EngineEvent::UserTyping { typing });
    }

    /// Connects, after [`disconnect`](Self::disconnect) or after the chat gave up.
    pub fn connect(&self) {
        self.user(EngineEvent::UserConnect);
    }

    /// Closes the connection; the chat stays disconnected until [`connect`](Self::connect).
    pub fn disconnect(&self) {
        self.user(EngineEvent::UserDisconnect);
    }

    /// Tries again now instead of waiting for the next retry.
    pub fn reconnect_now(&self) {
        self.user(EngineEvent::UserRetryNow);
    }

    /// Sends a failed message of ours again, by its id.
    pub fn retry(&self, id: &str) {
        self.user(EngineEvent::UserRetry { id: id.to_owned() });
    }

    /// Forgets a failed message of ours, by its id.
    pub fn remove(&self, id: &str) {
        self.user(EngineEvent::UserRemove { id: id.to_owned() });
    }

    /// What the reader did to the message list (scrolled, asked for earlier messages): it
    /// changes which of the kept messages are rendered.
    pub fn view(&self, action: ViewAction) {
        self.view.emit(action);
    }

    fn user(&self, event: EngineEvent) {
        if let Some(driver) = self.driver.borrow().as_ref() {
            as_user(&Rc::downgrade(&self.live), || driver.handle(event));
        }
    }
}

/// Runs a chat connection for as long as the calling component is mounted, without any UI:
/// the component renders [`ChatConnection::state`] as it likes, and is rendered again whenever
/// it changes (at most once per animation frame while messages stream in; at once for what
/// the user did and for changes of the connection). It is the engine, outbox and exactly-once
/// delivery of the built-in [`Chat`](crate::Chat); new options start a new connection.
///
/// ```no_run
/// # #[cfg(target_arch = "wasm32")]
/// # mod app {
/// use ws_chat::{use_chat_connection, ConnectionOptions};
/// use yew::prelude::*;
///
/// #[function_component]
/// fn TinyChat() -> Html {
///     let options = use_memo((), |()| {
///         ConnectionOptions::default().url("wss://example.org/ws?room=lobby").name("Ann")
///     });
///     let chat = use_chat_connection(&options);
///     let send = {
///         let chat = chat.clone();
///         Callback::from(move |_: MouseEvent| chat.send("Hello!"))
///     };
///     let status = chat.status();
///     html! {
///         <div>
///             <p>{ status.text }</p>
///             <ul>
///                 { for chat.entries().iter().map(|entry| html! {
///                     <li key={entry.key()}>{ entry.text().to_owned() }</li>
///                 }) }
///             </ul>
///             <button onclick={send}>{ "Say hello" }</button>
///         </div>
///     }
/// }
/// # }
/// # fn main() {}
/// ```
#[hook]
pub fn use_chat_connection(options: &ConnectionOptions) -> ChatConnection {
    use_placed_connection(options, &Placement::default())
}

/// [`use_chat_connection`] for a chat that knows where it was put.
#[hook]
pub(crate) fn use_placed_connection(
    options: &ConnectionOptions,
    placement: &Placement,
) -> ChatConnection {
    let display = options.display;
    let rerender = use_force_update();
    let live = use_mut_ref(|| Live::new(display));
    let sink: UiSink = {
        let weak = Rc::downgrade(&live);
        let rerender = rerender.clone();
        Rc::new(move |updates: Vec<ChatUpdate>| apply(&weak, updates, &rerender))
    };
    let driver: Rc<RefCell<Option<Driver>>> = use_mut_ref(|| None);
    // What the running driver was started with.
    let started: Rc<RefCell<Option<DriverSettings>>> = use_mut_ref(|| None);
    let settings = DriverSettings {
        options: options.clone(),
        placement: placement.clone(),
    };
    if started.borrow().is_none() {
        // First render: connect now, so the handshake runs while Yew renders the rest (an
        // effect would wait for the whole first render); the effect below keeps this driver.
        *driver.borrow_mut() = Some(start(&settings, &live, sink.clone()));
        *started.borrow_mut() = Some(settings.clone());
    }
    {
        let (driver, live) = (driver.clone(), live.clone());
        use_effect_with(settings, move |settings| {
            if started.borrow().as_ref() != Some(settings) {
                *driver.borrow_mut() = Some(start(settings, &live, sink));
                *started.borrow_mut() = Some(settings.clone());
            }
            move || drop(driver.borrow_mut().take())
        });
    }
    // Where the reader stopped, for the engine to tell the server: taken as each render starts
    // (every change that moves it renders), and not in an effect, which would cost the bundle
    // its own code. Nothing of the state is borrowed here yet.
    let read = live.borrow_mut().state.take_read_report();
    if let (Some(seq), Some(driver)) = (read, driver.borrow().as_ref()) {
        driver.handle(EngineEvent::UserRead { seq });
    }
    let view = {
        let (weak, driver) = (Rc::downgrade(&live), Rc::downgrade(&driver));
        use_memo((), move |()| {
            Callback::from(move |action: ViewAction| {
                let wanted = weak.upgrade().and_then(|live| {
                    let mut live = live.borrow_mut();
                    live.state.act(action);
                    live.state.take_older_request()
                });
                // A page of older messages the action asks for: the engine fetches it.
                if let (Some(before), Some(driver)) = (wanted, driver.upgrade()) {
                    if let Some(driver) = driver.borrow().as_ref() {
                        driver.handle(EngineEvent::UserLoadOlder { before });
                    }
                }
                render(&weak, &rerender);
            })
        })
    };
    ChatConnection {
        live,
        driver,
        view: (*view).clone(),
    }
}

/// What a driver is started with; new settings start a new driver.
#[derive(Clone, PartialEq)]
struct DriverSettings {
    options: ConnectionOptions,
    placement: Placement,
}

/// A new driver, and an empty list for it: it restores and shows its outbox again.
fn start(settings: &DriverSettings, live: &Rc<RefCell<Live>>, sink: UiSink) -> Driver {
    let DriverSettings { options, placement } = settings;
    live.borrow_mut().state = ChatState::new(options.display);
    let origin = placement.origin.clone().unwrap_or_else(page::origin);
    let servers = servers::choose(
        placement.refused.as_deref(),
        page::query_param("ws").as_deref(),
        options.query_url(),
        &options.url,
        &origin,
    );
    let storage_key = servers::storage_key(options.storage_key.as_deref(), &servers);
    let token = options.token.clone();
    Driver::start(servers, &storage_key, options.engine_config(), token, sink)
}
