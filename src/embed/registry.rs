//! The chats the embedding mounted, each with the element it lives in and what mounted it.
//!
//! A chat is unmounted by taking it out of the registry and dropping it after the registry is
//! released: unmounting runs Yew and the driver's `Drop`, which must not find the registry
//! borrowed.

use super::mount::{mount_placed, MountedChat};
use crate::core::embed_options::{EmbedOptionError, EmbedOptions};
use crate::core::servers::PageOrigin;
use crate::ui::chat::ChatProps;
use crate::ui::connection::Placement;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::Element;

/// What put a chat into its element, which decides where its options come from and what ends
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountedBy {
    /// A `<ws-chat>` element: its attributes; ends when it leaves the page.
    CustomElement,
    /// A `[data-ws-chat]` element: its `data-ws-*` attributes; ends when it leaves the page.
    DataAttribute,
    /// `window.wsChat.mount`: its options object; ends with the handle's `destroy()`.
    Script,
}

/// Options as read, kept to tell whether a changed attribute changed anything.
type ReadOptions = Result<EmbedOptions, EmbedOptionError>;

struct RegisteredChat {
    id: u64,
    element: Element,
    mounted_by: MountedBy,
    options: ReadOptions,
    chat: MountedChat,
}

/// The mounted chats of a page.
pub struct EmbeddedChats {
    /// Where relative URLs and the default `/ws` point: the script's origin.
    script_origin: Option<PageOrigin>,
    next_id: u64,
    entries: Vec<RegisteredChat>,
}

impl EmbeddedChats {
    pub fn new(script_origin: Option<PageOrigin>) -> Self {
        Self {
            script_origin,
            next_id: 1,
            entries: Vec::new(),
        }
    }

    /// The id of the chat in `element`, if it has one.
    pub fn find(&self, element: &Element) -> Option<u64> {
        self.entries
            .iter()
            .find(|e| &e.element == element)
            .map(|e| e.id)
    }

    /// What mounted the chat in `element`, if it has one.
    pub fn mounted_by(&self, element: &Element) -> Option<MountedBy> {
        self.entries
            .iter()
            .find(|e| &e.element == element)
            .map(|e| e.mounted_by)
    }

    /// Mounts a chat with `options` into `element`. Options that were read wrong still mount
    /// a chat, which shows the error where the chat would be.
    pub fn mount(&mut self, element: &Element, mounted_by: MountedBy, options: ReadOptions) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let chat = mount_placed(element, props_for(&options), self.placement(&options));
        self.entries.push(RegisteredChat {
            id,
            element: element.clone(),
            mounted_by,
            options,
            chat,
        });
        id
    }

    /// Takes out the chat `id`, for the caller to drop once the registry is released.
    pub fn take(&mut self, id: u64) -> Option<MountedChat> {
        let at = self.entries.iter().position(|e| e.id == id)?;
        Some(self.entries.swap_remove(at).chat)
    }

    /// Takes out the chat in `element`.
    pub fn take_element(&mut self, element: &Element) -> Option<MountedChat> {
        let id = self.find(element)?;
        self.take(id)
    }

    /// Takes out the chats mounted by `mounted_by` whose element has left the page.
    pub fn take_detached(&mut self, mounted_by: MountedBy) -> Vec<MountedChat> {
        let mut gone = Vec::new();
        let mut i = 0;
        while i < self.entries.len() {
            let entry = &self.entries[i];
            if entry.mounted_by == mounted_by && !entry.element.is_connected() {
                gone.push(self.entries.swap_remove(i).chat);
            } else {
                i += 1;
            }
        }
        gone
    }

    /// Whether the chat in `element` was mounted with other options than these.
    pub fn changed(&self, element: &Element, options: &ReadOptions) -> bool {
        self.entries
            .iter()
            .any(|e| &e.element == element && &e.options != options)
    }

    /// Takes out every chat.
    pub fn take_all(&mut self) -> Vec<MountedChat> {
        self.entries.drain(..).map(|e| e.chat).collect()
    }

    fn placement(&self, options: &ReadOptions) -> Placement {
        Placement {
            origin: self.script_origin.clone(),
            refused: options.as_ref().err().map(|e| e.to_string().into()),
        }
    }
}

/// Reads an element's attributes: `<ws-chat>`'s own, or `data-ws-*`.
pub fn read_attributes(element: &Element, mounted_by: MountedBy) -> ReadOptions {
    let prefix = match mounted_by {
        MountedBy::DataAttribute => "data-ws-",
        MountedBy::CustomElement | MountedBy::Script => "",
    };
    EmbedOptions::from_attributes(prefix, |name| element.get_attribute(name))
}

/// The component's props for what was asked; the defaults if it could not be read.
fn props_for(options: &ReadOptions) -> ChatProps {
    let Ok(options) = options else {
        return ChatProps::default();
    };
    let mut props = ChatProps::default()
        .allow_query_url(options.allow_query_url)
        .title_badge(options.title_badge)
        .config(options.engine_config())
        .display(options.display_config());
    if let Some(url) = &options.url {
        props = props.url(url.as_str());
    }
    if let Some(name) = &options.name {
        props = props.name(name.clone());
    }
    if let Some(title) = &options.title {
        props = props.title(title.clone());
    }
    if let Some(key) = &options.storage_key {
        props = props.storage_key(key.clone());
    }
    if let Some(token) = options.token_source() {
        props = props.token(token);
    }
    if let Some(param) = &options.token_param {
        props = props.token_param(param.clone());
    }
    props
}

/// Mounts a chat in `element` unless it has one.
pub(super) fn connect(
    registry: &Rc<RefCell<EmbeddedChats>>,
    element: &Element,
    mounted_by: MountedBy,
) {
    if registry.borrow().find(element).is_some() || !element.is_connected() {
        return;
    }
    let options = read_attributes(element, mounted_by);
    registry.borrow_mut().mount(element, mounted_by, options);
}

/// Unmounts the chat in `element`, if it has one.
pub(super) fn disconnect(registry: &Rc<RefCell<EmbeddedChats>>, element: &Element) {
    let gone = registry.borrow_mut().take_element(element);
    drop(gone);
}

/// Remounts the chat in `element` if its options changed.
pub(super) fn change(
    registry: &Rc<RefCell<EmbeddedChats>>,
    element: &Element,
    mounted_by: MountedBy,
) {
    let options = read_attributes(element, mounted_by);
    if !registry.borrow().changed(element, &options) {
        return;
    }
    disconnect(registry, element);
    registry.borrow_mut().mount(element, mounted_by, options);
}
