//! The display state of one chat, and when it is rendered: updates are applied in place as
//! they come, and [`RenderPacing`] decides between rendering at once and at an animation frame
//! (a short timer while the page is hidden), which this carries out.

use crate::core::view::chat_state::ChatState;
use crate::core::view::message_window::DisplayConfig;
use crate::core::view::pacing::{is_urgent, Pace, RenderPacing};
use crate::core::view::update::ChatUpdate;
use gloo_render::{request_animation_frame, AnimationFrame};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use yew::prelude::*;

/// The display state, and the render requested for the next animation frame, if any.
pub(super) struct Live {
    pub state: ChatState,
    pacing: RenderPacing,
    /// Held for its `Drop`, which cancels the request.
    frame: Option<AnimationFrame>,
    /// In place of `frame` while the page is hidden, which gets no animation frames: the
    /// unread count, its event and the title badge still follow what arrives.
    hidden_timer: Option<Timeout>,
    /// Set while the driver handles something the user did: it renders at once.
    user_input: bool,
}

impl Live {
    pub fn new(display: DisplayConfig) -> Self {
        Self {
            state: ChatState::new(display),
            pacing: RenderPacing::default(),
            frame: None,
            hidden_timer: None,
            user_input: false,
        }
    }
}

/// Runs `f` (which reaches [`apply`]) marked as the user's doing, so it renders at once.
pub(super) fn as_user(live: &Weak<RefCell<Live>>, f: impl FnOnce()) {
    let Some(live) = live.upgrade() else { return };
    live.borrow_mut().user_input = true;
    f();
    live.borrow_mut().user_input = false;
}

/// Applies updates now, and renders as [`RenderPacing`] says.
pub(super) fn apply(
    live: &Weak<RefCell<Live>>,
    updates: Vec<ChatUpdate>,
    rerender: &UseForceUpdateHandle,
) {
    let Some(strong) = live.upgrade() else { return };
    let count = updates.len();
    let mut urgent = false;
    {
        let mut this = strong.borrow_mut();
        urgent |= this.user_input;
        for update in updates {
            urgent |= is_urgent(&update);
            this.state.apply(update);
        }
    }
    let pace = strong.borrow_mut().pacing.updated(count, urgent);
    carry_out(live, &strong, pace, rerender);
}

/// What the reader did to the list: renders at once.
pub(super) fn render(live: &Weak<RefCell<Live>>, rerender: &UseForceUpdateHandle) {
    let Some(strong) = live.upgrade() else { return };
    let pace = strong.borrow_mut().pacing.updated(1, true);
    carry_out(live, &strong, pace, rerender);
}

fn carry_out(
    weak: &Weak<RefCell<Live>>,
    live: &Rc<RefCell<Live>>,
    pace: Pace,
    rerender: &UseForceUpdateHandle,
) {
    match pace {
        Pace::RenderNow => {
            let mut this = live.borrow_mut();
            this.frame = None;
            this.hidden_timer = None;
            drop(this);
            rerender.force_update();
        }
        Pace::RequestFrame if !live.borrow().state.page_is_visible() => {
            let (weak, rerender) = (weak.clone(), rerender.clone());
            let timer = Timeout::new(HIDDEN_FRAME_MS, move || on_frame(&weak, &rerender));
            live.borrow_mut().hidden_timer = Some(timer);
        }
        Pace::RequestFrame => {
            let (weak, rerender) = (weak.clone(), rerender.clone());
            let frame = request_animation_frame(move |_| on_frame(&weak, &rerender));
            live.borrow_mut().frame = Some(frame);
        }
        Pace::Wait => {}
    }
}

/// While the page is hidden, a render at most this often (browsers run a hidden page's timers
/// about once a second at the least).
const HIDDEN_FRAME_MS: u32 = 250;

fn on_frame(weak: &Weak<RefCell<Live>>, rerender: &UseForceUpdateHandle) {
    let Some(live) = weak.upgrade() else { return };
    let pace = {
        let mut this = live.borrow_mut();
        this.frame = None;
        this.hidden_timer = None;
        this.pacing.frame()
    };
    carry_out(weak, &live, pace, rerender);
}
