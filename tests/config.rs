#![cfg(not(target_arch = "wasm32"))]
//! Configuration checks: every invalid setting is `invalid_config` at start-up, messages
//! name the setting without repeating secrets, and `Debug` output is redacted.

mod common;

use common::*;
use jwt_compact::jwk::JsonWebKey;
use jwtlib::token::KeySet;
use jwtlib::{
    Auth, AuthConfig, AuthError, ErrorCode, JwkConfig, KeyConfig, KvUserRepository, MemoryStore,
    PasswordConfig, Secret, UserRecord,
};
use serde_json::{json, Value};

const LONG_SECRET: &str = "a configuration secret that is quite long enough";

fn hmac_key(kid: &str, alg: &str, secret: &str) -> KeyConfig {
    KeyConfig {
        kid: kid.to_owned(),
        alg: alg.to_owned(),
        secret: Some(Secret::new(secret.to_owned())),
        jwk: None,
    }
}

fn jwk_key(kid: &str, alg: &str, jwk: Value) -> KeyConfig {
    KeyConfig {
        kid: kid.to_owned(),
        alg: alg.to_owned(),
        secret: None,
        jwk: Some(JwkConfig(jwk)),
    }
}

fn p256_private_jwk(scalar: u8) -> Value {
    let key = p256::ecdsa::SigningKey::from_slice(&[scalar; 32]).unwrap();
    serde_json::to_value(JsonWebKey::from(&key)).unwrap()
}

/// Builds a service from `config` and returns its configuration error.
#[track_caller]
fn config_error(config: &AuthConfig) -> AuthError {
    let result = Auth::new(config, KvUserRepository::new(MemoryStore::new()));
    let error = result.expect_err("configuration should be rejected");
    assert_eq!(error.code(), ErrorCode::InvalidConfig, "{error}");
    assert!(
        error.message().starts_with("invalid configuration: "),
        "{error}"
    );
    error
}

#[track_caller]
fn assert_valid(config: &AuthConfig) {
    if let Err(error) = Auth::new(config, KvUserRepository::new(MemoryStore::new())) {
        panic!("configuration should be accepted: {error}");
    }
}

#[test]
fn secret_must_be_32_bytes() {
    let short = "s".repeat(31);

    let error = config_error(&AuthConfig::with_secret(short.clone()));

    assert!(
        error.message().contains("at least 32 bytes, got 31"),
        "{error}"
    );
    assert!(!error.message().contains(&short));
    assert_valid(&AuthConfig::with_secret("s".repeat(32)));
}

#[test]
fn secret_and_keys_are_exclusive() {
    let config = AuthConfig {
        keys: vec![hmac_key("a", "HS256", LONG_SECRET)],
        ..AuthConfig::with_secret(LONG_SECRET)
    };

    let error = config_error(&config);

    assert!(error.message().contains("either secret or keys"), "{error}");
    assert!(!error.message().contains(LONG_SECRET));
}

#[test]
fn some_key_is_required() {
    let error = config_error(&AuthConfig::default());

    assert!(error.message().contains("no signing key"), "{error}");
}

#[test]
fn duplicate_kid_is_rejected() {
    let config = AuthConfig {
        keys: vec![
            hmac_key("2026", "HS256", LONG_SECRET),
            hmac_key("2026", "HS512", &"x".repeat(64)),
        ],
        ..AuthConfig::default()
    };

    let error = config_error(&config);

    assert!(
        error.message().contains("share the kid \"2026\""),
        "{error}"
    );
}

#[test]
fn signing_key_id_must_name_a_key() {
    let config = AuthConfig {
        keys: vec![hmac_key("2026", "HS256", LONG_SECRET)],
        signing_key_id: Some("2027".to_owned()),
        ..AuthConfig::default()
    };

    let error = config_error(&config);

    assert!(error.message().contains("\"2027\" names no key"), "{error}");
}

#[test]
fn unknown_algorithm_is_rejected() {
    for alg in ["RS256", "none", "hs256", "HS1024", "", "EDDSA"] {
        let config = AuthConfig {
            keys: vec![hmac_key("k", alg, &"x".repeat(64))],
            ..AuthConfig::default()
        };
        let error = config_error(&config);
        assert!(
            error.message().contains("unsupported algorithm"),
            "{alg}: {error}"
        );
    }
}

