//! Kicks and revocations, as every `auth` and every live connection asks them.

use super::super::bans::{Ban, Bans};
use super::super::verifier::Identity;
use ws_chat_protocol::close_code;

const T: u64 = 1_800_000_000_000;

fn user(sub: &str, jti: Option<&str>, iat: Option<u64>) -> Identity {
    Identity {
        sub: sub.into(),
        name: None,
        exp: T / 1000 + 3600,
        iat,
        jti: jti.map(str::to_owned),
        rooms: Default::default(),
    }
}

fn kick(room: Option<&str>, sub: &str, secs: u64) -> Ban {
    Ban::Kick {
        room: room.map(str::to_owned),
        sub: sub.into(),
        until: T + secs * 1000,
    }
}

#[test]
fn who_is_refused_where_and_until_when() {
    let mut bans = Bans::default();
    bans.add(kick(Some("r"), "ann", 60), T);
    bans.add(kick(None, "bob", 7200), T);
    bans.add(
        Ban::RevokeToken {
            jti: "t1".into(),
            until: T + 60_000,
        },
        T,
    );
    bans.add(
        Ban::RevokeUser {
            sub: "cat".into(),
            issued_before: T / 1000,
            until: T + 60_000,
        },
        T,
    );
    let ann = user("ann", None, None);
    let cases = [
        (
            &ann,
            "r",
            T,
            Some((close_code::REMOVED, "removed by a moderator for 60 s")),
        ),
        (&ann, "s", T, None),
        (
            &ann,
            "r",
            T + 59_001,
            Some((close_code::REMOVED, "removed by a moderator for 1 s")),
        ),
        (&ann, "r", T + 60_000, None),
        (
            &user("bob", None, None),
            "any",
            T,
            Some((close_code::REMOVED, "removed by a moderator for 2 h")),
        ),
        (
            &user("dan", Some("t1"), None),
            "r",
            T,
            Some((close_code::UNAUTHORIZED, "token revoked")),
        ),
        (&user("dan", Some("t2"), None), "r", T, None),
        (
            &user("cat", None, Some(T / 1000 - 1)),
            "r",
            T,
            Some((close_code::UNAUTHORIZED, "token revoked")),
        ),
        // Without `iat` a token cannot show it is newer.
        (
            &user("cat", None, None),
            "r",
            T,
            Some((close_code::UNAUTHORIZED, "token revoked")),
        ),
        (&user("cat", None, Some(T / 1000)), "r", T, None),
        (&user("cat", None, Some(0)), "r", T + 60_000, None),
    ];
    for (who, room, now, want) in cases {
        let got = bans.refusal(who, room, now).map(|r| (r.code, r.reason));
        let want = want.map(|(code, reason)| (code, reason.to_owned()));
        assert_eq!(got, want, "{} in {room} at +{} ms", who.sub, now - T);
    }
}

#[test]
fn a_later_time_wins_and_what_ran_out_is_dropped() {
    let mut bans = Bans::default();
    bans.add(kick(Some("r"), "ann", 600), T);
    bans.add(kick(Some("r"), "ann", 60), T);
    let refusal = bans
        .refusal(&user("ann", None, None), "r", T)
        .expect("kicked");
    assert_eq!(refusal.reason, "removed by a moderator for 10 min");
    // One already over is never held.
    bans.add(kick(None, "bob", 0), T);
    assert_eq!(bans.len(), 1);
    // Many short ones: the list prunes itself as it grows.
    for i in 0..1000 {
        bans.add(kick(None, &format!("u{i}"), 1), T + i * 1000);
    }
    assert!(bans.len() < 200, "{} held", bans.len());
}

#[test]
fn records_round_trip_and_unknown_ones_are_refused() {
    for ban in [
        kick(Some("r"), "ann", 60),
        kick(None, "ann", 60),
        Ban::RevokeToken {
            jti: "t".into(),
            until: T,
        },
    ] {
        assert_eq!(Ban::from_record(&ban.to_record()), Some(ban));
    }
    assert_eq!(
        kick(None, "ann", 1).to_record(),
        r#"{"kind":"kick","sub":"ann","until":1800000001000}"#
    );
    assert_eq!(
        Ban::from_record(r#"{"kind":"mute","sub":"a","until":1}"#),
        None
    );
}
