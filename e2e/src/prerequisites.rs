//! Whether an end-to-end test can run here, and what it does when it cannot: the one place
//! that decides between running, skipping and failing.
//!
//! A test needs some of: the built app (`WS_CHAT_E2E_DIST`), a `ws-chat-server` binary, a
//! browser and its WebDriver server ([`Need`]). A plain `cargo test --workspace` in a fresh
//! checkout has none of them, so there a test *skips*: it prints one line to stderr that names
//! the test and what is missing, and passes. `scripts/test.sh` builds everything and sets
//! `WS_CHAT_E2E_REQUIRED=1`; then anything missing fails the test instead, so the real run
//! never skips silently.
//!
//! The line goes straight to the process's stderr rather than through `eprintln!`, which the
//! test harness captures (and shows only for failures): a skip must be seen.

use crate::drivers::{BrowserKind, BrowserOptions};
use crate::local::{app_dist, server_binary};
use anyhow::{bail, Result};
use std::io::Write;

/// The environment variable that turns a skip into a failure.
pub const REQUIRED_VAR: &str = "WS_CHAT_E2E_REQUIRED";

/// Something an end-to-end test needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// The built app: `WS_CHAT_E2E_DIST`, a directory with an `index.html`.
    App,
    /// A `ws-chat-server` binary ([`server_binary`]).
    Server,
    /// A browser and its WebDriver server ([`BrowserOptions::missing`]).
    Browser(BrowserKind),
}

impl Need {
    /// What a test in one browser needs: the app, the server that serves it, and the browser.
    pub fn browser_run(kind: BrowserKind) -> [Need; 3] {
        [Need::App, Need::Server, Need::Browser(kind)]
    }

    /// Why this is not there, or `None` when it is.
    pub fn missing(self) -> Option<String> {
        match self {
            Need::App => match app_dist() {
                None => Some(
                    "WS_CHAT_E2E_DIST is not set (scripts/test.sh builds the app and runs these; \
                     e2e/README.md says how to run them by hand)"
                        .to_owned(),
                ),
                Some(dist) if !dist.join("index.html").is_file() => Some(format!(
                    "WS_CHAT_E2E_DIST names {}, which has no index.html (build the app: \
                     scripts/bundle.sh --dist target/e2e-dist)",
                    dist.display()
                )),
                Some(_) => None,
            },
            Need::Server => match server_binary() {
                Err(e) => Some(format!("{e:#}")),
                Ok(bin) if !bin.is_file() => Some(format!(
                    "WS_CHAT_SERVER_BIN names {}, which is not a file",
                    bin.display()
                )),
                Ok(_) => None,
            },
            Need::Browser(kind) => BrowserOptions::for_kind(kind).missing(),
        }
    }
}

/// What a test does, given what is missing and whether the run is required to be real.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Everything is there.
    Run,
    /// Something is missing and the run may skip: the reason.
    Skip(String),
    /// Something is missing and the run must not skip: the error.
    Fail(String),
}

/// Decides for `needs` in this environment.
pub fn verdict(needs: &[Need]) -> Verdict {
    let missing = needs.iter().find_map(|need| need.missing());
    decide(missing, std::env::var(REQUIRED_VAR).ok().as_deref())
}

/// The rule itself: run when nothing is missing; otherwise skip, unless `required` (the value
/// of `WS_CHAT_E2E_REQUIRED`) is `1`. Any value but `1`, `0` or empty fails too, so that a
/// misspelt requirement cannot turn into a silent skip.
pub fn decide(missing: Option<String>, required: Option<&str>) -> Verdict {
    let Some(reason) = missing else {
        return Verdict::Run;
    };
    match required.map(str::trim) {
        None | Some("") | Some("0") => Verdict::Skip(reason),
        Some("1") => Verdict::Fail(format!(
            "{reason}; {REQUIRED_VAR}=1 says this run must not skip"
        )),
        Some(other) => Verdict::Fail(format!(
            "{reason}; and {REQUIRED_VAR} is {other:?}, which is neither 1 (fail when something \
             is missing) nor 0 (skip)"
        )),
    }
}

/// Whether the calling test should go on: `Ok(true)` when everything in `needs` is there;
/// `Ok(false)` when the test should return at once and pass, after one line on stderr (`skipped
/// NAME: REASON`; the name is the test's, from its thread); an error when the run must not
/// skip.
pub fn check(needs: &[Need]) -> Result<bool> {
    match verdict(needs) {
        Verdict::Run => Ok(true),
        Verdict::Skip(reason) => {
            let line = match std::thread::current().name() {
                Some(test) if test != "main" => format!("skipped {test}: {reason}\n"),
                _ => format!("skipped: {reason}\n"),
            };
            // Nothing to do if stderr itself is gone.
            let _ = std::io::stderr().lock().write_all(line.as_bytes());
            Ok(false)
        }
        Verdict::Fail(error) => bail!(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_missing_runs_whatever_is_required() {
        for required in [None, Some("0"), Some("1"), Some("yes")] {
            assert_eq!(decide(None, required), Verdict::Run);
        }
    }

    #[test]
    fn something_missing_skips_unless_required() {
        let missing = || Some("no app".to_owned());
        for required in [None, Some(""), Some("0")] {
            assert_eq!(decide(missing(), required), Verdict::Skip("no app".into()));
        }
        assert_eq!(
            decide(missing(), Some("1")),
            Verdict::Fail("no app; WS_CHAT_E2E_REQUIRED=1 says this run must not skip".into())
        );
        assert!(matches!(decide(missing(), Some("yes")), Verdict::Fail(_)));
    }
}
