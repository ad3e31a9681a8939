//! Chromium's accessibility tree of `examples/embed.html` (both chats open, a message sent):
//! no control (button, text box, link, check box, …) is without an accessible name; each
//! chat is a region named by its title; its status is a `status` and its message list a polite live region, so screen readers
//! announce a new connection state and new messages without taking the focus.
//!
//! Read over CDP (`Accessibility.getFullAXTree`, and `getPartialAXTree` for one element),
//! which only Chromium has; the other tests run in Firefox as well.

mod support;

use anyhow::{bail, ensure, Context, Result};
use serde_json::{json, Value};
use std::time::Duration;
use ws_chat_e2e::prerequisites::{self, Need};
use ws_chat_e2e::{random_suffix, Browser, BrowserKind, BrowserOptions, HostedChat};

/// Roles a user operates, which must have a name to be usable with a screen reader.
const CONTROL_ROLES: &[&str] = &[
    "button",
    "checkbox",
    "combobox",
    "link",
    "listbox",
    "menuitem",
    "menuitemcheckbox",
    "menuitemradio",
    "option",
    "radio",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "tab",
    "textbox",
    "treeitem",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_control_is_labelled_in_chromium() -> Result<()> {
    if !prerequisites::check(&Need::browser_run(BrowserKind::Chromium))? {
        return Ok(());
    }
    let server = support::dist_server(false)?;
    let browser = Browser::launch(&BrowserOptions::for_kind(BrowserKind::Chromium)).await?;
    let result = scenario(&browser, &server.http_url("/examples/embed.html")).await;
    support::finish(browser, result, &[&server]).await
}

async fn scenario(browser: &Browser, url: &str) -> Result<()> {
    let secs = Duration::from_secs;
    let chats = [HostedChat::new("#chat-ann"), HostedChat::new("#chat-bob")];
    browser.goto(url).await?;
    for chat in &chats {
        chat.wait_state(browser, "open", true, secs(30)).await?;
    }
    let text = format!("Read aloud {}", random_suffix());
    chats[0].send_with_button(browser, &text).await?;
    chats[1].wait_message(browser, &text, secs(15)).await?;

    browser.cdp("Accessibility.enable", json!({})).await?;
    let tree = browser
        .cdp("Accessibility.getFullAXTree", json!({}))
        .await?;
    let nodes = tree["nodes"]
        .as_array()
        .context("Accessibility.getFullAXTree returned no nodes")?;
    let mut unlabelled = Vec::new();
    let mut controls = 0;
    for node in nodes.iter().filter(|n| n["ignored"] != json!(true)) {
        let role = node["role"]["value"].as_str().unwrap_or_default();
        if !CONTROL_ROLES.contains(&role) {
            continue;
        }
        controls += 1;
        let name = node["name"]["value"].as_str().unwrap_or_default().trim();
        println!("control: {role} {name:?}");
        if name.is_empty() {
            unlabelled.push(format!(
                "{role} (backend node {})",
                node["backendDOMNodeId"]
            ));
        }
    }
    println!("{controls} controls in {} accessibility nodes", nodes.len());
    ensure!(
        controls >= 4,
        "only {controls} controls found: are the chats there?"
    );
    ensure!(
        unlabelled.is_empty(),
        "controls without an accessible name: {unlabelled:?}"
    );

    let mut problems = Vec::new();
    for chat in &chats {
        // A titled chat is a region named by its title (embed.html gives both a title).
        let region = ax_node(browser, chat.selector(), "chat").await?;
        let (role, name) = (&region["role"]["value"], &region["name"]["value"]);
        println!("{} chat: role {role}, name {name}", chat.selector());
        if role != "region" || !name.as_str().is_some_and(|n| n.starts_with("Lobby")) {
            problems.push(format!(
                "{}'s chat is {role} named {name}, not a region named by its title",
                chat.selector()
            ));
        }
        let status = ax_node(browser, chat.selector(), "status").await?;
        let role = status["role"]["value"].as_str().unwrap_or_default();
        println!(
            "{} status: role {role:?}, live {:?}",
            chat.selector(),
            live(&status)
        );
        if role != "status" {
            problems.push(format!(
                "{}'s status has role {role:?}, not \"status\"",
                chat.selector()
            ));
        }
        let list = ax_node(browser, chat.selector(), "messages").await?;
        let list_live = live(&list);
        println!(
            "{} messages: role {:?}, live {list_live:?}",
            chat.selector(),
            list["role"]["value"]
        );
        if list_live.as_deref() != Some("polite") {
            problems.push(format!(
                "{}'s message list is not a polite live region (live: {list_live:?})",
                chat.selector()
            ));
        }
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("; "));
    }
    Ok(())
}

/// The accessibility node of `[data-role=ROLE]` inside the chat in `host`.
async fn ax_node(browser: &Browser, host: &str, role: &str) -> Result<Value> {
    let expression = format!(
        "(() => {{ const h = document.querySelector({host}); const r = h && (h.shadowRoot || h);
           return r ? r.querySelector('[data-role={role}]') : null; }})()",
        host = json!(host)
    );
    let found = browser
        .cdp("Runtime.evaluate", json!({ "expression": expression }))
        .await?;
    let Some(object_id) = found["result"]["objectId"].as_str() else {
        bail!("{host} has no [data-role={role}]");
    };
    let partial = browser
        .cdp(
            "Accessibility.getPartialAXTree",
            json!({ "objectId": object_id, "fetchRelatives": false }),
        )
        .await?;
    partial["nodes"]
        .get(0)
        .cloned()
        .with_context(|| format!("no accessibility node for {host} [data-role={role}]"))
}

/// The node's `live` property (`polite`, `assertive`), if it has one.
fn live(node: &Value) -> Option<String> {
    node["properties"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == json!("live"))
        .and_then(|p| p["value"]["value"].as_str())
        .map(str::to_owned)
}
