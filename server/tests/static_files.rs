//! The app's files: what is served from `--dist`, what is not, and how it may be cached.

mod common;

use common::{http, raw, TestServer};
use std::os::unix::fs::symlink;
use std::path::Path;
use tempfile::TempDir;
use ws_chat_server::Config;

/// Named as trunk names its output: a 16-digit padded hash, and an unpadded one.
const HASHED_WASM: &str = "ws-chat-0123456789abcdef_bg.wasm";
const HASHED_JS: &str = "ws-chat-123456789abcdef.js";

/// `outside/secret.txt`, and `dist/` with an index, assets and symlinks in and out of it.
fn site() -> (TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let outside = dir.path().join("outside");
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::create_dir_all(dist.join("assets")).expect("mkdir");
    let write = |p: &Path, text: &str| std::fs::write(p, text).expect("write");
    write(&outside.join("secret.txt"), "SECRET");
    write(&dist.join("index.html"), "<h1>ws-chat</h1>");
    write(&dist.join("app.js"), "console.log(1)");
    write(&dist.join(HASHED_WASM), "\0asm");
    write(&dist.join(HASHED_JS), "export {}");
    write(&dist.join("assets/a.css"), "body{}");
    symlink(outside.join("secret.txt"), dist.join("leak.txt")).expect("symlink");
    symlink(outside.join("secret.txt"), dist.join("leak")).expect("symlink");
    symlink(&outside, dist.join("up")).expect("symlink");
    symlink(dist.join("app.js"), dist.join("alias.js")).expect("symlink");
    symlink(dist.join("assets"), dist.join("linked")).expect("symlink");
    (dir, dist)
}

async fn server(dist: &Path) -> TestServer {
    TestServer::with(Config {
        dist: dist.to_owned(),
        ..Config::in_memory()
    })
    .await
}

#[tokio::test]
async fn symlinks_out_of_dist_are_not_followed() {
    let (_dir, dist) = site();
    let s = server(&dist).await;
    for path in ["/leak.txt", "/up/secret.txt", "/%2e%2e/outside/secret.txt"] {
        let r = raw(
            s.addr,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                s.addr
            ),
        )
        .await;
        assert_eq!(r.status, 404, "{path}: {r:?}");
        assert!(!r.body.contains("SECRET"), "{path}: {}", r.body);
    }
    // Without an extension it is a route: the page, still not the file.
    let r = http(s.addr, "GET", "/leak").await;
    assert_eq!((r.status, r.body.as_str()), (200, "<h1>ws-chat</h1>"));
    // Links that stay inside dist/ work.
    let r = http(s.addr, "GET", "/alias.js").await;
    assert_eq!((r.status, r.body.as_str()), (200, "console.log(1)"));
    let r = http(s.addr, "GET", "/linked/a.css").await;
    assert_eq!((r.status, r.body.as_str()), (200, "body{}"));
    s.stop().await;
}

#[tokio::test]
async fn a_missing_asset_is_404_and_only_routes_get_the_page() {
    let (_dir, dist) = site();
    let s = server(&dist).await;
    for path in [
        "/x.js",
        "/ws-chat-0000000000000000_bg.wasm",
        "/assets/b.css",
    ] {
        let r = http(s.addr, "GET", path).await;
        assert_eq!(r.status, 404, "{path}: {r:?}");
        assert!(!r.body.contains("<h1>"), "{path}: {}", r.body);
        assert!(r.body.contains(path), "{path}: {}", r.body);
    }
    for path in ["/", "/rooms/abc", "/assets/", "/deep/route/"] {
        let r = http(s.addr, "GET", path).await;
        assert_eq!(
            (r.status, r.body.as_str()),
            (200, "<h1>ws-chat</h1>"),
            "{path}"
        );
        assert!(r
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html")));
    }
    assert_eq!(http(s.addr, "HEAD", "/rooms/abc").await.status, 200);
    assert_eq!(http(s.addr, "POST", "/app.js").await.status, 405);
    s.stop().await;
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_everything_else_is_revalidated() {
    let (_dir, dist) = site();
    let s = server(&dist).await;
    let cache = |path: &str| {
        let path = path.to_owned();
        async move {
            let r = http(s.addr, "GET", &path).await;
            assert_eq!(r.status, 200, "{path}: {r:?}");
            r.header("cache-control").map(str::to_owned)
        }
    };
    let immutable = Some("public, max-age=31536000, immutable".to_owned());
    let no_cache = Some("no-cache".to_owned());
    assert_eq!(cache(&format!("/{HASHED_WASM}")).await, immutable);
    assert_eq!(cache(&format!("/{HASHED_JS}")).await, immutable);
    for path in ["/", "/index.html", "/rooms/abc", "/app.js", "/assets/a.css"] {
        assert_eq!(cache(path).await, no_cache, "{path}");
    }
    let wasm = http(s.addr, "GET", &format!("/{HASHED_WASM}")).await;
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    s.stop().await;
}

#[tokio::test]
async fn files_are_loadable_from_any_origin_with_the_types_browsers_insist_on() {
    let (_dir, dist) = site();
    let s = server(&dist).await;
    let cases = [
        (format!("/{HASHED_JS}"), "text/javascript; charset=utf-8"),
        ("/app.js".to_owned(), "text/javascript; charset=utf-8"),
        (format!("/{HASHED_WASM}"), "application/wasm"),
        ("/assets/a.css".to_owned(), "text/css"),
        ("/rooms/abc".to_owned(), "text/html"),
    ];
    for (path, kind) in cases {
        let r = http(s.addr, "GET", &path).await;
        assert_eq!(r.status, 200, "{path}: {r:?}");
        assert_eq!(r.header("access-control-allow-origin"), Some("*"), "{path}");
        assert!(
            r.header("access-control-allow-credentials").is_none(),
            "{path}"
        );
        let got = r.header("content-type").unwrap_or_default();
        assert!(got.starts_with(kind), "{path}: {got}");
    }
    s.stop().await;
}
