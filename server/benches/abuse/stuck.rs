//! Members that stop reading: the server must not keep what it owes them forever.

use crate::client::{self, AbuseResult, AbuseSocket};
use crate::report::{Row, STUCK_BOUND};
use crate::run::Run;
use futures_util::SinkExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use ws_chat_protocol::ServerFrame;

/// Room for everything the cases send: the server keeps this many messages per room.
const HISTORY: usize = 1000;

/// 10 members that say hello and then never read, in a room where 20 others send 1 KiB
/// messages for up to 20 s.
pub async fn stuck_readers(bin: &Path) -> AbuseResult<Row> {
    const STUCK: usize = 10;
    const SENDERS: usize = 20;
    const EACH: usize = 500;
    let mut run = Run::start(bin).await?;
    run.begin().await;
    let mut stuck = Vec::new();
    let mut last = Instant::now();
    for _ in 0..STUCK {
        let (ws, port, since) = client::stuck(run.addr, "busy").await?;
        run.watch(port, since);
        stuck.push(ws);
        last = since;
    }
    let (senders, error) = client::join_many(run.addr, "busy", SENDERS).await;
    let sent = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(20);
    let tasks: Vec<_> = senders
        .into_iter()
        .enumerate()
        .map(|(i, ws)| tokio::spawn(send_for(ws, i, EACH, 1024, until, sent.clone())))
        .collect();
    // Each stuck member gets its full minute.
    run.wait_stuck(last + STUCK_BOUND).await;
    for task in tasks {
        let _ = task.await;
    }
    let mut notes = vec![format!(
        "{} messages of 1 KiB sent within 20 s by {SENDERS} other members (who read)",
        sent.load(Ordering::Relaxed)
    )];
    notes.extend(error.map(|e| format!("a sender could not join: {e}")));
    drop(stuck);
    Ok(run.end(notes).await)
}

/// Sends `each` messages of `len` bytes, one after the other's ack, until `until`; reads
/// (and drops) the room's messages meanwhile. Returns the connection, still open.
async fn send_for(
    mut ws: AbuseSocket,
    i: usize,
    each: usize,
    len: usize,
    until: Instant,
    sent: Arc<AtomicU64>,
) -> Option<AbuseSocket> {
    for n in 0..each {
        if Instant::now() >= until {
            break;
        }
        let text = client::text_of(len, i * each + n);
        ws.send(client::message(format!("s{i}-{n}"), text))
            .await
            .ok()?;
        let acked = tokio::time::timeout_at(until.into(), async {
            loop {
                match client::next_frame(&mut ws).await {
                    Ok(Some(ServerFrame::Ack { .. })) => return true,
                    Ok(Some(_)) => {}
                    _ => return false,
                }
            }
        });
        if acked.await != Ok(true) {
            break;
        }
        sent.fetch_add(1, Ordering::Relaxed);
    }
    Some(ws)
}

/// 30 members ask for the whole history (1,000 messages of ~16 KiB, about 16 MB each) and
/// never read it.
pub async fn catch_up_hogs(bin: &Path) -> AbuseResult<Row> {
    const HOGS: usize = 30;
    let mut run = Run::start(bin).await?;
    let fresh = run.rss_kib();
    let took = client::fill(run.addr, "archive", HISTORY, 16 * 1000).await?;
    run.begin().await;
    let mut hogs = Vec::new();
    let mut last = Instant::now();
    for _ in 0..HOGS {
        let (ws, port, since) = client::stuck(run.addr, "archive").await?;
        run.watch(port, since);
        hogs.push(ws);
        last = since;
    }
    run.wait_stuck(last + STUCK_BOUND).await;
    drop(hogs);
    let notes = vec![format!(
        "room filled with {HISTORY} × 16,000 B in {:.1} s before idle was taken (a fresh \
         server: {:.1} MB)",
        took.as_secs_f64(),
        fresh as f64 * 1024.0 / 1e6
    )];
    Ok(run.end(notes).await)
}
