//! The clients: one task per WebSocket connection, which sends by the clock and reads
//! everything the server sends it.
//!
//! Sending is open-loop: a connection sends when its schedule says so, never waiting for an
//! ack, so a slow server shows as growing latency rather than as a politely slower client.
//! The total rate is spread evenly: with `n` connections at `r` msg/s, connection `i` sends at
//! `start + (i + k·n) / r` for k = 0, 1, 2 …, so the sends of all connections interleave.

use crate::children::LoadResult;
use crate::deploy::Placement;
use crate::tally::{MessageId, Tally};
use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;
use ws_chat_protocol::{ClientFrame, SUBPROTOCOL};

type SwarmSocket = WebSocketStream<TcpStream>;

/// How long one connection may take to open and (wschat.v1) finish its catch-up.
const JOIN_TIMEOUT: Duration = Duration::from_secs(20);
/// Connections opening at once.
const JOINING_AT_ONCE: usize = 50;
/// Loopback source addresses the connections come from in turn (127.0.0.1, .2, …): one
/// address has about 28,000 ephemeral ports, which tens of thousands of connections over
/// several runs (closed ones linger in TIME_WAIT) would run out of.
const SOURCE_ADDRESSES: usize = 16;
/// Bytes of text per message (the id, then padding): a short chat line.
pub const TEXT_BYTES: usize = 80;

/// What every connection sends, from when to when; `rate == 0` sends nothing.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub step: u32,
    pub rate: f64,
    pub start: Instant,
    pub stop: Instant,
}

/// The shape of the crowd.
#[derive(Debug, Clone, Copy)]
pub struct Crowd {
    pub connections: usize,
    pub room_size: usize,
}

/// Every connection of one run, driven by one [`Schedule`] at a time.
pub struct Swarm {
    schedule: watch::Sender<Option<Schedule>>,
    tasks: tokio::task::JoinSet<()>,
    pub tally: Arc<Tally>,
}

impl Swarm {
    /// Opens every connection: connection `i` is in room `i / room_size` (named with
    /// `room_prefix`) on server `i % servers`, so a room's members alternate between servers,
    /// or with [`Placement::WholeRooms`] on server `room % servers`.
    pub async fn join(
        endpoints: &[SocketAddr],
        placement: Placement,
        wschat: bool,
        crowd: Crowd,
        room_prefix: &str,
    ) -> LoadResult<Swarm> {
        let tally = Arc::new(Tally::new(crowd.room_size));
        let (schedule, _) = watch::channel(None);
        let gate = Arc::new(Semaphore::new(JOINING_AT_ONCE));
        let mut joining = tokio::task::JoinSet::new();
        for i in 0..crowd.connections {
            let server = match placement {
                Placement::SpreadMembers => i,
                Placement::WholeRooms => i / crowd.room_size,
            };
            let addr = endpoints[server % endpoints.len()];
            let source = source_address(i);
            let room = format!("{room_prefix}-{}", i / crowd.room_size);
            let gate = gate.clone();
            joining.spawn(async move {
                let _permit = gate.acquire_owned().await.map_err(|e| e.to_string())?;
                let ws = tokio::time::timeout(JOIN_TIMEOUT, open(source, addr, &room, wschat))
                    .await
                    .map_err(|_| format!("connection {i}: no join within {JOIN_TIMEOUT:?}"))??;
                Ok::<_, String>((i, ws))
            });
        }
        let mut joined = Vec::with_capacity(crowd.connections);
        while let Some(done) = joining.join_next().await {
            joined.push(done.map_err(|e| e.to_string())??);
        }
        let mut tasks = tokio::task::JoinSet::new();
        for (i, ws) in joined {
            let member = SwarmMember {
                index: i,
                connections: crowd.connections,
                ws,
                wschat,
                tally: tally.clone(),
            };
            tasks.spawn(member.run(schedule.subscribe()));
        }
        Ok(Swarm {
            schedule,
            tasks,
            tally,
        })
    }

    /// Makes every connection follow `schedule` from now on.
    pub fn follow(&self, schedule: Schedule) {
        self.schedule.send_replace(Some(schedule));
    }

    /// Closes every connection.
    pub async fn close(mut self) {
        drop(self.schedule);
        let deadline = tokio::time::sleep(Duration::from_secs(5));
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                done = self.tasks.join_next() => if done.is_none() { break },
                _ = &mut deadline => { self.tasks.abort_all(); break }
            }
        }
    }
}

