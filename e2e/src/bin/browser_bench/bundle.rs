//! Bundle sizes: the wasm and the JS glue of a trunk release build, raw and `gzip -9`.
//!
//! `gzip -9` itself (not a Rust deflate) so the figures match what `scripts/bench.sh` printed
//! before and what a server with static gzip would send.

use anyhow::{bail, Context, Result};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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

/// Measures the `*_bg.wasm` and the JS: the `*.js` at the top of `dist` plus any wasm-bindgen
/// snippets (`snippets/**/*.js`, each gzipped on its own, as each is its own request).
pub fn measure(dist: &Path) -> Result<Bundle> {
    let wasm = find(dist, "_bg.wasm")?;
    let mut js = size(&find(dist, ".js")?)?;
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
