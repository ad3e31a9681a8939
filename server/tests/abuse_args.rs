//! The abuse benchmark's command line (`server/benches/abuse/args.rs`), tested here because
//! `cargo test` does not build benchmarks.

#[path = "../benches/abuse/args.rs"]
mod args;

use args::{usage, AbuseArgs, CASES};
use std::path::PathBuf;

fn parse(args: &[&str]) -> Result<AbuseArgs, String> {
    AbuseArgs::parse(
        args.iter().map(|a| (*a).to_owned()),
        PathBuf::from("default-server"),
    )
}

#[test]
fn no_arguments_run_every_case_against_the_default_server() {
    let args = parse(&["--bench"]).expect("parses");
    assert_eq!(args.server, PathBuf::from("default-server"));
    assert_eq!(args.only, None);
    assert!(CASES.iter().all(|case| args.wanted(case)));
}

#[test]
fn only_runs_that_case() {
    let args = parse(&["--only", "hogs", "--server", "/x/ws-chat-server"]).expect("parses");
    assert_eq!(args.server, PathBuf::from("/x/ws-chat-server"));
    assert_eq!(args.only, Some("hogs"));
    let run: Vec<_> = CASES.into_iter().filter(|c| args.wanted(c)).collect();
    assert_eq!(run, ["hogs"]);
}

/// Running nothing and exiting 0 would pass for a benchmark that ran.
#[test]
fn an_unknown_or_missing_case_is_an_error() {
    let e = parse(&["--only", "crwod"]).expect_err("unknown case");
    assert!(e.contains("\"crwod\""), "{e}");
    assert!(parse(&["--only"]).is_err());
    assert!(parse(&["--server"]).is_err());
    assert!(parse(&["--fast"]).is_err());
    assert!(
        usage().ends_with("[--only crowd|stuck|hogs|flood|silent]"),
        "{}",
        usage()
    );
}
