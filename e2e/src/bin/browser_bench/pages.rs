//! The three pages the benchmark compares, and how it reads each one.
//!
//! All three are served by one companion server from one directory (the site): ws-chat's
//! release build at `/`, the seed's plain-JS page at `/plain.html`, the floor at `/floor.html`
//! (and the raw wschat.v1 page at `/raw-ack.html`). Each takes its WebSocket URL from `?ws=`.

use anyhow::{Context, Result};
use std::path::Path;
use std::time::Duration;
use ws_chat_e2e::page_memory::WASM_MEMORY_SPY;
use ws_chat_e2e::{encode_query_value, site, wait, Browser};

/// One of the pages under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchPage {
    /// ws-chat's release build.
    WsChat,
    /// The seed page: one `div` appended per frame.
    Plain,
    /// Counts frames, shows the newest, one DOM write per animation frame.
    Floor,
}

/// Records in `window.benchOpenAt` the `performance.now()` (ms since navigation start) at
/// which `[data-role=status][data-state=open]` first exists. A MutationObserver callback runs
/// right after the DOM change, before the next paint; it disconnects once it has seen it, so
/// it costs nothing during a burst.
const OPEN_OBSERVER: &str = r#"(() => {
  const sel = "[data-role=status][data-state=open]";
  const obs = new MutationObserver(() => {
    if (document.querySelector(sel)) { window.benchOpenAt = performance.now(); obs.disconnect(); }
  });
  obs.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
})();"#;

impl BenchPage {
    pub const ALL: [BenchPage; 3] = [BenchPage::WsChat, BenchPage::Plain, BenchPage::Floor];

    /// The column heading.
    pub fn label(self) -> &'static str {
        match self {
            BenchPage::WsChat => "ws-chat",
            BenchPage::Plain => "seed page",
            BenchPage::Floor => "floor",
        }
    }

    /// The page's URL on the site server, talking to `ws`.
    pub fn url(self, site: &str, ws: &str) -> String {
        let path = match self {
            BenchPage::WsChat => "/",
            BenchPage::Plain => "/plain.html",
            BenchPage::Floor => "/floor.html",
        };
        format!("{site}{path}?ws={}", encode_query_value(ws))
    }

    /// Scripts to add to every new document before the page loads (CDP), if any. Only ws-chat
    /// needs them: the other pages record `benchOpenAt` themselves and have no wasm.
    pub fn init_scripts(self) -> &'static [&'static str] {
        match self {
            BenchPage::WsChat => &[WASM_MEMORY_SPY, OPEN_OBSERVER],
            BenchPage::Plain | BenchPage::Floor => &[],
        }
    }

    /// Loads `url` in `browser` and waits until the page's socket is open.
    pub async fn load(self, browser: &Browser, url: &str) -> Result<()> {
        browser.goto(url).await?;
        wait::in_page(
            browser,
            "the socket to open",
            Duration::from_secs(30),
            self.open_condition(),
        )
        .await
        .map(drop)
    }

    /// A JS expression that is true once the page's socket is open.
    pub fn open_condition(self) -> &'static str {
        match self {
            BenchPage::WsChat => "document.querySelector('[data-role=status][data-state=open]')",
            BenchPage::Plain | BenchPage::Floor => "window.benchOpenAt !== undefined",
        }
    }

    /// Selectors of the message input and the send button.
    pub fn controls(self) -> (&'static str, &'static str) {
        match self {
            BenchPage::WsChat => ("[data-role=message-input]", "[data-role=send]"),
            BenchPage::Plain => ("#messageInput", "#messageInput + button"),
            BenchPage::Floor => ("#messageInput", "#send"),
        }
    }

    /// A JS expression for the text of the newest message shown (or null). Only the last
    /// element is looked at, so checking it once per frame costs the same at 100,000 rows.
    pub fn newest_text(self) -> &'static str {
        match self {
            BenchPage::WsChat => {
                "(() => { const l = document.querySelector('[data-role=messages]'); \
                 const t = l && l.lastElementChild && \
                 l.lastElementChild.querySelector('[data-role=message-text]'); \
                 return t ? t.textContent : null; })()"
            }
            BenchPage::Plain => {
                "(() => { const r = document.getElementById('chatRoom'); \
                 return r && r.lastElementChild ? r.lastElementChild.textContent : null; })()"
            }
            BenchPage::Floor => "(document.getElementById('last') || {}).textContent",
        }
    }

    /// The selector of the elements that hold messages (counted after a burst).
    pub fn message_selector(self) -> &'static str {
        match self {
            BenchPage::WsChat => "[data-role=message]",
            BenchPage::Plain => "#chatRoom > div",
            BenchPage::Floor => "#last",
        }
    }
}

/// The HTML pages shipped with the benchmark, copied next to ws-chat's build.
pub const EXTRA_PAGES: [&str; 3] = ["plain.html", "floor.html", "raw-ack.html"];

/// Builds the site directory: a fresh copy of `dist` (ws-chat's release build) plus the pages
/// from `pages`. One directory means one server and one origin for every page, so they load
/// under the same conditions.
pub fn prepare_site(dist: &Path, pages: &Path, site: &Path) -> Result<()> {
    site::copy_app(dist, site)?;
    for page in EXTRA_PAGES {
        let from = pages.join(page);
        std::fs::copy(&from, site.join(page))
            .with_context(|| format!("copying {} into the site", from.display()))?;
    }
    Ok(())
}
