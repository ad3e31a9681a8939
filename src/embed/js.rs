//! The few lines of JavaScript the embedding needs because Rust cannot write them: a custom
//! element class, the script's own URL, and `window.wsChat`.
//!
//! The JavaScript only reports: the element's lifecycle callbacks and `wsChat.mount` call
//! hooks that Rust installs and removes. A custom element cannot be undefined, so the class
//! stays when the embedding is uninstalled; with no hooks it does nothing.
//!
//! Two callbacks are deferred to a microtask, so that the DOM has settled when Rust looks:
//! a disconnect (a move within the page is a disconnect and a connect in one task, and keeps
//! its chat), and attribute changes (setting several attributes in a row remounts once).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
let hooks = null;
let api = null;
const changing = new WeakSet();

export function script_url() {
  return import.meta.url;
}

export function set_hooks(connected, disconnected, changed, mount, unmount) {
  hooks = connected ? { connected, disconnected, changed, mount, unmount } : null;
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

    /// Routes the element's callbacks and `wsChat.mount` to these closures; `None`s remove
    /// them (the element and `window.wsChat` then do nothing).
    pub fn set_hooks(
        connected: Option<&js_sys::Function>,
        disconnected: Option<&js_sys::Function>,
        changed: Option<&js_sys::Function>,
        mount: Option<&js_sys::Function>,
        unmount: Option<&js_sys::Function>,
    );

    /// Defines the custom element `name` unless the page already has one of that name.
    pub fn define_element(name: &str, observed: js_sys::Array) -> bool;

    /// Sets `window.wsChat`.
    pub fn install_api(version: &str);

    /// Removes `window.wsChat` if it is still ours.
    pub fn remove_api();
}
