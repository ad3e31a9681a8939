//! `ws-chat-server`: parse flags, open the history, bind, announce, serve until a signal.

use clap::Parser;
use std::io::IsTerminal;
use std::io::Write;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;
use ws_chat_server::{shutdown_signal, Config, LogFormat, Server};

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    // Logs go to stderr: stdout carries only the "listening" line that scripts wait for.
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()));
    match config.log_format {
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        // Each line names the connection it is about: its span, flattened in.
        LogFormat::Json => logs
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
    let listen = config.listen.clone();
    let server = match Server::open(config).await {
        Ok(server) => server,
        Err(e) => return fail(&format!("cannot open the history: {e}")),
    };
    if let Some(addr) = server.metrics_addr() {
        tracing::info!("metrics on http://{addr}/metrics");
    }
    let listener = match tokio::net::TcpListener::bind(&listen).await {
        Ok(listener) => listener,
        Err(e) => return fail(&format!("cannot listen on {listen}: {e}")),
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(e) => return fail(&format!("cannot read the listening address: {e}")),
    };
    println!("ws-chat-server listening on http://{addr}");
    let _ = std::io::stdout().flush();
    match server.serve(listener, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("server failed: {e}")),
    }
}

fn fail(message: &str) -> ExitCode {
    tracing::error!("{message}");
    ExitCode::FAILURE
}
