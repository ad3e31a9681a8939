//! The HTTP side of the server: the accept loop, the checks in front of the routes, and every
//! route but `/ws`.
//!
//! Owns the accept loop (`accept`: header-read timeout, peer addresses), the `Host` policy
//! every request passes (`host`, the guard against DNS rebinding), the `Origin` policy that
//! `/ws` and `/_test/*` pass (`origin`), the built app (`static_files`), `/healthz`
//! (`health`), `/metrics` on its own listener (`metrics_route`), the admin API (`admin`: kicks
//! and revocations) and the fault-injection endpoints (`test_endpoints`, and `test_tokens` for
//! a server that checks tokens).
//!
//! May import: `crate::rooms` (counts and readiness for `/healthz`, faults for `/_test/*`,
//! kicks for `/admin/*`), `crate::auth` (what a kick or revocation is), the bottom helpers. Never `crate::ws`: the `/ws` route is merged in, behind the origin
//! check, where the server is put together ([`crate::Server`]).

pub mod accept;
pub mod admin;
pub mod health;
pub mod host;
pub mod metrics_route;
pub mod origin;
pub mod static_files;
pub mod test_endpoints;
pub mod test_tokens;
