//! ws-chat on an embedder's page with a strict Content-Security-Policy, in headless Chromium
//! and Firefox. The page (its own origin, served with the policy as a response header) allows
//! nothing but the chat's origin:
//!
//! - `default-src 'none'`: no images, fonts, frames, workers, … from anywhere;
//! - `script-src` the chat's origin and `'wasm-unsafe-eval'` (to compile the wasm): no inline
//!   script, no `eval`;
//! - `style-src` the chat's origin: no inline `<style>` and no `style` attributes;
//! - `connect-src` the chat's origin, `http://` (the loader fetches the wasm) and `ws://`;
//!
//! plus `'report-sample'`, which allows nothing but puts the start of a blocked inline piece in
//! the report. Its only ws-chat pieces are the script tag, a `<ws-chat>` element, and a
//! `wsChat.mount` chat made by the page's own script (a file on the chat's origin: an inline
//! one would be blocked). Both chats open and talk both ways, and no `securitypolicyviolation`
//! event fires but the host page's own:
//!
//! - its canary, one inline `style` attribute, which must be reported, or the policy is not in
//!   force (or the listener hears nothing) and the test proves nothing;
//! - the browser's own request for the page's `/favicon.ico` (Firefox makes one), refused by
//!   `default-src 'none'`. Allowing the host's images (`img-src 'self'`) would silence it, but
//!   would also let through a chat that loads an image by a relative URL, from the host's
//!   origin, which this policy catches.

mod support;

use anyhow::{ensure, Context, Result};
use serde_json::{json, Value};
use std::time::Duration;
use support::HostPage;
use ws_chat_e2e::local::server_binary;
use ws_chat_e2e::prerequisites::{self, Need};
use ws_chat_e2e::{
    random_suffix, site, wait, Browser, BrowserKind, BrowserOptions, CompanionOptions,
    CompanionServer, HostedChat,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_policy_in_chromium() -> Result<()> {
    strict_policy(BrowserKind::Chromium).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_policy_in_firefox() -> Result<()> {
    strict_policy(BrowserKind::Firefox).await
}

/// The first script of the page (classic, so it runs before anything else): records every
/// violation of the page's policy in `window.cspViolations`. Violations inside a chat's shadow
/// root reach the window too (the event is composed).
const WATCH_JS: &str = r##"// Records every Content-Security-Policy violation of this page, for the test to read.
window.cspViolations = [];
window.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push({
    directive: e.effectiveDirective,
    blocked: e.blockedURI,
    sample: e.sample,
    source: e.sourceFile,
    line: e.lineNumber,
    target: e.target && e.target.nodeName ? e.target.nodeName + (e.target.id ? "#" + e.target.id : "") : String(e.target),
  });
}, true);
"##;

/// The page's own script for its `wsChat.mount` chat. Importing the loader (the same URL as
/// the page's script tag, so the same module, evaluated once) makes it run after the loader
/// has installed `window.wsChat`.
const MOUNT_JS: &str = r#"// The host page's script: a chat mounted into #finn, its URL from the element.
import "./ws-chat-embed.js";

const box = document.getElementById("finn");
window.finnChat = window.wsChat.mount(box, {
  url: box.dataset.url, name: "Finn", title: "Finn", storageKey: "finn",
});
"#;

/// What the canary's inline style attribute holds, to know its report by the sample.
const CANARY: &str = "--csp-canary: 1";

