//! The `url` option: one URL, several, or (from a script) an array.

use super::{EmbedOptions, ScriptValue};
use ScriptValue::{List, Number, Other, Text};

fn url_option(value: ScriptValue) -> Result<Option<String>, String> {
    EmbedOptions::from_script([("url".to_owned(), value)])
        .map(|o| o.url)
        .map_err(|e| e.to_string())
}

#[test]
fn a_script_url_may_be_a_string_or_an_array_of_strings() {
    let text = |s: &str| Text(s.into());
    let ok: [(ScriptValue, &str); 4] = [
        (text("ws://a/ws"), "ws://a/ws"),
        (text("ws://a/ws ws://b/ws"), "ws://a/ws ws://b/ws"),
        (
            List(vec![text("ws://a/ws"), text(" ws://b/ws ")]),
            "ws://a/ws ws://b/ws",
        ),
        (List(vec![]), ""),
    ];
    for (value, want) in ok {
        assert_eq!(
            url_option(value.clone()),
            Ok(Some(want.to_owned())),
            "{value:?}"
        );
    }
    let bad = [
        List(vec![text("ws://a/ws"), Number(1.0)]),
        List(vec![text("ws://a/ws ws://b/ws")]),
        List(vec![Other("array".into())]),
        Other("array".into()),
    ];
    for value in bad {
        let err = url_option(value.clone()).expect_err("not URLs");
        assert_eq!(
            err,
            "invalid option url: it must be a string of WebSocket URLs separated by spaces, \
             or an array of URL strings",
            "{value:?}"
        );
    }
}

#[test]
fn an_attribute_url_may_list_several() {
    let get = |name: &str| (name == "data-ws-url").then(|| "ws://a/ws  ws://b/ws".to_owned());
    let options = EmbedOptions::from_attributes("data-ws-", get).expect("valid");
    assert_eq!(options.url.as_deref(), Some("ws://a/ws  ws://b/ws"));
}
