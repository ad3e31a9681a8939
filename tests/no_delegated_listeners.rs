//! The chat's components attach their own event listeners (`src/ui/listener.rs`) instead of
//! Yew's `onclick={…}`-style attributes: Yew 0.23 registers those on the mount element with a
//! closure it never frees, so every mount and destroy of a chat would leave listeners behind.
//! The end-to-end mount/destroy test measures that leak; this catches a new attribute at once.

use std::fs;
use std::path::Path;

/// `onclick={…}` or the shorthand `{onclick}`: an `on` + lowercase event name, no underscore
/// (component props such as `on_send` are plain callbacks, not DOM listeners).
fn delegated_listeners(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let bytes = code.as_bytes();
        for (i, _) in code.match_indices("on") {
            let before = i.checked_sub(1).map(|j| bytes[j]);
            let starts_word = !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !starts_word {
                continue;
            }
            let name_len = code[i + 2..]
                .bytes()
                .take_while(u8::is_ascii_lowercase)
                .count();
            if name_len == 0 {
                continue;
            }
            let after = code[i + 2 + name_len..].chars().next();
            let attribute = after == Some('=') && code[i + 3 + name_len..].starts_with('{');
            let shorthand = before == Some(b'{') && after == Some('}');
            if attribute || shorthand {
                found.push((n + 1, line.trim().to_owned()));
            }
        }
    }
    found
}

#[test]
fn the_pattern_finds_attributes_and_shorthands_but_not_props() {
    let found = delegated_listeners(
        "<button onclick={x}>\n<input {onkeydown} />\n<Composer {on_send} />\n<a data-on={1} title={upon} />\n\
         // onclick={in a comment}",
    );
    let lines: Vec<usize> = found.iter().map(|(n, _)| *n).collect();
    assert_eq!(lines, [1, 2]);
}

#[test]
fn components_use_no_yew_delegated_listeners() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut offenders = Vec::new();
    for entry in fs::read_dir(&dir).expect("src/ui") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            let source = fs::read_to_string(&path).expect("a readable source file");
            for (line, text) in delegated_listeners(&source) {
                offenders.push(format!("{}:{line}: {text}", path.display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "use ui::listener (use_listener/use_click) instead of Yew's on* attributes:\n{}",
        offenders.join("\n")
    );
}