#[test]
fn hmac_secret_length_follows_algorithm() {
    for (alg, minimum) in [("HS256", 32), ("HS384", 48), ("HS512", 64)] {
        let short = "k".repeat(minimum - 1);
        let error = config_error(&AuthConfig {
            keys: vec![hmac_key("k", alg, &short)],
            ..AuthConfig::default()
        });
        assert!(
            error
                .message()
                .contains(&format!("at least {minimum} bytes, got {}", minimum - 1)),
            "{error}"
        );
        assert!(!error.message().contains(&short));

        assert_valid(&AuthConfig {
            keys: vec![hmac_key("k", alg, &"k".repeat(minimum))],
            ..AuthConfig::default()
        });
    }
}

#[test]
fn key_id_applies_only_to_secret() {
    let config = AuthConfig {
        key_id: Some("primary".to_owned()),
        keys: vec![hmac_key("a", "HS256", LONG_SECRET)],
        ..AuthConfig::default()
    };

    let error = config_error(&config);

    assert!(error.message().contains("keyId"), "{error}");
}

#[test]
fn kid_length_bounds() {
    for kid in [String::new(), "k".repeat(129)] {
        let error = config_error(&AuthConfig {
            keys: vec![hmac_key(&kid, "HS256", LONG_SECRET)],
            ..AuthConfig::default()
        });
        assert!(
            error.message().contains("key id must be 1 to 128 bytes"),
            "{error}"
        );
    }
    assert_valid(&AuthConfig {
        keys: vec![hmac_key(&"k".repeat(128), "HS256", LONG_SECRET)],
        ..AuthConfig::default()
    });
    let error = config_error(&AuthConfig {
        key_id: Some(String::new()),
        ..AuthConfig::with_secret(LONG_SECRET)
    });
    assert!(error.message().contains("key id"), "{error}");
}

#[test]
fn password_cost_below_minimum_is_rejected() {
    for (memory_kib, iterations, parallelism) in [
        (8192, 1, 1),
        (19_455, 2, 1),
        (19_456, 1, 1),
        (19_456, 2, 0),
        (0, 0, 0),
    ] {
        let config = AuthConfig {
            password: PasswordConfig {
                memory_kib,
                iterations,
                parallelism,
            },
            ..config()
        };
        let error = config_error(&config);
        assert!(error.message().contains("below"), "{error}");
    }
}

#[test]
fn password_cost_above_ceiling_is_rejected() {
    for (memory_kib, iterations, parallelism) in [
        (65_537, 2, 1),
        (1_048_576, 2, 1),
        (19_456, 17, 1),
        (19_456, 2, 17),
        (65_536, 5, 1),
        (u32::MAX, u32::MAX, u32::MAX),
    ] {
        let config = AuthConfig {
            password: PasswordConfig {
                memory_kib,
                iterations,
                parallelism,
            },
            ..config()
        };
        let error = config_error(&config);
        assert!(error.message().contains("above the ceiling"), "{error}");
    }
}

#[test]
fn password_cost_at_ceiling_is_accepted() {
    assert_valid(&AuthConfig {
        password: PasswordConfig {
            memory_kib: 65_536,
            iterations: 4,
            parallelism: 16,
        },
        ..config()
    });
}

#[test]
fn token_ttl_bounds() {
    for ttl in [0, 30 * 24 * 3600 + 1, u64::MAX] {
        let error = config_error(&AuthConfig {
            access_token_ttl: Some(ttl),
            ..config()
        });
        assert!(error.message().contains("accessTokenTtl"), "{error}");
    }
    for ttl in [1, 30 * 24 * 3600] {
        assert_valid(&AuthConfig {
            access_token_ttl: Some(ttl),
            ..config()
        });
    }
}

#[test]
fn leeway_bounds() {
    let error = config_error(&AuthConfig {
        leeway: Some(301),
        ..config()
    });
    assert!(
        error.message().contains("leeway must be at most 300"),
        "{error}"
    );

    assert_valid(&AuthConfig {
        leeway: Some(300),
        ..config()
    });
}

#[test]
fn max_token_length_bounds() {
    for length in [0, 255, 65_537] {
        let error = config_error(&AuthConfig {
            max_token_length: Some(length),
            ..config()
        });
        assert!(error.message().contains("maxTokenLength"), "{error}");
    }
    for length in [256, 65_536] {
        assert_valid(&AuthConfig {
            max_token_length: Some(length),
            ..config()
        });
    }
}

