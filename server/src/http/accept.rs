//! The HTTP/1.1 accept loop, in place of `axum::serve`.
//!
//! `axum::serve` gives hyper no timer, so a client that opens a TCP connection and sends
//! nothing, or sends its headers a byte at a time (slowloris), holds a connection and a task
//! for as long as it likes. This loop serves each connection with hyper's own HTTP/1 builder,
//! whose header-read timeout drops such clients, and hands each request its peer address as
//! [`ConnectInfo`] for the per-address limits. Shutdown works as `axum::serve`'s graceful
//! shutdown does: stop accepting, let each connection finish its request in flight, and
//! return once they are all done (upgraded WebSockets are no longer HTTP connections by then;
//! the server closes them through its shutdown token).

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::io;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

/// How long to wait after an accept error that is not about one connection (too many open
/// files, say) before accepting again, so the loop does not spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_secs(1);

/// Serves `app` on `listener` until `stop` is cancelled and every HTTP connection has ended.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    stop: CancellationToken,
    header_read_timeout: Duration,
) {
    let connections = TaskTracker::new();
    loop {
        let (tcp, peer) = tokio::select! {
            () = stop.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    on_accept_error(e).await;
                    continue;
                }
            },
        };
        // Chat frames are small and each one matters now: with Nagle's algorithm a frame
        // written behind an unacknowledged one waits for the peer's delayed ACK (about 40 ms on
        // Linux), which the load benchmark showed as a 40-50 ms fan-out p99 at any rate.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(%peer, "cannot set TCP_NODELAY: {e}");
        }
        connections.spawn(serve_connection(
            tcp,
            peer,
            app.clone(),
            stop.clone(),
            header_read_timeout,
        ));
    }
    drop(listener);
    connections.close();
    connections.wait().await;
}

async fn serve_connection(
    tcp: TcpStream,
    peer: SocketAddr,
    app: Router,
    stop: CancellationToken,
    header_read_timeout: Duration,
) {
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        app.clone().oneshot(request)
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let connection = builder
        .serve_connection(TokioIo::new(tcp), service)
        .with_upgrades();
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        () = stop.cancelled() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(e) = result {
        tracing::debug!(%peer, "HTTP connection ended: {e}");
    }
}

/// Errors about one connection (it was reset before it was accepted) are nobody's business;
/// anything else is logged and waited out.
async fn on_accept_error(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!("accept failed: {e}; pausing");
    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
}
