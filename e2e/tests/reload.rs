//! A reload while offline loses nothing: 1,000 messages typed while the server refuses every
//! connection are shown as queued, are still shown as queued after a real page reload (a
//! WebDriver refresh, not a remount), go out once the server takes connections again, and the
//! room then holds exactly those 1,000 texts, once each, in the order they were typed.
//!
//! In headless Chromium and in headless Firefox. Needs a built app and a server binary (see
//! `support`).

mod support;

use anyhow::{bail, ensure, Context, Result};
use serde_json::json;
use std::time::Duration;
use ws_chat_e2e::chat::{self, ShownMessage};
use ws_chat_e2e::local::server_binary;
use ws_chat_e2e::prerequisites::{self, Need};
use ws_chat_e2e::{
    encode_query_value, random_suffix, wait, Browser, BrowserKind, BrowserOptions,
    CompanionOptions, CompanionServer,
};

/// As many as the outbox holds (README: over 1,000 waiting, a new one fails).
const MESSAGES: usize = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_messages_survive_a_reload_in_chromium() -> Result<()> {
    reload(BrowserKind::Chromium).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_messages_survive_a_reload_in_firefox() -> Result<()> {
    reload(BrowserKind::Firefox).await
}

async fn reload(kind: BrowserKind) -> Result<()> {
    if !prerequisites::check(&Need::browser_run(kind))? {
        return Ok(());
    }
    let server = CompanionServer::start(&CompanionOptions {
        fault_injection: true,
        ..CompanionOptions::new(server_binary()?, support::dist()?)
    })?;
    let browser = Browser::launch(&BrowserOptions::for_kind(kind)).await?;
    let result = scenario(&browser, &server).await;
    support::finish(browser, result, &[&server]).await
}

async fn scenario(browser: &Browser, server: &CompanionServer) -> Result<()> {
    let room = format!("reload-{}", random_suffix());
    let url = format!(
        "{}?ws={}",
        server.http_url("/"),
        encode_query_value(&server.ws_url(&room))
    );
    let typed: Vec<String> = (1..=MESSAGES)
        .map(|i| format!("reload {i} of {MESSAGES}"))
        .collect();
    let secs = Duration::from_secs;

    browser.goto(&url).await?;
    chat::wait_state(browser, "open", secs(30)).await?;

    // Refuse upgrades for far longer than the test, then drop the connection.
    server.post("/_test/refuse?ms=600000").await?;
    server.post("/_test/drop").await?;
    let connections = format!("/_test/connections?room={}", encode_query_value(&room));
    let mut dropped = false;
    for _ in 0..100 {
        if server.get(&connections).await?.trim() == "0" {
            dropped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ensure!(
        dropped,
        "the chat's connection was still there 10 s after /_test/drop"
    );
    chat::wait_state(browser, "reconnecting", secs(30)).await?;

    // Type them as a user would: value, then the send button, in one script.
    browser
        .eval(
            "const input = document.querySelector('[data-role=message-input]');
             const send = document.querySelector('[data-role=send]');
             for (const text of arguments[0]) { input.value = text; send.click(); }",
            vec![json!(typed)],
        )
        .await?;
    wait_newest(browser, &typed, "queued", secs(30)).await?;
    expect_out(browser, &typed, "queued", "before the reload").await?;

    browser
        .driver()
        .refresh()
        .await
        .context("reloading the page")?;
    wait_newest(browser, &typed, "queued", secs(30))
        .await
        .context("after the reload")?;
    expect_out(browser, &typed, "queued", "after the reload").await?;
    let state = chat::state(browser).await?;
    ensure!(
        state.as_deref() != Some("open"),
        "the chat is open while the server refuses connections"
    );

    // Take connections again: everything goes out, once. Acks come in order, so the newest
    // being delivered means all are; expect_out checks every one.
    chat::follow_newest(browser).await?;
    server.post("/_test/refuse?ms=1").await?;
    wait_newest(browser, &typed, "delivered", secs(120)).await?;
    expect_out(browser, &typed, "delivered", "after reconnecting").await?;

    // A second chat in the same room shows the room's history: the typed texts, once, in order.
    let tab = browser.driver().new_tab().await.context("opening a tab")?;
    browser.driver().switch_to_window(tab).await?;
    browser.goto(&url).await?;
    chat::wait_state(browser, "open", secs(30)).await?;
    let last = typed.last().cloned().unwrap_or_default();
    wait::until(
        browser,
        "the newest message in the second chat",
        secs(30),
        "const rows = document.querySelectorAll('[data-role=message] [data-role=message-text]');
         return rows.length > 0 && rows[rows.length - 1].textContent === arguments[0];",
        vec![json!(last)],
    )
    .await?;
    // Anything late (a duplicate) would show up now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let texts: Vec<String> = chat::all_rows(browser)
        .await?
        .into_iter()
        .map(|r| r.text)
        .collect();
    compare("the second chat's messages", &typed, &texts)
}

/// Waits until the newest row is the last typed message, with `status`. Only the newest: the
/// list may render a window of the newest rows, not all of them.
async fn wait_newest(
    browser: &Browser,
    typed: &[String],
    status: &str,
    timeout: Duration,
) -> Result<()> {
    let last = typed.last().cloned().unwrap_or_default();
    let waited = wait::until(
        browser,
        &format!("the newest message, {last:?}, to be {status}"),
        timeout,
        "const rows = document.querySelectorAll('[data-role=message][data-direction=out]');
         const m = rows[rows.length - 1];
         return !!m && m.dataset.status === arguments[1]
           && m.querySelector('[data-role=message-text]').textContent === arguments[0];",
        vec![json!(last), json!(status)],
    )
    .await;
    if let Err(e) = waited {
        let rows = chat::rendered_rows(browser).await.unwrap_or_default();
        return Err(e).with_context(|| format!("rendered: {}", summary(&rows)));
    }
    Ok(())
}

/// `N rows: status × count…, newest "…"`, for error messages.
fn summary(rows: &[ShownMessage]) -> String {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for r in rows {
        *counts
            .entry(format!("{} {}", r.direction, r.status))
            .or_default() += 1;
    }
    format!(
        "{} rows {counts:?}, newest {:?}",
        rows.len(),
        rows.last().map(|r| &r.text)
    )
}

/// Every message the chat keeps is outgoing with `status`, and their texts are `typed`, in
/// order.
async fn expect_out(browser: &Browser, typed: &[String], status: &str, when: &str) -> Result<()> {
    let rows = chat::all_rows(browser)
        .await
        .with_context(|| format!("{when}: reading every message"))?;
    if let Some(r) = rows
        .iter()
        .find(|r| r.direction != "out" || r.status != status)
    {
        bail!(
            "{when}: {:?} is {} {}, expected out {status} ({})",
            r.text,
            r.direction,
            r.status,
            summary(&rows)
        );
    }
    let texts: Vec<String> = rows.into_iter().map(|r| r.text).collect();
    compare(&format!("{when}: the outgoing messages"), typed, &texts)?;
    chat::follow_newest(browser).await
}

/// `got` is exactly `want`; otherwise names the first difference.
fn compare(what: &str, want: &[String], got: &[String]) -> Result<()> {
    if let Some(i) = (0..want.len().min(got.len())).find(|&i| want[i] != got[i]) {
        bail!("{what}: at {i}, expected {:?}, shown {:?}", want[i], got[i]);
    }
    ensure!(
        want.len() == got.len(),
        "{what}: expected {} messages, shown {}",
        want.len(),
        got.len()
    );
    Ok(())
}
