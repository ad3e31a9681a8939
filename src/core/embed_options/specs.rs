//! The table of embed options: their names as attributes and as script keys, the kind of
//! value each takes, and the checks that turn text or a script value into one.

use crate::core::embed_options::ScriptValue;

/// The longest duration an option may have, as `EngineConfig::validate` allows.
pub(super) const DAY_MS: u64 = 24 * 60 * 60 * 1_000;

/// What kind of value an option takes, and its range.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    Text,
    /// WebSocket URLs: a string of them separated by whitespace, or (from a script) an array
    /// of strings; checked later, by `ws_url::resolve`.
    Urls,
    Flag,
    /// A function (script only: the glue takes it from the options object itself).
    Function,
    /// A whole number in `min..=max`.
    Whole {
        min: u64,
        max: u64,
    },
    /// A number in `min..=max`.
    Real {
        min: f64,
        max: f64,
    },
}

pub(super) struct Spec {
    /// The attribute name, without prefix.
    pub(super) attribute: &'static str,
    /// The key in a script's options object.
    pub(super) key: &'static str,
    kind: Kind,
    pub(super) expected: &'static str,
}

const fn spec(
    attribute: &'static str,
    key: &'static str,
    kind: Kind,
    expected: &'static str,
) -> Spec {
    Spec {
        attribute,
        key,
        kind,
        expected,
    }
}

const TEXT: &str = "a string";
const MILLIS: Kind = Kind::Whole {
    min: 0,
    max: DAY_MS,
};

/// Every option, in the order the docs list them.
pub(super) const SPECS: [Spec; 17] = [
    spec(
        "url",
        "url",
        Kind::Urls,
        "a string of WebSocket URLs separated by spaces, or an array of URL strings",
    ),
    spec("name", "name", Kind::Text, TEXT),
    spec("token", "token", Kind::Text, TEXT),
    spec("token-url", "tokenUrl", Kind::Text, TEXT),
    spec(
        "",
        "getToken",
        Kind::Function,
        "a function that returns a token, or a promise of one",
    ),
    spec("token-param", "tokenParam", Kind::Text, TEXT),
    spec("storage-key", "storageKey", Kind::Text, TEXT),
    spec("title", "title", Kind::Text, TEXT),
    spec(
        "history-cap",
        "historyCap",
        Kind::Whole {
            min: 1,
            max: 100_000,
        },
        "a whole number from 1 to 100000",
    ),
    spec(
        "allow-query-url",
        "allowQueryUrl",
        Kind::Flag,
        "true or false (or the attribute present without a value)",
    ),
    spec(
        "title-badge",
        "titleBadge",
        Kind::Flag,
        "true or false (or the attribute present without a value)",
    ),
    spec(
        "reconnect-initial-ms",
        "reconnectInitialMs",
        MILLIS,
        "a whole number of milliseconds from 0 to 86400000",
    ),
    spec(
        "reconnect-max-ms",
        "reconnectMaxMs",
        MILLIS,
        "a whole number of milliseconds from 0 to 86400000",
    ),
    spec(
        "reconnect-multiplier",
        "reconnectMultiplier",
        Kind::Real {
            min: 1.0,
            max: 1_000.0,
        },
        "a number from 1 to 1000",
    ),
    spec(
        "reconnect-jitter",
        "reconnectJitter",
        Kind::Real { min: 0.0, max: 1.0 },
        "a number from 0 to 1",
    ),
    spec(
        "max-attempts",
        "maxAttempts",
        Kind::Whole {
            min: 0,
            max: 1_000_000,
        },
        "a whole number from 0 to 1000000",
    ),
    spec(
        "connect-timeout-ms",
        "connectTimeoutMs",
        Kind::Whole {
            min: 1,
            max: DAY_MS,
        },
        "a whole number of milliseconds from 1 to 86400000",
    ),
];

/// The script keys, for the unknown-key message.
pub(super) const KEYS: [&str; 17] = {
    let mut keys = [""; 17];
    let mut i = 0;
    while i < SPECS.len() {
        keys[i] = SPECS[i].key;
        i += 1;
    }
    keys
};

