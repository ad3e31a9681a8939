//! Checking that nothing acked is lost when something dies mid-stream: a writer that sends
//! without waiting for acks, so appends are in flight at the moment of the failure, the acks it
//! got, and the history a client finds once the server takes connections again.

use super::{join, TestSocket, TIMEOUT};
use futures_util::stream::SplitStream;
use futures_util::{SinkExt, StreamExt};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use ws_chat_protocol::{ClientFrame, ServerFrame};

/// Messages sent every `every` as ids `PREFIX0`, `PREFIX1`, …, and the acks they got (id → seq).
pub struct AckedStream {
    pub acked: BTreeMap<String, u64>,
    replies: SplitStream<TestSocket>,
    sender: JoinHandle<()>,
}

impl AckedStream {
    pub fn start(ws: TestSocket, prefix: &str, every: Duration) -> AckedStream {
        let (mut sink, replies) = ws.split();
        let prefix = prefix.to_owned();
        let sender = tokio::spawn(async move {
            for i in 0.. {
                let frame = ClientFrame::Send {
                    id: format!("{prefix}{i}"),
                    text: format!("{prefix} text {i}"),
                };
                if sink.send(Message::text(frame.encode())).await.is_err() {
                    return;
                }
                tokio::time::sleep(every).await;
            }
        });
        AckedStream {
            acked: BTreeMap::new(),
            replies,
            sender,
        }
    }

    /// Reads until `count` messages are acked.
    pub async fn until_acked(&mut self, count: usize) {
        while self.acked.len() < count {
            let next = tokio::time::timeout(TIMEOUT, self.replies.next()).await;
            let Some(Ok(message)) = next.expect("acks keep coming") else {
                panic!("closed after {} acks", self.acked.len());
            };
            self.note(message);
        }
    }

    /// Reads until the server closes the connection (acks still on their way count: each one
    /// promises a stored message), waiting at most `limit`; returns every ack.
    pub async fn until_closed(mut self, limit: Duration) -> BTreeMap<String, u64> {
        loop {
            let next = tokio::time::timeout(limit, self.replies.next()).await;
            match next.expect("the connection closes in time") {
                Some(Ok(message)) => self.note(message),
                Some(Err(_)) | None => break,
            }
        }
        self.sender.abort();
        self.acked
    }

    fn note(&mut self, message: Message) {
        if let Message::Text(text) = message {
            if let Ok(ServerFrame::Ack { id, seq, .. }) = ServerFrame::decode(&text) {
                self.acked.insert(id, seq);
            }
        }
    }
}

/// Connects until the server takes connections again (it refuses them with 503 while its
/// Redis is away), then joins from the start; returns what the join brought.
pub async fn join_when_back(url: &str) -> Vec<ServerFrame> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        match tokio_tungstenite::connect_async(url).await {
            Ok(_) => return join(url, Some(0)).await.1,
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), 503)
            }
            Err(e) => panic!("{e}"),
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not recover"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Panics unless every acked message is in the history `url`'s room gives once its server is
/// back, under the seq its ack gave.
pub async fn assert_none_lost(url: &str, acked: &BTreeMap<String, u64>, what: &str) {
    let history: BTreeMap<String, u64> = join_when_back(url)
        .await
        .into_iter()
        .filter_map(|f| match f {
            ServerFrame::Msg { seq, id, .. } => Some((id.expect("id"), seq)),
            _ => None,
        })
        .collect();
    let lost: Vec<_> = acked
        .iter()
        .filter(|(id, seq)| history.get(*id) != Some(seq))
        .collect();
    assert!(
        lost.is_empty(),
        "{what}: {} of {} acked messages lost: {lost:?}",
        lost.len(),
        acked.len()
    );
}
