//! Decoding and encoding with serde, for the server and for native tests of the client.

use super::{ClientFrame, DecodeError, RawServerFrame, ServerFrame};

pub(crate) fn parse_raw(text: &str) -> Result<RawServerFrame, DecodeError> {
    serde_json::from_str(text).map_err(|e| DecodeError {
        reason: e.to_string(),
    })
}

impl ClientFrame {
    /// What the server reads.
    pub fn decode(text: &str) -> Result<Self, DecodeError> {
        serde_json::from_str(text).map_err(|e| DecodeError {
            reason: e.to_string(),
        })
    }
}

impl ServerFrame {
    /// What the server writes.
    pub fn encode(&self) -> String {
        // These types hold only strings, integers and booleans: serializing cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
