//! `examples/embed.html` in headless Chromium and in headless Firefox: two `<ws-chat>`
//! elements (Ann and Bob, one room) on one page, served with the built app by the companion
//! server.
//!
//! Both chats open; a message typed in Ann's chat and sent with the button shows in Bob's, and
//! one typed in Bob's and sent with Enter shows in Ann's. Then the server is killed outright (SIGKILL) and started again on
//! the same port with the same history file: both chats leave `open`, come back to `open` by
//! themselves, and a message sent after the restart arrives. A screenshot of each browser's
//! run is saved to `target/e2e-artifacts/embed-<browser>.png`. Last, the page's own elements
//! must look as they would without the chats (`host_styles`).

mod support;

use anyhow::{ensure, Result};
use std::time::{Duration, Instant};
use ws_chat_e2e::prerequisites::{self, Need};
use ws_chat_e2e::{
    host_styles, random_suffix, Browser, BrowserKind, BrowserOptions, CompanionServer, HostedChat,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embed_page_in_chromium() -> Result<()> {
    embed_page(BrowserKind::Chromium).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embed_page_in_firefox() -> Result<()> {
    embed_page(BrowserKind::Firefox).await
}

async fn embed_page(kind: BrowserKind) -> Result<()> {
    if !prerequisites::check(&Need::browser_run(kind))? {
        return Ok(());
    }
    let mut server = support::dist_server(true)?;
    let browser = Browser::launch(&BrowserOptions::for_kind(kind)).await?;
    let result = scenario(&browser, &mut server).await;
    support::finish(browser, result, &[&server]).await
}

async fn scenario(browser: &Browser, server: &mut CompanionServer) -> Result<()> {
    let secs = Duration::from_secs;
    let kind = browser.kind();
    let ann = HostedChat::new("#chat-ann");
    let bob = HostedChat::new("#chat-bob");
    // Unique texts, so a message is never matched by an older one in the room's history.
    let tag = random_suffix();

    let started = Instant::now();
    browser
        .goto(&server.http_url("/examples/embed.html"))
        .await?;
    for chat in [&ann, &bob] {
        chat.wait_state(browser, "open", true, secs(30)).await?;
    }
    println!("[{kind}] both chats open in {:?}", started.elapsed());

    let by_button = format!("Hello Bob, by the button ({tag})");
    ann.send_with_button(browser, &by_button).await?;
    let direction = bob.wait_message(browser, &by_button, secs(15)).await?;
    ensure!(
        direction == "in",
        "Bob shows Ann's message as {direction:?}, not \"in\""
    );
    // Sender names are optional in the DOM contract; where shown, Bob must see Ann's.
    if let Some(sender) = bob.sender_of(browser, &by_button).await? {
        ensure!(
            sender.contains("Ann"),
            "Bob shows Ann's message as sent by {sender:?}"
        );
        println!("[{kind}] Bob sees the message as sent by {sender:?}");
    }
    ensure!(
        ann.input_value(browser).await?.is_empty(),
        "Ann's input still holds the text after sending"
    );

    let by_enter = format!("Hello Ann, by Enter ({tag})");
    bob.send_with_enter(browser, &by_enter).await?;
    let direction = ann.wait_message(browser, &by_enter, secs(15)).await?;
    ensure!(
        direction == "in",
        "Ann shows Bob's message as {direction:?}, not \"in\""
    );
    ensure!(
        bob.input_value(browser).await?.is_empty(),
        "Bob's input still holds the text after Enter"
    );

    // A crash, not a shutdown: no close frames; the chats see their sockets fail.
    server.kill();
    let killed = Instant::now();
    for chat in [&ann, &bob] {
        chat.wait_state(browser, "open", false, secs(30)).await?;
    }
    println!(
        "[{kind}] both chats left open {:?} after the kill",
        killed.elapsed()
    );
    server.restart()?;
    let restarted = Instant::now();
    for chat in [&ann, &bob] {
        chat.wait_state(browser, "open", true, secs(90)).await?;
    }
    println!(
        "[{kind}] both chats open again {:?} after the restart",
        restarted.elapsed()
    );

    let after = format!("Back again ({tag})");
    ann.send_with_button(browser, &after).await?;
    bob.wait_message(browser, &after, secs(15)).await?;
    ann.wait_message(browser, &after, secs(5)).await?;
    // The history file survived the restart: what was said before is still shown once.
    let texts = bob.texts(browser).await?;
    let count = |t: &str| texts.iter().filter(|s| s.as_str() == t).count();
    ensure!(
        count(&by_button) == 1 && count(&by_enter) == 1 && count(&after) == 1,
        "after the restart Bob shows {texts:?}; expected each message once"
    );

    let shot = support::artifact(&format!("embed-{kind}.png"))?;
    browser.screenshot(&shot).await?;
    println!("[{kind}] screenshot: {}", shot.display());

    // Last, so that a style leak does not hide how the rest went.
    let compared = host_styles::assert_untouched(browser).await?;
    println!("[{kind}] {compared} host elements look as they would without the chats");
    Ok(())
}
