//! Runs an [`Engine`] in the browser: feeds it events, carries out its effects.
//!
//! The driver owns every browser resource of one chat (socket, timer, page listeners,
//! storage); the callbacks it hands out hold only a `Weak` to it. Dropping the [`Driver`] (on
//! unmount) therefore closes the socket, cancels the timer and removes the listeners at once,
//! and no late callback can reach a dead chat.

use super::page;
use super::page_events::PageEvents;
use super::socket::Socket;
use super::storage::{handshakes, OutboxStore};
use crate::core::boundary::{Effect, EngineEvent};
use crate::core::engine::config::EngineConfig;
use crate::core::engine::Engine;
use crate::core::servers::ServerList;
use crate::core::sign_in::TokenSource;
use crate::core::time::Moment;
use crate::core::view::update::ChatUpdate;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// Where UI updates go: one batch per handled event.
pub type UiSink = Rc<dyn Fn(Vec<ChatUpdate>)>;

pub struct Driver {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    engine: Engine,
    socket: Option<Socket>,
    timer: Option<(Moment, Timeout)>,
    store: OutboxStore,
    ui: UiSink,
    /// Where tokens come from, if anywhere.
    token: Option<TokenSource>,
    /// Held for its `Drop`, which removes the listeners.
    _page_events: PageEvents,
}

impl Driver {
    /// Restores the outbox saved under `storage_key` and connects (unless `servers` is an
    /// error, which the engine shows).
    pub fn start(
        servers: Result<ServerList, String>,
        storage_key: &str,
        config: EngineConfig,
        token: Option<TokenSource>,
        ui: UiSink,
    ) -> Self {
        let mut store = OutboxStore::new(storage_key);
        let restored = store.load();
        let storage_problem = store.problem();
        let engine = Engine::new(
            config,
            servers,
            page::random_seed(),
            restored,
            page::wall_ms(),
        )
        .with_remembered_handshakes(handshakes::in_band);
        let inner = Rc::new_cyclic(|weak: &Weak<RefCell<Inner>>| {
            let weak = weak.clone();
            RefCell::new(Inner {
                engine,
                socket: None,
                timer: None,
                store,
                ui,
                token,
                _page_events: PageEvents::listen(move |event| feed(&weak, event)),
            })
        });
        let driver = Self { inner };
        if let Some(reason) = storage_problem {
            driver.handle(EngineEvent::StorageFailed { reason });
        }
        if !PageEvents::online_now() {
            driver.handle(EngineEvent::Offline);
        }
        if !PageEvents::visible_now() {
            driver.handle(EngineEvent::Hidden);
        }
        driver.handle(EngineEvent::UserConnect);
        driver
    }

    pub fn handle(&self, event: EngineEvent) {
        feed(&Rc::downgrade(&self.inner), event);
    }
}

impl Drop for Driver {
    /// An unmounted chat saves what it has not delivered, as a page going away does.
    fn drop(&mut self) {
        self.handle(EngineEvent::PageHidden);
    }
}

fn feed(weak: &Weak<RefCell<Inner>>, event: EngineEvent) {
    let Some(inner) = weak.upgrade() else { return };
    inner.borrow_mut().engine.handle(event, page::now());
    run(&inner, Vec::new());
}

fn on_timer(weak: &Weak<RefCell<Inner>>) {
    let Some(inner) = weak.upgrade() else { return };
    {
        let mut this = inner.borrow_mut();
        this.timer = None;
        this.engine.handle_timeout(page::now());
    }
    run(&inner, Vec::new());
}

/// Carries out the engine's effects, then saves the outbox, re-arms the single timer and
/// updates the UI.
fn run(inner: &Rc<RefCell<Inner>>, mut ui: Vec<ChatUpdate>) {
    // Only the newest outbox snapshot of a step is worth writing.
    let mut save = None;
    loop {
        let Some(effect) = inner.borrow_mut().engine.poll_effect() else {
            break;
        };
        match effect {
            Effect::Connect { url, protocols } => connect(inner, &url, &protocols),
            Effect::Close { code, reason } => {
                if let Some(socket) = inner.borrow_mut().socket.take() {
                    socket.close(code, &reason);
                }
            }
            Effect::Send(frame) => {
                let sent = inner
                    .borrow()
                    .socket
                    .as_ref()
                    .is_some_and(|s| s.send(&frame));
                if !sent {
                    // The close event that follows makes the engine send it again.
                    log::warn!(
                        "the browser refused a frame; it will be re-sent after reconnecting"
                    );
                }
            }
            Effect::FetchToken { ticket } => fetch_token(inner, ticket),
            Effect::Ui(update) => ui.push(update),
            Effect::SaveOutbox { messages, orphaned } => save = Some((messages, orphaned)),
            Effect::RememberHandshake { key, in_band } => handshakes::remember(&key, in_band),
        }
    }
    if let Some((messages, orphaned)) = save {
        let result = inner.borrow_mut().store.save(messages, orphaned);
        if let Err(reason) = result {
            // Reported like any event; the engine decides what storage trouble means.
            inner
                .borrow_mut()
                .engine
                .handle(EngineEvent::StorageFailed { reason }, page::now());
            return run(inner, ui);
        }
    }
    arm_timer(inner);
    if !ui.is_empty() {
        let sink = inner.borrow().ui.clone();
        sink(ui);
    }
}

fn connect(inner: &Rc<RefCell<Inner>>, url: &str, protocols: &[String]) {
    // The previous socket goes first: never two at once.
    drop(inner.borrow_mut().socket.take());
    let weak = Rc::downgrade(inner);
    match Socket::open(url, protocols, move |event| feed(&weak, event)) {
        Ok(socket) => inner.borrow_mut().socket = Some(socket),
        Err(reason) => {
            // Not the URL: with `token-param` it holds the token. The engine names the server.
            log::error!("cannot connect: {reason}");
            // Handled at once, within this run: the effects it makes follow in the same loop.
            inner
                .borrow_mut()
                .engine
                .handle(EngineEvent::ConnectFailed { reason }, page::now());
        }
    }
}

/// Gets a token in the background; its outcome comes back as an event with `ticket`.
fn fetch_token(inner: &Rc<RefCell<Inner>>, ticket: u32) {
    let source = inner.borrow().token.clone();
    let weak = Rc::downgrade(inner);
    yew::platform::spawn_local(async move {
        let result = match &source {
            Some(source) => super::token_fetch::get(source).await,
            None => Err("this chat has no token source".to_owned()),
        };
        feed(&weak, EngineEvent::TokenFetched { ticket, result });
    });
}

fn arm_timer(inner: &Rc<RefCell<Inner>>) {
    let mut this = inner.borrow_mut();
    let deadline = this.engine.poll_timeout();
    if this.timer.as_ref().map(|(at, _)| *at) == deadline {
        return;
    }
    // Replacing the handle cancels the previous timeout: one timer at most.
    this.timer = deadline.map(|at| {
        let wait = at.saturating_duration_since(page::now());
        let weak = Rc::downgrade(inner);
        let millis = u32::try_from(wait.as_millis()).unwrap_or(u32::MAX);
        (at, Timeout::new(millis, move || on_timer(&weak)))
    });
}
