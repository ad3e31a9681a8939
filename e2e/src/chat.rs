//! Reading a ws-chat page through its DOM contract (README, "The DOM contract"), as a user or
//! an embedder would: the status, and every message the chat keeps.
//!
//! The list renders a bounded window of rows, newest last, with a "show earlier" control
//! (`[data-role=show-earlier]`) above it while older kept messages exist. [`all_rows`] pages
//! through that window the way a reader does (scroll to the top, click "show earlier") and
//! stitches the views together, so a test can check a whole conversation whatever the window
//! size; against a list without the control it is a single read.

use crate::browser::Browser;
use crate::wait;
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

/// One message as the list shows it (one row of the list).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ShownMessage {
    /// `out` (typed here) or `in`.
    pub direction: String,
    /// For `out`: `queued` / `sent` / `delivered` / `failed`; empty for `in`.
    pub status: String,
    /// Exactly the message text.
    pub text: String,
}

/// The current `data-state` of `[data-role=status]`, if there is one.
pub async fn state(browser: &Browser) -> Result<Option<String>> {
    let v = browser
        .eval(
            "const s = document.querySelector('[data-role=status]'); \
             return s ? s.dataset.state : null;",
            Vec::new(),
        )
        .await?;
    Ok(v.as_str().map(str::to_owned))
}

/// Waits up to `timeout` for `data-state` to be `want`.
pub async fn wait_state(browser: &Browser, want: &str, timeout: Duration) -> Result<()> {
    wait::until(
        browser,
        &format!("the chat's status to be {want}"),
        timeout,
        "const s = document.querySelector('[data-role=status]'); \
         return !!s && s.dataset.state === arguments[0];",
        vec![json!(want)],
    )
    .await
    .map(drop)
}

/// The rows rendered right now, oldest first.
pub async fn rendered_rows(browser: &Browser) -> Result<Vec<ShownMessage>> {
    let v = browser
        .eval(&format!("return ({ROWS_JS})();"), Vec::new())
        .await?;
    serde_json::from_value(v).context("reading the message rows")
}

/// Scrolls the list to its end, so the chat follows the newest message again (after
/// [`all_rows`] left it reading back), and waits two animation frames for the re-render.
pub async fn follow_newest(browser: &Browser) -> Result<()> {
    browser
        .eval_async(
            "const done = arguments[arguments.length - 1];
             const list = document.querySelector('[data-role=messages]');
             if (list) list.scrollTop = list.scrollHeight;
             const jump = document.querySelector('[data-role=new-messages]');
             if (jump) jump.click();
             requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            Vec::new(),
        )
        .await
        .map(drop)
}

/// A JS function returning the rendered rows as `{ direction, status, text }`.
const ROWS_JS: &str = "() => Array.from(
  document.querySelectorAll('[data-role=messages] [data-role=message]'),
  (m) => ({
    direction: m.dataset.direction || '',
    status: m.dataset.status || '',
    text: (m.querySelector('[data-role=message-text]') || {}).textContent || '',
  }))";

/// Pages back with "show earlier" until the oldest kept message, in the page, one view per
/// click. Ends with `{ views, complete }`.
const WALK_JS: &str = "
const [maxSteps] = arguments;
const done = arguments[arguments.length - 1];
const rows = ROWS;
const list = document.querySelector('[data-role=messages]');
const views = [rows()];
if (!list) { done({ views, complete: true }); return; }
const step = () => {
  const button = document.querySelector('[data-role=show-earlier]');
  // Past what the chat keeps, the button asks the server: every kept message was seen.
  if (!button || button.dataset.from === 'server') { done({ views, complete: true }); return; }
  if (views.length > maxSteps) { done({ views, complete: false, error: 'too many pages' }); return; }
  // As a reader does: scroll to the top (the chat stops following the newest), then click.
  list.scrollTop = 0;
  requestAnimationFrame(() => {
    const before = JSON.stringify(views[views.length - 1][0]);
    const b = document.querySelector('[data-role=show-earlier]');
    // Scrolling to the top brings earlier rows by itself: they may be the last there are.
    if (!b || b.dataset.from === 'server') {
      const now = rows();
      if (now.length && JSON.stringify(now[0]) !== before) views.push(now);
      done({ views, complete: true });
      return;
    }
    b.click();
    const t0 = performance.now();
    const wait = () => {
      const now = rows();
      if (now.length && JSON.stringify(now[0]) !== before) { views.push(now); step(); }
      else if (performance.now() - t0 > 5000) done({ views, complete: false, error: 'show earlier changed nothing' });
      else requestAnimationFrame(wait);
    };
    requestAnimationFrame(wait);
  });
};
step();";

/// Every message the chat keeps, oldest first: the rendered window, extended backwards with
/// "show earlier" until there is nothing earlier kept (the button then asks the server, and
/// says so with `data-from="server"`). Leaves the chat reading back; call
/// [`follow_newest`] to return to the newest message.
pub async fn all_rows(browser: &Browser) -> Result<Vec<ShownMessage>> {
    let script = WALK_JS.replace("ROWS", ROWS_JS);
    let out = browser.eval_async(&script, vec![json!(200)]).await?;
    if out["complete"] != json!(true) {
        bail!(
            "paging through the messages failed: {}",
            out["error"].as_str().unwrap_or("unknown error")
        );
    }
    let views: Vec<Vec<ShownMessage>> =
        serde_json::from_value(out["views"].clone()).context("reading the message rows")?;
    Ok(stitch(views))
}

/// Joins views that each start earlier than the one before into one list. A view's end may
/// overlap the start of what is already joined (the window grew or slid back by less than its
/// size), or the view may end right before it (it slid back by a whole window); the largest
/// overlap is taken. Gaps cannot be seen here: callers that know what to expect compare.
fn stitch(views: Vec<Vec<ShownMessage>>) -> Vec<ShownMessage> {
    let mut views = views.into_iter();
    let mut joined = views.next().unwrap_or_default();
    for view in views {
        let max = view.len().min(joined.len());
        let overlap = (1..=max)
            .rev()
            .find(|&k| view[view.len() - k..] == joined[..k])
            .unwrap_or(0);
        let mut earlier = view;
        earlier.truncate(earlier.len() - overlap);
        earlier.append(&mut joined);
        joined = earlier;
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(texts: std::ops::Range<u32>) -> Vec<ShownMessage> {
        texts
            .map(|i| ShownMessage {
                direction: "in".into(),
                status: String::new(),
                text: i.to_string(),
            })
            .collect()
    }

    #[test]
    fn views_are_joined_on_their_overlap() {
        let joined = stitch(vec![
            rows(900..1000),
            rows(800..1000),
            rows(500..1000),
            rows(400..900),
            rows(0..500),
        ]);
        assert_eq!(joined, rows(0..1000));
    }

    #[test]
    fn views_that_slid_back_a_whole_window_are_joined_end_to_start() {
        let joined = stitch(vec![rows(500..1000), rows(0..500)]);
        assert_eq!(joined, rows(0..1000));
    }
}
