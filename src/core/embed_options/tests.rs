use super::*;
use std::collections::HashMap;

pub(super) fn attributes(
    prefix: &'static str,
    pairs: &[(&str, &str)],
) -> Result<EmbedOptions, EmbedOptionError> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    EmbedOptions::from_attributes(prefix, |name| map.get(name).cloned())
}

pub(super) fn script(pairs: Vec<(&str, ScriptValue)>) -> Result<EmbedOptions, EmbedOptionError> {
    EmbedOptions::from_script(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)))
}

#[test]
fn no_attributes_give_the_defaults() {
    let options = attributes("", &[]).unwrap();
    assert_eq!(options, EmbedOptions::default());
    assert_eq!(options.engine_config(), EngineConfig::default());
    assert_eq!(options.display_config(), DisplayConfig::default());
}

#[test]
fn every_attribute_is_read() {
    let options = attributes(
        "",
        &[
            ("url", "/ws?room=x"),
            ("name", "Ann"),
            ("storage-key", "ann"),
            ("title", "Lobby"),
            ("history-cap", "20"),
            ("allow-query-url", ""),
            ("title-badge", "true"),
            ("reconnect-initial-ms", "100"),
            ("reconnect-max-ms", " 900 "),
            ("reconnect-multiplier", "1.5"),
            ("reconnect-jitter", "0"),
            ("max-attempts", "3"),
            ("connect-timeout-ms", "2500"),
            ("class", "not an option"),
        ],
    )
    .unwrap();
    assert_eq!(options.url.as_deref(), Some("/ws?room=x"));
    assert_eq!(options.name.as_deref(), Some("Ann"));
    assert_eq!(options.storage_key.as_deref(), Some("ann"));
    assert_eq!(options.title.as_deref(), Some("Lobby"));
    assert!(options.allow_query_url);
    assert!(options.title_badge);
    let config = options.engine_config();
    let b = &config.reconnect.backoff;
    assert_eq!(
        (b.initial, b.max),
        (Duration::from_millis(100), Duration::from_millis(900))
    );
    assert_eq!((b.multiplier, b.jitter), (1.5, 0.0));
    assert_eq!(config.reconnect.max_attempts, Some(3));
    assert_eq!(
        config.reconnect.connect_timeout,
        Duration::from_millis(2500)
    );
    assert_eq!(config.validate(), Ok(()));
    let display = options.display_config();
    assert_eq!(
        (display.keep, display.max_rendered, display.batch),
        (20, 20, 20)
    );
}

#[test]
fn data_attributes_use_their_prefix() {
    let options = attributes(
        "data-ws-",
        &[
            ("data-ws-url", "ws://h/ws"),
            ("url", "ignored"),
            ("data-ws-allow-query-url", ""),
        ],
    )
    .unwrap();
    assert_eq!(options.url.as_deref(), Some("ws://h/ws"));
    assert!(options.allow_query_url);
    let err = attributes("data-ws-", &[("data-ws-max-attempts", "-1")]).unwrap_err();
    assert_eq!(err.to_string(), "invalid attribute data-ws-max-attempts=\"-1\": it must be a whole number from 0 to 1000000");
}

#[test]
fn boolean_attribute_spellings() {
    let cases = [
        ("", Some(true)),
        ("true", Some(true)),
        ("allow-query-url", Some(true)),
        ("false", Some(false)),
        ("yes", None),
        ("1", None),
    ];
    for (text, want) in cases {
        let got = attributes("", &[("allow-query-url", text)])
            .ok()
            .map(|o| o.allow_query_url);
        assert_eq!(got, want, "{text:?}");
    }
}

#[test]
fn bad_attribute_values_name_the_attribute() {
    let cases = [
        ("history-cap", "0"),
        ("history-cap", "many"),
        ("history-cap", "100001"),
        ("history-cap", "1.5"),
        ("reconnect-initial-ms", "-5"),
        ("reconnect-max-ms", "86400001"),
        ("reconnect-max-ms", "99999999999999999999999"),
        ("reconnect-multiplier", "0.5"),
        ("reconnect-multiplier", "inf"),
        ("reconnect-jitter", "NaN"),
        ("reconnect-jitter", "1.01"),
        ("reconnect-jitter", ""),
        ("max-attempts", "+3"),
        ("connect-timeout-ms", "0"),
    ];
    for (attribute, value) in cases {
        let err = attributes("", &[(attribute, value)]).expect_err(attribute);
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "invalid attribute {attribute}=\"{value}\": it must be "
            )),
            "{text}"
        );
    }
}

#[test]
fn a_long_bad_value_is_shortened_in_the_message() {
    let value = "x".repeat(10_000);
    let err = attributes("", &[("history-cap", &value)]).unwrap_err();
    assert!(err.to_string().len() < 200, "{err}");
}

