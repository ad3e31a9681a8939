//! Writes the README's screenshots, `docs/screenshot-light.png` and `docs/screenshot-dark.png`:
//! `examples/embed.html` of a release build in headless Chromium, a 900×600 viewport, after Ann
//! and Bob have exchanged a few messages; the dark one with `prefers-color-scheme: dark`
//! emulated (CDP `Emulation.setEmulatedMedia`), so the page and the chats use their dark styles.
//!
//! `scripts/screenshots.sh` builds what it needs and runs it. The room is fresh (the server
//! keeps its history in memory), so the pictures show only these messages.

use anyhow::{Context, Result};
use clap::Parser;
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;
use ws_chat_e2e::local::server_binary;
use ws_chat_e2e::{
    repo_root, Browser, BrowserOptions, CompanionOptions, CompanionServer, HostedChat,
};

/// Writes docs/screenshot-light.png and docs/screenshot-dark.png of examples/embed.html.
#[derive(Parser, Debug)]
struct ScreenshotArgs {
    /// The trunk build to serve (relative to the workspace root).
    #[arg(long, default_value = "target/e2e-dist")]
    dist: PathBuf,
    /// Where the PNGs go (relative to the workspace root).
    #[arg(long, default_value = "docs")]
    out: PathBuf,
    /// Viewport width in CSS pixels.
    #[arg(long, default_value_t = 900)]
    width: u32,
    /// Viewport height in CSS pixels.
    #[arg(long, default_value_t = 600)]
    height: u32,
}

/// The conversation shown: who says what, in order.
const CONVERSATION: &[(&str, &str)] = &[
    ("#chat-ann", "Hi Bob! Is the build green?"),
    ("#chat-bob", "Green in Chromium and in Firefox."),
    ("#chat-ann", "Then let's ship it."),
];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let args = ScreenshotArgs::parse();
    let root = repo_root();
    let server = CompanionServer::start(&CompanionOptions::new(
        server_binary()?,
        root.join(&args.dist),
    ))?;
    let browser = Browser::launch(&BrowserOptions::default()).await?;
    let result = shoot(&browser, &server, &args, &root.join(&args.out)).await;
    let closed = browser.close().await;
    if result.is_err() {
        eprintln!("the server said:\n{}", server.process.output_tail());
    }
    result?;
    closed
}

async fn shoot(
    browser: &Browser,
    server: &CompanionServer,
    args: &ScreenshotArgs,
    out: &std::path::Path,
) -> Result<()> {
    let secs = Duration::from_secs;
    browser
        .cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": args.width, "height": args.height, "deviceScaleFactor": 1,
                    "mobile": false }),
        )
        .await?;
    browser
        .goto(&server.http_url("/examples/embed.html"))
        .await?;
    let ann = HostedChat::new("#chat-ann");
    let bob = HostedChat::new("#chat-bob");
    for chat in [&ann, &bob] {
        chat.wait_state(browser, "open", true, secs(30)).await?;
    }
    for (who, text) in CONVERSATION {
        let (from, to) = if *who == "#chat-ann" {
            (&ann, &bob)
        } else {
            (&bob, &ann)
        };
        from.send_with_enter(browser, text).await?;
        to.wait_message(browser, text, secs(15)).await?;
    }
    // Every outgoing message delivered, no focus ring, the chats at the top of the viewport.
    ws_chat_e2e::wait::until(
        browser,
        "every message to be delivered",
        secs(15),
        "return [...document.querySelectorAll('ws-chat')].every((h) =>
           [...(h.shadowRoot || h).querySelectorAll('[data-role=message][data-direction=out]')]
             .every((m) => m.dataset.status === 'delivered'));",
        Vec::new(),
    )
    .await?;
    browser
        .eval(
            "document.activeElement && document.activeElement.blur();
             const chats = document.querySelector('.chats') || document.querySelector('ws-chat');
             if (chats) window.scrollTo(0, Math.max(0, chats.getBoundingClientRect().top
               + window.scrollY - 16));",
            Vec::new(),
        )
        .await?;

    for (scheme, file) in [
        ("light", "screenshot-light.png"),
        ("dark", "screenshot-dark.png"),
    ] {
        browser
            .cdp(
                "Emulation.setEmulatedMedia",
                json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
            )
            .await?;
        // Two animation frames: the new styles are applied and painted.
        let emulated = browser
            .eval_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() =>
                   done(matchMedia('(prefers-color-scheme: ' + arguments[0] + ')').matches)));",
                vec![json!(scheme)],
            )
            .await?;
        anyhow::ensure!(
            emulated == json!(true),
            "the page does not see prefers-color-scheme: {scheme}"
        );
        let path = out.join(file);
        browser
            .screenshot(&path)
            .await
            .with_context(|| format!("the {scheme} screenshot"))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
