//! The display state of one chat, and when it is rendered: updates are applied in place as
//! they come, and [`RenderPacing`] decides between rendering at once and at an animation frame,
//! which this carries out.

use crate::core::view::chat_state::ChatState;
use crate::core::view::message_window::DisplayConfig;
use crate::core::view::pacing::{is_urgent, Pace, RenderPacing};
use crate::core::view::update::ChatUpdate;
use gloo_render::{request_animation_frame, AnimationFrame};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use yew::prelude::*;

/// The display state, and the render requested for the next animation frame, if any.
pub(super) struct Live {
    pub state: ChatState,
    pacing: RenderPacing,
    /// Held for its `Drop`, which cancels the request.
    frame: Option<AnimationFrame>,
    /// Set while the driver handles something the user did: it renders at once.
    user_input: bool,
}

impl Live {
    pub fn new(display: DisplayConfig) -> Self {
        Self {
            state: ChatState::new(display),
            pacing: RenderPacing::default(),
            frame: None,
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
            live.borrow_mut().frame = None;
            rerender.force_update();
        }
        Pace::RequestFrame => {
            let (weak, rerender) = (weak.clone(), rerender.clone());
            let frame = request_animation_frame(move |_| on_frame(&weak, &rerender));
            live.borrow_mut().frame = Some(frame);
        }
        Pace::Wait => {}
    }
}

fn on_frame(weak: &Weak<RefCell<Live>>, rerender: &UseForceUpdateHandle) {
    let Some(live) = weak.upgrade() else { return };
    let pace = {
        let mut this = live.borrow_mut();
        this.frame = None;
        this.pacing.frame()
    };
    carry_out(weak, &live, pace, rerender);
}
