//! What the signing-in tests share: a companion server that checks tokens (with more flags
//! where a test needs them, such as the admin API's), and a host page with a chat per user,
//! each getting its tokens from the page's own token URL.

use super::HostPage;
use anyhow::{Context, Result};
use std::sync::Arc;
use ws_chat_e2e::local::server_binary;
use ws_chat_e2e::token_mint::TokenMint;
use ws_chat_e2e::{random_suffix, CompanionOptions, CompanionServer};

/// A companion server that checks tokens signed with the mint's secret, with 1 s of grace
/// after a token runs out, plus `more` flags; the secret's directory (returned, for files a
/// test adds) lives as long as the server.
pub fn signing_server(more: &[&str]) -> Result<(CompanionServer, tempfile::TempDir)> {
    let dir = tempfile::tempdir()?;
    let secret = dir.path().join("secret");
    TokenMint::write_secret(&secret)?;
    let mut extra_args = vec![
        "--jwt-secret-file".into(),
        secret.to_str().context("a UTF-8 temp path")?.into(),
        "--token-grace".into(),
        "1s".into(),
    ];
    extra_args.extend(more.iter().map(|arg| arg.to_string()));
    let options = CompanionOptions {
        extra_args,
        ..CompanionOptions::new(server_binary()?, super::dist()?)
    };
    Ok((CompanionServer::start(&options)?, dir))
}

/// A host page with a chat per user, each getting its tokens from `/chat-token?user=USER`.
pub fn page(app: &CompanionServer, mint: &Arc<TokenMint>, users: &[&str]) -> Result<HostPage> {
    let ws = app.ws_url(&format!("signed-{}", random_suffix()));
    let chats: String = users
        .iter()
        .map(|user| {
            format!(
                // The name attribute is what a guest would pick: the token's name must win.
                "<ws-chat id=\"{user}\" url=\"{ws}\" token-url=\"/chat-token?user={user}\" \
                 name=\"Impostor\" storage-key=\"{user}\"></ws-chat>"
            )
        })
        .collect();
    HostPage::with_tokens(
        &format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>Signed in</title>{}</head><body>{chats}</body></html>",
            super::embed_script_tag(app)
        ),
        mint.clone(),
    )
}

/// Records every `data-state` each chat's status takes from now on, in `window.seenStates`.
pub const WATCH_STATES: &str = "window.seenStates = {};
    for (const sel of arguments[0]) {
      const host = document.querySelector(sel);
      const status = (host.shadowRoot || host).querySelector('[data-role=status]');
      const seen = window.seenStates[sel] = [status.dataset.state];
      new MutationObserver(() => {
        if (seen[seen.length - 1] !== status.dataset.state) seen.push(status.dataset.state);
      }).observe(status, { attributes: true, attributeFilter: ['data-state'] });
    }";