/// Opens one connection to `room`; a wschat.v1 one says `hello {after: 0}` and returns once
/// its catch-up is over (`synced`): from then on it is live.
/// The loopback address connection `i` comes from.
fn source_address(i: usize) -> SocketAddr {
    let last = u8::try_from(1 + i % SOURCE_ADDRESSES).unwrap_or(1);
    SocketAddr::from(([127, 0, 0, last], 0))
}

async fn open(
    source: SocketAddr,
    addr: SocketAddr,
    room: &str,
    wschat: bool,
) -> LoadResult<SwarmSocket> {
    let socket = TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket
        .bind(source)
        .map_err(|e| format!("bind {source}: {e}"))?;
    let stream = socket.connect(addr).await.map_err(|e| e.to_string())?;
    // The client's own Nagle delays must not be charged to the server.
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let url = match wschat {
        true => format!("ws://{addr}/ws?room={room}"),
        false => format!("ws://{addr}/broadcast?room={room}"),
    };
    let mut request = url.into_client_request().map_err(|e| e.to_string())?;
    if wschat {
        let protocol = HeaderValue::from_static(SUBPROTOCOL);
        request
            .headers_mut()
            .insert("sec-websocket-protocol", protocol);
    }
    let (mut ws, _) = tokio_tungstenite::client_async(request, stream)
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    if !wschat {
        return Ok(ws);
    }
    let hello = ClientFrame::Hello {
        after: Some(0),
        name: None,
    };
    ws.send(Message::text(hello.encode()))
        .await
        .map_err(|e| e.to_string())?;
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) if t.starts_with(r#"{"type":"synced""#) => return Ok(ws),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(format!("before synced: {e}")),
            None => return Err("closed before synced".into()),
        }
    }
}

/// One connection's task.
struct SwarmMember {
    index: usize,
    connections: usize,
    ws: SwarmSocket,
    wschat: bool,
    tally: Arc<Tally>,
}

impl SwarmMember {
    async fn run(mut self, mut schedule: watch::Receiver<Option<Schedule>>) {
        let mut sent = 0u64;
        let mut next: Option<(Schedule, Instant)> = None;
        loop {
            let wake = next.map(|(_, at)| at);
            tokio::select! {
                frame = self.ws.next() => match frame {
                    Some(Ok(Message::Text(text))) => self.tally.received(text.as_str(), self.wschat),
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => return self.tally.closed(),
                },
                _ = sleep_until(wake), if wake.is_some() => {
                    let Some((plan, _)) = next else { continue };
                    let id = MessageId::now(plan.step, self.index, sent);
                    sent += 1;
                    if self.send(&id).await.is_err() {
                        return self.tally.closed();
                    }
                    self.tally.sent(&id);
                    next = self.next_send(plan);
                },
                changed = schedule.changed() => {
                    if changed.is_err() {
                        let _ = self.ws.close(None).await;
                        return;
                    }
                    next = (*schedule.borrow_and_update()).and_then(|plan| self.next_send(plan));
                },
            }
        }
    }

    /// This connection's first send time of `plan` from now on, if any is left.
    fn next_send(&self, plan: Schedule) -> Option<(Schedule, Instant)> {
        if plan.rate <= 0.0 {
            return None;
        }
        let period = self.connections as f64 / plan.rate;
        let offset = self.index as f64 / plan.rate;
        let since = Instant::now()
            .saturating_duration_since(plan.start)
            .as_secs_f64();
        let k = ((since - offset) / period).ceil().max(0.0);
        let at = plan.start + Duration::from_secs_f64(offset + k * period);
        (at < plan.stop).then_some((plan, at))
    }

    async fn send(&mut self, id: &MessageId) -> std::result::Result<(), ()> {
        let mut text = id.to_string();
        text.push(' ');
        text.extend(std::iter::repeat_n(
            'x',
            TEXT_BYTES.saturating_sub(text.len()),
        ));
        let frame = match self.wschat {
            true => ClientFrame::Send {
                id: id.to_string(),
                text,
            }
            .encode(),
            false => text,
        };
        self.ws.send(Message::text(frame)).await.map_err(|_| ())
    }
}

async fn sleep_until(at: Option<Instant>) {
    if let Some(at) = at {
        tokio::time::sleep_until(at).await;
    }
}
