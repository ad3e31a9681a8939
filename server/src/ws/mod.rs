pub mod connection;
pub mod endpoint;
pub mod handshake;
pub mod keepalive;
pub mod limits;
pub mod timed_socket;
pub mod wschat;
