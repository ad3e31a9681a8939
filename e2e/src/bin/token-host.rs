//! The example host page for signing in (`scripts/serve-signed-in.sh`): serves
//! `examples/signed-in.html` on its own origin, with a host backend's token endpoint at
//! `/chat-token?user=NAME` that signs HS256 tokens with the chat server's secret.
//!
//! A real backend would take the user from its own login (a session cookie), not from the
//! query: this one lets one page show two users side by side. Ctrl-C stops it.

use anyhow::{Context, Result};
use clap::Parser;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use ws_chat_e2e::page_server::PageServer;
use ws_chat_e2e::token_mint::TokenMint;

#[derive(Parser)]
struct Args {
    /// Where to listen (127.0.0.1 and this port).
    #[arg(long, default_value_t = 9012)]
    port: u16,
    /// The chat server's origin, which serves `ws-chat-embed.js` and `/ws` (for the URL
    /// printed: the page reads it from `?chat=`).
    #[arg(long, default_value = "http://127.0.0.1:9011")]
    chat: String,
    /// The HS256 secret the chat server checks tokens with (`--jwt-secret-file`).
    #[arg(long)]
    secret_file: PathBuf,
    /// The page.
    #[arg(long, default_value = "examples/signed-in.html")]
    page: PathBuf,
    /// How long each token runs, in seconds: short, so refreshes can be watched.
    #[arg(long, default_value_t = 60)]
    token_secs: u64,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let secret = std::fs::read(&args.secret_file)
        .with_context(|| format!("reading {}", args.secret_file.display()))?;
    let page = std::fs::read_to_string(&args.page)
        .with_context(|| format!("reading {}", args.page.display()))?;
    let mint = Arc::new(TokenMint::with_secret(
        &secret,
        Duration::from_secs(args.token_secs),
    )?);
    let server = PageServer::with_tokens_on(args.port, &page, &[], mint)?;
    println!(
        "signed-in example: open {}?chat={} (tokens of {} s from /chat-token)",
        server.url(),
        args.chat,
        args.token_secs
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}
