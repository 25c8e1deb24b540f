//! Session tokens: 256 random bits, handed to the client once; only their SHA-256 is stored.

use sha2::{Digest, Sha256};

/// A freshly issued token, as the client will hold it (64 hex characters).
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// 32 bytes from the operating system's generator.
    ///
    /// # Errors
    /// When the OS has no randomness to give, which should stop the request.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(Self(hex::encode(bytes)))
    }

    /// The value to put in the cookie or the JSON answer.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

// A token must not end up in logs through a stray `{:?}`.
impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

/// What the database stores and looks up: hex SHA-256 of the token as presented.
pub fn hash(presented: &str) -> String {
    hex::encode(Sha256::digest(presented.as_bytes()))
}

/// Whether two tokens are equal, in time that does not depend on where they differ (the
/// comparison is of their hashes).
pub fn same(a: &str, b: &str) -> bool {
    hash(a) == hash(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hidden_from_debug() {
        let a = Token::generate().expect("randomness");
        let b = Token::generate().expect("randomness");
        assert_eq!(a.expose().len(), 64);
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "Token(***)");
    }

    #[test]
    fn hash_is_stable_hex_sha256() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
