//! The built app (`--dist`) at `/`.
//!
//! - A path names a file under `dist/` after symlinks are resolved: a link that leads out of
//!   `dist/` is treated as missing, so a stray link cannot publish the rest of the disk.
//! - A missing path whose last segment has a file extension (`/x.js`, `/app_bg.wasm`) gets
//!   404: a script or module that is not there must fail loudly, not be handed the page's
//!   HTML. Any other missing path is a client-side route and gets `index.html`. The rule
//!   looks at the path alone, not at `Accept`, so one URL always gets one answer and caches
//!   need no `Vary`.
//! - trunk names build outputs after a hash of their content (`ws-chat-<hex>_bg.wasm`,
//!   `style-<hex>.css`): those can be cached for good. Everything else, `index.html` first
//!   of all, is `no-cache` (revalidated each time), so a new build is seen at once.
//! - Every file is public and may be loaded by a page of any origin
//!   (`Access-Control-Allow-Origin: *`, no credentials): a host page on another origin loads
//!   `ws-chat-embed.js` as a module script and the wasm with `fetch`, both of which need CORS.
//!   Scripts are `text/javascript` and the wasm `application/wasm`, which module scripts and
//!   `WebAssembly.instantiateStreaming` insist on.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use std::path::{Component, Path, PathBuf};
use tower_http::services::ServeFile;

/// Content-addressed files never change under their name.
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
/// Anything else may change with the next build: cache, but ask each time.
const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");

/// Answers a request for a file of `dist`. A missing `dist` (app not built yet) or file gets
/// a 404 that says what is missing instead of an empty body.
pub async fn serve(dist: &Path, req: Request) -> Response {
    let root = match tokio::fs::canonicalize(dist).await {
        Ok(root) if is_dir(&root).await => root,
        _ => {
            return not_found(format!(
                "no app to serve: directory {} does not exist (build the client, or pass --dist)\n",
                dist.display()
            ))
        }
    };
    let path = req.uri().path().to_owned();
    let (file, cache) = match resolve(&root, &path).await {
        Some(file) => (file, cache_control(&path)),
        None if has_extension(&path) => return not_found(format!("not found: {path}\n")),
        None => match resolve(&root, "/index.html").await {
            Some(index) => (index, NO_CACHE),
            None => {
                return not_found(format!(
                    "not found: {path} (and no index.html in {})\n",
                    dist.display()
                ))
            }
        },
    };
    match ServeFile::new(&file).try_call(req).await {
        Ok(res) => {
            let mut res = res.map(Body::new);
            let headers = res.headers_mut();
            headers.insert(header::CACHE_CONTROL, cache);
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, ANY_ORIGIN);
            if let Some(kind) = content_type(&path) {
                headers.insert(header::CONTENT_TYPE, kind);
            }
            res
        }
        Err(e) => {
            tracing::error!("serving {path} from {}: {e}", file.display());
            (StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file\n").into_response()
        }
    }
}

/// Public files: any page may load them.
const ANY_ORIGIN: HeaderValue = HeaderValue::from_static("*");

/// The types browsers insist on for module scripts and streamed wasm, whatever the guess of
/// the file server's MIME table; `None` leaves its guess.
fn content_type(uri_path: &str) -> Option<HeaderValue> {
    let name = uri_path.rsplit('/').next().unwrap_or_default();
    let (_, ext) = name.rsplit_once('.')?;
    match ext {
        "js" | "mjs" => Some(HeaderValue::from_static("text/javascript; charset=utf-8")),
        "wasm" => Some(HeaderValue::from_static("application/wasm")),
        _ => None,
    }
}

fn not_found(body: String) -> Response {
    (StatusCode::NOT_FOUND, body).into_response()
}

/// The file under `root` (canonical) that `uri_path` names, with symlinks resolved; a
/// directory stands for its `index.html`. `None` if there is none, if the path tries to climb
/// out (`..`), or if it leads out of `root` through a symlink.
async fn resolve(root: &Path, uri_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(uri_path).decode_utf8().ok()?;
    let mut candidate = root.to_path_buf();
    for part in Path::new(decoded.trim_start_matches('/')).components() {
        match part {
            Component::Normal(part) => candidate.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    let mut real = tokio::fs::canonicalize(&candidate).await.ok()?;
    if is_dir(&real).await {
        real = tokio::fs::canonicalize(real.join("index.html"))
            .await
            .ok()?;
    }
    let is_file = tokio::fs::metadata(&real).await.is_ok_and(|m| m.is_file());
    (is_file && real.starts_with(root)).then_some(real)
}

async fn is_dir(path: &Path) -> bool {
    tokio::fs::metadata(path).await.is_ok_and(|m| m.is_dir())
}

/// Whether the last segment of the path looks like a file name (`name.ext`).
fn has_extension(uri_path: &str) -> bool {
    let last = uri_path.rsplit('/').next().unwrap_or_default();
    last.contains('.')
}

fn cache_control(uri_path: &str) -> HeaderValue {
    let name = uri_path.rsplit('/').next().unwrap_or_default();
    if is_content_hashed(name) {
        IMMUTABLE
    } else {
        NO_CACHE
    }
}

/// trunk's hashed names: `<stem>-<hex>` then `.ext` or `_bg.wasm` / `_loader.js`. The hex is a
/// 64-bit hash, written with 16 digits for assets but unpadded for the wasm-bindgen output,
/// so 12–16 digits are taken (fewer than 12 happens once in 65,536 builds, and then the file
/// is merely revalidated).
fn is_content_hashed(name: &str) -> bool {
    let Some((stem, tail)) = name.rsplit_once('-') else {
        return false;
    };
    let hex = tail
        .bytes()
        .take_while(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        .count();
    let rest = &tail[hex..];
    !stem.is_empty()
        && (12..=16).contains(&hex)
        && rest.len() > 1
        && (rest.starts_with('.') || rest.starts_with('_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        for name in [
            "ws-chat-0123456789abcdef_bg.wasm",
            "ws-chat-0123456789abcdef.js",
            "ws-chat-123456789abcdef_bg.wasm", // unpadded: 15 digits
            "style-00a1b2c3d4e5f607.css",
        ] {
            assert!(is_content_hashed(name), "{name}");
            assert_eq!(cache_control(&format!("/{name}")), IMMUTABLE, "{name}");
        }
        for name in [
            "index.html",
            "ws-chat.js",
            "ws-chat_bg.wasm",
            "inline0.js",
            "-0123456789abcdef.js",
            "ws-chat-0123456789ABCDEF.js",
            "ws-chat-0123456789abcdef0.js",
            "ws-chat-0123456789abcdef",
            "ws-chat-0123456789abcdef.",
            "x-0123456789abcdefg.js",
        ] {
            assert!(!is_content_hashed(name), "{name}");
        }
        assert_eq!(cache_control("/"), NO_CACHE);
    }

    #[test]
    fn only_paths_without_an_extension_are_navigations() {
        assert!(has_extension("/x.js"));
        assert!(has_extension("/a/b/app_bg.wasm"));
        assert!(has_extension("/.env"));
        assert!(!has_extension("/"));
        assert!(!has_extension("/rooms/abc"));
        assert!(!has_extension("/v1.2/rooms"));
    }
}
