//! The load benchmark's command line. `cargo test` builds no benchmark, so
//! `server/tests/load_args.rs` includes and tests it.

use crate::deploy::{Setup, SETUPS};
use std::path::PathBuf;

/// What to run, and with which programs.
#[derive(Debug, Clone)]
pub struct LoadArgs {
    pub server: PathBuf,
    pub node_script: PathBuf,
    /// The configurations of the rate sweep, in table order.
    pub setups: Vec<Setup>,
    /// The configuration of the growth runs; `None` skips them.
    pub growth: Option<Setup>,
}

impl LoadArgs {
    /// Parses the arguments after the program name, over the given defaults. A mistyped
    /// configuration is an error: running less than asked and exiting 0 would look like a
    /// complete run.
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        defaults: LoadArgs,
    ) -> Result<LoadArgs, String> {
        let mut parsed = defaults;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = || args.next().ok_or(format!("{arg} needs a value"));
            match arg.as_str() {
                "--server" => parsed.server = value()?.into(),
                "--node-script" => parsed.node_script = value()?.into(),
                "--only" => {
                    let keys = value()?;
                    let chosen: Result<Vec<Setup>, String> =
                        keys.split(',').map(|key| setup(key.trim())).collect();
                    parsed.setups = chosen?;
                }
                "--growth" => {
                    parsed.growth = match value()?.as_str() {
                        "none" => None,
                        key => Some(setup(key)?),
                    }
                }
                "--bench" => {} // added by `cargo bench`
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(parsed)
    }
}

fn setup(key: &str) -> Result<Setup, String> {
    SETUPS
        .iter()
        .find(|s| s.key == key)
        .copied()
        .ok_or_else(|| format!("unknown configuration {key:?}"))
}

/// The usage line.
pub fn usage() -> String {
    let keys: Vec<&str> = SETUPS.iter().map(|s| s.key).collect();
    format!(
        "usage: load [--server PATH-TO-ws-chat-server] [--node-script PATH-TO-server.mjs] \
         [--only KEY[,KEY…]] [--growth KEY|none]; configurations: {}",
        keys.join(", ")
    )
}
