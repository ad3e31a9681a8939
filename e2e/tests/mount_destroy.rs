//! `wsChat.mount` and `destroy` 400 times in one page, in headless Chromium and Firefox: every
//! chat opens, and once destroyed leaves no socket on the server and no DOM behind; adding and
//! removing `<ws-chat>` elements does the same. Memory does not grow with the number of rounds:
//! ws-chat's wasm memory (both browsers) and, in Chromium, the JS heap after a full GC are
//! measured after round 20 and every 100 rounds after, and may grow only by a bound per round
//! far below what one chat left behind would cost.
//!
//! The page is an embedder's (its own origin, only the script tag), with a classic script ahead
//! of it that makes the wasm memory readable (`page_memory::WASM_MEMORY_SPY`).

mod support;

use anyhow::{ensure, Context, Result};
use serde_json::json;
use std::time::{Duration, Instant};
use support::HostPage;
use ws_chat_e2e::page_memory::{self, PageMemory, WASM_MEMORY_SPY};
use ws_chat_e2e::prerequisites::{self, Need};
use ws_chat_e2e::{random_suffix, wait, Browser, BrowserKind, BrowserOptions, CompanionServer};

/// Mount/destroy rounds in all.
const ROUNDS: u32 = 400;
/// The round after which the first memory figure is taken: by then everything allocated once
/// (the wasm module, Yew's and the allocator's first growth) is in place.
const WARM_ROUNDS: u32 = 20;
/// Memory is also read (and printed) every this many rounds after the warm-up.
const CHECKPOINT_ROUNDS: u32 = 100;
/// `<ws-chat>` elements added and removed after the mount rounds.
const ELEMENT_ROUNDS: u32 = 5;
/// How much the JS heap may grow per round, from round 20 to round 400 (after DevTools' full
/// collection, see `page_memory::measure`). A chat kept alive after destroy() holds its DOM,
/// listeners and state, tens of KiB; Yew's event listeners left on the host element at every
/// mount (see src/ui/listener.rs) cost about 0.75 KiB a round. What is allowed covers the
/// heap settling in the first rounds (about 0.15 KiB a round on average over the 380 rounds, and
/// flat in the last hundred).
const JS_HEAP_PER_ROUND: f64 = 0.4 * 1024.0;
/// How much the wasm memory may grow from round 20 to round 400: one 64 KiB page (about
/// 0.17 KiB a round; the Yew event listeners left behind at every mount cost about 0.85 KiB).
/// Linear memory grows in whole pages and never shrinks.
const WASM_TOLERANCE: f64 = 64.0 * 1024.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mount_and_destroy_in_chromium() -> Result<()> {
    mount_and_destroy(BrowserKind::Chromium).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mount_and_destroy_in_firefox() -> Result<()> {
    mount_and_destroy(BrowserKind::Firefox).await
}

async fn mount_and_destroy(kind: BrowserKind) -> Result<()> {
    if !prerequisites::check(&Need::browser_run(kind))? {
        return Ok(());
    }
    let app = support::dist_server(false)?;
    let page = HostPage::start(&format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Mount and destroy</title><script>{WASM_MEMORY_SPY}</script>{}</head>\
         <body><h1>Mount and destroy</h1><div id=\"mounts\"></div></body></html>",
        support::embed_script_tag(&app)
    ))?;
    let browser = Browser::launch(&BrowserOptions::for_kind(kind)).await?;
    let result = scenario(&browser, &app, &page).await;
    support::finish(browser, result, &[&app]).await
}

/// Mounts into `#mounts` rounds `from..=to`, each: mount, wait until open, destroy, wait until
/// the element is empty again. All in the page, so 400 rounds take seconds, not minutes of
/// WebDriver round trips.
const ROUNDS_JS: &str = r#"
const [url, from, to] = arguments; const done = arguments[arguments.length - 1];
const box = document.getElementById('mounts');
const root = () => box.shadowRoot || box;
// Waits for changes of the DOM rather than polling: a timer every few milliseconds costs the
// page's JS heap more per round than the chat does.
const until = (what, cond, ms) => new Promise((resolve, reject) => {
  const ok = () => { try { return !!cond(); } catch (e) { return false; } };
  if (ok()) { resolve(); return; }
  const observer = new MutationObserver(() => {
    if (ok()) { observer.disconnect(); clearTimeout(timer); resolve(); }
  });
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error(what)); }, ms);
  observer.observe(root(), { subtree: true, childList: true, attributes: true });
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
    page.open(browser).await?;
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
    let mut figures = vec![(WARM_ROUNDS, page_memory::measure(browser).await?)];
    let mut done = WARM_ROUNDS;
    while done < ROUNDS {
        let to = (done + CHECKPOINT_ROUNDS).min(ROUNDS);
        run_rounds(browser, &url, done + 1, to).await?;
        figures.push((to, page_memory::measure(browser).await?));
        done = to;
    }
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

    check_memory(kind, &figures)
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

fn check_memory(kind: BrowserKind, figures: &[(u32, PageMemory)]) -> Result<()> {
    let kib =
        |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), |b| format!("{:.0} KiB", b / 1024.0));
    for (round, memory) in figures {
        println!(
            "[{kind}] after round {round}: JS heap after GC {}, wasm memory {}",
            kib(memory.js_heap),
            kib(memory.wasm)
        );
    }
    let (&(_, warm), &(_, last)) = (
        figures.first().context("no figures")?,
        figures.last().context("no figures")?,
    );
    let rounds = f64::from(ROUNDS - WARM_ROUNDS);
    let grew = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| b - a);
    let per_round = |g: Option<f64>| {
        g.map_or_else(
            || "n/a".to_owned(),
            |g| format!("{:.2} KiB", g / 1024.0 / rounds),
        )
    };
    println!(
        "[{kind}] growth per round from round {WARM_ROUNDS} to {ROUNDS}: JS heap {}, wasm {}",
        per_round(grew(warm.js_heap, last.js_heap)),
        per_round(grew(warm.wasm, last.wasm))
    );
    if kind == BrowserKind::Chromium {
        let growth = grew(warm.js_heap, last.js_heap)
            .context("performance.memory is missing in Chromium (--enable-precise-memory-info?)")?;
        ensure!(
            growth <= JS_HEAP_PER_ROUND * rounds,
            "the JS heap grew by {:.0} KiB from round {WARM_ROUNDS} to round {ROUNDS}, {:.2} KiB a \
             round (allowed: {:.2} KiB a round)",
            growth / 1024.0,
            growth / 1024.0 / rounds,
            JS_HEAP_PER_ROUND / 1024.0
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
