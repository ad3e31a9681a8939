//! Facts about the page: the clock, a random seed, the URL parts and the mount element.

use crate::core::servers::PageOrigin;
use crate::core::time::Moment;
use crate::core::view::days::{Calendar, LocalDay};
use wasm_bindgen::JsValue;

thread_local! {
    /// Looked up once: `now` runs for every frame received, and finding `window.performance`
    /// costs two more calls into JavaScript each time.
    static PERFORMANCE: Option<web_sys::Performance> =
        web_sys::window().and_then(|w| w.performance());
}

/// Monotonic time since the page loaded; wall-clock jumps cannot fire or stall timers early.
pub fn now() -> Moment {
    let ms = PERFORMANCE.with(|p| p.as_ref().map_or_else(js_sys::Date::now, |p| p.now()));
    Moment::from_millis_f64(ms)
}

/// The wall clock, in ms since the Unix epoch: when a message was typed or arrived. Only
/// shown, never used for timing (that is [`now`]).
pub fn wall_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

/// The reader's calendar: the browser's time zone, with its daylight-saving rules, and its
/// wall clock for today.
pub struct BrowserCalendar;

impl Calendar for BrowserCalendar {
    fn day_of(&self, at: u64) -> LocalDay {
        let date = js_sys::Date::new(&JsValue::from_f64(at as f64));
        // `getTimezoneOffset` is UTC minus local time, in minutes, at that instant.
        LocalDay::at_offset(at, -(date.get_timezone_offset() as i64))
    }
    fn today(&self) -> LocalDay {
        self.day_of(wall_ms())
    }
}

/// A fresh random seed for backoff jitter, in-band nonces and the tab id: values that must
/// differ between pages, not resist guessing (message ids use [`random_nonce`]).
pub fn random_seed() -> u64 {
    let hi = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let lo = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (hi << 32) | lo
}

/// 128 bits from the browser's cryptographic generator, for message ids nobody can guess.
/// `crypto.getRandomValues` exists in every browser this runs in, secure context or not; the
/// fallback only keeps a chat working in an environment without it.
pub fn random_nonce() -> u128 {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if filled {
        u128::from_le_bytes(bytes)
    } else {
        log::warn!("crypto.getRandomValues is unavailable: message ids can be guessed");
        (u128::from(random_seed()) << 64) | u128::from(random_seed())
    }
}

pub fn origin() -> PageOrigin {
    let location = web_sys::window().map(|w| w.location());
    let part = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
        location
            .as_ref()
            .and_then(|l| f(l).ok())
            .unwrap_or_default()
    };
    PageOrigin {
        protocol: part(web_sys::Location::protocol),
        host: part(web_sys::Location::host),
    }
}

/// A parameter of the page's own URL, such as `?ws=`.
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}
