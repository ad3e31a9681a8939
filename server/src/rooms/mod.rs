pub mod membership;
pub mod registry;
pub mod room;
pub mod send_queue;
