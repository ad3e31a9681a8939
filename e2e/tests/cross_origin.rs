//! An embedder's page on another origin, in headless Chromium and Firefox: a static page whose
//! only ws-chat pieces are the one script tag (from the server of the built app, another port)
//! and the chats. A `<ws-chat>` element and a chat made with `window.wsChat.mount` both open on
//! the app's server, and messages go both ways between them (the button one way, Enter the
//! other). The page's own rules keep their values: the host's `h1` and `button` are exactly as
//! its CSS says, and every host element looks as it would without the chats.

mod support;

use anyhow::{ensure, Result};
use serde_json::json;
use support::HostPage;
use ws_chat_e2e::prerequisites::{self, Need};
use ws_chat_e2e::{
    host_styles, random_suffix, Browser, BrowserKind, BrowserOptions, CompanionServer, HostedChat,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_origin_in_chromium() -> Result<()> {
    another_origin(BrowserKind::Chromium).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_origin_in_firefox() -> Result<()> {
    another_origin(BrowserKind::Firefox).await
}

/// The host's own CSS, with values that no browser default has, so they can be checked.
const HOST_CSS: &str = "body { font-family: serif; color: rgb(20, 30, 40); \
     background: rgb(250, 245, 230); } \
     h1 { color: rgb(200, 10, 10); font-size: 30px; } \
     button { background-color: rgb(1, 2, 3); color: rgb(250, 250, 250); }";

async fn another_origin(kind: BrowserKind) -> Result<()> {
    if !prerequisites::check(&Need::browser_run(kind))? {
        return Ok(());
    }
    let app = support::dist_server(false)?;
    let ws = app.ws_url(&format!("cross-{}", random_suffix()));
    let page = HostPage::start(&format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>An embedder's page</title><style>{HOST_CSS}</style>{script}</head>\
         <body><h1>An embedder's page</h1><p>Served from its own origin.</p>\
         <button id=\"host-button\" type=\"button\">The host's button</button>\
         <ws-chat id=\"cara\" url=\"{ws}\" name=\"Cara\" title=\"Cara\" storage-key=\"cara\"></ws-chat>\
         <div id=\"dan\"></div></body></html>",
        script = support::embed_script_tag(&app)
    ))?;
    let browser = Browser::launch(&BrowserOptions::for_kind(kind)).await?;
    let result = scenario(&browser, &page, &app, &ws).await;
    support::finish(browser, result, &[&app]).await
}

async fn scenario(
    browser: &Browser,
    page: &HostPage,
    app: &CompanionServer,
    ws: &str,
) -> Result<()> {
    let kind = browser.kind();
    ensure!(
        page.addr().port() != app.addr.port(),
        "the host page must be on another origin"
    );
    page.open(browser).await?;
    browser
        .eval(
            "window.danChat = window.wsChat.mount(document.getElementById('dan'),
               { url: arguments[0], name: 'Dan', title: 'Dan', storageKey: 'dan' });",
            vec![json!(ws)],
        )
        .await?;
    let cara = HostedChat::new("#cara");
    let dan = HostedChat::new("#dan");
    support::talk(browser, app, &cara, &dan).await?;
    println!("[{kind}] messages went both ways between <ws-chat> and wsChat.mount");

    let host = browser
        .eval(
            "const h1 = getComputedStyle(document.querySelector('h1'));
             const b = getComputedStyle(document.getElementById('host-button'));
             return { h1_color: h1.color, h1_size: h1.fontSize, button_bg: b.backgroundColor,
                      button_color: b.color };",
            Vec::new(),
        )
        .await?;
    ensure!(
        host == json!({ "h1_color": "rgb(200, 10, 10)", "h1_size": "30px",
                        "button_bg": "rgb(1, 2, 3)", "button_color": "rgb(250, 250, 250)" }),
        "the host's h1 and button are not as its CSS says: {host}"
    );
    let compared = host_styles::assert_untouched(browser).await?;
    println!("[{kind}] {compared} host elements look as they would without the chats");
    Ok(())
}
