//! What a chat shows, decided without a browser: the messages kept and the window of them that
//! is rendered, who sent each run of them, what the status, presence and typing lines say, and when a change is worth
//! rendering at once. The Yew components render these values and decide nothing.

pub mod chat_state;
pub mod days;
pub mod entry;
pub mod links;
pub mod message_window;
pub mod pacing;
pub mod presence_line;
pub mod sender_runs;
pub mod status;
pub mod typing_line;
pub mod update;