#[test]
fn issuer_and_audience_bounds() {
    for value in [String::new(), "i".repeat(257)] {
        let error = config_error(&AuthConfig {
            issuer: Some(value.clone()),
            ..config()
        });
        assert!(error.message().contains("issuer"), "{error}");
        let error = config_error(&AuthConfig {
            audience: Some(value),
            ..config()
        });
        assert!(error.message().contains("audience"), "{error}");
    }
    assert_valid(&AuthConfig {
        issuer: Some("i".repeat(256)),
        audience: Some("a".repeat(256)),
        ..config()
    });
}

#[test]
fn asymmetric_key_needs_jwk() {
    let with_secret = AuthConfig {
        keys: vec![hmac_key("ed", "EdDSA", LONG_SECRET)],
        ..AuthConfig::default()
    };
    let error = config_error(&with_secret);
    assert!(error.message().contains("takes a jwk"), "{error}");
    assert!(!error.message().contains(LONG_SECRET));

    let with_both = AuthConfig {
        keys: vec![KeyConfig {
            secret: Some(Secret::new(LONG_SECRET.to_owned())),
            ..jwk_key("ed", "EdDSA", ed25519_jwk(1, true))
        }],
        ..AuthConfig::default()
    };
    config_error(&with_both);
}

#[test]
fn jwk_must_match_algorithm() {
    let mut declared_other = ed25519_jwk(1, true);
    declared_other["alg"] = json!("ES256");
    let cases = [
        jwk_key("k", "EdDSA", p256_private_jwk(7)),
        jwk_key("k", "ES256", ed25519_jwk(1, true)),
        jwk_key("k", "EdDSA", declared_other),
        jwk_key("k", "EdDSA", json!({"kty": "nope"})),
        jwk_key("k", "EdDSA", json!("not an object")),
        jwk_key(
            "k",
            "ES256",
            json!({"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"}),
        ),
    ];

    for key in cases {
        config_error(&AuthConfig {
            keys: vec![key],
            ..AuthConfig::default()
        });
    }
}

#[test]
fn jwk_private_part_must_match_public_part() {
    let mut mismatched = ed25519_jwk(1, true);
    mismatched["x"] = ed25519_jwk(2, true)["x"].clone();
    let private_part = mismatched["d"].as_str().unwrap().to_owned();
    let mut mismatched_ec = p256_private_jwk(7);
    mismatched_ec["d"] = p256_private_jwk(8)["d"].clone();

    for key in [
        jwk_key("ed", "EdDSA", mismatched),
        jwk_key("ec", "ES256", mismatched_ec),
    ] {
        let error = config_error(&AuthConfig {
            keys: vec![key],
            ..AuthConfig::default()
        });
        assert!(!error.message().contains(&private_part), "{error}");
    }
}

#[test]
fn oct_jwk_configures_hmac_key() {
    let secret_bytes: Vec<u8> = (0u8..40).map(|byte| byte.wrapping_mul(37)).collect();
    let jwk = json!({"kty": "oct", "k": b64(&secret_bytes)});
    let keys = KeySet::from_config(&AuthConfig {
        keys: vec![jwk_key("bin", "HS256", jwk)],
        ..AuthConfig::default()
    })
    .unwrap();
    let token = sign(
        "HS256",
        &secret_bytes,
        &json!({"alg": "HS256", "kid": "bin"}),
        &valid_claims("user-1"),
    );

    assert!(keys.verify(&token, NOW).is_ok());
    assert_eq!(keys.jwks(), json!({"keys": []}));

    let short = json!({"kty": "oct", "k": b64(&[1; 31])});
    config_error(&AuthConfig {
        keys: vec![jwk_key("bin", "HS256", short)],
        ..AuthConfig::default()
    });
}

