//! The one place that touches `web_sys::WebSocket`.
//!
//! A [`Socket`] owns the browser socket and the four closures the browser calls. Dropping it
//! detaches the handlers before closing, so a replaced or abandoned socket can never report
//! anything again: no generation counters, and nothing is leaked per connection.

use crate::core::boundary::EngineEvent;
use crate::core::reconnect::close_code::script_close;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BinaryType, CloseEvent, WebSocket};

// A busy room delivers thousands of frames a second, and each crossing between JavaScript and
// wasm costs: this handler hands over the text itself (or a binary frame's length), where a
// `MessageEvent` handler would cross back three more times (the event, `data`, the string).
#[wasm_bindgen(inline_js = "export function set_onmessage(ws, handler) {
  ws.onmessage = (e) => typeof e.data === 'string' ? handler(e.data, 0) : handler(undefined, e.data.byteLength >>> 0);
}")]
extern "C" {
    fn set_onmessage(ws: &WebSocket, handler: &js_sys::Function);
}

type Handler<E> = Closure<dyn FnMut(E)>;

pub struct Socket {
    ws: WebSocket,
    // Owned so they live exactly as long as the socket; freed when it is dropped.
    _on_open: Handler<web_sys::Event>,
    _on_message: Closure<dyn FnMut(Option<String>, u32)>,
    _on_error: Handler<web_sys::Event>,
    _on_close: Handler<CloseEvent>,
}

impl Socket {
    /// Starts connecting. Every browser event becomes an [`EngineEvent`] passed to `report`.
    /// Fails only when the browser refuses the URL or sub-protocols outright.
    pub fn open(
        url: &str,
        protocols: &[String],
        report: impl Fn(EngineEvent) + Clone + 'static,
    ) -> Result<Self, String> {
        let offered = protocols
            .iter()
            .map(|p| JsValue::from_str(p))
            .collect::<js_sys::Array>();
        let ws =
            WebSocket::new_with_str_sequence(url, &offered).map_err(|e| describe_js_error(&e))?;
        ws.set_binary_type(BinaryType::Arraybuffer);

        let on_open = {
            let (report, ws) = (report.clone(), ws.clone());
            Closure::new(move |_: web_sys::Event| {
                report(EngineEvent::Opened {
                    protocol: ws.protocol(),
                    extensions: ws.extensions(),
                })
            })
        };
        let on_message = {
            let report = report.clone();
            Closure::new(move |text: Option<String>, binary_len: u32| match text {
                Some(text) => report(EngineEvent::Text {
                    text,
                    wall_ms: super::page::wall_ms(),
                }),
                None => report(EngineEvent::Binary {
                    len: binary_len as usize,
                }),
            })
        };
        let on_error = {
            let report = report.clone();
            Closure::new(move |_: web_sys::Event| report(EngineEvent::Error))
        };
        let on_close = Closure::new(move |e: CloseEvent| {
            report(EngineEvent::Closed {
                code: e.code(),
                reason: e.reason(),
            })
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        set_onmessage(&ws, on_message.as_ref().unchecked_ref());
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Self {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_error: on_error,
            _on_close: on_close,
        })
    }

    /// Sends a text frame; `false` if the browser refused (the socket is not open).
    pub fn send(&self, frame: &str) -> bool {
        self.ws.send_with_str(frame).is_ok()
    }

    /// Closes with a code and reason of our own; the drop that follows detaches the handlers.
    pub fn close(self, code: u16, reason: &str) {
        let (code, reason) = script_close(code, reason);
        let _ = self.ws.close_with_code_and_reason(code, reason);
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onerror(None);
        self.ws.set_onclose(None);
        // Closing twice, or a socket that never opened, is harmless.
        let _ = self.ws.close();
    }
}

/// The message of a JavaScript exception, for people.
pub(super) fn describe_js_error(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "no details given".into())
}
