//! How the `redis-server` under this store must run for an ack to mean stored, written once
//! for everything that starts one: the tests and the load benchmark (`scripts/test.sh`, a
//! shell script, spells the same flags).

use std::ffi::OsString;
use std::path::Path;

/// The flags that make an append durable once Redis has answered: every write appended to the
/// AOF and fsynced before the reply (`appendonly yes`, `appendfsync always`), and no RDB
/// snapshots. With any laxer setting an ack can be lost in a crash of Redis (see the README).
pub const DURABLE_REDIS_FLAGS: [&str; 6] = [
    "--appendonly",
    "yes",
    "--appendfsync",
    "always",
    "--save",
    "",
];

/// The arguments of a durable `redis-server` on 127.0.0.1:`port` keeping its files in `dir`:
/// what the tests and benchmarks start.
pub fn local_redis_server_args(port: u16, dir: &Path) -> Vec<OsString> {
    let port = port.to_string();
    let mut args: Vec<OsString> = ["--port", port.as_str(), "--bind", "127.0.0.1", "--dir"]
        .map(OsString::from)
        .into();
    args.push(dir.into());
    args.extend(DURABLE_REDIS_FLAGS.map(OsString::from));
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_redis_listens_on_loopback_and_fsyncs_every_write() {
        let args = local_redis_server_args(6380, Path::new("/tmp/r"));
        let args: Vec<&str> = args.iter().map(|a| a.to_str().expect("utf-8")).collect();
        assert_eq!(
            args,
            [
                "--port",
                "6380",
                "--bind",
                "127.0.0.1",
                "--dir",
                "/tmp/r",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                ""
            ]
        );
    }
}
