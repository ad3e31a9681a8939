//! When a change is worth a render: at once, at the next animation frame, or later still.
//!
//! What the user does (send, scroll, click) and changes of the connection's state render at
//! once. Messages, acks and the like render at the next animation frame, once for everything
//! that arrived before it: the earliest the screen could show it anyway. A busy room delivers
//! thousands of frames a second: one render (and one copy of the state) per frame received would
//! fall far behind, while a render per animation frame shows everything the screen can. During a
//! burst only every other animation frame renders, which halves what a burst costs while the
//! newest message still shows within two frames. (A hidden tab gets no animation frames, so it
//! renders nothing until it is shown again; its state keeps up all the same.)

use crate::core::view::update::ChatUpdate;

/// More changes than this between two frames is a burst: every row rendered is new each
/// frame, and nobody reads 6,000 messages a second.
pub const BURST: usize = 100;

/// What the glue should do about rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Render now (and drop any animation frame requested).
    RenderNow,
    /// Request an animation frame, and call [`RenderPacing::frame`] when it comes.
    RequestFrame,
    /// Nothing: a requested frame will render this too.
    Wait,
}

/// The pacing of one chat's renders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderPacing {
    /// Changes applied since the last render.
    since_render: usize,
    /// An animation frame is requested.
    frame_requested: bool,
    /// The last animation frame was skipped (a burst).
    skipped: bool,
}

impl RenderPacing {
    /// `count` changes were applied; `urgent`: one of them was the user's doing or a change of
    /// what the connection is doing.
    pub fn updated(&mut self, count: usize, urgent: bool) -> Pace {
        self.since_render = self.since_render.saturating_add(count);
        if urgent {
            self.rendered();
            return Pace::RenderNow;
        }
        if self.frame_requested {
            return Pace::Wait;
        }
        self.frame_requested = true;
        Pace::RequestFrame
    }

    /// The requested animation frame came: render, or (in a burst, every other frame) wait for
    /// the next one.
    pub fn frame(&mut self) -> Pace {
        let burst = self.since_render > BURST;
        if burst && !self.skipped {
            self.skipped = true;
            self.frame_requested = true;
            return Pace::RequestFrame;
        }
        self.rendered();
        Pace::RenderNow
    }

    fn rendered(&mut self) {
        self.since_render = 0;
        self.frame_requested = false;
        self.skipped = false;
    }
}

/// Whether an update is about what the connection is doing (rare, and the point of the status
/// line), which shows at once.
pub fn is_urgent(update: &ChatUpdate) -> bool {
    matches!(
        update,
        ChatUpdate::Phase(_) | ChatUpdate::Server(_) | ChatUpdate::Details(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::reconnect::Phase;
    use crate::core::view::update::DeliveryStats;

    #[test]
    fn a_trickle_renders_once_per_frame_and_urgent_changes_at_once() {
        let mut p = RenderPacing::default();
        let steps = [
            (p.updated(1, false), Pace::RequestFrame),
            (p.updated(1, false), Pace::Wait),
            (p.frame(), Pace::RenderNow),
            (p.updated(1, false), Pace::RequestFrame),
            (p.updated(1, true), Pace::RenderNow),
            (p.updated(1, false), Pace::RequestFrame),
        ];
        for (i, (got, want)) in steps.into_iter().enumerate() {
            assert_eq!(got, want, "step {i}");
        }
    }

    #[test]
    fn a_burst_renders_every_other_frame() {
        let mut p = RenderPacing::default();
        let (mut frames, mut renders) = (0, 0);
        assert_eq!(p.updated(BURST + 1, false), Pace::RequestFrame);
        while frames < 20 {
            frames += 1;
            if p.frame() == Pace::RenderNow {
                renders += 1;
            }
            // The burst goes on between frames: a frame is always pending again.
            let pace = p.updated(BURST + 1, false);
            assert_ne!(pace, Pace::RenderNow, "frame {frames}");
        }
        assert_eq!(renders, 10, "one render per two frames");
        // Once the burst is over, the next frame renders.
        let mut quiet = RenderPacing::default();
        assert_eq!(quiet.updated(BURST, false), Pace::RequestFrame);
        assert_eq!(quiet.frame(), Pace::RenderNow);
    }

    #[test]
    fn urgency_is_what_the_connection_does() {
        assert!(is_urgent(&ChatUpdate::Phase(Phase::Open)));
        assert!(is_urgent(&ChatUpdate::Details(None)));
        assert!(!is_urgent(&ChatUpdate::Stats(DeliveryStats::default())));
    }
}
