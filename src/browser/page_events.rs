//! `online`, `offline`, `visibilitychange` (both ways), `pagehide` and `pageshow`, reported as engine events
//! for as long as this value lives (the listeners are removed on drop).

use crate::core::boundary::EngineEvent;
use gloo_events::EventListener;

pub struct PageEvents {
    _listeners: Vec<EventListener>,
}

impl PageEvents {
    pub fn listen(report: impl Fn(EngineEvent) + Clone + 'static) -> Self {
        let mut listeners = Vec::new();
        if let Some(window) = web_sys::window() {
            let events = [
                ("online", EngineEvent::Online),
                ("offline", EngineEvent::Offline),
                ("pagehide", EngineEvent::PageHidden),
                ("pageshow", EngineEvent::PageShown),
            ];
            for (name, event) in events {
                let report = report.clone();
                listeners.push(EventListener::new(&window, name, move |_| {
                    report(event.clone())
                }));
            }
            if let Some(document) = window.document() {
                let doc = document.clone();
                listeners.push(EventListener::new(
                    &document,
                    "visibilitychange",
                    move |_| {
                        report(if Self::visible(&doc) {
                            EngineEvent::Visible
                        } else {
                            EngineEvent::Hidden
                        });
                    },
                ));
            }
        }
        Self {
            _listeners: listeners,
        }
    }

    fn visible(document: &web_sys::Document) -> bool {
        document.visibility_state() == web_sys::VisibilityState::Visible
    }

    /// Whether the page is visible at start-up.
    pub fn visible_now() -> bool {
        let document = web_sys::window().and_then(|w| w.document());
        document.is_none_or(|d| Self::visible(&d))
    }

    /// The browser's idea of the network at start-up.
    pub fn online_now() -> bool {
        web_sys::window().is_none_or(|w| w.navigator().on_line())
    }
}
