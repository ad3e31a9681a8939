//! Putting a chat into an element of a page that was not written for Yew.

use crate::ui::chat::{ChatProps, EmbeddedChat, EmbeddedChatProps};
use crate::ui::connection::Placement;
use yew::AppHandle;

/// A chat mounted with [`mount`]. It lives until [`MountedChat::destroy`] or until it is
/// dropped, which (in a microtask, as Yew renders) closes its socket, saves what it has not
/// delivered, and frees its timers, listeners and the DOM it rendered.
#[must_use = "dropping a MountedChat unmounts the chat at once"]
pub struct MountedChat {
    app: Option<AppHandle<EmbeddedChat>>,
}

impl MountedChat {
    /// Unmounts the chat; the same as dropping it.
    pub fn destroy(self) {}
}

impl Drop for MountedChat {
    /// Yew creates a mounted component in a later microtask, and a destroy that is queued
    /// before the creation ran finds nothing to destroy: the chat would be created afterwards
    /// and live on, socket and all. So the destroy is queued behind the creation.
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            yew::platform::spawn_local(async move { app.destroy() });
        }
    }
}

/// Mounts a [`Chat`](crate::Chat) with `props` into `element`, replacing what it holds.
///
/// ```no_run
/// let document = web_sys::window().unwrap().document().unwrap();
/// let element = document.get_element_by_id("chat").unwrap();
/// let props = ws_chat::ChatProps::default().url("wss://example.org/ws?room=x");
/// let chat = ws_chat::mount(&element, props);
/// // Later: closes the socket and removes the chat.
/// chat.destroy();
/// ```
pub fn mount(element: &web_sys::Element, props: ChatProps) -> MountedChat {
    mount_placed(element, props, Placement::default())
}

/// Mounts a chat that knows where it was put (see [`Placement`]).
pub(crate) fn mount_placed(
    element: &web_sys::Element,
    chat: ChatProps,
    placement: Placement,
) -> MountedChat {
    let props = EmbeddedChatProps { chat, placement };
    let app = yew::Renderer::<EmbeddedChat>::with_root_and_props(element.clone(), props).render();
    MountedChat { app: Some(app) }
}