#[test]
fn from_variables_reads_every_setting() {
    let variables = [
        ("JWT_SECRET", LONG_SECRET),
        ("JWT_KEY_ID", "primary"),
        ("JWT_ISSUER", "https://auth.example.com"),
        ("JWT_AUDIENCE", "api"),
        ("ACCESS_TOKEN_TTL", "600"),
        ("JWT_LEEWAY", " 30 "),
        ("JWT_MAX_TOKEN_LENGTH", "4096"),
        ("PASSWORD_MEMORY_KIB", "32768"),
        ("PASSWORD_ITERATIONS", "3"),
        ("PASSWORD_PARALLELISM", "2"),
        ("JWT_SIGNING_KEY_ID", ""),
    ];
    let lookup = |name: &str| {
        variables
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| (*value).to_owned())
    };

    let config = AuthConfig::from_variables(lookup).unwrap();

    assert_eq!(config.key_id.as_deref(), Some("primary"));
    assert_eq!(config.issuer.as_deref(), Some("https://auth.example.com"));
    assert_eq!(config.audience.as_deref(), Some("api"));
    assert_eq!(config.access_token_ttl, Some(600));
    assert_eq!(config.leeway, Some(30));
    assert_eq!(config.max_token_length, Some(4096));
    assert_eq!(
        config.password,
        PasswordConfig {
            memory_kib: 32_768,
            iterations: 3,
            parallelism: 2
        }
    );
    assert_eq!(
        config.signing_key_id, None,
        "an empty variable counts as unset"
    );
    assert!(config.keys.is_empty());
    assert_valid(&config);
}

#[test]
fn from_variables_reads_key_set() {
    let keys = json!([
        {"kid": "2026", "alg": "HS256", "secret": LONG_SECRET},
        {"kid": "2027", "alg": "HS512", "secret": "y".repeat(64)},
    ])
    .to_string();
    let lookup = |name: &str| match name {
        "JWT_KEYS" => Some(keys.clone()),
        "JWT_SIGNING_KEY_ID" => Some("2027".to_owned()),
        _ => None,
    };

    let config = AuthConfig::from_variables(lookup).unwrap();

    assert_eq!(config.keys.len(), 2);
    assert_eq!(config.keys[1].alg, "HS512");
    assert_eq!(config.signing_key_id.as_deref(), Some("2027"));
    assert_valid(&config);
}

#[test]
fn from_variables_rejects_bad_numbers() {
    for name in [
        "ACCESS_TOKEN_TTL",
        "JWT_LEEWAY",
        "JWT_MAX_TOKEN_LENGTH",
        "PASSWORD_MEMORY_KIB",
        "PASSWORD_ITERATIONS",
        "PASSWORD_PARALLELISM",
    ] {
        for value in ["abc", "-1", "1.5", "1e3", "99999999999999999999999", "30s"] {
            let lookup = |variable: &str| match variable {
                "JWT_SECRET" => Some(LONG_SECRET.to_owned()),
                _ if variable == name => Some(value.to_owned()),
                _ => None,
            };
            let error = expect_code(AuthConfig::from_variables(lookup), ErrorCode::InvalidConfig);
            assert_eq!(
                error.message(),
                format!("invalid configuration: {name} must be a whole number"),
                "{name}={value}"
            );
        }
    }
}

#[test]
fn from_variables_hides_secrets_in_bad_key_set() {
    let secret = "a secret inside a broken key set value";
    let broken = [
        format!("[{{\"kid\": \"a\", \"alg\": \"HS256\", \"secret\": \"{secret}\""),
        format!("[{{\"kid\": \"a\", \"alg\": \"HS256\", \"secrett\": \"{secret}\"}}]"),
        format!("[{{\"kid\": \"a\", \"alg\": \"HS256\", \"secret\": [\"{secret}\"]}}]"),
        format!("{{\"kid\": \"a\", \"secret\": \"{secret}\"}}"),
        secret.to_owned(),
    ];

    for keys in broken {
        let lookup = |name: &str| (name == "JWT_KEYS").then(|| keys.clone());
        let error = expect_code(AuthConfig::from_variables(lookup), ErrorCode::InvalidConfig);
        assert!(error.message().contains("JWT_KEYS"), "{error}");
        assert!(!error.message().contains(secret), "{error}");
        assert!(!error.message().contains("a secret"), "{error}");
    }
}

#[test]
fn from_variables_without_key_fails_at_start_up() {
    let config = AuthConfig::from_variables(|_| None).unwrap();

    let error = config_error(&config);

    assert!(error.message().contains("no signing key"), "{error}");
}

