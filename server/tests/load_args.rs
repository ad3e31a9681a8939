//! The load benchmark's command line (`server/benches/load/args.rs`), tested here because
//! `cargo test` does not build benchmarks.

#[path = "../benches/load/args.rs"]
mod args;
#[path = "../benches/load/children.rs"]
#[allow(dead_code)] // only the configurations' types are needed here
mod children;
#[path = "../benches/load/cluster.rs"]
#[allow(dead_code)]
mod cluster;
#[path = "../benches/load/deploy.rs"]
#[allow(dead_code)]
mod deploy;

use args::{usage, LoadArgs};
use deploy::SETUPS;
use std::path::PathBuf;

fn defaults() -> LoadArgs {
    LoadArgs {
        server: PathBuf::from("default-server"),
        node_script: PathBuf::from("default.mjs"),
        setups: SETUPS.to_vec(),
        growth: SETUPS.iter().find(|s| s.key == "redis").copied(),
    }
}

fn parse(args: &[&str]) -> Result<LoadArgs, String> {
    LoadArgs::parse(args.iter().map(|a| (*a).to_owned()), defaults())
}

fn keys(args: &LoadArgs) -> Vec<&'static str> {
    args.setups.iter().map(|s| s.key).collect()
}

#[test]
fn no_arguments_run_every_configuration_and_the_growth_runs() {
    let args = parse(&["--bench"]).expect("parses");
    assert_eq!(
        keys(&args),
        [
            "sqlite1",
            "sqlite",
            "sqlite1solo",
            "sqlitesolo",
            "redis",
            "redis2",
            "redis2rooms",
            "cluster",
            "node"
        ]
    );
    assert_eq!(args.growth.map(|s| s.key), Some("redis"));
    assert_eq!(args.server, PathBuf::from("default-server"));
}

#[test]
fn only_growth_and_paths_are_taken() {
    let args = parse(&[
        "--only",
        "node, sqlite",
        "--growth",
        "none",
        "--server",
        "/x/server",
        "--node-script",
        "/x/relay.mjs",
    ])
    .expect("parses");
    assert_eq!(keys(&args), ["node", "sqlite"]);
    assert!(args.growth.is_none());
    assert_eq!(args.server, PathBuf::from("/x/server"));
    assert_eq!(args.node_script, PathBuf::from("/x/relay.mjs"));
    let growth = parse(&["--growth", "redis2"]).expect("parses").growth;
    assert_eq!(growth.map(|s| s.servers), Some(2));
}

#[test]
fn mistakes_are_errors_not_smaller_runs() {
    for bad in [
        &["--only", "mysql"][..],
        &["--only", "sqlite,"],
        &["--growth", "postgres"],
        &["--server"],
        &["--fast"],
    ] {
        assert!(parse(bad).is_err(), "{bad:?}");
    }
    for setup in SETUPS {
        assert!(usage().contains(setup.key), "{}", setup.key);
    }
}
