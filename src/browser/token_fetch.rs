//! Getting a token from a chat's source: a `fetch` of the token URL, or a call of the
//! embedder's function. Only the outcome reaches the engine, with its ticket; a chat that is
//! gone by then is not reached at all (the driver holds only a `Weak`).
//!
//! The URL's fetch and a script's `getToken` run in a few lines of JavaScript that settle one
//! promise with the token or an error message: the same in Rust, through web-sys's `Request`,
//! `Response` and `Reflect` bindings, would cost the bundle several kilobytes.

use crate::core::sign_in::{TokenFuture, TokenProvider, TokenSource};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r#"
function checked(token, what) {
  if (typeof token !== 'string' || token === '') throw new Error(what + ' gave no token');
  return token;
}

export function token_from_url(url) {
  return fetch(url, { credentials: 'same-origin', cache: 'no-store' })
    .catch((e) => { throw new Error('the token URL did not answer (' + e.message + ')'); })
    .then((response) => {
      if (!response.ok) throw new Error('the token URL answered ' + response.status);
      return response.json().catch(() => { throw new Error("the token URL's answer is not JSON"); });
    })
    .then((body) => checked(body && body.token, 'the token URL'));
}

export function token_from_script(getToken) {
  return new Promise((resolve) => resolve(getToken())).then((token) => checked(token, 'getToken'));
}
"#)]
extern "C" {
    /// `GET url` with the page's credentials (its cookies: the host's own login), never from
    /// a cache; settles with the answer's `token`, or an error that says what went wrong.
    fn token_from_url(url: &str) -> js_sys::Promise;

    /// Calls a script's `getToken`, which may return the token or a promise of it.
    fn token_from_script(get_token: &js_sys::Function) -> js_sys::Promise;
}

/// Starts getting a token from `source`.
pub fn get(source: &TokenSource) -> TokenFuture {
    match source {
        TokenSource::Fixed(token) => {
            let token = token.clone();
            Box::pin(async move { Ok(token) })
        }
        TokenSource::Url(url) => settled(token_from_url(url)),
        TokenSource::Provider(provider) => provider.get(),
    }
}

/// A script's `getToken` as a provider.
pub fn script_provider(function: js_sys::Function) -> TokenProvider {
    TokenProvider::new(move || settled(token_from_script(&function)))
}

/// The token a promise settles with, or the message of the error it fails with.
fn settled(promise: js_sys::Promise) -> TokenFuture {
    Box::pin(async move {
        match JsFuture::from(promise).await {
            Ok(token) => Ok(token.as_string().unwrap_or_default()),
            Err(error) => Err(error
                .dyn_ref::<js_sys::Error>()
                .map_or_else(|| "the token source failed".into(), |e| e.message().into())),
        }
    })
}
