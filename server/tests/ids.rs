//! Message ids are chosen by clients, so one member can try to use another's next id. The
//! server must never ack a text it did not store under that id.

mod common;

use common::{assert_silent, connect, join, recv, send, TestServer};
use ws_chat_protocol::{ClientFrame, ServerFrame};

fn send_frame(id: &str, text: &str) -> ClientFrame {
    ClientFrame::Send {
        id: id.into(),
        text: text.into(),
    }
}

#[tokio::test]
async fn a_spoofed_id_makes_the_real_send_a_visible_reject_not_a_silent_ack() {
    let s = TestServer::start().await;
    let url = s.ws_url("spoof");
    let (mut alice, _) = join(&url, None).await;
    let (mut mallory, _) = join(&url, None).await;

    // Mallory guesses Alice's next id and gets there first.
    send(&mut mallory, &send_frame("alice-2", "forged")).await;
    assert_eq!(
        recv(&mut mallory).await,
        ServerFrame::Ack {
            id: "alice-2".into(),
            seq: 1,
            ts: None,
        }
    );
    assert!(matches!(
        recv(&mut alice).await,
        ServerFrame::Msg { seq: 1, .. }
    ));

    send(&mut alice, &send_frame("alice-2", "the real one")).await;
    let rejected = ServerFrame::Reject {
        id: "alice-2".into(),
        reason: "id already used for a different message".into(),
        retry_after: None,
    };
    assert_eq!(recv(&mut alice).await, rejected);
    assert_silent(&mut mallory, 100).await;

    // Also after a reconnect: the decision rests on the stored history.
    let mut again = connect(&url, true).await;
    send(&mut again, &send_frame("alice-2", "the real one")).await;
    assert_eq!(recv(&mut again).await, rejected);

    // Nothing of Alice's text was stored; a genuine re-send of the stored text is still a
    // duplicate, acked with its seq.
    let (_late, catch_up) = join(&url, Some(0)).await;
    assert_eq!(
        catch_up,
        [
            ServerFrame::Msg {
                seq: 1,
                id: Some("alice-2".into()),
                text: "forged".into(),
                from: None,
                ts: None,
                user: None,
                guest: false,
            },
            ServerFrame::Synced {
                head: 1,
                gap: false
            }
        ]
    );
    send(&mut mallory, &send_frame("alice-2", "forged")).await;
    assert_eq!(
        recv(&mut mallory).await,
        ServerFrame::Ack {
            id: "alice-2".into(),
            seq: 1,
            ts: None,
        }
    );
    s.abandon();
}
