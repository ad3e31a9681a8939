//! Signing in, in headless Chromium and Firefox, against the companion server checking HS256
//! tokens: two chats on a host page get short-lived tokens from the page's own token URL and
//! stay open across several lifetimes (each refresh goes out on the open connection), with
//! every message delivered once and shown under the token's name; and a token URL that starts
//! refusing leaves a chat signed out, saying so, without a hot loop, until it gives tokens
//! again.

mod support;

use anyhow::{ensure, Context, Result};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::signing::{self, signing_server};
use support::HostPage;
use ws_chat_e2e::prerequisites::{self, Need};
use ws_chat_e2e::token_mint::TokenMint;
use ws_chat_e2e::{Browser, BrowserKind, BrowserOptions, HostedChat};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_refresh_without_reconnecting_in_chromium() -> Result<()> {
    refresh(BrowserKind::Chromium).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_refresh_without_reconnecting_in_firefox() -> Result<()> {
    refresh(BrowserKind::Firefox).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusing_token_url_signs_out_in_chromium() -> Result<()> {
    refusing(BrowserKind::Chromium).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusing_token_url_signs_out_in_firefox() -> Result<()> {
    refusing(BrowserKind::Firefox).await
}

async fn refresh(kind: BrowserKind) -> Result<()> {
    if !prerequisites::check(&Need::browser_run(kind))? {
        return Ok(());
    }
    let (app, _secret) = signing_server(&[])?;
    let mint = Arc::new(TokenMint::new(Duration::from_secs(6)));
    let page = signing::page(&app, &mint, &["ann", "bob"])?;
    let browser = Browser::launch(&BrowserOptions::for_kind(kind)).await?;
    let result = refresh_scenario(&browser, &page, &mint).await;
    support::finish(browser, result, &[&app]).await
}

async fn refresh_scenario(browser: &Browser, page: &HostPage, mint: &TokenMint) -> Result<()> {
    let kind = browser.kind();
    page.open(browser).await?;
    let (ann, bob) = (HostedChat::new("#ann"), HostedChat::new("#bob"));
    for (chat, user, name) in [(&ann, "ann", "Ann"), (&bob, "bob", "Bob")] {
        chat.wait_state(browser, "open", true, Duration::from_secs(30))
            .await?;
        let (_, text, signed_in) = chat.status_line(browser).await?.context("a status")?;
        ensure!(
            signed_in.as_deref() == Some(user),
            "{user}: data-user is {signed_in:?}"
        );
        ensure!(
            text.contains(&format!("signed in as {name}")),
            "{user}: {text:?}"
        );
    }
    browser
        .eval(signing::WATCH_STATES, vec![json!(["#ann", "#bob"])])
        .await?;
    // Three token lifetimes and more, with both chatting all along.
    let start = Instant::now();
    let mut sent = Vec::new();
    let mut round = 0;
    while start.elapsed() < Duration::from_secs(20) {
        for (chat, user) in [(&ann, "ann"), (&bob, "bob")] {
            let text = format!("{user}-{round}");
            chat.send_with_button(browser, &text).await?;
            sent.push((user, text));
        }
        round += 1;
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    for (user, text) in &sent {
        for chat in [&ann, &bob] {
            chat.wait_message(browser, text, Duration::from_secs(15))
                .await
                .with_context(|| format!("{user}'s {text:?}"))?;
        }
    }
    for chat in [&ann, &bob] {
        let texts = chat.texts(browser).await?;
        for (_, text) in &sent {
            let shown = texts.iter().filter(|t| *t == text).count();
            ensure!(
                shown == 1,
                "{}: {text:?} shown {shown} times",
                chat.selector()
            );
        }
        ensure!(
            texts.len() == sent.len(),
            "{} shows {} messages, {} were sent: {texts:?}",
            chat.selector(),
            texts.len(),
            sent.len()
        );
    }
    let sender = bob.sender_of(browser, "ann-0").await?;
    ensure!(
        sender.as_deref().is_some_and(|s| s.starts_with("Ann")),
        "ann-0 is from {sender:?} in Bob's chat, not from the token's name"
    );
    let states = browser
        .eval("return window.seenStates;", Vec::new())
        .await?;
    ensure!(
        states == json!({"#ann": ["open"], "#bob": ["open"]}),
        "a chat left the open state: {states}"
    );
    let (ann_tokens, bob_tokens) = (mint.answered("ann"), mint.answered("bob"));
    ensure!(
        ann_tokens >= 4 && bob_tokens >= 4,
        "tokens fetched: ann {ann_tokens}, bob {bob_tokens}; refreshes were expected"
    );
    println!(
        "[{kind}] {} messages over 20 s of 6 s tokens, each shown once; tokens fetched: \
         ann {ann_tokens}, bob {bob_tokens}; no reconnect",
        sent.len()
    );
    Ok(())
}

async fn refusing(kind: BrowserKind) -> Result<()> {
    if !prerequisites::check(&Need::browser_run(kind))? {
        return Ok(());
    }
    let (app, _secret) = signing_server(&[])?;
    let mint = Arc::new(TokenMint::new(Duration::from_secs(4)));
    let page = signing::page(&app, &mint, &["cat"])?;
    let browser = Browser::launch(&BrowserOptions::for_kind(kind)).await?;
    let result = refusing_scenario(&browser, &page, &mint).await;
    support::finish(browser, result, &[&app]).await
}

async fn refusing_scenario(browser: &Browser, page: &HostPage, mint: &TokenMint) -> Result<()> {
    let kind = browser.kind();
    page.open(browser).await?;
    let cat = HostedChat::new("#cat");
    cat.wait_state(browser, "open", true, Duration::from_secs(30))
        .await?;
    // The host's user logs out: the refresh fails, the token runs out, the server closes
    // with 4401, and the next token is refused too.
    mint.refuse(true);
    let deadline = Instant::now() + Duration::from_secs(30);
    let (signed_out, user) = loop {
        let (_, text, user) = cat.status_line(browser).await?.context("a status")?;
        if text.starts_with("Signed out: no token: the token URL answered 403") {
            break (text, user);
        }
        ensure!(
            Instant::now() < deadline,
            "not signed out within 30 s: {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    ensure!(user.is_none(), "still data-user={user:?} when signed out");
    let before = mint.answered("cat");
    tokio::time::sleep(Duration::from_secs(10)).await;
    let asked = mint.answered("cat") - before;
    // The backoff (1 s, doubling) allows four or five attempts in 10 s; a hot loop, hundreds.
    ensure!(asked <= 6, "the token URL was asked {asked} times in 10 s");
    let (_, text, _) = cat.status_line(browser).await?.context("a status")?;
    ensure!(
        text.starts_with("Signed out"),
        "no longer signed out: {text:?}"
    );
    // Logged in again: "Reconnect now" signs in at once.
    mint.refuse(false);
    // "Reconnect now" shows only while the chat waits for its next attempt, not during one
    // (a token being fetched): tried until a click lands.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let clicked = match cat.control(browser, "reconnect").await {
            Ok(button) => button.click().await.is_ok(),
            Err(_) => false,
        };
        if clicked {
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "no Reconnect now to click in 10 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    cat.wait_state(browser, "open", true, Duration::from_secs(15))
        .await?;
    // The socket opens before the server's `authed` names the user: a moment later.
    let deadline = Instant::now() + Duration::from_secs(5);
    let (text, user) = loop {
        let (_, text, user) = cat.status_line(browser).await?.context("a status")?;
        if user.as_deref() == Some("cat") || Instant::now() > deadline {
            break (text, user);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    ensure!(
        user.as_deref() == Some("cat"),
        "data-user {user:?} after signing in again"
    );
    println!(
        "[{kind}] {signed_out:?}; the token URL was asked {asked} times in 10 s; \
         signed in again with Reconnect now ({text:?})"
    );
    Ok(())
}
