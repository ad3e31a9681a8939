//! Which of a chat's servers the next connection goes to, and what kind of wait comes first.
//!
//! A chat may list several servers that share one room (same history, same message ids), so
//! any of them will do. The rule:
//!
//! - A connection that never became established (it did not open, was refused, timed out, or
//!   dropped before it was stable) moves on to the next server in the list, round robin.
//! - An established connection that drops is retried on the same server first: most drops are
//!   a restart or a network blip, and the server the chat was on is the one most likely to be
//!   back. If that retry fails, the first rule moves on.
//! - Within a round, while some server has not been tried since the last success or the last
//!   backoff, the next one is tried after a short fixed hop: a dead server should cost the chat
//!   a second or so, not a growing backoff. Once every server has failed in a row, the normal
//!   exponential backoff applies, its exponent counting such rounds.
//!
//! - A server that says it is restarting (1012) is left for the next one at once, in a fresh
//!   round: it is the one server known to be going away.
//!
//! "Established" means stable (open for `stable_after`): a server that accepts and at once
//! drops every connection would otherwise hold the chat on itself forever, since each of its
//! connections did open. With one server every failure completes a round, so the waits are
//! exactly the single-server backoff.

/// The wait before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Another server of this round is still untried: the short fixed hop.
    Hop,
    /// Every server failed (or the one in use dropped): backoff for this many rounds.
    Backoff { rounds: u32 },
}

/// Where a chat is in its list of servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    servers: usize,
    current: usize,
    /// Servers that failed since this round began.
    failed_in_round: usize,
    /// Rounds that failed in a row since the last stable connection.
    rounds: u32,
}

impl Rotation {
    /// The first of `servers` (at least one) is tried first.
    pub fn new(servers: usize) -> Self {
        Self {
            servers: servers.max(1),
            current: 0,
            failed_in_round: 0,
            rounds: 0,
        }
    }

    /// The index of the server the next (or current) connection goes to.
    pub fn current(&self) -> usize {
        self.current
    }

    /// A connection to the current server was stable, or the user started afresh: the next
    /// failure begins a new round and the backoff starts from the beginning.
    pub fn reset(&mut self) {
        self.failed_in_round = 0;
        self.rounds = 0;
    }

    /// A connection that never became established failed: on to the next server.
    pub fn attempt_failed(&mut self) -> Wait {
        self.current = (self.current + 1) % self.servers;
        self.failed_in_round += 1;
        if self.failed_in_round < self.servers {
            return Wait::Hop;
        }
        self.complete_round()
    }

    /// An established connection dropped: the same server again, after the first backoff,
    /// which begins a new round that will try every server once.
    pub fn established_lost(&mut self) -> Wait {
        self.complete_round()
    }

    /// The server in use closed with "service restart": on to the next server, in a new
    /// round, since nothing has failed.
    pub fn restarting(&mut self) {
        self.current = (self.current + 1) % self.servers;
        self.reset();
    }

    fn complete_round(&mut self) -> Wait {
        self.failed_in_round = 0;
        self.rounds = self.rounds.saturating_add(1);
        Wait::Backoff {
            rounds: self.rounds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What happened to a connection, in the tables below.
    #[derive(Clone, Copy, Debug)]
    enum ConnectionOutcome {
        /// Did not become established.
        Failed,
        /// Was established, then dropped.
        Dropped,
        /// Was stable.
        Stable,
    }
    use ConnectionOutcome::*;

    const HOP: Option<Wait> = Some(Wait::Hop);
    const fn backoff(rounds: u32) -> Option<Wait> {
        Some(Wait::Backoff { rounds })
    }

    /// Each step: what happened, then the server the next attempt goes to and its wait.
    type RotationStep = (ConnectionOutcome, usize, Option<Wait>);

    #[test]
    fn the_rotation_rule() {
        let cases: [(&str, usize, &[RotationStep]); 6] = [
            (
                "one server: every failure is a round, exactly the old backoff",
                1,
                &[
                    (Failed, 0, backoff(1)),
                    (Failed, 0, backoff(2)),
                    (Stable, 0, None),
                    (Dropped, 0, backoff(1)),
                    (Failed, 0, backoff(2)),
                ],
            ),
            (
                "an attempt that fails moves on; all failed in a row backs off",
                3,
                &[
                    (Failed, 1, HOP),
                    (Failed, 2, HOP),
                    (Failed, 0, backoff(1)),
                    (Failed, 1, HOP),
                    (Failed, 2, HOP),
                    (Failed, 0, backoff(2)),
                ],
            ),
            (
                "an established drop retries the same server, then moves on",
                2,
                &[
                    (Failed, 1, HOP),
                    (Stable, 1, None),
                    (Dropped, 1, backoff(1)),
                    (Failed, 0, HOP),
                    (Failed, 1, backoff(2)),
                ],
            ),
            (
                "a stable connection starts the backoff over",
                2,
                &[
                    (Failed, 1, HOP),
                    (Failed, 0, backoff(1)),
                    (Failed, 1, HOP),
                    (Stable, 1, None),
                    (Failed, 0, HOP),
                    (Failed, 1, backoff(1)),
                ],
            ),
            (
                "the new round after a drop tries each server once",
                3,
                &[
                    (Dropped, 0, backoff(1)),
                    (Failed, 1, HOP),
                    (Failed, 2, HOP),
                    (Failed, 0, backoff(2)),
                ],
            ),
            (
                "the whole list wraps around",
                2,
                &[(Failed, 1, HOP), (Failed, 0, backoff(1)), (Failed, 1, HOP)],
            ),
        ];
        for (name, servers, steps) in cases {
            let mut rotation = Rotation::new(servers);
            assert_eq!(rotation.current(), 0, "{name}");
            for (i, &(outcome, server, wait)) in steps.iter().enumerate() {
                let got = match outcome {
                    Failed => Some(rotation.attempt_failed()),
                    Dropped => Some(rotation.established_lost()),
                    Stable => {
                        rotation.reset();
                        None
                    }
                };
                assert_eq!(
                    (rotation.current(), got),
                    (server, wait),
                    "{name}, step {i}"
                );
            }
        }
    }

    #[test]
    fn no_servers_counts_as_one() {
        let mut rotation = Rotation::new(0);
        assert_eq!(rotation.attempt_failed(), Wait::Backoff { rounds: 1 });
        assert_eq!(rotation.current(), 0);
    }
}
