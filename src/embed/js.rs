//! The few lines of JavaScript the embedding needs: a custom element class, the script's own
//! URL, `window.wsChat`, and the watch for `[data-ws-chat]` elements. (Rust cannot write the
//! first three; the watch is here because a mutation observer's records are read by walking
//! JavaScript objects, which costs several kilobytes of wasm in bindings and little here.)
//!
//! The JavaScript only reports: the element's lifecycle callbacks, the observer's records and
//! `wsChat.mount` call hooks that Rust installs and removes, and Rust decides what follows. A custom element cannot be undefined, so the class
//! stays when the embedding is uninstalled; with no hooks it does nothing.
//!
//! Two callbacks are deferred to a microtask, so that the DOM has settled when Rust looks:
//! a disconnect (a move within the page is a disconnect and a connect in one task, and keeps
//! its chat), and attribute changes (setting several attributes in a row remounts once).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
let hooks = null;
let api = null;
let observer = null;
const changing = new WeakSet();

export function script_url() {
  return import.meta.url;
}

export function set_hooks(connected, disconnected, changed, mount, unmount, marked) {
  hooks = connected ? { connected, disconnected, changed, mount, unmount, marked } : null;
}

// Reports to `hooks.marked`: (0, element) for an element matching `selector` that was added
// (itself or inside what was added: only added subtrees are searched, so a chat rendering its
// rows costs a `matches` per row), (1, element) for a change of one of `attributes`, and
// (2, null) once per batch in which anything was removed.
export function observe_marked(selector, attributes) {
  if (observer) return;
  observer = new MutationObserver((records) => {
    let removed = false;
    for (const record of records) {
      if (!hooks) return;
      if (record.type === 'attributes') {
        hooks.marked(1, record.target);
        continue;
      }
      removed ||= record.removedNodes.length > 0;
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node.matches(selector)) hooks.marked(0, node);
        if (node.firstElementChild) {
          for (const inner of node.querySelectorAll(selector)) hooks.marked(0, inner);
        }
      }
    }
    if (removed && hooks) hooks.marked(2, null);
  });
  observer.observe(document.documentElement, {
    childList: true, subtree: true, attributeFilter: attributes,
  });
}

export function stop_observing() {
  if (observer) observer.disconnect();
  observer = null;
}

export function define_element(name, observed) {
  if (customElements.get(name)) return false;
  customElements.define(name, class extends HTMLElement {
    static get observedAttributes() { return observed; }
    connectedCallback() { if (hooks) hooks.connected(this); }
    disconnectedCallback() {
      queueMicrotask(() => { if (!this.isConnected && hooks) hooks.disconnected(this); });
    }
    attributeChangedCallback(_name, before, after) {
      if (before === after || !this.isConnected || changing.has(this)) return;
      changing.add(this);
      queueMicrotask(() => {
        changing.delete(this);
        if (this.isConnected && hooks) hooks.changed(this);
      });
    }
  });
  return true;
}

export function install_api(version) {
  api = Object.freeze({
    version,
    mount(element, options) {
      if (!hooks) throw new Error('wsChat.mount: ws-chat is not installed on this page any more');
      let id = hooks.mount(element, options);
      return Object.freeze({
        destroy() {
          if (id !== null && hooks) hooks.unmount(id);
          id = null;
        },
      });
    },
  });
  window.wsChat = api;
}

export function remove_api() {
  if (api !== null && window.wsChat === api) delete window.wsChat;
  api = null;
}
"#)]
extern "C" {
    /// The URL this module was loaded from: the ws-chat server, on a host page of another
    /// origin.
    pub fn script_url() -> String;

    /// Routes the element's callbacks, the observer's reports and `wsChat.mount` to these
    /// closures; `None`s remove them (the element, the observer and `window.wsChat` then do
    /// nothing).
    pub fn set_hooks(
        connected: Option<&js_sys::Function>,
        disconnected: Option<&js_sys::Function>,
        changed: Option<&js_sys::Function>,
        mount: Option<&js_sys::Function>,
        unmount: Option<&js_sys::Function>,
        marked: Option<&js_sys::Function>,
    );

    /// Watches the whole document for elements matching `selector` and for changes of
    /// `attributes`, reporting them to the `marked` hook; does nothing if already watching.
    pub fn observe_marked(selector: &str, attributes: js_sys::Array);

    /// Stops the watch.
    pub fn stop_observing();

    /// Defines the custom element `name` unless the page already has one of that name.
    pub fn define_element(name: &str, observed: js_sys::Array) -> bool;

    /// Sets `window.wsChat`.
    pub fn install_api(version: &str);

    /// Removes `window.wsChat` if it is still ours.
    pub fn remove_api();
}
