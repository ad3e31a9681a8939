//! The hook that owns a chat's browser glue and its display state for as long as the component
//! is mounted.
//!
//! The state is mutated in place by [`ChatState::apply`] as the engine's actions arrive. What
//! the user does (send, scroll, click) and changes of the connection's state render at once.
//! Messages, acks and the like render at the next animation frame, once for everything that arrived before it: the earliest the
//! screen could show it anyway. A busy room delivers thousands of frames a second: one render
//! (and one copy of the state) per frame received would fall far behind, while a render per
//! animation frame shows everything the screen can. (A hidden tab gets no animation frames, so
//! it renders nothing until it is shown again; its state keeps up all the same.)

use super::chat::ChatProps;
use crate::browser::driver::UiSink;
use crate::browser::{page, Driver};
use crate::core::chat_state::{ChatAction, ChatState};
use crate::core::message_window::DisplayConfig;
use crate::core::ws_url::{self, PageOrigin, QueryUrl};
use crate::core::{EngineConfig, Event};
use gloo_render::{request_animation_frame, AnimationFrame};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use yew::prelude::*;

/// The display state, and the render requested for the next animation frame, if any.
pub struct Live {
    pub state: ChatState,
    /// Held for its `Drop`, which cancels the request.
    frame: Option<AnimationFrame>,
    /// Set while the driver handles something the user did.
    user_input: bool,
    /// Actions applied since the last render.
    since_render: usize,
    /// The last animation frame was skipped (a burst).
    skipped: bool,
}

/// What the view needs: the state to render, and the callbacks of its controls.
pub struct ChatHandle {
    pub live: Rc<RefCell<Live>>,
    pub controls: Rc<Controls>,
}

/// Made once per chat, so the components they are handed to see unchanged props.
#[derive(Clone)]
pub struct Controls {
    pub on_send: Callback<String>,
    pub on_retry_now: Callback<()>,
    /// "Retry" and "Remove" on a failed message, by its id.
    pub on_retry_message: Callback<Rc<str>>,
    pub on_remove_message: Callback<Rc<str>>,
    /// `true`: connect; `false`: disconnect.
    pub on_toggle: Callback<bool>,
    /// Scrolling, "show earlier", "N new messages": what is rendered, not the connection.
    pub on_view: Callback<ChatAction>,
}

/// Where a chat was put, which the props of the public component do not say.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Placement {
    /// The origin a relative URL and the default `/ws` are on; `None`: the page's. An embedded
    /// chat belongs to the server its script came from, not to the host page.
    pub origin: Option<PageOrigin>,
    /// Why the chat must not connect at all (its embedder's options are wrong): shown the way
    /// an unusable URL is.
    pub refused: Option<AttrValue>,
}

/// Resolves the URL (`?ws=` where allowed, then `url`, then `/ws`) and runs a [`Driver`] for
/// it. A new URL, key, name or config starts a new driver; the old one is dropped with its
/// socket.
#[hook]
pub fn use_chat(props: &ChatProps, placement: &Placement) -> ChatHandle {
    let display = props.display;
    let rerender = use_force_update();
    let live = use_mut_ref(|| Live {
        state: ChatState::new(display),
        frame: None,
        user_input: false,
        since_render: 0,
        skipped: false,
    });
    let apply: UiSink = {
        let weak = Rc::downgrade(&live);
        Rc::new(move |actions: Vec<ChatAction>| apply(&weak, actions, &rerender))
    };
    let driver: Rc<RefCell<Option<Driver>>> = use_mut_ref(|| None);
    // The settings the running driver was started with.
    let started: Rc<RefCell<Option<Settings>>> = use_mut_ref(|| None);
    let settings = Settings {
        url: props.url.clone(),
        storage_key: props.storage_key.clone(),
        config: with_name(&props.config, props.name.as_ref()),
        display,
        query_url: if props.allow_query_url {
            QueryUrl::Honoured
        } else {
            QueryUrl::Ignored
        },
        placement: placement.clone(),
    };
    if started.borrow().is_none() {
        // First render: connect now, so the handshake runs while Yew renders the rest (an
        // effect would wait for the whole first render); the effect below keeps this driver.
        *driver.borrow_mut() = Some(start(&settings, &live, apply.clone()));
        *started.borrow_mut() = Some(settings.clone());
    }
    {
        let (apply, driver, live) = (apply.clone(), driver.clone(), live.clone());
        use_effect_with(settings, move |settings| {
            if started.borrow().as_ref() != Some(settings) {
                *driver.borrow_mut() = Some(start(settings, &live, apply));
                *started.borrow_mut() = Some(settings.clone());
            }
            move || drop(driver.borrow_mut().take())
        });
    }
    let controls = {
        let live = Rc::downgrade(&live);
        use_memo((), move |()| {
            let user = live.clone();
            let act = Callback::from(move |event: Event| {
                if let Some(d) = driver.borrow().as_ref() {
                    as_user(&user, || d.handle(event));
                }
            });
            Controls {
                on_send: act.reform(|text| Event::UserSend {
                    text,
                    nonce: page::random_nonce(),
                    wall_ms: page::wall_ms(),
                }),
                on_retry_now: act.reform(|()| Event::UserRetryNow),
                on_retry_message: act.reform(|id: Rc<str>| Event::UserRetry { id: id.to_string() }),
                on_remove_message: act
                    .reform(|id: Rc<str>| Event::UserRemove { id: id.to_string() }),
                on_toggle: act.reform(|connect| {
                    if connect {
                        Event::UserConnect
                    } else {
                        Event::UserDisconnect
                    }
                }),
                on_view: Callback::from(move |action| as_user(&live, || apply(vec![action]))),
            }
        })
    };
    ChatHandle { live, controls }
}

