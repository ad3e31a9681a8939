pub mod accept;
pub mod health;
pub mod host;
pub mod origin;
pub mod static_files;
pub mod test_endpoints;
