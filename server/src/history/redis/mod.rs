pub mod fanout;
mod store;

pub use store::RedisStore;
