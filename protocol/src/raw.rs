//! The flat form every server envelope is read into, by serde natively and from
//! `JSON.parse` in the browser, and the one set of rules that turns it into a [`ServerFrame`].

use super::{Millis, Seq, ServerFrame};

/// Every field any server envelope has, flat; `type` says which must be there.
#[cfg_attr(not(target_arch = "wasm32"), derive(serde::Deserialize))]
pub(crate) struct RawServerFrame {
    #[cfg_attr(not(target_arch = "wasm32"), serde(rename = "type"))]
    pub(crate) kind: String,
    pub(crate) id: Option<String>,
    pub(crate) seq: Option<Seq>,
    pub(crate) text: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) head: Option<Seq>,
    pub(crate) gap: Option<bool>,
    pub(crate) nonce: Option<String>,
    pub(crate) from: Option<String>,
    pub(crate) ts: Option<Millis>,
    pub(crate) sub: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) exp: Option<u64>,
    pub(crate) user: Option<String>,
    pub(crate) guest: Option<bool>,
    pub(crate) retry_after: Option<Millis>,
    pub(crate) of: Option<Seq>,
    pub(crate) before: Option<Seq>,
    pub(crate) count: Option<u64>,
    pub(crate) more: Option<bool>,
    pub(crate) who: Option<String>,
    pub(crate) active: Option<bool>,
    pub(crate) listed: Option<bool>,
}

impl TryFrom<RawServerFrame> for ServerFrame {
    type Error = String;

    fn try_from(raw: RawServerFrame) -> Result<Self, String> {
        let kind = raw.kind;
        let need = |field: &str| format!("`{kind}` needs `{field}`");
        let frame = match kind.as_str() {
            "ack" => ServerFrame::Ack {
                id: raw.id.ok_or_else(|| need("id"))?,
                seq: raw.seq.ok_or_else(|| need("seq"))?,
                ts: raw.ts,
            },
            "reject" => ServerFrame::Reject {
                id: raw.id.ok_or_else(|| need("id"))?,
                reason: raw.reason.ok_or_else(|| need("reason"))?,
                retry_after: raw.retry_after,
            },
            "msg" => ServerFrame::Msg {
                seq: raw.seq.ok_or_else(|| need("seq"))?,
                id: raw.id,
                text: raw.text.ok_or_else(|| need("text"))?,
                from: raw.from,
                ts: raw.ts,
                user: raw.user,
                guest: raw.guest.unwrap_or(false),
            },
            "synced" => ServerFrame::Synced {
                head: raw.head.ok_or_else(|| need("head"))?,
                gap: raw.gap.ok_or_else(|| need("gap"))?,
            },
            "pong" => ServerFrame::Pong,
            "error" => ServerFrame::Error {
                id: raw.id,
                reason: raw.reason.ok_or_else(|| need("reason"))?,
            },
            "authed" => ServerFrame::Authed {
                sub: raw.sub.ok_or_else(|| need("sub"))?,
                name: raw.name,
                exp: raw.exp.ok_or_else(|| need("exp"))?,
            },
            "deleted" => ServerFrame::Deleted {
                seq: raw.seq.ok_or_else(|| need("seq"))?,
                of: raw.of.ok_or_else(|| need("of"))?,
            },
            "history" => ServerFrame::History {
                before: raw.before,
                count: raw
                    .count
                    .and_then(|c| u32::try_from(c).ok())
                    .ok_or_else(|| need("count"))?,
                more: raw.more.ok_or_else(|| need("more"))?,
            },
            "typing" => ServerFrame::Typing {
                who: raw.who.ok_or_else(|| need("who"))?,
                from: raw.from,
                guest: raw.guest.unwrap_or(false),
                active: raw.active.ok_or_else(|| need("active"))?,
            },
            "read" => ServerFrame::Read {
                seq: raw.seq.ok_or_else(|| need("seq"))?,
            },
            "present" => ServerFrame::Present {
                who: raw.who.ok_or_else(|| need("who"))?,
                from: raw.from,
                guest: raw.guest.unwrap_or(false),
            },
            "absent" => ServerFrame::Absent {
                who: raw.who.ok_or_else(|| need("who"))?,
            },
            "presence" => ServerFrame::Presence {
                count: raw
                    .count
                    .and_then(|c| u32::try_from(c).ok())
                    .ok_or_else(|| need("count"))?,
                listed: raw.listed.ok_or_else(|| need("listed"))?,
            },
            "welcome" => ServerFrame::Welcome { nonce: raw.nonce },
            _ => return Err(format!("unknown envelope type `{kind}`")),
        };
        Ok(frame)
    }
}
