//! The sign-in flags: which keys sign tokens, what tokens must say, and what a connection
//! without one may do.

use super::duration::parse_duration;
use crate::auth::{Guests, SessionRules, Verifier, VerifierKeys};
use std::path::PathBuf;
use std::time::Duration;

/// The longest `--token-grace`: an expired token should not hold a connection for long.
pub const MAX_TOKEN_GRACE: Duration = Duration::from_secs(30);

/// How connections sign in (see docs/server.md, "Signing in").
#[derive(Debug, Clone, clap::Args)]
pub struct AuthFlags {
    /// A file holding the HS256 secret tokens are signed with: at least 32 bytes (a trailing
    /// newline is not part of it).
    #[arg(long, value_name = "PATH")]
    pub jwt_secret_file: Option<PathBuf>,

    /// A PEM file holding an Ed25519 (EdDSA) or P-256 (ES256) public key tokens are signed
    /// with. Repeatable, to accept an old and a new key while keys rotate.
    #[arg(long = "jwt-public-key-file", value_name = "PATH")]
    pub jwt_public_key_files: Vec<PathBuf>,

    /// The `aud` every token must carry.
    #[arg(long, default_value = "ws-chat")]
    pub jwt_audience: String,

    /// The `iss` every token must carry; without it, `iss` is not checked.
    #[arg(long)]
    pub jwt_issuer: Option<String>,

    /// What a connection without a token may do: `none` (closed with 4401 unless it signs
    /// in within `--auth-timeout`), `read` or `post`. Default: `post` without a key flag (no
    /// tokens at all), `none` with one.
    #[arg(long, value_enum, value_name = "none|read|post")]
    pub anonymous: Option<Guests>,

    /// How long a connection that must sign in has to send its token.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub auth_timeout: Duration,

    /// How long past its `exp` a token still holds an open connection, for its refresh to
    /// arrive; at most 30s.
    #[arg(long, default_value = "30s", value_parser = parse_grace)]
    pub token_grace: Duration,

    /// A file holding the token of the admin API (`/admin/kick`, `/admin/revoke`): at least
    /// 32 bytes (a trailing newline is not part of it). Without it there is no admin API.
    #[arg(long, value_name = "PATH")]
    pub admin_token_file: Option<PathBuf>,
}

impl AuthFlags {
    /// The rules every connection signs in by; an error (naming the flag) when the key files
    /// cannot be used or the flags contradict each other, so the server does not start.
    pub fn session_rules(&self) -> Result<SessionRules, String> {
        let verifier = Verifier::from_keys(&VerifierKeys {
            secret_file: self.jwt_secret_file.clone(),
            public_key_files: self.jwt_public_key_files.clone(),
            audience: self.jwt_audience.clone(),
            issuer: self.jwt_issuer.clone(),
        })?;
        let guests = match (self.anonymous, &verifier) {
            (Some(Guests::None), None) => {
                return Err(
                    "--anonymous none needs --jwt-secret-file or --jwt-public-key-file: \
                            without a key nobody could sign in"
                        .into(),
                )
            }
            (Some(guests), _) => guests,
            (None, Some(_)) => Guests::None,
            (None, None) => Guests::Post,
        };
        Ok(SessionRules {
            verifier,
            guests,
            auth_timeout: self.auth_timeout,
            expiry_grace: self.token_grace,
            bans: Default::default(),
        })
    }
}

impl AuthFlags {
    /// The admin token, when `--admin-token-file` is given; an error naming the flag when
    /// the file cannot be read or is too short to be a secret.
    pub fn admin_token(&self) -> Result<Option<Vec<u8>>, String> {
        let Some(path) = &self.admin_token_file else {
            return Ok(None);
        };
        let bytes = std::fs::read(path)
            .map_err(|e| format!("cannot read --admin-token-file {}: {e}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("--admin-token-file {}: not UTF-8 text", path.display()))?;
        let token = text.trim();
        if token.len() < 32 {
            return Err(format!(
                "--admin-token-file {}: an admin token needs at least 32 bytes, it has {}",
                path.display(),
                token.len()
            ));
        }
        Ok(Some(token.as_bytes().to_vec()))
    }
}

fn parse_grace(text: &str) -> Result<Duration, String> {
    let grace = parse_duration(text)?;
    if grace > MAX_TOKEN_GRACE {
        return Err(format!("`{text}`: at most 30s"));
    }
    Ok(grace)
}

#[cfg(test)]
mod tests {
    use crate::auth::Guests;
    use crate::Config;
    use clap::Parser;

    fn guests(args: &[&str]) -> Result<Guests, String> {
        let config = Config::try_parse_from(args).map_err(|e| e.to_string())?;
        config.auth.session_rules().map(|rules| rules.guests)
    }

    #[test]
    fn anonymous_defaults_to_post_without_keys_and_none_with_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "x".repeat(32)).expect("write");
        let secret = secret.to_str().expect("utf-8");
        assert_eq!(guests(&["s"]), Ok(Guests::Post));
        assert_eq!(
            guests(&["s", "--jwt-secret-file", secret]),
            Ok(Guests::None)
        );
        assert_eq!(
            guests(&["s", "--jwt-secret-file", secret, "--anonymous", "read"]),
            Ok(Guests::Read)
        );
        assert_eq!(guests(&["s", "--anonymous", "read"]), Ok(Guests::Read));
        let e = guests(&["s", "--anonymous", "none"]).expect_err("nobody could sign in");
        assert!(e.contains("--anonymous none needs"), "{e}");
        assert!(guests(&["s", "--anonymous", "some"]).is_err());
    }

    #[test]
    fn the_grace_is_at_most_30_s() {
        let grace =
            |g: &str| Config::try_parse_from(["s", "--token-grace", g]).map(|c| c.auth.token_grace);
        assert_eq!(grace("30s").ok(), Some(std::time::Duration::from_secs(30)));
        assert!(grace("31s").is_err());
        assert_eq!(Config::default().auth.token_grace.as_secs(), 30);
        assert_eq!(Config::default().auth.auth_timeout.as_secs(), 10);
        assert_eq!(Config::default().auth.jwt_audience, "ws-chat");
    }
}