#[test]
fn initial_period_against_the_longest() {
    // Above the default longest period, alone: the longest one follows it.
    let options = attributes("", &[("reconnect-initial-ms", "10000")]).unwrap();
    let b = options.engine_config().reconnect.backoff;
    assert_eq!(
        (b.initial, b.max),
        (Duration::from_secs(10), Duration::from_secs(10))
    );
    // Both given, in the wrong order: named as the host wrote them.
    let err = attributes(
        "data-ws-",
        &[
            ("data-ws-reconnect-initial-ms", "500"),
            ("data-ws-reconnect-max-ms", "100"),
        ],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid options: data-ws-reconnect-initial-ms must be at most data-ws-reconnect-max-ms"
    );
    let err = script(vec![
        ("reconnectInitialMs", ScriptValue::Number(500.0)),
        ("reconnectMaxMs", ScriptValue::Number(100.0)),
    ])
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid options: reconnectInitialMs must be at most reconnectMaxMs"
    );
    // A longest period below the default initial one, alone, is the host's choice to make.
    let options = script(vec![("reconnectMaxMs", ScriptValue::Number(100.0))]).unwrap();
    let b = options.engine_config().reconnect.backoff;
    assert_eq!(b.max, Duration::from_millis(100));
    assert_eq!(
        options.engine_config().validate().map_err(|e| e.setting),
        Err("backoff.initial")
    );
}

#[test]
fn script_options_are_typed() {
    use ScriptValue::{Absent, Flag, Number, Other, Text};
    let options = script(vec![
        ("url", Text("ws://h/ws".into())),
        ("name", Absent),
        ("historyCap", Number(5.0)),
        ("allowQueryUrl", Flag(true)),
        ("titleBadge", Flag(true)),
        ("reconnectJitter", Number(0.25)),
        ("maxAttempts", Number(0.0)),
    ])
    .unwrap();
    assert_eq!(options.url.as_deref(), Some("ws://h/ws"));
    assert_eq!(options.name, None);
    assert_eq!(options.history_cap, Some(5));
    assert!(options.allow_query_url && options.title_badge);
    assert_eq!(options.engine_config().reconnect.max_attempts, Some(0));
    let wrong: [(&str, ScriptValue, &str); 9] = [
        (
            "url",
            Number(1.0),
            "a string of WebSocket URLs separated by spaces, or an array of URL strings",
        ),
        ("name", Other("object".into()), "a string"),
        (
            "historyCap",
            Text("5".into()),
            "a whole number from 1 to 100000",
        ),
        ("historyCap", Number(2.5), "a whole number from 1 to 100000"),
        (
            "historyCap",
            Number(f64::INFINITY),
            "a whole number from 1 to 100000",
        ),
        (
            "allowQueryUrl",
            Text("true".into()),
            "true or false (or the attribute present without a value)",
        ),
        ("reconnectJitter", Number(f64::NAN), "a number from 0 to 1"),
        (
            "connectTimeoutMs",
            Number(0.0),
            "a whole number of milliseconds from 1 to 86400000",
        ),
        (
            "maxAttempts",
            Number(-1.0),
            "a whole number from 0 to 1000000",
        ),
    ];
    for (key, value, expected) in wrong {
        let err = script(vec![(key, value)]).expect_err(key);
        assert_eq!(
            err.to_string(),
            format!("invalid option {key}: it must be {expected}")
        );
    }
}

#[test]
fn unknown_script_keys_are_errors_that_list_the_options() {
    let err = script(vec![("storage_key", ScriptValue::Text("x".into()))]).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(
            "unknown option \"storage_key\"; the options are url, name, token, tokenUrl, getToken,"
        ),
        "{text}"
    );
    assert!(text.ends_with("connectTimeoutMs"), "{text}");
}

#[test]
fn attribute_names_cover_every_option() {
    let names: Vec<_> = attribute_names().collect();
    // Every option but `getToken`, a function, which no attribute can hold.
    assert_eq!(names.len(), SPECS.len() - 1);
    assert!(names.contains(&"allow-query-url") && names.contains(&"connect-timeout-ms"));
    assert!(names.contains(&"token-url") && !names.contains(&""));
}

#[test]
fn decimals_are_plain() {
    use crate::core::embed_options::specs::parse_decimal;
    let good = [
        ("0", 0.0),
        ("1", 1.0),
        ("0.25", 0.25),
        ("1.5", 1.5),
        ("1000", 1000.0),
        ("007.50", 7.5),
    ];
    for (text, want) in good {
        assert_eq!(parse_decimal(text), Some(want), "{text}");
    }
    let bad = [
        "",
        ".",
        "1.",
        ".5",
        "-1",
        "+1",
        "1e3",
        "inf",
        "NaN",
        "1.2.3",
        "1,5",
        "0x10",
        "9999999999999999999",
        "0.1234567890123456789",
    ];
    for text in bad {
        assert_eq!(parse_decimal(text), None, "{text}");
    }
}
