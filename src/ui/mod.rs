//! Yew: small components that render [`crate::core::chat_state::ChatState`], and the hook that
//! owns the browser glue.

mod chat;
mod composer;
mod listener;
mod message_list;
mod message_row;
mod status_bar;
mod use_chat;

pub use chat::{Chat, ChatProps, EmbeddedChat, EmbeddedChatProps};
pub use use_chat::Placement;