#[test]
fn deserialize_checked_reads_camel_case() {
    let text = json!({
        "secret": LONG_SECRET,
        "keyId": "primary",
        "issuer": "https://auth.example.com",
        "audience": "api",
        "accessTokenTtl": 900,
        "leeway": 5,
        "maxTokenLength": 2048,
        "password": {"memoryKib": 32768, "iterations": 2, "parallelism": 1},
    })
    .to_string();

    let config =
        AuthConfig::deserialize_checked(&mut serde_json::Deserializer::from_str(&text)).unwrap();

    assert_eq!(config.key_id.as_deref(), Some("primary"));
    assert_eq!(config.access_token_ttl, Some(900));
    assert_eq!(config.leeway, Some(5));
    assert_eq!(config.max_token_length, Some(2048));
    assert_eq!(config.password.memory_kib, 32_768);
    assert_valid(&config);
}

#[test]
fn deserialize_checked_never_echoes_misplaced_secret() {
    let secret = "misplaced secret value, 40 bytes or more";
    let cases = [
        (json!({"jwtSecret": secret}), "jwtSecret"),
        (json!({"key_id": secret}), "key_id"),
        (json!({"secret": [secret]}), "secret"),
        (json!({"secret": {"value": secret}}), "secret"),
        (json!({"keys": secret}), "keys"),
        (
            json!({"keys": [{"kid": "a", "alg": "HS256", "key": secret}]}),
            "keys[0]",
        ),
        (
            json!({"keys": [{"kid": "a", "alg": "HS256", "secret": 42}]}),
            "keys[0].secret",
        ),
        (json!({"issuer": 7, "secret": secret}), "issuer"),
        (json!({"password": {"memoryKib": secret}}), "password"),
        (json!({"accessTokenTtl": secret}), "accessTokenTtl"),
    ];

    for (value, setting) in cases {
        let text = value.to_string();
        let result =
            AuthConfig::deserialize_checked(&mut serde_json::Deserializer::from_str(&text));
        let error = expect_code(result, ErrorCode::InvalidConfig);
        assert!(error.message().contains(setting), "{setting}: {error}");
        assert!(!error.message().contains(secret), "{setting}: {error}");
        assert!(!error.message().contains("misplaced"), "{setting}: {error}");
    }
}

#[test]
fn deserialize_checked_hides_value_in_syntax_error() {
    let secret = "a secret inside broken JSON text";
    let text = format!("{{\"secret\": \"{secret}\" \"keyId\": 1}}");

    let result = AuthConfig::deserialize_checked(&mut serde_json::Deserializer::from_str(&text));

    let error = expect_code(result, ErrorCode::InvalidConfig);
    assert!(!error.message().contains(secret), "{error}");
}

#[test]
fn config_debug_is_redacted() {
    let private_jwk = ed25519_jwk(1, true);
    let private_part = private_jwk["d"].as_str().unwrap().to_owned();
    let configs = [
        AuthConfig::with_secret(LONG_SECRET),
        AuthConfig {
            keys: vec![
                hmac_key("2026", "HS256", LONG_SECRET),
                jwk_key("ed", "EdDSA", private_jwk),
            ],
            ..AuthConfig::default()
        },
    ];

    for config in &configs {
        let debug = format!("{config:?}");
        assert!(!debug.contains(LONG_SECRET), "{debug}");
        assert!(!debug.contains(&private_part), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
    }
    assert_eq!(
        format!("{:?}", Secret::new(LONG_SECRET.to_owned())),
        "Secret(<redacted>)"
    );
}

#[test]
fn service_debug_hides_key_material() {
    let fixture = fixture();

    let debug = format!("{:?}", fixture.auth);

    assert!(!debug.contains(SECRET), "{debug}");
    assert!(!debug.contains(&b64(SECRET.as_bytes())), "{debug}");
}

#[test]
fn user_record_debug_hides_hash() {
    let record = UserRecord {
        id: "00112233445566778899aabbccddeeff".to_owned(),
        username: "alice".to_owned(),
        email: "alice@example.com".to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo"
            .to_owned(),
        is_active: true,
        created_at: "2026-01-01T00:00:00Z".to_owned(),
    };

    let debug = format!("{record:?}");

    assert!(!debug.contains("argon2"), "{debug}");
    assert!(!debug.contains("c2FsdHNhbHRzYWx0"), "{debug}");
    assert!(debug.contains("alice@example.com"));
    assert!(debug.contains("<redacted>"));
}
