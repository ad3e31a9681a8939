//! What an embedder can get wrong, in words that name the option as the host page spells it.

use super::specs::KEYS;
use std::fmt;

/// An option the embedder got wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmbedOptionError {
    /// An attribute whose text is not a value of its option.
    Attribute {
        /// Its full name, as written in the markup.
        attribute: String,
        /// Its text, shortened if long.
        value: String,
        /// What it must be, in words.
        expected: &'static str,
    },
    /// A script option of the wrong type or out of range.
    Script {
        /// Its key, as written in the options object.
        key: &'static str,
        /// What it must be, in words.
        expected: &'static str,
    },
    /// A script option that does not exist (a typo would otherwise be silently ignored).
    UnknownKey {
        /// The key, shortened if long.
        key: String,
    },
    /// More than one of the token's sources is given: which one counts would be a guess.
    SeveralTokenSources {
        /// Their names, as the host page spells them.
        names: String,
    },
    /// The first retry's period is longer than the longest.
    InitialAboveMax {
        /// The name of the initial period's option.
        initial: String,
        /// The name of the longest period's option.
        max: String,
    },
}

impl fmt::Display for EmbedOptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Attribute {
                attribute,
                value,
                expected,
            } => write!(
                f,
                "invalid attribute {attribute}=\"{value}\": it must be {expected}"
            ),
            Self::Script { key, expected } => {
                write!(f, "invalid option {key}: it must be {expected}")
            }
            Self::UnknownKey { key } => write!(
                f,
                "unknown option \"{key}\"; the options are {}",
                KEYS.join(", ")
            ),
            Self::SeveralTokenSources { names } => {
                write!(f, "invalid options: give only one of {names}")
            }
            Self::InitialAboveMax { initial, max } => {
                write!(f, "invalid options: {initial} must be at most {max}")
            }
        }
    }
}

impl std::error::Error for EmbedOptionError {}
