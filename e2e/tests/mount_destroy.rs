//! `wsChat.mount` and `destroy` 100 times in one page, in headless Chromium and Firefox: every
//! chat opens, and once destroyed leaves no socket on the server and no DOM behind; adding and
//! removing `<ws-chat>` elements does the same. Memory does not grow with the number of rounds:
//! ws-chat's wasm memory (both browsers) and, in Chromium, the JS heap after a full GC are
//! compared after round 10 and after round 100.
//!
//! The page is an embedder's (its own origin, only the script tag), with a classic script ahead
//! of it that makes the wasm memory readable (`page_memory::WASM_MEMORY_SPY`).

mod support;

use anyhow::{ensure, Context, Result};
use serde_json::json;
use std::time::{Duration, Instant};
use support::HostPage;
use ws_chat_e2e::page_memory::{self, PageMemory, WASM_MEMORY_SPY};
use ws_chat_e2e::{random_suffix, wait, Browser, BrowserKind, BrowserOptions, CompanionServer};

/// Mount/destroy rounds in all.
const ROUNDS: u32 = 100;
/// The round after which the first memory figure is taken: by then everything allocated once
/// (the wasm module, Yew's and the allocator's first growth) is in place.
const WARM_ROUNDS: u32 = 10;
/// `<ws-chat>` elements added and removed after the mount rounds.
const ELEMENT_ROUNDS: u32 = 5;
/// How much the JS heap may grow from round 10 to round 100 (90 rounds): about 2.8 KiB a
/// round. A chat kept alive after destroy() holds its DOM, listeners and state, far more than
/// that; what is allowed covers allocation noise and what the browser keeps per round of its
/// own (console lines: each chat logs its open and close).
const JS_HEAP_TOLERANCE: f64 = 256.0 * 1024.0;
/// How much the wasm memory may grow from round 10 to round 100: two 64 KiB pages (about
/// 1.4 KiB a round). Linear memory grows in whole pages and never shrinks.
const WASM_TOLERANCE: f64 = 2.0 * 64.0 * 1024.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mount_and_destroy_in_chromium() -> Result<()> {
    mount_and_destroy(BrowserKind::Chromium).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mount_and_destroy_in_firefox() -> Result<()> {
    mount_and_destroy(BrowserKind::Firefox).await
}

async fn mount_and_destroy(kind: BrowserKind) -> Result<()> {
    let app = support::dist_server(false)?;
    let page = HostPage::start(&format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Mount and destroy</title><script>{WASM_MEMORY_SPY}</script>{}</head>\
         <body><h1>Mount and destroy</h1><div id=\"mounts\"></div></body></html>",
        support::embed_script_tag(&app)
    ))?;
    let browser = Browser::launch(&BrowserOptions::for_kind(kind)).await?;
    let result = scenario(&browser, &app, &page).await;
    support::finish(browser, result, &[&app, &page.server]).await
}

/// Mounts into `#mounts` rounds `from..=to`, each: mount, wait until open, destroy, wait until
/// the element is empty again. All in the page, so 100 rounds take seconds, not minutes of
/// WebDriver round trips.
const ROUNDS_JS: &str = r#"
const [url, from, to] = arguments; const done = arguments[arguments.length - 1];
const box = document.getElementById('mounts');
const root = () => box.shadowRoot || box;
const until = (what, cond, ms) => new Promise((resolve, reject) => {
  const t0 = performance.now();
  const tick = () => {
    let ok = false; try { ok = cond(); } catch (e) {}
    if (ok) resolve(); else if (performance.now() - t0 > ms) reject(new Error(what));
    else setTimeout(tick, 5);
  };
  tick();
});
(async () => {
  for (let i = from; i <= to; i++) {
    const handle = window.wsChat.mount(box, { url, name: 'Round ' + i, storageKey: 'mount-destroy',
      title: 'Round ' + i });
    await until('round ' + i + ': the chat to open', () =>
      root().querySelector('[data-role=chat] [data-role=status][data-state=open]'), 20000);
    handle.destroy();
    // destroy() unmounts in a later task (it is queued behind Yew's creation of the chat).
    await until('round ' + i + ': the chat DOM to go after destroy()', () =>
      !root().querySelector('*'), 5000);
  }
})().then(() => done({ ok: true }), (e) => done({ ok: false, error: String(e && e.message || e) }));
"#;

