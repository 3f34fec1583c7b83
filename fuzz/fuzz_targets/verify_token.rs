//! Token verification on arbitrary input: it must return an error or a verified token,
//! never panic, and never call an expired token anything but `token_expired`.
#![no_main]

use jwtlib::token::KeySet;
use jwtlib::{AuthConfig, ErrorCode, KeyConfig};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn keys() -> &'static KeySet {
    static KEYS: OnceLock<KeySet> = OnceLock::new();
    KEYS.get_or_init(|| {
        let hmac = |kid: &str, alg: &str, length: usize| KeyConfig {
            kid: kid.to_owned(),
            alg: alg.to_owned(),
            secret: Some(jwtlib::Secret::new("k".repeat(length))),
            jwk: None,
        };
        let config = AuthConfig {
            keys: vec![hmac("a", "HS256", 32), hmac("b", "HS384", 48), hmac("c", "HS512", 64)],
            issuer: Some("https://issuer.example".to_owned()),
            audience: Some("api".to_owned()),
            ..AuthConfig::default()
        };
        KeySet::from_config(&config).expect("fuzz key set")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    match keys().verify(token, 1_800_000_000) {
        Ok(verified) => assert!(verified.exp > 1_800_000_000),
        Err(error) => assert!(matches!(
            error.code(),
            ErrorCode::InvalidToken | ErrorCode::TokenExpired
        )),
    }
});
