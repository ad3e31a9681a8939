//! One chat among several on a host page, read and used through ws-chat's DOM contract: the
//! chat inside a given element (a `<ws-chat>` element, or the element `wsChat.mount` was given).
//!
//! [`crate::chat`] reads "the" chat of a page; embedding puts two or more on one page, so every
//! query here starts from the host element, and looks inside its shadow root if it has an open
//! one (the DOM contract is the same either way). The controls are returned as WebDriver
//! elements so a test types and clicks as a user does (real key events, a real click), not by
//! setting `value` from a script.

use crate::browser::Browser;
use crate::wait;
use anyhow::{anyhow, Context, Result};
use serde_json::{json, Value};
use std::time::Duration;
use thirtyfour::WebElement;

/// `scope(selector)`: the host element's shadow root if it has an open one, else the element
/// itself, else `null`. Prepended to every script here.
const SCOPE_JS: &str = "const scope = (sel) => { \
     const host = document.querySelector(sel); \
     return host ? (host.shadowRoot || host) : null; };";

/// The chat inside the element that `selector` names (e.g. `#chat-ann`).
#[derive(Clone, Debug)]
pub struct HostedChat {
    selector: String,
}

impl HostedChat {
    /// The chat inside `document.querySelector(selector)`.
    pub fn new(selector: &str) -> Self {
        HostedChat {
            selector: selector.to_owned(),
        }
    }

    /// The host element's selector, for messages.
    pub fn selector(&self) -> &str {
        &self.selector
    }

    async fn eval(&self, browser: &Browser, body: &str, mut args: Vec<Value>) -> Result<Value> {
        args.insert(0, json!(self.selector));
        browser
            .eval(
                &format!("{SCOPE_JS} const root = scope(arguments[0]); {body}"),
                args,
            )
            .await
    }

    /// The status's `data-state`, or `None` while there is no status.
    pub async fn state(&self, browser: &Browser) -> Result<Option<String>> {
        let v = self
            .eval(
                browser,
                "const s = root && root.querySelector('[data-role=status]'); \
                 return s ? s.dataset.state : null;",
                Vec::new(),
            )
            .await?;
        Ok(v.as_str().map(str::to_owned))
    }

    /// Waits up to `timeout` until the status's `data-state` is (`is == true`) or is not
    /// (`is == false`) `state`.
    pub async fn wait_state(
        &self,
        browser: &Browser,
        state: &str,
        is: bool,
        timeout: Duration,
    ) -> Result<()> {
        let what = format!(
            "{}'s status to {} {state}",
            self.selector,
            if is { "be" } else { "leave" }
        );
        wait::until(
            browser,
            &what,
            timeout,
            &format!(
                "{SCOPE_JS} const root = scope(arguments[0]);
                 const s = root && root.querySelector('[data-role=status]');
                 return !!s && (s.dataset.state === arguments[1]) === arguments[2];"
            ),
            vec![json!(self.selector), json!(state), json!(is)],
        )
        .await
        .map(drop)
    }

    /// Waits up to `timeout` for a message whose text is exactly `text`; returns its
    /// `data-direction` (`in` / `out`).
    pub async fn wait_message(
        &self,
        browser: &Browser,
        text: &str,
        timeout: Duration,
    ) -> Result<String> {
        let found = wait::until(
            browser,
            &format!("{} to show the message {text:?}", self.selector),
            timeout,
            &format!(
                "{SCOPE_JS} const root = scope(arguments[0]);
                 if (!root) return null;
                 for (const m of root.querySelectorAll('[data-role=message]')) {{
                   const t = m.querySelector('[data-role=message-text]');
                   if (t && t.textContent === arguments[1]) return m.dataset.direction || '?';
                 }}
                 return null;"
            ),
            vec![json!(self.selector), json!(text)],
        )
        .await;
        match found {
            Ok(v) => Ok(v.as_str().unwrap_or_default().to_owned()),
            Err(e) => {
                let shown = self.texts(browser).await.unwrap_or_default();
                Err(e.context(format!("{} shows {shown:?}", self.selector)))
            }
        }
    }

