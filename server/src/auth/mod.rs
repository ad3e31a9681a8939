//! Who a connection is and what it may do in its room: signed tokens checked (`verifier`),
//! the rights a token grants per room (`rights`), and each connection's sign-in state with
//! its deadlines (`session`, sans-IO: time passed in), and the kicks and revocations every
//! sign-in is checked against (`bans`); what each of them answers when a connection may not
//! stay is a `refusal`, below both.
//!
//! Below `ws`, which asks it; it knows nothing of rooms, history or sockets. Without any
//! `--jwt-*` flag there is no verifier and every connection is a guest, allowed what
//! `--anonymous` says (by default, to read and post: the server as it was before tokens).

mod bans;
mod refusal;
mod rights;
mod session;
mod verifier;

pub use bans::{Ban, BanList};
pub use refusal::Refusal;
pub use rights::Rights;
pub use session::{Guests, PostVerdict, Session, SessionRules};
pub use verifier::{Verifier, VerifierKeys};

#[cfg(test)]
mod tests;
