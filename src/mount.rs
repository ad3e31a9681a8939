//! Putting a chat into an element of a page that was not written for Yew.

use crate::ui::{ChatProps, EmbeddedChat, EmbeddedChatProps, Placement};
use yew::AppHandle;

/// A chat mounted with [`mount`]. It lives until [`MountedChat::destroy`] or until it is
/// dropped, which closes its socket, saves what it has not delivered, and frees its timers,
/// listeners and the DOM it rendered.
#[must_use = "dropping a MountedChat unmounts the chat at once"]
pub struct MountedChat {
    app: Option<AppHandle<EmbeddedChat>>,
}

impl MountedChat {
    /// Unmounts the chat; the same as dropping it.
    pub fn destroy(self) {}
}

impl Drop for MountedChat {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// Mounts a [`Chat`](crate::Chat) with `props` into `element`, after whatever it holds.
///
/// ```no_run
/// let document = web_sys::window().unwrap().document().unwrap();
/// let element = document.get_element_by_id("chat").unwrap();
/// let props = ws_chat::ChatProps {
///     url: Some("wss://example.org/ws?room=x".into()),
///     ..Default::default()
/// };
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
