//! A directory for a companion server to serve: a fresh copy of the built app, to which a
//! caller adds its own files (the benchmark's pages, a test's scripts), so that they are
//! served from the chat's own origin without touching the build itself.

use anyhow::{bail, Context, Result};
use std::path::Path;

/// Makes `site` a fresh copy of `dist` (a `scripts/bundle.sh` output, which must have an
/// `index.html`), removing whatever `site` held before.
pub fn copy_app(dist: &Path, site: &Path) -> Result<()> {
    if !dist.join("index.html").is_file() {
        bail!(
            "{} has no index.html: build ws-chat first (scripts/bundle.sh --dist {})",
            dist.display(),
            dist.display()
        );
    }
    if site.exists() {
        std::fs::remove_dir_all(site).with_context(|| format!("clearing {}", site.display()))?;
    }
    copy_dir(dist, site)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_replaces_the_site() -> Result<()> {
        let dist = tempfile::tempdir()?;
        std::fs::write(dist.path().join("index.html"), "app")?;
        std::fs::create_dir(dist.path().join("examples"))?;
        std::fs::write(dist.path().join("examples/embed.html"), "embed")?;
        let out = tempfile::tempdir()?;
        let site = out.path().join("site");
        std::fs::create_dir(&site)?;
        std::fs::write(site.join("stale.js"), "old")?;
        copy_app(dist.path(), &site)?;
        assert_eq!(
            std::fs::read_to_string(site.join("examples/embed.html"))?,
            "embed"
        );
        assert!(!site.join("stale.js").exists());
        assert!(copy_app(&site.join("examples"), &out.path().join("x")).is_err());
        Ok(())
    }
}
