//! Delivery latency: Enter to `delivered`, one message at a time, against the companion
//! server, beside the raw wschat.v1 round trip (`raw-ack.html`: send, wait for the ack, no DOM).
//!
//! For ws-chat the whole loop runs in the page: type the text, dispatch an Enter keydown
//! (what the composer listens to), take `performance.now()`, and let a MutationObserver on the
//! message list stop the clock when the newest row holds that text with
//! `data-status="delivered"`. The observer runs right after the DOM change, so the figure is
//! when the user could first see the message as delivered. The next message is typed only
//! then, after a random 0–17 ms (typing is not in step with the display's frames), so each
//! figure is a lone message's latency, not a queue's.
//!
//! Each run uses a fresh room, so no history is replayed and no earlier run's ids collide.

use crate::pages::BenchPage;
use anyhow::{bail, Result};
use serde_json::{json, Value};
use std::time::Duration;
use ws_chat_e2e::{encode_query_value, random_suffix, wait, Browser, BrowserOptions};

/// How long one message may take before the run is declared failed.
const PER_MESSAGE_TIMEOUT_MS: u64 = 15_000;

/// The ws-chat loop. Arguments: count, text prefix, per-message timeout; then the callback.
const WS_CHAT_SCRIPT: &str = r#"
const [n, prefix, timeoutMs] = arguments;
const done = arguments[arguments.length - 1];
const input = document.querySelector("[data-role=message-input]");
const list = document.querySelector("[data-role=messages]");
if (!input || !list) { done({ ok: false, error: "no input or message list" }); return; }
const lat = [];
let i = 0, want = null, t0 = 0, timer = null;
const delivered = () => {
  const row = list.lastElementChild;
  if (!row || row.dataset.status !== "delivered") return false;
  const t = row.querySelector("[data-role=message-text]");
  return !!t && t.textContent === want;
};
const finish = (result) => { obs.disconnect(); clearTimeout(timer); done(result); };
const next = () => {
  if (i === n) { finish({ ok: true, lat }); return; }
  i += 1;
  want = prefix + i;
  input.value = want;
  t0 = performance.now();
  input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
  clearTimeout(timer);
  timer = setTimeout(() => finish({ ok: false, error: `message ${i} not delivered within ${timeoutMs} ms`, lat }), timeoutMs);
  if (delivered()) record();
};
const record = () => {
  lat.push(performance.now() - t0);
  want = null;
  setTimeout(next, Math.random() * 17);
};
const obs = new MutationObserver(() => { if (want !== null && delivered()) record(); });
obs.observe(list, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
next();
"#;

/// Latencies of one page, in ms, in sending order.
pub type Latencies = Vec<f64>;

/// ws-chat: `n` messages, Enter to delivered.
pub async fn ws_chat(
    options: &BrowserOptions,
    site: &str,
    ws_base: &str,
    n: usize,
) -> Result<Latencies> {
    let url = BenchPage::WsChat.url(site, &room_url(ws_base));
    let script = WS_CHAT_SCRIPT;
    let open = BenchPage::WsChat.open_condition();
    with_page(options, &url, open, async |browser: &Browser| {
        let prefix = format!("latency {} #", random_suffix());
        let out = browser
            .eval_async(
                script,
                vec![json!(n), json!(prefix), json!(PER_MESSAGE_TIMEOUT_MS)],
            )
            .await?;
        latencies(out, n)
    })
    .await
}

/// The raw wschat.v1 page: `n` sends, each until its ack; and each until the first animation
/// frame after the ack.
pub async fn raw(
    options: &BrowserOptions,
    site: &str,
    ws_base: &str,
    n: usize,
) -> Result<(Latencies, Latencies)> {
    let url = format!(
        "{site}/raw-ack.html?ws={}",
        encode_query_value(&room_url(ws_base))
    );
    with_page(
        options,
        &url,
        "window.benchReady === true",
        async |browser: &Browser| {
            let out = browser
                .eval_async(
                    "const done = arguments[arguments.length - 1];
                 window.benchRawAck(arguments[0], arguments[1])
                   .then(done, (e) => done({ ok: false, error: String(e) }));",
                    vec![json!(n), json!(PER_MESSAGE_TIMEOUT_MS)],
                )
                .await?;
            let frame = latencies(json!({ "ok": out["ok"], "lat": out["frame"] }), n)?;
            Ok((latencies(out, n)?, frame))
        },
    )
    .await
}

/// `ws://…/ws?room=bench-<random>`: a room nobody else uses.
fn room_url(ws_base: &str) -> String {
    format!("{ws_base}?room=bench-{}", random_suffix())
}

/// Opens `url` in a fresh browser, waits for `ready` in the page, runs `body`, closes.
async fn with_page<T, F>(options: &BrowserOptions, url: &str, ready: &str, body: F) -> Result<T>
where
    F: AsyncFnOnce(&Browser) -> Result<T>,
{
    let browser = Browser::launch(options).await?;
    let result = async {
        browser.goto(url).await?;
        wait::in_page(
            &browser,
            "the page to be ready",
            Duration::from_secs(30),
            ready,
        )
        .await?;
        body(&browser).await
    }
    .await;
    let closed = browser.close().await;
    let result = result?;
    closed?;
    Ok(result)
}

fn latencies(out: Value, n: usize) -> Result<Latencies> {
    let lat: Latencies = out["lat"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    if out["ok"] != json!(true) {
        bail!(
            "{} (after {} of {n} messages)",
            out["error"].as_str().unwrap_or("unknown error"),
            lat.len()
        );
    }
    if lat.len() != n {
        bail!("expected {n} latencies, got {}", lat.len());
    }
    Ok(lat)
}
