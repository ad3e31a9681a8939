//! The `rooms` claim: which rooms a token allows, and what it may do in each.

use serde::Deserialize;
use std::collections::BTreeMap;

/// One thing a member may do in a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Right {
    /// `hello` and catch-up: see the room's messages.
    Read,
    /// `send`: add messages.
    Post,
    /// Delete messages.
    Moderate,
}

/// What a member may do in one room.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rights {
    pub read: bool,
    pub post: bool,
    pub moderate: bool,
}

impl Rights {
    /// Read and post: a token without a `rooms` claim, in every room.
    pub const MEMBER: Rights = Rights {
        read: true,
        post: true,
        moderate: false,
    };

    /// Whether the room is open to this member at all.
    pub fn any(self) -> bool {
        self.read || self.post || self.moderate
    }

    fn from_list(list: &[Right]) -> Rights {
        let has = |r: Right| list.contains(&r);
        Rights {
            read: has(Right::Read),
            post: has(Right::Post),
            moderate: has(Right::Moderate),
        }
    }
}

/// The rooms a token allows. Keys are room names, or prefixes ending in `*` (`team-*`
/// matches `team-a`; `*` alone matches every room). A room's own name wins over a pattern,
/// and a longer pattern over a shorter one, so `{"*": ["read"], "staff": ["read", "post"]}`
/// reads everywhere and posts in `staff` only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "Option<BTreeMap<String, Vec<Right>>>")]
pub enum RoomRights {
    /// No `rooms` claim: read and post in every room.
    #[default]
    Everywhere,
    /// Only the rooms listed.
    Listed(BTreeMap<String, Vec<Right>>),
}

impl From<Option<BTreeMap<String, Vec<Right>>>> for RoomRights {
    fn from(claim: Option<BTreeMap<String, Vec<Right>>>) -> Self {
        claim.map_or(RoomRights::Everywhere, RoomRights::Listed)
    }
}

impl RoomRights {
    /// What the token may do in `room`; nothing when no key matches.
    pub fn in_room(&self, room: &str) -> Rights {
        let RoomRights::Listed(rooms) = self else {
            return Rights::MEMBER;
        };
        if let Some(list) = rooms.get(room) {
            return Rights::from_list(list);
        }
        rooms
            .iter()
            .filter_map(|(key, list)| {
                let prefix = key.strip_suffix('*')?;
                room.starts_with(prefix).then_some((prefix.len(), list))
            })
            .max_by_key(|(len, _)| *len)
            .map_or(Rights::default(), |(_, list)| Rights::from_list(list))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rights(json: &str) -> RoomRights {
        serde_json::from_str(json).expect("a rooms claim")
    }

    const NONE: Rights = Rights {
        read: false,
        post: false,
        moderate: false,
    };
    const READ: Rights = Rights {
        read: true,
        post: false,
        moderate: false,
    };
    const ALL: Rights = Rights {
        read: true,
        post: true,
        moderate: true,
    };

    #[test]
    fn rooms_by_name_then_longest_pattern() {
        let claim = rights(
            r#"{"*": ["read"], "staff": ["read", "post"], "team-*": ["read", "post"],
                "team-leads-*": ["read", "post", "moderate"], "literal*star": ["post"]}"#,
        );
        let cases = [
            ("lobby", READ),
            ("staff", Rights::MEMBER),
            ("staffroom", READ),
            ("team-a", Rights::MEMBER),
            ("team-leads-x", ALL),
            ("team-", Rights::MEMBER),
            ("literal*star", Rights { post: true, ..NONE }),
        ];
        for (room, expected) in cases {
            assert_eq!(claim.in_room(room), expected, "{room}");
        }
    }

    #[test]
    fn no_claim_is_everywhere_and_an_empty_one_is_nowhere() {
        assert_eq!(RoomRights::default().in_room("any"), Rights::MEMBER);
        assert_eq!(rights("null").in_room("any"), Rights::MEMBER);
        let nowhere = rights("{}");
        assert_eq!(nowhere.in_room("any"), NONE);
        assert!(!nowhere.in_room("any").any());
        let only_a = rights(r#"{"a": []}"#);
        assert_eq!(only_a.in_room("a"), NONE, "listed without rights");
        assert_eq!(rights(r#"{"a*": ["read"]}"#).in_room("b"), NONE);
    }

    #[test]
    fn an_unknown_right_is_an_error_not_a_silent_grant() {
        assert!(serde_json::from_str::<RoomRights>(r#"{"a": ["admin"]}"#).is_err());
        assert!(serde_json::from_str::<RoomRights>(r#"{"a": "read"}"#).is_err());
    }
}
