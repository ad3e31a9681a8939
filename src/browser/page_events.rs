//! `online`, `offline`, `visibilitychange`, `pagehide` and `pageshow`, reported as engine events
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
                        if doc.visibility_state() == web_sys::VisibilityState::Visible {
                            report(EngineEvent::Visible);
                        }
                    },
                ));
            }
        }
        Self {
            _listeners: listeners,
        }
    }

    /// The browser's idea of the network at start-up.
    pub fn online_now() -> bool {
        web_sys::window().is_none_or(|w| w.navigator().on_line())
    }
}
