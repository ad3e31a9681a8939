//! Bundle sizes: the wasm and the JS glue of a trunk release build, raw and `gzip -9`, and the
//! budget ws-chat's own bundle is held to. `browser-bench` prints these figures (with the
//! budget beside them) and `tests/bundle_budget.rs` fails above the budget: both measure here.
//!
//! `gzip -9` itself (not a Rust deflate) so the figures match what `scripts/bench.sh` printed
//! before and what a server with static gzip would send.

use anyhow::{bail, Context, Result};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A kilobyte as `browser-bench` prints sizes: 1,024 bytes.
pub const KB: u64 = 1024;

/// The most ws-chat's wasm and JS glue may weigh together, each gzipped (`gzip -9`) and the
/// two summed ([`Bundle::total`]): 113 KB, where a KB is 1,024 bytes (as `browser-bench`'s
/// table counts them), so 115,712 bytes. Raising it is a reviewed change. It was 100 KB until
/// signing in (token sources, refresh on the open connection, the sign-in close codes, the
/// signed-in user on the status line), which measured 5,372 bytes of gzip (101,960 →
/// 107,332): the wasm 4.9 KB (the sign-in state machine and its engine wiring, the token
/// options, one awaited promise), the JS 0.4 KB (the token fetch and its bindings). It was
/// 108 KB until the chat's own features, which measured 6,821 bytes (108,005 → 114,826):
/// scrolling back into the server's history with the list keeping the reader's place (about
/// 3.5 KB), day separators and links (2.5 KB, after links were found by bytes, which saved
/// 1.1 KB), and the quiet first contact with a server that selects no sub-protocol (0.8 KB).
pub const GZIP_BUDGET_BYTES: u64 = 113 * KB;

/// Where the budget is set, for messages: this file and the constant's name.
pub const GZIP_BUDGET_SET_IN: &str = concat!(file!(), ", GZIP_BUDGET_BYTES");

/// `bytes` in KB (1,024 bytes) with one decimal, as `browser-bench` prints them: `122.1 KB`.
pub fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / KB as f64)
}

/// Raw and gzip sizes, in bytes, of one file.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub raw: u64,
    pub gzip: u64,
}

/// The wasm and JS of one build.
#[derive(Clone, Copy, Debug)]
pub struct Bundle {
    pub wasm: Size,
    pub js: Size,
}

impl Bundle {
    /// The wasm and the JS together (each gzipped on its own, then summed).
    pub fn total(&self) -> Size {
        Size {
            raw: self.wasm.raw + self.js.raw,
            gzip: self.wasm.gzip + self.js.gzip,
        }
    }
}

/// Measures the `NAME_bg.wasm` and its JS: wasm-bindgen's `NAME.js` beside it, plus any
/// wasm-bindgen snippets (`snippets/**/*.js`, each gzipped on its own, as each is its own
/// request). Other scripts of the build (the embed loader, `ws-chat-embed.js`) are not counted.
pub fn measure(dist: &Path) -> Result<Bundle> {
    let wasm = find(dist, "_bg.wasm")?;
    let mut js = size(&glue_of(&wasm)?)?;
    for snippet in snippets(&dist.join("snippets"))? {
        let more = size(&snippet)?;
        js.raw += more.raw;
        js.gzip += more.gzip;
    }
    Ok(Bundle {
        wasm: size(&wasm)?,
        js,
    })
}

/// Every `.js` file below `dir` (none if it does not exist).
fn snippets(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    if !dir.is_dir() {
        return Ok(found);
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            found.extend(snippets(&path)?);
        } else if path.extension().is_some_and(|e| e == "js") {
            found.push(path);
        }
    }
    Ok(found)
}

/// wasm-bindgen's JS for `NAME_bg.wasm`: `NAME.js` in the same directory.
fn glue_of(wasm: &Path) -> Result<PathBuf> {
    let name = wasm
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let js = wasm.with_file_name(format!("{}.js", name.trim_end_matches("_bg.wasm")));
    if !js.is_file() {
        bail!("no {} beside {}", js.display(), wasm.display());
    }
    Ok(js)
}

/// The first file (by name) in `dir` whose name ends with `suffix`.
fn find(dir: &Path, suffix: &str) -> Result<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {} (is the bundle built?)", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(suffix))
        })
        .collect();
    found.sort();
    match found.into_iter().next() {
        Some(path) => Ok(path),
        None => bail!("no *{suffix} file in {}", dir.display()),
    }
}

fn size(path: &Path) -> Result<Size> {
    let raw = path
        .metadata()
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    let mut child = Command::new("gzip")
        .arg("-9")
        .arg("-c")
        .arg(path)
        .stdout(Stdio::piped())
        .spawn()
        .context("running gzip -9")?;
    let mut gzip = 0u64;
    if let Some(mut out) = child.stdout.take() {
        let mut buf = [0u8; 64 * 1024];
        loop {
            let n = out.read(&mut buf).context("reading gzip's output")?;
            if n == 0 {
                break;
            }
            gzip += n as u64;
        }
    }
    let status = child.wait().context("waiting for gzip")?;
    if !status.success() {
        bail!("gzip -9 {} failed ({status})", path.display());
    }
    Ok(Size { raw, gzip })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glue_is_the_js_beside_the_wasm_not_the_loader() -> Result<()> {
        let dist = tempfile::tempdir()?;
        // Sorted by name, the loader comes first: it must not be taken for the glue.
        for (name, bytes) in [
            ("ws-chat-embed.js", 7000),
            ("ws-chat-f00d.js", 300),
            ("ws-chat-f00d_bg.wasm", 2000),
            ("snippets/ws-chat-1/inline0.js", 50),
        ] {
            let path = dist.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap_or(dist.path()))?;
            std::fs::write(path, vec![b'a'; bytes])?;
        }
        let bundle = measure(dist.path())?;
        assert_eq!(bundle.wasm.raw, 2000);
        assert_eq!(bundle.js.raw, 350);
        assert_eq!(bundle.total().raw, 2350);
        assert!(bundle.total().gzip < 2350);
        Ok(())
    }

    #[test]
    fn the_budget_is_113_kb_of_1024_bytes() {
        assert_eq!(GZIP_BUDGET_BYTES, 115_712);
        assert_eq!(kb(GZIP_BUDGET_BYTES), "113.0 KB");
        assert!(GZIP_BUDGET_SET_IN.ends_with("bundle.rs, GZIP_BUDGET_BYTES"));
    }
}
