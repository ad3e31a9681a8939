//! Decoding in the browser with its own `JSON.parse`: no JSON library in the wasm.

use super::{DecodeError, RawServerFrame, Seq};
use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;

/// The largest integer a JavaScript number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

pub(crate) fn parse_raw(text: &str) -> Result<RawServerFrame, DecodeError> {
    let error = |reason: &str| DecodeError {
        reason: reason.to_owned(),
    };
    let value = JSON::parse(text).map_err(|_| error("not JSON"))?;
    // A field of anything but an object (`Reflect.get` throws) reads as missing, so an array,
    // string or number fails as "missing `type`".
    let field = |name: &str| {
        Reflect::get(&value, &JsValue::from_str(name))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    };
    let string = |name: &str| match field(name) {
        None => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| error(&format!("`{name}` is not a string"))),
    };
    let seq = |name: &str| match field(name) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= MAX_SAFE => Ok(Some(n as Seq)),
            _ => Err(error(&format!("`{name}` is not a sequence number"))),
        },
    };
    let flag = |name: &str| match field(name) {
        None => Ok(None),
        Some(v) => v
            .as_bool()
            .map(Some)
            .ok_or_else(|| error(&format!("`{name}` is not a boolean"))),
    };
    let kind = string("type")?.ok_or_else(|| error("missing `type`"))?;
    // Only a `history` answer has these: not read for every message.
    let history = kind == "history";
    let presence = kind == "presence";
    let typing = kind == "typing";
    let person = typing || kind == "present" || kind == "absent";
    Ok(RawServerFrame {
        id: string("id")?,
        seq: seq("seq")?,
        text: string("text")?,
        reason: string("reason")?,
        head: seq("head")?,
        gap: flag("gap")?,
        nonce: string("nonce")?,
        from: string("from")?,
        ts: seq("ts")?,
        sub: string("sub")?,
        name: string("name")?,
        exp: seq("exp")?,
        user: string("user")?,
        guest: flag("guest")?,
        retry_after: seq("retry_after")?,
        of: seq("of")?,
        before: if history { seq("before")? } else { None },
        count: if history || presence {
            seq("count")?
        } else {
            None
        },
        more: if history { flag("more")? } else { None },
        who: if person { string("who")? } else { None },
        active: if typing { flag("active")? } else { None },
        listed: if presence { flag("listed")? } else { None },
        kind,
    })
}
