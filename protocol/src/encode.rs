//! Writing a client envelope, in the browser without a JSON library: fixed text, integers and
//! string literals ([`crate::json::write_str`]), exactly as serde_json writes them.

use crate::{json, ClientFrame};

impl ClientFrame {
    /// The envelope as JSON, exactly as serde_json writes it (the native tests check that).
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(32);
        match self {
            ClientFrame::Hello { after, name } => {
                out.push_str(r#"{"type":"hello","after":"#);
                match after {
                    Some(seq) => out.push_str(&seq.to_string()),
                    None => out.push_str("null"),
                }
                if let Some(name) = name {
                    out.push_str(r#","name":"#);
                    json::write_str(&mut out, name);
                }
            }
            ClientFrame::Send { id, text } => {
                out.push_str(r#"{"type":"send","id":"#);
                json::write_str(&mut out, id);
                out.push_str(r#","text":"#);
                json::write_str(&mut out, text);
            }
            ClientFrame::Ping => out.push_str(r#"{"type":"ping""#),
            ClientFrame::Watch => out.push_str(r#"{"type":"watch""#),
            ClientFrame::Read { seq } => {
                out.push_str(r#"{"type":"read","seq":"#);
                out.push_str(&seq.to_string());
            }
            ClientFrame::Auth { token } => {
                out.push_str(r#"{"type":"auth","token":"#);
                json::write_str(&mut out, token);
            }
            ClientFrame::Delete { seq } => {
                out.push_str(r#"{"type":"delete","seq":"#);
                out.push_str(&seq.to_string());
            }
            ClientFrame::History { before, limit } => {
                out.push_str(r#"{"type":"history","before":"#);
                match before {
                    Some(seq) => out.push_str(&seq.to_string()),
                    None => out.push_str("null"),
                }
                out.push_str(r#","limit":"#);
                out.push_str(&limit.to_string());
            }
            ClientFrame::Typing { active } => {
                out.push_str(r#"{"type":"typing","active":"#);
                out.push_str(if *active { "true" } else { "false" });
            }
        }
        out.push('}');
        out
    }
}