async fn strict_policy(kind: BrowserKind) -> Result<()> {
    if !prerequisites::check(&Need::browser_run(kind))? {
        return Ok(());
    }
    // The app and the page's two scripts, from one directory: the chat's origin. (Dropped
    // last: the server stops before its directory goes.)
    let dir = tempfile::Builder::new()
        .prefix("ws-chat-e2e-csp-")
        .tempdir()
        .context("creating the chat's site")?;
    let app_site = dir.path().join("site");
    site::copy_app(&support::dist()?, &app_site)?;
    std::fs::write(app_site.join("csp-watch.js"), WATCH_JS)?;
    std::fs::write(app_site.join("csp-mount.js"), MOUNT_JS)?;
    let app = CompanionServer::start(&CompanionOptions::new(server_binary()?, app_site))?;

    let origin = app.http_url("");
    let ws_origin = format!("ws://{}", app.addr);
    let policy = format!(
        "default-src 'none'; script-src {origin} 'wasm-unsafe-eval' 'report-sample'; \
         style-src {origin} 'report-sample'; connect-src {origin} {ws_origin}"
    );
    let ws = app.ws_url(&format!("csp-{}", random_suffix()));
    let page = HostPage::with_headers(
        &format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>A strict embedder</title>\
             <script src=\"{origin}/csp-watch.js\"></script>\
             {embed}\
             <script type=\"module\" src=\"{origin}/csp-mount.js\"></script></head>\
             <body><h1>A page with a strict Content-Security-Policy</h1>\
             <p id=\"canary\" style=\"{CANARY}\">This paragraph's inline style is refused.</p>\
             <ws-chat id=\"eve\" url=\"{ws}\" name=\"Eve\" title=\"Eve\" storage-key=\"eve\"></ws-chat>\
             <div id=\"finn\" data-url=\"{ws}\"></div></body></html>",
            embed = support::embed_script_tag(&app),
        ),
        &[("Content-Security-Policy", &policy)],
    )?;
    println!("[{kind}] Content-Security-Policy: {policy}");
    let browser = Browser::launch(&BrowserOptions::for_kind(kind)).await?;
    let result = scenario(&browser, &page, &app).await;
    support::finish(browser, result, &[&app]).await
}

async fn scenario(browser: &Browser, page: &HostPage, app: &CompanionServer) -> Result<()> {
    let kind = browser.kind();
    browser.goto(&page.url()).await?;
    wait::until(
        browser,
        "csp-watch.js to run",
        Duration::from_secs(10),
        "return Array.isArray(window.cspViolations);",
        Vec::new(),
    )
    .await?;
    let talked = support::talk(
        browser,
        app,
        &HostedChat::new("#eve"),
        &HostedChat::new("#finn"),
    )
    .await;
    // The violations say why the chats did not open or talk, if they did not.
    let violations = browser
        .eval("return window.cspViolations;", Vec::new())
        .await?;
    let favicon = page.url() + "favicon.ico";
    let (hosts, others): (Vec<&Value>, Vec<&Value>) = violations
        .as_array()
        .map(|v| {
            v.iter()
                .partition(|v| is_canary(v) || v["blocked"] == favicon)
        })
        .unwrap_or_default();
    for v in &hosts {
        println!("[{kind}] the host page's own violation, as expected: {v}");
    }
    for v in &others {
        println!("[{kind}] violation: {v}");
    }
    if let Err(e) = talked {
        return Err(e.context(match others.len() {
            0 => "the chats did not talk under the policy, and no securitypolicyviolation \
                  event fired"
                .to_owned(),
            n => format!(
                "the chats did not talk under the policy; {n} securitypolicyviolation events \
                 fired: {}",
                json!(others)
            ),
        }));
    }
    println!("[{kind}] <ws-chat> and wsChat.mount talked under the policy");
    ensure!(
        others.is_empty(),
        "the chats talked, but {} securitypolicyviolation events fired: {}",
        others.len(),
        json!(others)
    );
    ensure!(
        hosts.iter().any(|v| is_canary(v)),
        "the canary's inline style raised no violation: the policy is not in force, or the \
         listener hears nothing (all it heard: {violations})"
    );
    println!("[{kind}] no violation but the host page's own");
    Ok(())
}

/// Whether a reported violation is the page's canary: its inline `style` attribute, known by
/// its sample or by its element.
fn is_canary(v: &Value) -> bool {
    v["sample"].as_str().is_some_and(|s| s.contains(CANARY)) || v["target"] == "P#canary"
}