async fn scenario(browser: &Browser, app: &CompanionServer, page: &HostPage) -> Result<()> {
    let secs = Duration::from_secs;
    let kind = browser.kind();
    let url = app.ws_url(&format!("mount-{}", random_suffix()));
    browser.goto(&page.url()).await?;
    wait::until(
        browser,
        "window.wsChat.mount",
        secs(30),
        "return !!(window.wsChat && typeof window.wsChat.mount === 'function');",
        Vec::new(),
    )
    .await?;
    let baseline = app.connections().await?;

    // Round 1 step by step: the server counts the chat's connection while it is open (so the
    // count below can see a leak), and not after destroy().
    browser
        .eval(
            "window.e2eHandle = window.wsChat.mount(document.getElementById('mounts'), \
             { url: arguments[0], name: 'Round 1', storageKey: 'mount-destroy' });",
            vec![json!(url)],
        )
        .await?;
    wait::until(
        browser,
        "the first mounted chat to open",
        secs(30),
        "const box = document.getElementById('mounts');
         return !!(box.shadowRoot || box).querySelector('[data-role=status][data-state=open]');",
        Vec::new(),
    )
    .await?;
    app.wait_connections(baseline + 1, secs(10))
        .await
        .context("while one chat is mounted")?;
    browser
        .eval("window.e2eHandle.destroy();", Vec::new())
        .await?;
    app.wait_connections(baseline, secs(10))
        .await
        .context("after the first destroy()")?;
    wait::until(
        browser,
        "#mounts to be empty after the first destroy()",
        secs(5),
        "const box = document.getElementById('mounts');
         return !(box.shadowRoot || box).querySelector('*');",
        Vec::new(),
    )
    .await?;

    let started = Instant::now();
    run_rounds(browser, &url, 2, WARM_ROUNDS).await?;
    let warm = page_memory::measure(browser).await?;
    run_rounds(browser, &url, WARM_ROUNDS + 1, ROUNDS).await?;
    let last = page_memory::measure(browser).await?;
    println!(
        "[{kind}] {} mount/open/destroy rounds in {:?}",
        ROUNDS - 1,
        started.elapsed()
    );
    app.wait_connections(baseline, secs(15))
        .await
        .with_context(|| format!("after {ROUNDS} rounds of mount and destroy()"))?;
    let left = browser
        .eval(
            "const box = document.getElementById('mounts');
             return (box.shadowRoot || box).querySelectorAll('*').length;",
            Vec::new(),
        )
        .await?;
    ensure!(
        left == json!(0),
        "#mounts holds {left} elements after the last destroy()"
    );

    element_rounds(browser, &url).await?;
    app.wait_connections(baseline, secs(15))
        .await
        .context("after removing the <ws-chat> elements")?;

    check_memory(kind, warm, last)
}

async fn run_rounds(browser: &Browser, url: &str, from: u32, to: u32) -> Result<()> {
    let out = browser
        .eval_async(ROUNDS_JS, vec![json!(url), json!(from), json!(to)])
        .await?;
    ensure!(
        out["ok"] == json!(true),
        "mount/destroy rounds {from}..={to}: {}",
        out["error"].as_str().unwrap_or("failed")
    );
    Ok(())
}

/// Adds a `<ws-chat>` element, waits until its chat opens, removes it; a few times.
async fn element_rounds(browser: &Browser, url: &str) -> Result<()> {
    for i in 1..=ELEMENT_ROUNDS {
        browser
            .eval(
                "const el = document.createElement('ws-chat');
                 el.id = 'element-round';
                 el.setAttribute('url', arguments[0]);
                 el.setAttribute('name', 'Element ' + arguments[1]);
                 el.setAttribute('storage-key', 'element-round');
                 document.body.appendChild(el);",
                vec![json!(url), json!(i)],
            )
            .await?;
        wait::until(
            browser,
            &format!("<ws-chat> element {i} to open"),
            Duration::from_secs(20),
            "const el = document.getElementById('element-round');
             return !!el && !!(el.shadowRoot || el).querySelector('[data-role=status][data-state=open]');",
            Vec::new(),
        )
        .await?;
        browser
            .eval(
                "document.getElementById('element-round').remove();",
                Vec::new(),
            )
            .await?;
    }
    Ok(())
}

fn check_memory(kind: BrowserKind, warm: PageMemory, last: PageMemory) -> Result<()> {
    let kib =
        |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |b| format!("{:.0} KiB", b / 1024.0));
    println!(
        "[{kind}] JS heap after GC: {} after round {WARM_ROUNDS}, {} after round {ROUNDS}",
        kib(warm.js_heap),
        kib(last.js_heap)
    );
    println!(
        "[{kind}] wasm memory: {} after round {WARM_ROUNDS}, {} after round {ROUNDS}",
        kib(warm.wasm),
        kib(last.wasm)
    );
    let grew = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| b - a);
    let per_round = |g: Option<f64>| {
        g.map_or_else(
            || "n/a".to_owned(),
            |g| format!("{:.2} KiB", g / 1024.0 / f64::from(ROUNDS - WARM_ROUNDS)),
        )
    };
    println!(
        "[{kind}] growth per round: JS heap {}, wasm {}",
        per_round(grew(warm.js_heap, last.js_heap)),
        per_round(grew(warm.wasm, last.wasm))
    );
    if kind == BrowserKind::Chromium {
        let growth = grew(warm.js_heap, last.js_heap)
            .context("performance.memory is missing in Chromium (--enable-precise-memory-info?)")?;
        ensure!(
            growth <= JS_HEAP_TOLERANCE,
            "the JS heap grew by {:.0} KiB from round {WARM_ROUNDS} to round {ROUNDS} (allowed: {:.0} KiB)",
            growth / 1024.0,
            JS_HEAP_TOLERANCE / 1024.0
        );
    }
    let growth = grew(warm.wasm, last.wasm).context(
        "the wasm memory could not be read: the spy saw no instance (did the loader change?)",
    )?;
    ensure!(
        growth <= WASM_TOLERANCE,
        "the wasm memory grew by {:.0} KiB from round {WARM_ROUNDS} to round {ROUNDS} (allowed: {:.0} KiB)",
        growth / 1024.0,
        WASM_TOLERANCE / 1024.0
    );
    Ok(())
}