    /// The sender line over the message whose text is `text`: the `data-role=sender` row
    /// that heads its run (the nearest before it), if that message is shown and the chat shows
    /// senders (a plain server's has none).
    pub async fn sender_of(&self, browser: &Browser, text: &str) -> Result<Option<String>> {
        let v = self
            .eval(
                browser,
                "if (!root) return null;
                 for (const m of root.querySelectorAll('[data-role=message]')) {
                   const t = m.querySelector('[data-role=message-text]');
                   if (!t || t.textContent !== arguments[1]) continue;
                   for (let e = m.previousElementSibling; e; e = e.previousElementSibling) {
                     if (e.matches('[data-role=sender]')) return e.textContent.trim();
                   }
                   return null;
                 }
                 return null;",
                vec![json!(text)],
            )
            .await?;
        Ok(v.as_str().map(str::to_owned))
    }

    /// The status line: its `data-state`, its text, and its `data-user` (the signed-in user's
    /// id); `None` while there is no status.
    pub async fn status_line(
        &self,
        browser: &Browser,
    ) -> Result<Option<(String, String, Option<String>)>> {
        let v = self
            .eval(
                browser,
                "const s = root && root.querySelector('[data-role=status]');
                 if (!s) return null;
                 const t = s.querySelector('[data-role=status-text]');
                 return [s.dataset.state || '', t ? t.textContent : '', s.dataset.user || null];",
                Vec::new(),
            )
            .await?;
        serde_json::from_value(v).context("reading the status line")
    }

    /// The texts of the messages shown, oldest first.
    pub async fn texts(&self, browser: &Browser) -> Result<Vec<String>> {
        let v = self
            .eval(
                browser,
                "if (!root) return [];
                 return Array.from(root.querySelectorAll('[data-role=message] [data-role=message-text]'),
                   (t) => t.textContent);",
                Vec::new(),
            )
            .await?;
        serde_json::from_value(v).context("reading the message texts")
    }

    /// The element with `data-role=ROLE` inside the chat, as a WebDriver element.
    pub async fn control(&self, browser: &Browser, role: &str) -> Result<WebElement> {
        let script = format!(
            "{SCOPE_JS} const root = scope(arguments[0]);
             return root ? root.querySelector('[data-role=' + arguments[1] + ']') : null;"
        );
        let ret = browser
            .driver()
            .execute(&script, vec![json!(self.selector), json!(role)])
            .await
            .map_err(|e| anyhow!("finding {role} in {}: {e}", self.selector))?;
        ret.element()
            .map_err(|e| anyhow!("{} has no [data-role={role}]: {e}", self.selector))
    }

    /// Types `text` into the input (real key events) and clicks the send button.
    pub async fn send_with_button(&self, browser: &Browser, text: &str) -> Result<()> {
        let input = self.control(browser, "message-input").await?;
        input.click().await.context("focusing the input")?;
        input.send_keys(text).await.context("typing")?;
        let send = self.control(browser, "send").await?;
        send.click().await.context("clicking send")
    }

    /// Types `text` into the input and presses Enter.
    pub async fn send_with_enter(&self, browser: &Browser, text: &str) -> Result<()> {
        let input = self.control(browser, "message-input").await?;
        input.click().await.context("focusing the input")?;
        input
            .send_keys(text + thirtyfour::Key::Enter)
            .await
            .context("typing and pressing Enter")
    }

    /// The input's current value (empty once a message went out).
    pub async fn input_value(&self, browser: &Browser) -> Result<String> {
        let v = self
            .eval(
                browser,
                "const i = root && root.querySelector('[data-role=message-input]'); \
                 return i ? i.value : null;",
                Vec::new(),
            )
            .await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }
}