/// The attribute names (without prefix) that configure a chat, for a custom element's
/// `observedAttributes`.
pub fn attribute_names() -> impl Iterator<Item = &'static str> {
    SPECS.iter().map(|s| s.attribute).filter(|a| !a.is_empty())
}

/// One checked value.
pub(super) enum Parsed {
    Text(String),
    Flag(bool),
    Whole(u64),
    Real(f64),
}

pub(super) fn parse_text(spec: &Spec, text: &str) -> Option<Parsed> {
    let trimmed = text.trim();
    match spec.kind {
        Kind::Text | Kind::Urls => Some(Parsed::Text(text.to_owned())),
        Kind::Function => None,
        // A boolean attribute is on by being there (`<ws-chat allow-query-url>`).
        Kind::Flag => match trimmed {
            "" | "true" => Some(Parsed::Flag(true)),
            "false" => Some(Parsed::Flag(false)),
            _ if trimmed == spec.attribute => Some(Parsed::Flag(true)),
            _ => None,
        },
        Kind::Whole { min, max } => {
            let digits = !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit());
            let n: u64 = if digits {
                whole_number(trimmed)?
            } else {
                return None;
            };
            (min..=max).contains(&n).then_some(Parsed::Whole(n))
        }
        Kind::Real { min, max } => {
            let x = parse_decimal(trimmed)?;
            (min..=max).contains(&x).then_some(Parsed::Real(x))
        }
    }
}

pub(super) fn parse_script(spec: &Spec, value: ScriptValue) -> Option<Parsed> {
    match (spec.kind, value) {
        (Kind::Text | Kind::Urls, ScriptValue::Text(s)) => Some(Parsed::Text(s)),
        (Kind::Urls, ScriptValue::List(items)) => url_list(items).map(Parsed::Text),
        (Kind::Flag, ScriptValue::Flag(b)) => Some(Parsed::Flag(b)),
        (Kind::Function, ScriptValue::Other(kind)) if kind == "function" => {
            Some(Parsed::Flag(true))
        }
        (Kind::Whole { min, max }, ScriptValue::Number(x)) => {
            let whole = x.fract() == 0.0 && (min as f64..=max as f64).contains(&x);
            whole.then_some(Parsed::Whole(x as u64))
        }
        (Kind::Real { min, max }, ScriptValue::Number(x)) => {
            (min..=max).contains(&x).then_some(Parsed::Real(x))
        }
        _ => None,
    }
}

/// An array of URLs as the one string an attribute would hold. An item that is not a string,
/// or holds whitespace (which would split it into two URLs), makes the whole array invalid.
fn url_list(items: Vec<ScriptValue>) -> Option<String> {
    let mut joined = String::new();
    for item in items {
        let ScriptValue::Text(url) = item else {
            return None;
        };
        let url = url.trim();
        if url.chars().any(char::is_whitespace) {
            return None;
        }
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(url);
    }
    Some(joined)
}

/// A plain decimal, `12` or `0.25`: all an option's text needs. `str::parse::<f64>` would
/// also take `1e3`, `inf` and `NaN`, and adds the float parser, some 10 KB, to the wasm.
pub(super) fn parse_decimal(text: &str) -> Option<f64> {
    let (whole, fraction) = match text.bytes().position(|b| b == b'.') {
        Some(dot) => (text.get(..dot)?, text.get(dot + 1..)?),
        None => (text, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    // More digits than a u64 holds are beyond any option's range or precision anyway.
    let plain = !whole.is_empty() && digits(whole) && digits(fraction) && !text.ends_with('.');
    if !plain || whole.len() > 18 || fraction.len() > 18 {
        return None;
    }
    let whole = whole_number(whole)?;
    let fraction_value = if fraction.is_empty() {
        0.0
    } else {
        whole_number(fraction)? as f64 / 10f64.powi(fraction.len() as i32)
    };
    Some(whole as f64 + fraction_value)
}

/// The value of ASCII digits (already checked to be digits and not empty), `None` past
/// `u64::MAX`: what `str::parse::<u64>` says of them, without its code for signs and radixes.
fn whole_number(digits: &str) -> Option<u64> {
    digits.bytes().try_fold(0u64, |n, b| {
        n.checked_mul(10)?
            .checked_add(u64::from(b.wrapping_sub(b'0')))
    })
}
