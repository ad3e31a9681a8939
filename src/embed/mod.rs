//! Chats in pages that were not written for Yew: `<ws-chat>` elements, `[data-ws-chat]`
//! elements (found at install and whenever they are added later) and `window.wsChat.mount`.
//!
//! One `Embedding` per page, owned by a thread-local between [`install`] and [`uninstall`].
//! It owns every closure it hands to the page and the chats; dropping it removes the hooks
//! first (so the page can no longer reach the closures), stops the page's watch for
//! `[data-ws-chat]` elements, then frees the closures and unmounts every chat.

mod js;
pub(crate) mod mount;
mod observer;
mod registry;

use crate::core::embed_options::{attribute_names, EmbedOptions, ScriptValue, MAX_LIST_ITEMS};
use crate::core::servers::PageOrigin;
use observer::{watched_attributes, DATA_SELECTOR};
use registry::{change, connect, disconnect, EmbeddedChats, MountedBy};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// The custom element's name.
pub const ELEMENT_NAME: &str = "ws-chat";

type ElementHook = Closure<dyn FnMut(Element)>;

struct Embedding {
    registry: Rc<RefCell<EmbeddedChats>>,
    _connected: ElementHook,
    _disconnected: ElementHook,
    _changed: ElementHook,
    _mount: Closure<dyn FnMut(JsValue, JsValue) -> Result<f64, JsValue>>,
    _unmount: Closure<dyn FnMut(f64)>,
    /// The reports of the page's watch for `[data-ws-chat]` elements (see [`observer`]).
    _marked: Closure<dyn FnMut(u32, Option<Element>)>,
}

thread_local! {
    static INSTALLED: RefCell<Option<Embedding>> = const { RefCell::new(None) };
}

/// Defines `<ws-chat>`, sets `window.wsChat`, and mounts a chat in every `<ws-chat>` and
/// `[data-ws-chat]` element, now and whenever one is added. Installing again does nothing.
pub fn install() {
    if INSTALLED.with(|i| i.borrow().is_some()) {
        return;
    }
    let embedding = Embedding::new();
    INSTALLED.with(|i| *i.borrow_mut() = Some(embedding));
    // After storing it: mounting may run page code that installs again.
    mount_present();
}

/// Unmounts every chat the embedding mounted and frees what it holds. `<ws-chat>` stays
/// defined (a custom element cannot be undefined) but does nothing until installed again.
pub fn uninstall() {
    let embedding = INSTALLED.with(|i| i.borrow_mut().take());
    drop(embedding);
}

/// The page's chats that are already there.
fn mount_present() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let registry = INSTALLED.with(|i| i.borrow().as_ref().map(|e| e.registry.clone()));
    let Some(registry) = registry else { return };
    for (selector, mounted_by) in [
        (ELEMENT_NAME, MountedBy::CustomElement),
        (DATA_SELECTOR, MountedBy::DataAttribute),
    ] {
        if let Ok(list) = document.query_selector_all(selector) {
            for i in 0..list.length() {
                if let Some(element) = list.get(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    connect(&registry, &element, mounted_by);
                }
            }
        }
    }
}

/// `window.wsChat.mount(element, options)`: a chat's id, or a `TypeError` for arguments of the
/// wrong kind or options that are wrong.
fn mount_from_script(
    registry: &Rc<RefCell<EmbeddedChats>>,
    element: JsValue,
    options: JsValue,
) -> Result<f64, JsValue> {
    let type_error = |message: String| -> JsValue {
        js_sys::TypeError::new(&format!("wsChat.mount: {message}")).into()
    };
    let element: Element = element
        .dyn_into()
        .map_err(|_| type_error("the first argument must be an element".into()))?;
    let options = script_options(&options).map_err(type_error)?;
    if registry.borrow().find(&element).is_some() {
        return Err(js_sys::Error::new(
            "wsChat.mount: this element already holds a chat; destroy it first",
        )
        .into());
    }
    let id = registry
        .borrow_mut()
        .mount(&element, MountedBy::Script, Ok(options));
    // Ids stay far below 2^53, so they survive the trip through a JavaScript number.
    Ok(id as f64)
}

