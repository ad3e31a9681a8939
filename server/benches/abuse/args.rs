//! The benchmark's command line. `cargo test` builds no benchmark, so the parsing lives here,
//! where `server/tests/abuse_args.rs` includes and tests it.

use std::path::PathBuf;

/// The cases, by the names `--only` takes, in the order they run.
pub const CASES: [&str; 5] = ["crowd", "stuck", "hogs", "flood", "silent"];

/// What to run, and against which server binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbuseArgs {
    pub server: PathBuf,
    /// The one case to run; every case for `None`.
    pub only: Option<&'static str>,
}

impl AbuseArgs {
    /// Parses the arguments after the program name; `server` is the default of `--server`.
    /// A mistyped `--only` is an error: running nothing and exiting 0 would look like a
    /// benchmark that passed.
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        server: PathBuf,
    ) -> Result<AbuseArgs, String> {
        let mut parsed = AbuseArgs { server, only: None };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--server" => match args.next() {
                    Some(path) => parsed.server = path.into(),
                    None => return Err("--server needs a path".into()),
                },
                "--only" => {
                    let case = args.next().ok_or("--only needs a case")?;
                    match CASES.iter().find(|&&known| known == case) {
                        Some(&known) => parsed.only = Some(known),
                        None => return Err(format!("unknown case {case:?} for --only")),
                    }
                }
                "--bench" => {} // added by `cargo bench`
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(parsed)
    }

    /// Whether `case`, one of [`CASES`], is to run.
    pub fn wanted(&self, case: &str) -> bool {
        debug_assert!(CASES.contains(&case), "{case:?} is not in CASES");
        self.only.is_none_or(|only| only == case)
    }
}

/// The usage line.
pub fn usage() -> String {
    format!(
        "usage: abuse [--server PATH-TO-ws-chat-server] [--only {}]",
        CASES.join("|")
    )
}
