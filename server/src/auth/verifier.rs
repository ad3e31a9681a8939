//! Checking a token: its signature against the configured keys, with the algorithm pinned to
//! each key's kind, and its claims (`exp` and `sub` required, `aud` must match, `iss` too when
//! one is configured).

use super::rights::RoomRights;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::path::PathBuf;
use ws_chat_protocol::clean_name;

/// Seconds of clock difference allowed on `exp`, `nbf` and `iat`: small, so an expired token
/// stops working soon after it says.
const LEEWAY_SECS: u64 = 5;

/// Where the keys come from (the `--jwt-*` flags).
#[derive(Debug, Clone, Default)]
pub struct VerifierKeys {
    /// A file holding an HS256 secret (its bytes, a trailing newline removed).
    pub secret_file: Option<PathBuf>,
    /// PEM files holding Ed25519 (EdDSA) or P-256 (ES256) public keys; several for rotation.
    pub public_key_files: Vec<PathBuf>,
    /// The `aud` every token must carry.
    pub audience: String,
    /// The `iss` every token must carry, when given.
    pub issuer: Option<String>,
}

/// Who a valid token says the user is, and what it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The user id.
    pub sub: String,
    /// The only name the server shows for this user, cleaned as names from `hello` are.
    pub name: Option<String>,
    /// Expiry, in seconds since the Unix epoch.
    pub exp: u64,
    /// When the token was issued, if it says (revocation by `issued_before` uses it).
    pub iat: Option<u64>,
    /// The token's own id, if it has one (revocation by `jti` uses it).
    pub jti: Option<String>,
    pub rooms: RoomRights,
}

/// Optional here so that a token without `sub` or `exp` is refused by the claim checks,
/// which say which claim is missing, rather than as malformed JSON.
#[derive(Deserialize)]
struct Claims {
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    exp: Option<u64>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    iat: Option<u64>,
    #[serde(default)]
    jti: Option<String>,
    #[serde(default)]
    rooms: RoomRights,
}

/// The configured keys, each with the one algorithm it may verify.
pub struct Verifier {
    keys: Vec<(Algorithm, DecodingKey)>,
    audience: String,
    issuer: Option<String>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let algorithms: Vec<Algorithm> = self.keys.iter().map(|(a, _)| *a).collect();
        f.debug_struct("Verifier")
            .field("algorithms", &algorithms)
            .field("audience", &self.audience)
            .field("issuer", &self.issuer)
            .finish()
    }
}

impl Verifier {
    /// Reads the key files; `None` when no key is configured (tokens are then not checked,
    /// and every connection is a guest). A file that cannot be read or parsed is an error
    /// that names it, so the server refuses to start rather than run without the check.
    pub fn from_keys(config: &VerifierKeys) -> Result<Option<Verifier>, String> {
        let mut keys = Vec::new();
        if let Some(path) = &config.secret_file {
            let bytes = std::fs::read(path)
                .map_err(|e| format!("cannot read --jwt-secret-file {}: {e}", path.display()))?;
            let secret = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
            let secret = secret.strip_suffix(b"\r").unwrap_or(secret);
            if secret.len() < 32 {
                return Err(format!(
                    "--jwt-secret-file {}: an HS256 secret needs at least 32 bytes, it has {}",
                    path.display(),
                    secret.len()
                ));
            }
            let key = DecodingKey::from_secret(secret)
                .map_err(|e| format!("--jwt-secret-file {}: {e}", path.display()))?;
            keys.push((Algorithm::HS256, key));
        }
        for path in &config.public_key_files {
            let pem = std::fs::read(path).map_err(|e| {
                format!("cannot read --jwt-public-key-file {}: {e}", path.display())
            })?;
            let key = DecodingKey::from_ed_pem(&pem)
                .map(|key| (Algorithm::EdDSA, key))
                .or_else(|_| DecodingKey::from_ec_pem(&pem).map(|key| (Algorithm::ES256, key)))
                .map_err(|_| {
                    format!(
                        "--jwt-public-key-file {}: not a PEM Ed25519 or P-256 public key",
                        path.display()
                    )
                })?;
            keys.push(key);
        }
        if keys.is_empty() {
            return Ok(None);
        }
        Ok(Some(Verifier {
            keys,
            audience: config.audience.clone(),
            issuer: config.issuer.clone(),
        }))
    }

    /// The identity a token carries, or why it is refused (for the 4401 close reason: it
    /// never contains the token).
    pub fn verify(&self, token: &str) -> Result<Identity, String> {
        let header = decode_header(token).map_err(|_| "malformed token".to_owned())?;
        let mut last_error = None;
        for (algorithm, key) in self.keys.iter().filter(|(a, _)| *a == header.alg) {
            match decode::<Claims>(token, key, &self.validation(*algorithm)) {
                Ok(data) => {
                    let c = data.claims;
                    // Both are required claims, so a token that passed has them.
                    let (Some(sub), Some(exp)) = (c.sub, c.exp) else {
                        return Err("token lacks `sub` or `exp`".into());
                    };
                    return Ok(Identity {
                        sub,
                        name: c.name.as_deref().and_then(clean_name),
                        exp,
                        iat: c.iat,
                        jti: c.jti,
                        rooms: c.rooms,
                    });
                }
                // With several keys of one kind (rotation), a bad signature under one may be
                // good under the next; any other error is about the token itself.
                Err(e) => last_error = Some(e),
            }
        }
        Err(match last_error {
            None => format!(
                "token signed with {:?}, which this server does not accept",
                header.alg
            ),
            Some(e) => describe(&e),
        })
    }

    fn validation(&self, algorithm: Algorithm) -> Validation {
        let mut v = Validation::new(algorithm);
        v.leeway = LEEWAY_SECS;
        v.set_audience(&[&self.audience]);
        let mut required = vec!["exp", "sub", "aud"];
        if let Some(issuer) = &self.issuer {
            v.set_issuer(&[issuer]);
            required.push("iss");
        }
        v.set_required_spec_claims(&required);
        v
    }
}

/// A refusal reason a user can act on, never the token or its contents.
fn describe(e: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match e.kind() {
        ErrorKind::ExpiredSignature => "token expired".into(),
        ErrorKind::ImmatureSignature => "token not valid yet".into(),
        ErrorKind::InvalidSignature => "token signature does not match".into(),
        ErrorKind::InvalidAudience => "token is for another audience".into(),
        ErrorKind::InvalidIssuer => "token is from another issuer".into(),
        ErrorKind::InvalidAlgorithm => "token algorithm not accepted".into(),
        ErrorKind::MissingRequiredClaim(claim) => format!("token lacks `{claim}`"),
        ErrorKind::Json(_) => "token claims are malformed".into(),
        _ => "malformed token".into(),
    }
}
