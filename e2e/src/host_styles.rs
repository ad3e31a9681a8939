//! Whether an embedded chat leaves its host page's own styles alone.
//!
//! The check needs no knowledge of the host's CSS: the page's own HTML (fetched again) is
//! rendered in a hidden same-origin `<iframe srcdoc>` of the same size, with every `<script>`
//! removed, so it has the host's styles and none of the chat's; every element outside the chats
//! must then have the same computed style in both. A chat stylesheet with a global rule
//! (`button { … }`, `body { font: … }`, `h1 { … }`) shows up as a difference on the host's
//! own elements; rules scoped to the chat (or inside a shadow root) do not.

use crate::browser::Browser;
use anyhow::{bail, Result};
use serde::Deserialize;

/// What was compared and what differed.
#[derive(Debug, Deserialize)]
pub struct HostStyleReport {
    /// Host elements compared (the body and everything in it outside the chats).
    pub compared: usize,
    /// `tag#id property: with-chat vs without-chat`, one per difference (alike ones counted).
    pub differences: Vec<String>,
}

const COMPARE_JS: &str = r#"
const done = arguments[arguments.length - 1];
const PROPS = ['color', 'background-color', 'font-family', 'font-size', 'font-weight',
  'font-style', 'line-height', 'text-align', 'text-transform', 'letter-spacing', 'display',
  'margin-top', 'margin-right', 'margin-bottom', 'margin-left', 'padding-top', 'padding-left',
  'border-top-width', 'border-top-style', 'border-top-color', 'box-sizing'];
const SKIP = new Set(['SCRIPT', 'STYLE', 'LINK', 'TEMPLATE', 'IFRAME', 'NOSCRIPT', 'META']);
const hostElements = (doc) => [doc.body, ...doc.body.querySelectorAll('*')].filter((el) =>
  !SKIP.has(el.tagName) && !el.closest('ws-chat, [data-role=chat]'));
const label = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
  + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
fetch(location.href, { cache: 'force-cache' }).then((r) => r.text()).then((html) => {
  const bare = html.replace(/<script\b[\s\S]*?<\/script>/gi, '')
    .replace(/<head([^>]*)>/i, (m) => m + '<base href="' + location.href.replace(/"/g, '&quot;') + '">');
  const frame = document.createElement('iframe');
  frame.style.cssText = 'position:fixed;left:0;top:0;border:0;visibility:hidden;pointer-events:none;'
    + 'width:' + innerWidth + 'px;height:' + innerHeight + 'px';
  frame.onload = () => {
    try {
      const mine = hostElements(document);
      const theirs = hostElements(frame.contentDocument);
      const differences = [];
      if (mine.length !== theirs.length) {
        differences.push('the page has ' + mine.length + ' host elements with the chats, '
          + theirs.length + ' without: ' + mine.map(label).join(' ') + ' / ' + theirs.map(label).join(' '));
      } else {
        mine.forEach((el, i) => {
          const other = theirs[i];
          if (el.tagName !== other.tagName) {
            differences.push(label(el) + ' is ' + label(other) + ' without the chats');
            return;
          }
          const a = getComputedStyle(el), b = frame.contentWindow.getComputedStyle(other);
          for (const p of PROPS) {
            const x = a.getPropertyValue(p), y = b.getPropertyValue(p);
            if (x !== y) differences.push(label(el) + ' ' + p + ': ' + x + ' with the chats, ' + y + ' without');
          }
        });
      }
      frame.remove();
      // The same difference on many alike elements (every <code>) is one line, counted.
      const counts = new Map();
      for (const d of differences) counts.set(d, (counts.get(d) || 0) + 1);
      done({ compared: mine.length,
        differences: [...counts].map(([d, n]) => n > 1 ? d + ' (' + n + ' elements)' : d) });
    } catch (e) { frame.remove(); done({ compared: 0, differences: ['comparison failed: ' + e] }); }
  };
  frame.srcdoc = bare;
  document.body.appendChild(frame);
}).catch((e) => done({ compared: 0, differences: ['fetching the page failed: ' + e] }));
"#;

/// Compares the computed styles of the page's own elements with and without the chats.
pub async fn compare(browser: &Browser) -> Result<HostStyleReport> {
    let value = browser.eval_async(COMPARE_JS, Vec::new()).await?;
    Ok(serde_json::from_value(value)?)
}

/// Fails, listing the differences, unless every host element looks as it would without the
/// chats; returns how many were compared.
pub async fn assert_untouched(browser: &Browser) -> Result<usize> {
    let report = compare(browser).await?;
    if !report.differences.is_empty() {
        const SHOWN: usize = 20;
        let more = report.differences.len().saturating_sub(SHOWN);
        bail!(
            "the chats change the host page's own styles ({} differences in {} host elements \
             compared){}:\n  {}",
            report.differences.len(),
            report.compared,
            if more > 0 {
                format!(", the first {SHOWN}")
            } else {
                String::new()
            },
            report.differences[..report.differences.len().min(SHOWN)].join("\n  ")
        );
    }
    Ok(report.compared)
}
