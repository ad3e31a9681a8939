//! The built app (`--dist`) at `/`, with `index.html` for unknown paths (client-side routes).

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// Answers a request for a file of `dist`. A missing `dist` (app not built yet) or file gets
/// a 404 that says what is missing instead of an empty body.
pub async fn serve(dist: &Path, req: Request) -> Response {
    if !dist.is_dir() {
        return (
            StatusCode::NOT_FOUND,
            format!(
                "no app to serve: directory {} does not exist (build the client, or pass --dist)\n",
                dist.display()
            ),
        )
            .into_response();
    }
    let path = req.uri().path().to_owned();
    let mut files = ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html")));
    match files.try_call(req).await {
        Ok(res) if res.status() == StatusCode::NOT_FOUND => (
            StatusCode::NOT_FOUND,
            format!(
                "not found: {path} (and no index.html in {})\n",
                dist.display()
            ),
        )
            .into_response(),
        Ok(res) => res.map(Body::new),
        Err(e) => {
            tracing::error!("serving {path}: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file\n").into_response()
        }
    }
}