/// Reads an options object (`undefined` and `null` mean no options).
fn script_options(options: &JsValue) -> Result<EmbedOptions, String> {
    if options.is_undefined() || options.is_null() {
        return EmbedOptions::from_script([]).map_err(|e| e.to_string());
    }
    if !options.is_object() || js_sys::Array::is_array(options) || options.is_function() {
        return Err("the options must be an object".into());
    }
    let entries = js_sys::Object::entries(options.unchecked_ref());
    let pairs = entries.iter().map(|pair| {
        let pair: js_sys::Array = pair.unchecked_into();
        let key = pair.get(0).as_string().unwrap_or_default();
        (key, script_value(pair.get(1)))
    });
    let mut read = EmbedOptions::from_script(pairs).map_err(|e| e.to_string())?;
    if read.get_token.is_some() {
        // Checked to be a function by `from_script`.
        let function = js_sys::Reflect::get(options, &JsValue::from_str("getToken"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .ok_or("getToken must be a function")?;
        read.get_token = Some(crate::browser::token_fetch::script_provider(function));
    }
    Ok(read)
}

fn script_value(value: JsValue) -> ScriptValue {
    if value.is_undefined() || value.is_null() {
        ScriptValue::Absent
    } else if let Some(text) = value.as_string() {
        ScriptValue::Text(text)
    } else if let Some(number) = value.as_f64() {
        ScriptValue::Number(number)
    } else if let Some(flag) = value.as_bool() {
        ScriptValue::Flag(flag)
    } else if js_sys::Array::is_array(&value) {
        let array: js_sys::Array = value.unchecked_into();
        if array.length() as usize > MAX_LIST_ITEMS {
            return ScriptValue::Other("array".into());
        }
        // Items are read flat: an array inside is `Other`, never read further.
        ScriptValue::List(array.iter().map(script_item).collect())
    } else {
        ScriptValue::Other(value.js_typeof().as_string().unwrap_or_default())
    }
}

/// An array's item: a value, but never another array.
fn script_item(value: JsValue) -> ScriptValue {
    if js_sys::Array::is_array(&value) {
        ScriptValue::Other("array".into())
    } else {
        script_value(value)
    }
}

/// The origin of the URL the script was loaded from; `None` (the page's) if it has none.
fn script_origin() -> Option<PageOrigin> {
    let url = web_sys::Url::new(&js::script_url()).ok()?;
    let host = url.host();
    (!host.is_empty()).then(|| PageOrigin {
        protocol: url.protocol(),
        host,
    })
}

impl Embedding {
    fn new() -> Self {
        let registry = Rc::new(RefCell::new(EmbeddedChats::new(script_origin())));
        let element_hook = |f: fn(&Rc<RefCell<EmbeddedChats>>, &Element)| -> ElementHook {
            let registry = registry.clone();
            Closure::new(move |element: Element| f(&registry, &element))
        };
        let connected = element_hook(|r, e| connect(r, e, MountedBy::CustomElement));
        let disconnected = element_hook(disconnect);
        let changed = element_hook(|r, e| change(r, e, MountedBy::CustomElement));
        let mount = {
            let registry = registry.clone();
            Closure::new(move |element, options| mount_from_script(&registry, element, options))
        };
        let marked = {
            let registry = registry.clone();
            Closure::new(move |seen: u32, element: Option<Element>| {
                observer::report(&registry, seen, element)
            })
        };
        let unmount = {
            let registry = registry.clone();
            Closure::new(move |id: f64| {
                let gone = registry.borrow_mut().take(id as u64);
                drop(gone);
            })
        };
        js::set_hooks(
            Some(connected.as_ref().unchecked_ref()),
            Some(disconnected.as_ref().unchecked_ref()),
            Some(changed.as_ref().unchecked_ref()),
            Some(mount.as_ref().unchecked_ref()),
            Some(unmount.as_ref().unchecked_ref()),
            Some(marked.as_ref().unchecked_ref()),
        );
        let observed: js_sys::Array = attribute_names().map(JsValue::from_str).collect();
        js::define_element(ELEMENT_NAME, observed);
        js::install_api(env!("CARGO_PKG_VERSION"));
        js::observe_marked(DATA_SELECTOR, watched_attributes());
        Self {
            registry,
            _connected: connected,
            _disconnected: disconnected,
            _changed: changed,
            _mount: mount,
            _unmount: unmount,
            _marked: marked,
        }
    }
}

impl Drop for Embedding {
    fn drop(&mut self) {
        js::set_hooks(None, None, None, None, None, None);
        js::stop_observing();
        js::remove_api();
        let chats = self.registry.borrow_mut().take_all();
        drop(chats);
    }
}
