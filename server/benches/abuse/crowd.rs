//! Many members that behave: 200 in one room, all sending and all reading.

use crate::client::{self, AbuseResult, AbuseSocket};
use crate::report::Row;
use crate::run::Run;
use futures_util::{SinkExt, StreamExt};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;
use ws_chat_protocol::ServerFrame;

/// How long [`crowd`] may take: a server that keeps up delivers the 2 million frames in
/// about 40 s on a 2-core machine (the benchmark's readers take half of it).
const CROWD_TIME: Duration = Duration::from_secs(45);
/// With no delivery for this long, the members still open are waiting for messages that
/// will never come (their senders were closed), and the case stops early.
const STALL: Duration = Duration::from_secs(5);

/// 200 members in one room, each sending 50 messages (one at a time, after the previous
/// one's ack) while reading everyone else's.
pub async fn crowd(bin: &Path) -> AbuseResult<Row> {
    const CLIENTS: usize = 200;
    const EACH: usize = 50;
    let mut run = Run::start(bin).await?;
    run.begin().await;
    let (members, error) = client::join_many(run.addr, "crowd", CLIENTS).await;
    let joined = members.len();
    let expected = (joined as u64 - 1) * EACH as u64;
    let delivered = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let stop = CancellationToken::new();
    let tasks: Vec<_> = members
        .into_iter()
        .enumerate()
        .map(|(i, mut ws)| {
            let (delivered, stop) = (delivered.clone(), stop.clone());
            tokio::spawn(async move {
                let end = tokio::select! {
                    end = member(&mut ws, i, EACH, expected, &delivered) => end,
                    () = stop.cancelled() => Ok(CrowdEnd::OutOfTime),
                };
                (ws, end)
            })
        })
        .collect();
    let (mut last_count, mut last_change) = (0, started);
    let stalled = loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = Instant::now();
        let count = delivered.load(Ordering::Relaxed);
        if count != last_count {
            (last_count, last_change) = (count, now);
        }
        if tasks.iter().all(|t| t.is_finished()) {
            break None;
        }
        if now - started > CROWD_TIME || now - last_change > STALL {
            stop.cancel();
            break Some(now - started);
        }
    };
    // Everyone stays in the room until the last one is done, as members would.
    let (mut done, mut late, mut closed, mut first_close) = (0, 0, 0, None);
    let mut held = Vec::new();
    for task in tasks {
        match task.await.map_err(|e| e.to_string()) {
            Ok((ws, Ok(CrowdEnd::Done))) => {
                done += 1;
                held.push(ws);
            }
            Ok((_, Ok(CrowdEnd::OutOfTime))) => late += 1,
            Ok((_, Ok(CrowdEnd::Closed(why)))) => {
                closed += 1;
                first_close = first_close.or(Some(why));
            }
            Ok((_, Err(e))) | Err(e) => first_close = first_close.or(Some(e)),
        }
    }
    let got = delivered.load(Ordering::Relaxed);
    let active = last_change.saturating_duration_since(started).as_secs_f64();
    let waiting = match stalled {
        Some(at) => format!(
            "{late} still waiting when the case stopped at {:.1} s",
            at.as_secs_f64()
        ),
        None => "none left waiting".to_owned(),
    };
    let mut notes = vec![format!(
        "{joined} joined; {got} of {} deliveries, the last at {active:.1} s; {done} got \
         everything, {closed} were closed by the server{}, {waiting}",
        expected * joined as u64,
        first_close.map_or(String::new(), |why| format!(" (first: {why})"))
    )];
    notes.extend(error.map(|e| format!("a join failed: {e}")));
    drop(held);
    Ok(run.end(notes).await)
}

/// How a member of [`crowd`] ended.
enum CrowdEnd {
    Done,
    OutOfTime,
    /// The server closed the connection (with this close frame, if any).
    Closed(String),
}

/// One member of [`crowd`]: sends `each` messages, each after the last one's ack, and reads
/// until it has seen `expected` messages of others.
async fn member(
    ws: &mut AbuseSocket,
    i: usize,
    each: usize,
    expected: u64,
    delivered: &AtomicU64,
) -> AbuseResult<CrowdEnd> {
    let (mut sent, mut acked, mut seen) = (0, 0, 0u64);
    let send = |n: usize| client::message(format!("c{i}-{n}"), format!("message {n} from {i}"));
    ws.send(send(0)).await.map_err(|e| e.to_string())?;
    sent += 1;
    while acked < each || seen < expected {
        let text = match ws.next().await {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(frame))) => {
                let why = frame.map_or("no close frame".into(), |f| {
                    format!("{} {}", f.code, f.reason)
                });
                return Ok(CrowdEnd::Closed(why));
            }
            Some(Err(e)) => return Ok(CrowdEnd::Closed(e.to_string())),
            None => return Ok(CrowdEnd::Closed("connection ended".into())),
            Some(Ok(_)) => continue,
        };
        if client::is_msg(text.as_str()) {
            seen += 1;
            delivered.fetch_add(1, Ordering::Relaxed);
        } else if let Ok(ServerFrame::Ack { .. }) = ServerFrame::decode(text.as_str()) {
            acked += 1;
            if sent < each {
                ws.send(send(sent)).await.map_err(|e| e.to_string())?;
                sent += 1;
            }
        }
    }
    Ok(CrowdEnd::Done)
}