/// The config with the `name` prop, when given, as the display name (it overrides the
/// config's own).
fn with_name(config: &EngineConfig, name: Option<&AttrValue>) -> EngineConfig {
    let mut config = config.clone();
    if let Some(name) = name {
        config.delivery.name = Some(name.to_string());
    }
    config
}

/// Runs `f` (which reaches [`apply`]) marked as the user's doing, so it renders at once.
fn as_user(live: &Weak<RefCell<Live>>, f: impl FnOnce()) {
    let Some(live) = live.upgrade() else { return };
    live.borrow_mut().user_input = true;
    f();
    live.borrow_mut().user_input = false;
}

/// What a driver is started with; new settings start a new driver.
#[derive(Clone, PartialEq)]
struct Settings {
    url: Option<AttrValue>,
    storage_key: Option<AttrValue>,
    config: EngineConfig,
    display: DisplayConfig,
    query_url: QueryUrl,
    placement: Placement,
}

/// A new driver, and an empty list for it: it restores and shows its outbox again.
fn start(settings: &Settings, live: &Rc<RefCell<Live>>, apply: UiSink) -> Driver {
    live.borrow_mut().state = ChatState::new(settings.display);
    let resolved = match &settings.placement.refused {
        Some(reason) => Err(reason.to_string()),
        None => ws_url::resolve(
            page::query_param("ws").as_deref(),
            settings.query_url,
            settings.url.as_deref(),
            &settings
                .placement
                .origin
                .clone()
                .unwrap_or_else(page::origin),
        )
        .map_err(|e| e.to_string()),
    };
    Driver::start(
        resolved,
        settings.storage_key.as_deref(),
        settings.config.clone(),
        apply,
    )
}

/// Applies actions now, and renders now (user input) or at the next animation frame.
fn apply(live: &Weak<RefCell<Live>>, actions: Vec<ChatAction>, rerender: &UseForceUpdateHandle) {
    let Some(strong) = live.upgrade() else { return };
    let mut this = strong.borrow_mut();
    let mut actions_were_urgent = false;
    this.since_render += actions.len();
    for action in actions {
        actions_were_urgent |= matches!(
            action,
            ChatAction::Phase(_) | ChatAction::Server(_) | ChatAction::Details(_)
        );
        this.state.apply(action);
    }
    // What the user did, and what the connection is doing (rare, and the point of the status
    // line), show at once; whatever else is pending renders with it.
    if this.user_input || actions_were_urgent {
        this.frame = None;
        this.since_render = 0;
        rerender.force_update();
        return;
    }
    if this.frame.is_none() {
        request_frame(live, &mut this, rerender);
    }
}

/// More changes than this between two frames is a burst: every row rendered is new each
/// frame, and nobody reads 6,000 messages a second.
const BURST: usize = 100;

/// Renders at the next animation frame; during a burst, at every other one, which halves the
/// rendering a burst costs while the newest message still shows within two frames.
fn request_frame(live: &Weak<RefCell<Live>>, this: &mut Live, rerender: &UseForceUpdateHandle) {
    let (weak, rerender) = (live.clone(), rerender.clone());
    this.frame = Some(request_animation_frame(move |_| {
        let Some(live) = weak.upgrade() else { return };
        let mut this = live.borrow_mut();
        this.frame = None;
        let burst = this.since_render > BURST;
        if burst && !this.skipped {
            this.skipped = true;
            request_frame(&weak, &mut this, &rerender);
            return;
        }
        this.skipped = false;
        this.since_render = 0;
        rerender.force_update();
    }));
}
