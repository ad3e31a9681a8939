//! A kicked user, in headless Chromium and Firefox, against the companion server with the
//! admin API: `POST /admin/kick` closes that user's chat with 4409, the chat stops and says
//! why (no reconnect, no more tokens fetched), the other user's chat carries on, and trying
//! again by hand is refused for as long as the kick holds.

mod support;

use anyhow::{ensure, Context, Result};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::signing::{self, signing_server};
use support::HostPage;
use ws_chat_e2e::prerequisites::{self, Need};
use ws_chat_e2e::token_mint::TokenMint;
use ws_chat_e2e::{Browser, BrowserKind, BrowserOptions, CompanionServer, HostedChat};

const ADMIN_TOKEN: &str = "an admin token for the end-to-end tests, 32+ bytes";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kicked_user_is_told_and_stays_out_in_chromium() -> Result<()> {
    kicked(BrowserKind::Chromium).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kicked_user_is_told_and_stays_out_in_firefox() -> Result<()> {
    kicked(BrowserKind::Firefox).await
}

async fn kicked(kind: BrowserKind) -> Result<()> {
    if !prerequisites::check(&Need::browser_run(kind))? {
        return Ok(());
    }
    let admin = tempfile::tempdir()?;
    let admin_file = admin.path().join("admin-token");
    std::fs::write(&admin_file, ADMIN_TOKEN)?;
    let admin_file = admin_file.to_str().context("a UTF-8 temp path")?;
    let (app, _secret) = signing_server(&["--admin-token-file", admin_file])?;
    let mint = Arc::new(TokenMint::new(Duration::from_secs(60)));
    let page = signing::page(&app, &mint, &["ann", "bob"])?;
    let browser = Browser::launch(&BrowserOptions::for_kind(kind)).await?;
    let result = scenario(&browser, &page, &app, &mint).await;
    support::finish(browser, result, &[&app]).await
}

async fn scenario(
    browser: &Browser,
    page: &HostPage,
    app: &CompanionServer,
    mint: &TokenMint,
) -> Result<()> {
    let kind = browser.kind();
    page.open(browser).await?;
    let (ann, bob) = (HostedChat::new("#ann"), HostedChat::new("#bob"));
    for chat in [&ann, &bob] {
        chat.wait_state(browser, "open", true, Duration::from_secs(30))
            .await?;
    }
    let kick = json!({"sub": "ann", "seconds": 120}).to_string();
    let kept = app.admin("/admin/kick", ADMIN_TOKEN, &kick).await?;
    let removed = removed_text(browser, &ann).await?;
    ensure!(
        removed.contains("removed by a moderator for 2 min"),
        "the reason is not shown: {removed:?}"
    );
    // Stopped: no reconnect, no token fetched, while Bob chats on.
    let tokens = mint.answered("ann");
    bob.send_with_button(browser, "still here").await?;
    bob.wait_message(browser, "still here", Duration::from_secs(10))
        .await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (state, text, user) = ann.status_line(browser).await?.context("a status")?;
    ensure!(text == removed, "the status moved on: {state} {text:?}");
    ensure!(user.is_none(), "still data-user={user:?} once removed");
    ensure!(
        mint.answered("ann") == tokens,
        "a kicked chat fetched {} more tokens",
        mint.answered("ann") - tokens
    );
    app.wait_connections(1, Duration::from_secs(5)).await?;
    // Connecting again by hand (with the token it holds, which is still valid) is refused
    // just the same.
    browser
        .eval(signing::WATCH_STATES, vec![json!(["#ann"])])
        .await?;
    ann.control(browser, "toggle").await?.click().await?;
    let deadline = Instant::now() + Duration::from_secs(15);
    let again = loop {
        let states = browser
            .eval("return window.seenStates['#ann'];", Vec::new())
            .await?;
        let (_, text, _) = ann.status_line(browser).await?.context("a status")?;
        let tried = states.as_array().is_some_and(|s| s.len() > 1);
        if tried && text.starts_with("Removed from this room") {
            break format!("{text:?} after states {states}");
        }
        ensure!(
            Instant::now() < deadline,
            "not removed again within 15 s: {text:?}, states {states}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    app.wait_connections(1, Duration::from_secs(5)).await?;
    println!("[{kind}] kicked ({kept}): {removed:?}; again by hand: {again}; Bob chatted on");
    Ok(())
}

/// Waits (15 s at most) for the chat to say it was removed; returns the status text.
async fn removed_text(browser: &Browser, chat: &HostedChat) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (_, text, _) = chat.status_line(browser).await?.context("a status")?;
        if text.starts_with("Removed from this room") {
            return Ok(text);
        }
        ensure!(
            Instant::now() < deadline,
            "not removed within 15 s: {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
