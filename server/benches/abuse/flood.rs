//! Members that ask too much: a hello flood, each hello answered with the room's history.

use crate::client::{self, AbuseResult};
use crate::report::Row;
use crate::run::Run;
use futures_util::{SinkExt, StreamExt};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// A few members send `hello {after: 0}` as fast as they can for 10 s, in a room with 200
/// messages of 1 KiB, and read the answers.
pub async fn hello_flood(bin: &Path) -> AbuseResult<Row> {
    const FLOODERS: usize = 4;
    const FOR: Duration = Duration::from_secs(10);
    const MAX_HELLOS: u64 = 1_000_000;
    let mut run = Run::start(bin).await?;
    client::fill(run.addr, "flood", 200, 1000).await?;
    run.begin().await;
    let hellos = Arc::new(AtomicU64::new(0));
    let answered = Arc::new(AtomicU64::new(0));
    let bytes = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + FOR;
    let mut tasks = Vec::new();
    for _ in 0..FLOODERS {
        let (ws, _) = client::connect(run.addr, "flood", None).await?;
        let (mut sink, mut stream) = ws.split();
        let hellos = hellos.clone();
        let writer = tokio::spawn(async move {
            while Instant::now() < until && hellos.load(Ordering::Relaxed) < MAX_HELLOS {
                for _ in 0..64 {
                    if sink.feed(client::hello()).await.is_err() {
                        return sink;
                    }
                    hellos.fetch_add(1, Ordering::Relaxed);
                }
                let flushed = tokio::time::timeout_at(until.into(), sink.flush()).await;
                if !matches!(flushed, Ok(Ok(()))) {
                    break;
                }
            }
            sink
        });
        let (bytes, answered) = (bytes.clone(), answered.clone());
        let reader = tokio::spawn(async move {
            let read_until = until + Duration::from_secs(2);
            let mut closed = false;
            while let Ok(next) = tokio::time::timeout_at(read_until.into(), stream.next()).await {
                let Some(Ok(m)) = next else {
                    closed = true;
                    break;
                };
                bytes.fetch_add(m.len() as u64, Ordering::Relaxed);
                if let Message::Text(text) = &m {
                    if text.as_str().starts_with(r#"{"type":"synced""#) {
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            (stream, closed)
        });
        tasks.push((writer, reader));
    }
    let mut closed = 0;
    let mut held = Vec::new();
    for (writer, reader) in tasks {
        let sink = writer.await.map_err(|e| e.to_string())?;
        let (stream, was_closed) = reader.await.map_err(|e| e.to_string())?;
        closed += usize::from(was_closed);
        held.push((sink, stream));
    }
    let n = hellos.load(Ordering::Relaxed);
    let notes = vec![format!(
        "{n} hellos written in {} s, {} answered ({:.1} MB of answers read); {closed} of \
         {FLOODERS} flooders closed by the server",
        FOR.as_secs(),
        answered.load(Ordering::Relaxed),
        bytes.load(Ordering::Relaxed) as f64 / 1e6
    )];
    drop(held);
    Ok(run.end(notes).await)
}
