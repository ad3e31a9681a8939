//! The token options: one source at most, and what each becomes.

use super::tests::{attributes, script};
use super::*;
use crate::core::options::ConnectionOptions;
use crate::core::sign_in::TokenSupply;

#[test]
fn a_token_comes_from_one_source() {
    let page = |pairs: &[(&str, &str)]| attributes("data-ws-", pairs);
    let fixed = page(&[
        ("data-ws-token", "t"),
        ("data-ws-token-param", "access_token"),
    ])
    .unwrap();
    assert!(matches!(fixed.token_source(), Some(TokenSource::Fixed(t)) if t == "t"));
    let config = ConnectionOptions::default()
        .token(fixed.token_source())
        .token_param(fixed.token_param.clone())
        .engine_config();
    assert_eq!(config.sign_in.supply, TokenSupply::Fixed("t".into()));
    assert_eq!(config.sign_in.token_param.as_deref(), Some("access_token"));
    let url = page(&[("data-ws-token-url", "/chat-token")]).unwrap();
    assert!(matches!(url.token_source(), Some(TokenSource::Url(u)) if u == "/chat-token"));
    assert_eq!(page(&[]).unwrap().token_source(), None);
    let both = page(&[("data-ws-token", "t"), ("data-ws-token-url", "/x")]).unwrap_err();
    assert_eq!(
        both.to_string(),
        "invalid options: give only one of data-ws-token, data-ws-token-url"
    );

    let function = ScriptValue::Other("function".into());
    let provided = script(vec![("getToken", function.clone())]).unwrap();
    assert!(matches!(
        provided.token_source(),
        Some(TokenSource::Provider(_))
    ));
    let both = script(vec![
        ("getToken", function),
        ("token", ScriptValue::Text("t".into())),
    ]);
    assert_eq!(
        both.unwrap_err().to_string(),
        "invalid options: give only one of token, tokenUrl, getToken"
    );
    let not_a_function = script(vec![("getToken", ScriptValue::Text("t".into()))]).unwrap_err();
    assert_eq!(
        not_a_function.to_string(),
        "invalid option getToken: it must be a function that returns a token, or a promise of one"
    );
}
