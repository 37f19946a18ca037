//! Bearer tokens: 32 random bytes written as `hub_` and 64 hex digits. The hub stores only
//! the SHA-256 of a token; the token itself is shown once, when it is created.

use sha2::{Digest, Sha256};

use crate::error::HubError;

/// Prefix of every token, so that a leaked one is recognisable.
pub const PREFIX: &str = "hub_";

/// A fresh token from the operating system's random source.
pub fn generate() -> Result<String, HubError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| HubError::Internal(format!("no random bytes for a token: {e}")))?;
    Ok(format!("{PREFIX}{}", hex::encode(bytes)))
}

/// The SHA-256 of a token, lower-case hex: what `api_token.token_hash` holds.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The token of an `Authorization` header value: `Bearer <token>` (the scheme in any case).
/// `None` for any other scheme or an empty token.
pub fn from_authorization(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = generate().expect("token");
        let b = generate().expect("token");
        assert_ne!(a, b);
        assert!(a.starts_with(PREFIX) && a.len() == PREFIX.len() + 64);
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), hash(&b));
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn bearer_headers_are_read() {
        assert_eq!(from_authorization("Bearer hub_x"), Some("hub_x"));
        assert_eq!(from_authorization("bearer  hub_x "), Some("hub_x"));
        assert_eq!(from_authorization("Basic abc"), None);
        assert_eq!(from_authorization("Bearer "), None);
        assert_eq!(from_authorization("hub_x"), None);
    }
}
