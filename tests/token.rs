#![cfg(not(target_arch = "wasm32"))]
//! Issuing and verifying access tokens: the claims written, each step of the
//! verification order, expiry against a fixed clock, and key rotation.
//!
//! Most tokens here are made by hand with `common::sign`, so each test controls the
//! header and claims exactly and needs no registered user.

mod common;

use base64ct::Encoding as _;
use common::*;
use jwt_compact::jwk::JsonWebKey;
use jwtlib::token::KeySet;
use jwtlib::{AuthConfig, ErrorCode, JwkConfig, KeyConfig, Secret};
use serde_json::{json, Value};

const OLD_SECRET: &str = "key of 2026, which signed the earlier tokens";
const NEW_SECRET: &str = "key of 2027, which signs the tokens issued now";

fn key(kid: &str, alg: &str, secret: &str) -> KeyConfig {
    KeyConfig {
        kid: kid.to_owned(),
        alg: alg.to_owned(),
        secret: Some(Secret::new(secret.to_owned())),
        jwk: None,
    }
}

fn key_set(config: &AuthConfig) -> KeySet {
    KeySet::from_config(config).expect("test configuration is valid")
}

fn default_keys() -> KeySet {
    key_set(&config())
}

/// Replaces the segment at `index` of `token` with `segment`.
fn replace_segment(token: &str, index: usize, segment: &str) -> String {
    let mut segments: Vec<&str> = token.split('.').collect();
    segments[index] = segment;
    segments.join(".")
}

#[track_caller]
fn assert_invalid(keys: &KeySet, token: &str) -> jwtlib::AuthError {
    expect_code(keys.verify(token, NOW), ErrorCode::InvalidToken)
}

#[test]
fn issued_token_has_expected_header_and_claims() {
    let keys = default_keys();

    let issued = keys.issue("user-1", NOW).unwrap();

    let segments: Vec<&str> = issued.token.split('.').collect();
    assert_eq!(segments.len(), 3);
    assert_eq!(
        decode_segment(segments[0]),
        json!({"alg": "HS256", "kid": "default", "typ": "JWT"})
    );
    let claims = decode_segment(segments[1]);
    assert_eq!(claims["sub"], "user-1");
    assert_eq!(claims["iat"], NOW);
    assert_eq!(claims["exp"], NOW + 1800);
    assert_eq!(issued.exp, NOW + 1800);
    let jti = claims["jti"].as_str().expect("jti is a string");
    assert_eq!(jti.len(), 32);
    assert!(jti.bytes().all(|byte| byte.is_ascii_hexdigit()));
    assert!(claims.get("iss").is_none());
    assert!(claims.get("aud").is_none());
    assert!(claims.get("nbf").is_none());
}

#[test]
fn issued_token_verifies() {
    let keys = default_keys();
    let issued = keys.issue("user-1", NOW).unwrap();

    let verified = keys.verify(&issued.token, NOW).unwrap();

    assert_eq!(verified.sub.as_deref(), Some("user-1"));
    assert_eq!(verified.exp, NOW + 1800);
    assert_eq!(verified.iat, Some(NOW));
    assert_eq!(verified.iss, None);
    assert_eq!(verified.aud, None);
    assert!(verified.jti.is_some());
}

#[test]
fn issued_tokens_get_distinct_ids() {
    let keys = default_keys();

    let first = keys.issue("user-1", NOW).unwrap();
    let second = keys.issue("user-1", NOW).unwrap();

    assert_ne!(first.token, second.token);
    let first_jti = keys.verify(&first.token, NOW).unwrap().jti;
    let second_jti = keys.verify(&second.token, NOW).unwrap().jti;
    assert_ne!(first_jti, second_jti);
}

#[test]
fn issued_token_carries_issuer_and_audience() {
    let config = AuthConfig {
        issuer: Some("https://auth.example.com".to_owned()),
        audience: Some("api".to_owned()),
        ..config()
    };
    let keys = key_set(&config);

    let issued = keys.issue("user-1", NOW).unwrap();

    let claims = decode_segment(issued.token.split('.').nth(1).unwrap());
    assert_eq!(claims["iss"], "https://auth.example.com");
    assert_eq!(claims["aud"], "api");
    let verified = keys.verify(&issued.token, NOW).unwrap();
    assert_eq!(verified.iss.as_deref(), Some("https://auth.example.com"));
    assert_eq!(verified.aud.as_deref(), Some("api"));
}

#[test]
fn token_ttl_follows_config() {
    let config = AuthConfig {
        access_token_ttl: Some(60),
        ..config()
    };
    let keys = key_set(&config);

    let issued = keys.issue("user-1", NOW).unwrap();

    assert_eq!(keys.ttl(), 60);
    assert_eq!(issued.exp, NOW + 60);
    assert!(keys.verify(&issued.token, NOW + 59).is_ok());
    expect_code(
        keys.verify(&issued.token, NOW + 60),
        ErrorCode::TokenExpired,
    );
}

#[test]
fn token_expires_at_exp_without_leeway() {
    let fixture = fixture();
    let token = sign_default(&json!({"sub": "user-1", "exp": NOW + 10}));

    fixture.clock.set(NOW + 9);
    assert!(fixture.auth.verify_token(&token).is_ok());

    fixture.clock.set(NOW + 10);
    let error = expect_code(fixture.auth.verify_token(&token), ErrorCode::TokenExpired);
    assert_eq!(error.message(), "token has expired");

    fixture.clock.set(NOW + 11);
    expect_code(fixture.auth.verify_token(&token), ErrorCode::TokenExpired);
}

#[test]
fn token_with_exp_now_is_expired() {
    let keys = default_keys();
    let token = sign_default(&json!({"sub": "user-1", "exp": NOW}));

    expect_code(keys.verify(&token, NOW), ErrorCode::TokenExpired);
    assert!(keys.verify(&token, NOW - 1).is_ok());
}

#[test]
fn leeway_extends_expiry() {
    let config = AuthConfig {
        leeway: Some(5),
        ..config()
    };
    let fixture = fixture_with(&config);
    let token = sign_default(&json!({"sub": "user-1", "exp": NOW}));

    assert!(fixture.auth.verify_token(&token).is_ok());
    fixture.clock.set(NOW + 4);
    assert!(fixture.auth.verify_token(&token).is_ok());
    fixture.clock.set(NOW + 5);
    expect_code(fixture.auth.verify_token(&token), ErrorCode::TokenExpired);
}

#[test]
fn expiry_is_checked_before_issuer() {
    let config = AuthConfig {
        issuer: Some("https://auth.example.com".to_owned()),
        ..config()
    };
    let keys = key_set(&config);
    let token = sign_default(&json!({"sub": "user-1", "exp": NOW, "iss": "someone else"}));

    expect_code(keys.verify(&token, NOW), ErrorCode::TokenExpired);
}

#[test]
fn nbf_in_future_is_rejected() {
    let keys = default_keys();
    let early = sign_default(&json!({"sub": "user-1", "exp": NOW + 600, "nbf": NOW + 1}));
    let ready = sign_default(&json!({"sub": "user-1", "exp": NOW + 600, "nbf": NOW}));

    let error = assert_invalid(&keys, &early);
    assert_eq!(error.message(), "invalid token: token is not valid yet");
    assert!(keys.verify(&ready, NOW).is_ok());
    assert!(keys.verify(&early, NOW + 1).is_ok());
}

#[test]
fn leeway_applies_to_nbf() {
    let config = AuthConfig {
        leeway: Some(5),
        ..config()
    };
    let keys = key_set(&config);
    let within = sign_default(&json!({"sub": "user-1", "exp": NOW + 600, "nbf": NOW + 5}));
    let beyond = sign_default(&json!({"sub": "user-1", "exp": NOW + 600, "nbf": NOW + 6}));

    assert!(keys.verify(&within, NOW).is_ok());
    assert_invalid(&keys, &beyond);
}

#[test]
fn missing_exp_is_rejected() {
    let keys = default_keys();
    let token = sign_default(&json!({"sub": "user-1", "iat": NOW}));

    let error = assert_invalid(&keys, &token);
    assert_eq!(error.message(), "invalid token: missing exp claim");
}

#[test]
fn exp_must_be_timestamp_number() {
    let keys = default_keys();
    let bad_values = [
        json!("1800000600"),
        json!(1e300),
        json!(-1e300),
        json!(u64::MAX),
        json!(i64::MAX),
        json!(true),
        json!(null),
        json!([NOW + 600]),
        json!({"seconds": NOW + 600}),
    ];

    for exp in bad_values {
        let token = sign_default(&json!({"sub": "user-1", "exp": exp}));
        let error = assert_invalid(&keys, &token);
        assert_eq!(
            error.message(),
            "invalid token: malformed claims",
            "exp {exp}"
        );
    }
}

#[test]
fn nbf_and_iat_must_be_timestamp_numbers() {
    let keys = default_keys();

    for name in ["nbf", "iat"] {
        for value in [json!("soon"), json!(1e300), json!(false)] {
            let mut claims = valid_claims("user-1");
            claims[name] = value.clone();
            let token = sign_default(&claims);
            assert_invalid(&keys, &token);
        }
    }
}

#[test]
fn sub_must_be_string_when_present() {
    let keys = default_keys();
    let claims = [
        json!({"sub": 42, "exp": NOW + 600}),
        json!({"sub": ["user-1"], "exp": NOW + 600}),
        json!({"sub": {"id": "user-1"}, "exp": NOW + 600}),
    ];

    for claims in claims {
        let token = sign_default(&claims);
        let error = assert_invalid(&keys, &token);
        assert_eq!(error.message(), "invalid token: malformed claims");
    }
}

#[test]
fn key_set_accepts_token_without_sub() {
    let keys = default_keys();
    let token = sign_default(&json!({"exp": NOW + 600}));

    let verified = keys.verify(&token, NOW).unwrap();

    assert_eq!(verified.sub, None);
}

#[test]
fn service_rejects_token_without_sub() {
    let fixture = fixture();

    for claims in [
        json!({"exp": NOW + 600}),
        json!({"sub": null, "exp": NOW + 600}),
    ] {
        let token = sign_default(&claims);
        let error = expect_code(fixture.auth.verify_token(&token), ErrorCode::InvalidToken);
        assert_eq!(error.message(), "invalid token: missing sub claim");
        let error = expect_code(
            block_on(fixture.auth.current_user(&token)),
            ErrorCode::InvalidToken,
        );
        assert_eq!(error.message(), "invalid token: missing sub claim");
        assert!(!block_on(fixture.auth.introspect(&token)).active);
    }
}

#[test]
fn claims_must_be_json_object() {
    let keys = default_keys();
    let header = r#"{"alg":"HS256","kid":"default"}"#;

    for claims in [
        "",
        "null",
        "[]",
        "\"user-1\"",
        "{\"sub\":",
        "{\"sub\":\"a\"}x",
    ] {
        let token = sign_raw("HS256", SECRET.as_bytes(), header, claims);
        assert_invalid(&keys, &token);
    }
}

#[test]
fn header_must_be_json_object_with_alg() {
    let keys = default_keys();
    let claims = valid_claims("user-1").to_string();
    let headers = [
        "",
        "null",
        "[]",
        "{}",
        r#"{"kid":"default"}"#,
        r#"{"alg":256,"kid":"default"}"#,
        r#"{"alg":"HS256","kid":7}"#,
        r#"{"alg":"HS256","kid":"default""#,
    ];

    for header in headers {
        let token = sign_raw("HS256", SECRET.as_bytes(), header, &claims);
        assert_invalid(&keys, &token);
    }
}

#[test]
fn compact_form_is_strict() {
    let keys = default_keys();
    let token = sign_default(&valid_claims("user-1"));
    assert!(keys.verify(&token, NOW).is_ok());
    let [header, claims, signature]: [&str; 3] =
        token.split('.').collect::<Vec<_>>().try_into().unwrap();

    let malformed = [
        String::new(),
        ".".to_owned(),
        "..".to_owned(),
        "...".to_owned(),
        format!("{header}.{claims}"),
        format!("{header}.{claims}."),
        format!("{token}."),
        format!("{token}.{signature}"),
        format!(".{claims}.{signature}"),
        format!("{header}..{signature}"),
        format!(" {token}"),
        format!("{token} "),
        format!("{token}\n"),
        format!("\t{token}"),
        format!("{header}. {claims}.{signature}"),
        format!("{header}.{claims}.{signature}="),
        format!("{header}=.{claims}.{signature}"),
        format!("{header}.{claims}==.{signature}"),
        format!("{header}.{claims}.{signature}A"),
        format!("Bearer {token}"),
        token.replace('-', "+").replace('_', "/") + "+/",
        token.replacen('.', ",", 1),
        format!("{header}.{claims}.{signature}\u{0}"),
        format!("{header}.{claims}.{}", signature.to_uppercase() + "é"),
    ];

    for candidate in malformed {
        let error = assert_invalid(&keys, &candidate);
        assert!(
            error.message().starts_with("invalid token: "),
            "{candidate:?} gave {error}"
        );
    }
}

#[test]
fn padded_segments_are_rejected() {
    let keys = default_keys();
    let header = json!({"alg": "HS256", "kid": "default"}).to_string();
    let claims = valid_claims("user-1").to_string();
    // Re-encode every segment with padding, and sign that exact text.
    let padded = |bytes: &[u8]| base64ct::Base64Url::encode_string(bytes);
    let signing_input = format!(
        "{}.{}",
        padded(header.as_bytes()),
        padded(claims.as_bytes())
    );
    let signature = hmac("HS256", SECRET.as_bytes(), signing_input.as_bytes());
    let token = format!("{signing_input}.{}", padded(&signature));
    assert!(token.contains('='), "the test needs padding in {token}");

    assert_invalid(&keys, &token);
}

#[test]
fn oversized_token_is_rejected() {
    let config = AuthConfig {
        max_token_length: Some(512),
        ..config()
    };
    let keys = key_set(&config);
    let mut checked_accept = false;
    let mut checked_reject = false;

    // Grow a claim one byte at a time until the token crosses the limit.
    for filler_length in 0..400 {
        let mut claims = valid_claims("user-1");
        claims["filler"] = Value::String("x".repeat(filler_length));
        let token = sign_default(&claims);
        if token.len() <= 512 {
            assert!(keys.verify(&token, NOW).is_ok(), "{} bytes", token.len());
            checked_accept = true;
        } else {
            let error = assert_invalid(&keys, &token);
            assert_eq!(error.message(), "invalid token: token is too long");
            checked_reject = true;
        }
    }

    assert!(checked_accept, "no token fit the limit");
    assert!(checked_reject, "no token crossed the limit");
}

#[test]
fn huge_input_is_rejected_by_length() {
    let keys = default_keys();
    let huge = "a.".repeat(500_000);

    let error = assert_invalid(&keys, &huge);

    assert_eq!(error.message(), "invalid token: token is too long");
}

#[test]
fn default_token_length_limit_is_8192() {
    let keys = default_keys();
    let mut lengths = Vec::new();

    for filler_length in 5950..6050 {
        let mut claims = valid_claims("user-1");
        claims["filler"] = Value::String("x".repeat(filler_length));
        let token = sign_default(&claims);
        let accepted = keys.verify(&token, NOW).is_ok();
        assert_eq!(accepted, token.len() <= 8192, "{} bytes", token.len());
        lengths.push(token.len());
    }

    assert!(lengths.iter().any(|&length| length <= 8192));
    assert!(lengths.iter().any(|&length| length > 8192));
}

#[test]
fn every_character_substitution_is_rejected() {
    let keys = default_keys();
    let token = sign_default(&valid_claims("user-1"));
    assert!(keys.verify(&token, NOW).is_ok());
    let alphabet: Vec<char> = ('A'..='Z')
        .chain('a'..='z')
        .chain('0'..='9')
        .chain(['-', '_', '.'])
        .collect();

    for (position, original) in token.char_indices() {
        for &replacement in &alphabet {
            if replacement == original {
                continue;
            }
            let mut tampered = token.clone();
            tampered.replace_range(position..position + 1, &replacement.to_string());
            let result = keys.verify(&tampered, NOW);
            assert!(
                result.is_err(),
                "character {position} changed from {original:?} to {replacement:?} was accepted"
            );
            assert_eq!(result.unwrap_err().code(), ErrorCode::InvalidToken);
        }
    }
}

#[test]
fn bit_flips_in_any_segment_are_rejected() {
    let keys = default_keys();
    let token = sign_default(&valid_claims("user-1"));

    for segment_index in 0..3 {
        let segment = token.split('.').nth(segment_index).unwrap();
        let bytes = base64ct::Base64UrlUnpadded::decode_vec(segment).unwrap();
        for bit in 0..bytes.len() * 8 {
            let mut flipped = bytes.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let tampered = replace_segment(&token, segment_index, &b64(&flipped));
            let result = keys.verify(&tampered, NOW);
            assert!(
                result.is_err(),
                "bit {bit} of segment {segment_index} flipped was accepted"
            );
            assert_eq!(result.unwrap_err().code(), ErrorCode::InvalidToken);
        }
    }
}

#[test]
fn truncated_or_extended_signature_is_rejected() {
    let keys = default_keys();
    let token = sign_default(&valid_claims("user-1"));
    let signature =
        base64ct::Base64UrlUnpadded::decode_vec(token.split('.').nth(2).unwrap()).unwrap();

    let shorter = replace_segment(&token, 2, &b64(&signature[..16]));
    let mut longer_bytes = signature.clone();
    longer_bytes.extend_from_slice(&[0; 32]);
    let longer = replace_segment(&token, 2, &b64(&longer_bytes));
    let zeros = replace_segment(&token, 2, &b64(&[0; 32]));

    for tampered in [shorter, longer, zeros] {
        let error = assert_invalid(&keys, &tampered);
        assert_eq!(
            error.message(),
            "invalid token: signature verification failed"
        );
    }
}

#[test]
fn alg_none_is_rejected() {
    let keys = default_keys();
    let claims = valid_claims("user-1");
    let unsigned = format!(
        "{}.{}.",
        b64(json!({"alg": "none", "kid": "default"})
            .to_string()
            .as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    assert_invalid(&keys, &unsigned);

    // The same header with an HS256 signature over it, and spelling variants.
    for alg in ["none", "None", "NONE", "hs256", "HS256 ", ""] {
        let header = json!({"alg": alg, "kid": "default"});
        let token = sign("HS256", SECRET.as_bytes(), &header, &claims);
        let error = assert_invalid(&keys, &token);
        assert_eq!(
            error.message(),
            "invalid token: algorithm not allowed for this key",
            "alg {alg:?}"
        );
    }
}

#[test]
fn other_hmac_algorithms_rejected_for_hs256_key() {
    let keys = default_keys();
    let claims = valid_claims("user-1");

    for alg in ["HS384", "HS512"] {
        let header = json!({"alg": alg, "kid": "default"});
        let token = sign(alg, SECRET.as_bytes(), &header, &claims);
        let error = assert_invalid(&keys, &token);
        assert_eq!(
            error.message(),
            "invalid token: algorithm not allowed for this key"
        );
    }
}

#[test]
fn asymmetric_algorithm_names_are_rejected() {
    let keys = default_keys();
    let claims = valid_claims("user-1");

    for alg in ["RS256", "ES256", "PS256", "EdDSA"] {
        let header = json!({"alg": alg, "kid": "default"});
        let token = sign("HS256", SECRET.as_bytes(), &header, &claims);
        assert_invalid(&keys, &token);
    }
}

#[test]
fn crit_header_is_rejected() {
    let keys = default_keys();
    let claims = valid_claims("user-1");

    for crit in [json!(["exp"]), json!([]), json!("b64"), json!({}), json!(0)] {
        let header = json!({"alg": "HS256", "kid": "default", "crit": crit});
        let token = sign("HS256", SECRET.as_bytes(), &header, &claims);
        let error = assert_invalid(&keys, &token);
        assert_eq!(
            error.message(),
            "invalid token: unsupported critical header parameter",
            "crit {crit}"
        );
    }
}

#[test]
fn crit_header_null_is_rejected() {
    let keys = default_keys();
    let header = json!({"alg": "HS256", "kid": "default", "crit": null});
    let token = sign("HS256", SECRET.as_bytes(), &header, &valid_claims("user-1"));

    assert_invalid(&keys, &token);
}

#[test]
fn unknown_kid_is_rejected() {
    let keys = default_keys();
    let header = json!({"alg": "HS256", "kid": "other"});
    let token = sign("HS256", SECRET.as_bytes(), &header, &valid_claims("user-1"));

    let error = assert_invalid(&keys, &token);

    assert_eq!(error.message(), "invalid token: unknown key id");
}

#[test]
fn missing_kid_accepted_with_single_key() {
    let keys = default_keys();
    let header = json!({"alg": "HS256"});
    let token = sign("HS256", SECRET.as_bytes(), &header, &valid_claims("user-1"));

    let verified = keys.verify(&token, NOW).unwrap();

    assert_eq!(verified.sub.as_deref(), Some("user-1"));
}

#[test]
fn missing_kid_rejected_with_several_keys() {
    let config = AuthConfig {
        keys: vec![
            key("2026", "HS256", OLD_SECRET),
            key("2027", "HS256", NEW_SECRET),
        ],
        ..AuthConfig::default()
    };
    let keys = key_set(&config);
    let header = json!({"alg": "HS256"});

    for secret in [OLD_SECRET, NEW_SECRET] {
        let token = sign("HS256", secret.as_bytes(), &header, &valid_claims("user-1"));
        let error = assert_invalid(&keys, &token);
        assert_eq!(error.message(), "invalid token: missing key id");
    }
}

#[test]
fn kid_selects_key_not_signature() {
    let config = AuthConfig {
        keys: vec![
            key("2026", "HS256", OLD_SECRET),
            key("2027", "HS256", NEW_SECRET),
        ],
        ..AuthConfig::default()
    };
    let keys = key_set(&config);
    let claims = valid_claims("user-1");

    let matching = sign(
        "HS256",
        OLD_SECRET.as_bytes(),
        &json!({"alg": "HS256", "kid": "2026"}),
        &claims,
    );
    let crossed = sign(
        "HS256",
        NEW_SECRET.as_bytes(),
        &json!({"alg": "HS256", "kid": "2026"}),
        &claims,
    );

    assert!(keys.verify(&matching, NOW).is_ok());
    assert_invalid(&keys, &crossed);
}

#[test]
fn key_parameters_in_header_are_ignored() {
    let keys = default_keys();
    let attacker_secret = "attacker secret that is long enough for HS256";
    let header = json!({
        "alg": "HS256",
        "kid": "default",
        "jwk": {"kty": "oct", "k": b64(attacker_secret.as_bytes())},
        "jku": "http://127.0.0.1:9/keys.json",
    });
    let token = sign(
        "HS256",
        attacker_secret.as_bytes(),
        &header,
        &valid_claims("user-1"),
    );

    assert_invalid(&keys, &token);
}

#[test]
fn hs384_and_hs512_keys_sign_and_verify() {
    let secret_48 = "a".repeat(48);
    let secret_64 = "b".repeat(64);
    let config = AuthConfig {
        keys: vec![
            key("k384", "HS384", &secret_48),
            key("k512", "HS512", &secret_64),
        ],
        ..AuthConfig::default()
    };

    for (signing, alg, secret) in [("k384", "HS384", &secret_48), ("k512", "HS512", &secret_64)] {
        let keys = key_set(&AuthConfig {
            signing_key_id: Some(signing.to_owned()),
            ..config.clone()
        });
        let issued = keys.issue("user-1", NOW).unwrap();
        let header = decode_segment(issued.token.split('.').next().unwrap());
        assert_eq!(header["alg"], alg);
        assert_eq!(header["kid"], signing);
        assert!(keys.verify(&issued.token, NOW).is_ok());

        let hand_made = sign(
            alg,
            secret.as_bytes(),
            &json!({"alg": alg, "kid": signing}),
            &valid_claims("user-2"),
        );
        assert_eq!(
            keys.verify(&hand_made, NOW).unwrap().sub.as_deref(),
            Some("user-2")
        );

        let downgraded = sign(
            "HS256",
            secret.as_bytes(),
            &json!({"alg": "HS256", "kid": signing}),
            &valid_claims("user-2"),
        );
        assert_invalid(&keys, &downgraded);
    }
}

#[test]
fn rotated_signing_key_still_verifies_old_tokens() {
    let before = key_set(&AuthConfig {
        keys: vec![key("2026", "HS256", OLD_SECRET)],
        ..AuthConfig::default()
    });
    let old_token = before.issue("user-1", NOW).unwrap().token;

    let after = key_set(&AuthConfig {
        keys: vec![
            key("2026", "HS256", OLD_SECRET),
            key("2027", "HS256", NEW_SECRET),
        ],
        signing_key_id: Some("2027".to_owned()),
        ..AuthConfig::default()
    });
    let new_token = after.issue("user-1", NOW).unwrap().token;

    assert_eq!(
        after.verify(&old_token, NOW).unwrap().sub.as_deref(),
        Some("user-1")
    );
    assert_eq!(
        after.verify(&new_token, NOW).unwrap().sub.as_deref(),
        Some("user-1")
    );
    let new_header = decode_segment(new_token.split('.').next().unwrap());
    assert_eq!(new_header["kid"], "2027");
}

#[test]
fn retired_key_no_longer_verifies() {
    let before = key_set(&AuthConfig {
        keys: vec![key("2026", "HS256", OLD_SECRET)],
        ..AuthConfig::default()
    });
    let old_token = before.issue("user-1", NOW).unwrap().token;

    let retired = key_set(&AuthConfig {
        keys: vec![key("2027", "HS256", NEW_SECRET)],
        ..AuthConfig::default()
    });

    let error = assert_invalid(&retired, &old_token);
    assert_eq!(error.message(), "invalid token: unknown key id");
}

#[test]
fn first_key_signs_by_default() {
    let keys = key_set(&AuthConfig {
        keys: vec![
            key("2026", "HS256", OLD_SECRET),
            key("2027", "HS256", NEW_SECRET),
        ],
        ..AuthConfig::default()
    });

    let token = keys.issue("user-1", NOW).unwrap().token;

    let header = decode_segment(token.split('.').next().unwrap());
    assert_eq!(header["kid"], "2026");
}

#[test]
fn key_id_names_secret_shorthand_key() {
    let keys = key_set(&AuthConfig {
        key_id: Some("primary".to_owned()),
        ..config()
    });

    let token = keys.issue("user-1", NOW).unwrap().token;

    let header = decode_segment(token.split('.').next().unwrap());
    assert_eq!(header["kid"], "primary");
    assert!(keys.verify(&token, NOW).is_ok());
}

#[test]
fn issuer_must_match_exactly() {
    let keys = key_set(&AuthConfig {
        issuer: Some("https://auth.example.com".to_owned()),
        ..config()
    });
    let with_issuer = |iss: Value| {
        let mut claims = valid_claims("user-1");
        claims["iss"] = iss;
        sign_default(&claims)
    };

    assert!(keys
        .verify(&with_issuer(json!("https://auth.example.com")), NOW)
        .is_ok());
    for iss in [
        json!("https://auth.example.com/"),
        json!("https://AUTH.example.com"),
        json!("https://evil.example.com"),
        json!(""),
    ] {
        let error = assert_invalid(&keys, &with_issuer(iss.clone()));
        assert_eq!(
            error.message(),
            "invalid token: unexpected issuer",
            "iss {iss}"
        );
    }
    assert_invalid(&keys, &sign_default(&valid_claims("user-1")));
    assert_invalid(&keys, &with_issuer(json!(["https://auth.example.com"])));
}

#[test]
fn audience_string_or_array_must_contain_expected() {
    let keys = key_set(&AuthConfig {
        audience: Some("api".to_owned()),
        ..config()
    });
    let with_audience = |aud: Value| {
        let mut claims = valid_claims("user-1");
        claims["aud"] = aud;
        sign_default(&claims)
    };

    for aud in [json!("api"), json!(["api"]), json!(["billing", "api"])] {
        let verified = keys.verify(&with_audience(aud.clone()), NOW);
        assert_eq!(
            verified.expect("audience accepted").aud.as_deref(),
            Some("api"),
            "aud {aud}"
        );
    }
    for aud in [
        json!("API"),
        json!("billing"),
        json!(["billing"]),
        json!([]),
        json!(""),
    ] {
        let error = assert_invalid(&keys, &with_audience(aud.clone()));
        assert_eq!(
            error.message(),
            "invalid token: unexpected audience",
            "aud {aud}"
        );
    }
    assert_invalid(&keys, &sign_default(&valid_claims("user-1")));
    for aud in [json!(42), json!(["api", 42]), json!({"aud": "api"})] {
        assert_invalid(&keys, &with_audience(aud));
    }
}

#[test]
fn unknown_claims_are_ignored() {
    let keys = default_keys();
    let mut claims = valid_claims("user-1");
    claims["role"] = json!("admin");
    claims["nested"] = json!({"deep": [1, 2, 3]});

    let verified = keys.verify(&sign_default(&claims), NOW).unwrap();

    assert_eq!(verified.sub.as_deref(), Some("user-1"));
}

#[test]
fn error_messages_never_contain_token() {
    let keys = key_set(&AuthConfig {
        issuer: Some("issuer".to_owned()),
        audience: Some("api".to_owned()),
        ..config()
    });
    let valid = keys.issue("user-1", NOW).unwrap().token;
    let [header, claims, signature]: [&str; 3] =
        valid.split('.').collect::<Vec<_>>().try_into().unwrap();
    let candidates = [
        keys.issue("user-1", NOW - 3600).unwrap().token,
        format!("{header}.{claims}.{}", b64(&[7; 32])),
        format!("{header}.{claims}"),
        format!("{valid}.{signature}"),
        sign_default(&json!({"sub": "user-1", "exp": NOW + 60, "aud": "api"})),
        sign_default(&json!({"sub": "user-1", "exp": "soon"})),
        "x".repeat(10_000),
    ];

    for token in &candidates {
        let error = keys.verify(token, NOW).unwrap_err();
        for rendered in [
            error.message().to_owned(),
            error.to_string(),
            format!("{error:?}"),
        ] {
            for part in token.split('.').filter(|part| part.len() >= 8) {
                assert!(
                    !rendered.contains(part),
                    "{rendered:?} repeats part of the token"
                );
            }
        }
    }
}

#[test]
fn duplicate_header_or_claim_names_are_rejected() {
    let keys = default_keys();
    let claims = valid_claims("user-1").to_string();
    let headers = [
        r#"{"alg":"none","alg":"HS256","kid":"default"}"#,
        r#"{"alg":"HS256","kid":"other","kid":"default"}"#,
        r#"{"alg":"HS256","kid":"default","crit":["exp"],"crit":null}"#,
    ];
    for header in headers {
        let token = sign_raw("HS256", SECRET.as_bytes(), header, &claims);
        assert_invalid(&keys, &token);
    }

    let header = r#"{"alg":"HS256","kid":"default"}"#;
    let claims = [
        format!(
            r#"{{"sub":"user-1","exp":{},"exp":{}}}"#,
            NOW - 10,
            NOW + 600
        ),
        format!(r#"{{"sub":"user-1","sub":"user-2","exp":{}}}"#, NOW + 600),
    ];
    for claims in claims {
        let token = sign_raw("HS256", SECRET.as_bytes(), header, &claims);
        assert_invalid(&keys, &token);
    }
}

// Asymmetric keys: EdDSA (Ed25519) and ES256 (P-256), given as JWKs.

fn p256_key(scalar: u8) -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&[scalar; 32]).expect("valid P-256 scalar")
}

/// Returns the JWK of a P-256 key, with its private part `d` when `private`.
fn p256_jwk(scalar: u8, private: bool) -> Value {
    let signing = p256_key(scalar);
    let jwk = if private {
        JsonWebKey::from(&signing)
    } else {
        JsonWebKey::from(signing.verifying_key())
    };
    serde_json::to_value(&jwk).unwrap()
}

fn jwk_key(kid: &str, alg: &str, jwk: Value) -> KeyConfig {
    KeyConfig {
        kid: kid.to_owned(),
        alg: alg.to_owned(),
        secret: None,
        jwk: Some(JwkConfig(jwk)),
    }
}

fn keys_config(keys: Vec<KeyConfig>) -> AuthConfig {
    AuthConfig {
        keys,
        ..AuthConfig::default()
    }
}

/// Builds an EdDSA token signed by hand with ed25519-compact.
fn sign_ed25519(seed: u8, header: &Value, claims: &Value) -> String {
    let signing_input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let signature = ed25519_pair(seed).sk.sign(signing_input.as_bytes(), None);
    format!("{signing_input}.{}", b64(signature.as_ref()))
}

#[test]
fn eddsa_key_signs_and_verifies() {
    let keys = key_set(&keys_config(vec![jwk_key(
        "ed",
        "EdDSA",
        ed25519_jwk(1, true),
    )]));

    let issued = keys.issue("user-1", NOW).unwrap();
    let hand_made = sign_ed25519(
        1,
        &json!({"alg": "EdDSA", "kid": "ed"}),
        &valid_claims("user-2"),
    );

    let header = decode_segment(issued.token.split('.').next().unwrap());
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["kid"], "ed");
    assert_eq!(
        keys.verify(&issued.token, NOW).unwrap().sub.as_deref(),
        Some("user-1")
    );
    assert_eq!(
        keys.verify(&hand_made, NOW).unwrap().sub.as_deref(),
        Some("user-2")
    );
}

#[test]
fn es256_key_signs_and_verifies() {
    let keys = key_set(&keys_config(vec![jwk_key(
        "ec",
        "ES256",
        p256_jwk(7, true),
    )]));

    let issued = keys.issue("user-1", NOW).unwrap();

    let header = decode_segment(issued.token.split('.').next().unwrap());
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["kid"], "ec");
    assert_eq!(
        keys.verify(&issued.token, NOW).unwrap().sub.as_deref(),
        Some("user-1")
    );
}

#[test]
fn public_jwk_verifies_tokens_of_private_key() {
    let signer = key_set(&keys_config(vec![
        jwk_key("ed", "EdDSA", ed25519_jwk(1, true)),
        jwk_key("ec", "ES256", p256_jwk(7, true)),
    ]));
    let verifier = key_set(&AuthConfig {
        keys: vec![
            key("hmac", "HS256", SECRET),
            jwk_key("ed", "EdDSA", ed25519_jwk(1, false)),
            jwk_key("ec", "ES256", p256_jwk(7, false)),
        ],
        ..AuthConfig::default()
    });
    let signer_ec = key_set(&AuthConfig {
        signing_key_id: Some("ec".to_owned()),
        ..keys_config(vec![
            jwk_key("ed", "EdDSA", ed25519_jwk(1, true)),
            jwk_key("ec", "ES256", p256_jwk(7, true)),
        ])
    });

    for token in [
        signer.issue("user-1", NOW).unwrap().token,
        signer_ec.issue("user-1", NOW).unwrap().token,
    ] {
        let verified = verifier.verify(&token, NOW).unwrap();
        assert_eq!(verified.sub.as_deref(), Some("user-1"));
    }
}

#[test]
fn token_of_other_key_pair_is_rejected() {
    let verifier = key_set(&keys_config(vec![
        key("hmac", "HS256", SECRET),
        jwk_key("ed", "EdDSA", ed25519_jwk(1, false)),
    ]));
    let forged = sign_ed25519(
        2,
        &json!({"alg": "EdDSA", "kid": "ed"}),
        &valid_claims("user-1"),
    );

    let error = assert_invalid(&verifier, &forged);

    assert_eq!(
        error.message(),
        "invalid token: signature verification failed"
    );
}

#[test]
fn hmac_with_public_key_is_rejected() {
    let public_jwk = ed25519_jwk(1, false);
    let keys = key_set(&keys_config(vec![
        key("hmac", "HS256", SECRET),
        jwk_key("ed", "EdDSA", public_jwk.clone()),
    ]));
    let raw_public_key = ed25519_pair(1).pk.to_vec();
    let claims = valid_claims("user-1");

    // The classic algorithm confusion: HMAC keyed with the public key, in every form
    // a verifier might mistake for the secret.
    for secret in [raw_public_key, public_jwk.to_string().into_bytes()] {
        for alg in ["HS256", "HS384", "HS512"] {
            let token = sign(alg, &secret, &json!({"alg": alg, "kid": "ed"}), &claims);
            let error = assert_invalid(&keys, &token);
            assert_eq!(
                error.message(),
                "invalid token: algorithm not allowed for this key"
            );
        }
    }
}

#[test]
fn eddsa_token_rejected_under_es256_kid() {
    let keys = key_set(&keys_config(vec![
        key("hmac", "HS256", SECRET),
        jwk_key("ed", "EdDSA", ed25519_jwk(1, false)),
        jwk_key("ec", "ES256", p256_jwk(7, false)),
    ]));
    let token = sign_ed25519(
        1,
        &json!({"alg": "EdDSA", "kid": "ec"}),
        &valid_claims("user-1"),
    );

    assert_invalid(&keys, &token);
}

/// Returns the bits to flip in a segment of `length` bytes: every bit of the signature,
/// and the lowest bit of each byte of the header and claims, which keeps the number of
/// asymmetric verifications small.
fn flipped_bits(segment_index: usize, length: usize) -> Vec<usize> {
    if segment_index == 2 {
        (0..length * 8).collect()
    } else {
        (0..length).map(|byte| byte * 8).collect()
    }
}

#[test]
fn bit_flips_in_eddsa_token_are_rejected() {
    let keys = key_set(&keys_config(vec![jwk_key(
        "ed",
        "EdDSA",
        ed25519_jwk(1, true),
    )]));
    let token = keys.issue("user-1", NOW).unwrap().token;

    for segment_index in 0..3 {
        let segment = token.split('.').nth(segment_index).unwrap();
        let bytes = base64ct::Base64UrlUnpadded::decode_vec(segment).unwrap();
        for bit in flipped_bits(segment_index, bytes.len()) {
            let mut flipped = bytes.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let tampered = replace_segment(&token, segment_index, &b64(&flipped));
            let result = keys.verify(&tampered, NOW);
            assert!(
                result.is_err(),
                "bit {bit} of segment {segment_index} flipped was accepted"
            );
        }
    }
}

/// The order of the Ed25519 base point, little-endian (RFC 8032, section 5.1).
const ED25519_ORDER: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

// Unlike ECDSA, an Ed25519 signature has one encoding: `S + L` names the same scalar
// as `S` but must not verify (RFC 8032, section 5.1.7).
#[test]
fn eddsa_signature_with_non_canonical_s_is_rejected() {
    let keys = key_set(&keys_config(vec![jwk_key(
        "ed",
        "EdDSA",
        ed25519_jwk(1, true),
    )]));
    let token = keys.issue("user-1", NOW).unwrap().token;
    let mut signature =
        base64ct::Base64UrlUnpadded::decode_vec(token.split('.').nth(2).unwrap()).unwrap();
    let mut carry = 0u16;
    for (byte, order_byte) in signature[32..].iter_mut().zip(ED25519_ORDER) {
        let sum = u16::from(*byte) + u16::from(order_byte) + carry;
        *byte = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0, "S + L fits in 32 bytes");
    let twin = replace_segment(&token, 2, &b64(&signature));

    let error = expect_code(keys.verify(&twin, NOW), ErrorCode::InvalidToken);
    assert!(error.message().contains("signature"), "{error}");
}

// With the identity as public key, R = identity and S = 0 satisfy the plain verification
// equation for every message. Such keys are rejected when the key set is built.
#[test]
fn small_order_eddsa_public_keys_are_invalid_config() {
    let identity = {
        let mut point = [0u8; 32];
        point[0] = 1;
        point
    };
    // A point of order 2: y = -1.
    let order_two = {
        let mut point = [0xffu8; 32];
        point[0] = 0xec;
        point[31] = 0x7f;
        point
    };
    for point in [identity, order_two] {
        let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&point)});
        let config = keys_config(vec![jwk_key("weak", "EdDSA", jwk)]);

        let error = expect_code(KeySet::from_config(&config), ErrorCode::InvalidConfig);

        assert!(error.message().contains("small-order"), "{error}");
    }
}

#[test]
fn bit_flips_in_es256_token_are_rejected() {
    let keys = key_set(&keys_config(vec![jwk_key(
        "ec",
        "ES256",
        p256_jwk(7, true),
    )]));
    let token = keys.issue("user-1", NOW).unwrap().token;

    for segment_index in 0..3 {
        let segment = token.split('.').nth(segment_index).unwrap();
        let bytes = base64ct::Base64UrlUnpadded::decode_vec(segment).unwrap();
        for bit in flipped_bits(segment_index, bytes.len()) {
            let mut flipped = bytes.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let tampered = replace_segment(&token, segment_index, &b64(&flipped));
            let result = keys.verify(&tampered, NOW);
            assert!(
                result.is_err(),
                "bit {bit} of segment {segment_index} flipped was accepted"
            );
        }
    }
}

// An ECDSA signature (r, s) has a twin (r, n - s) that verifies too. Both are accepted
// on purpose: WebCrypto, and so jose, signs with either form, and RFC 7518 allows both.
// Tokens must therefore not be deduplicated or revoked by their text; `jti` identifies
// a token.
#[test]
fn es256_high_s_twin_signature_is_accepted() {
    let keys = key_set(&keys_config(vec![jwk_key(
        "ec",
        "ES256",
        p256_jwk(7, true),
    )]));
    let token = keys.issue("user-1", NOW).unwrap().token;
    let signature_bytes =
        base64ct::Base64UrlUnpadded::decode_vec(token.split('.').nth(2).unwrap()).unwrap();
    let signature = p256::ecdsa::Signature::from_slice(&signature_bytes).unwrap();
    let (r, s) = signature.split_scalars();
    let twin = p256::ecdsa::Signature::from_scalars(r, -*s).unwrap();
    let twin_token = replace_segment(&token, 2, &b64(&twin.to_bytes()));
    assert_ne!(twin_token, token);

    let verified = keys
        .verify(&twin_token, NOW)
        .expect("the twin signature verifies");
    assert_eq!(verified.sub.as_deref(), Some("user-1"));
}

#[test]
fn public_keys_alone_configure_verifier() {
    let signer = key_set(&keys_config(vec![jwk_key(
        "ed",
        "EdDSA",
        ed25519_jwk(1, true),
    )]));
    let token = signer.issue("user-1", NOW).unwrap().token;

    let verifier = KeySet::from_config(&keys_config(vec![jwk_key(
        "ed",
        "EdDSA",
        ed25519_jwk(1, false),
    )]))
    .expect("public keys alone make a verifier");

    assert!(verifier.verify(&token, NOW).is_ok());
}

#[test]
fn public_signing_key_is_invalid_config() {
    let config = AuthConfig {
        signing_key_id: Some("ed".to_owned()),
        ..keys_config(vec![
            key("hmac", "HS256", SECRET),
            jwk_key("ed", "EdDSA", ed25519_jwk(1, false)),
        ])
    };

    let error = expect_code(KeySet::from_config(&config), ErrorCode::InvalidConfig);

    assert!(error.message().contains("no private part"), "{error}");
}

#[test]
fn jwks_lists_public_keys_only() {
    let keys = key_set(&AuthConfig {
        keys: vec![
            key("hmac", "HS256", SECRET),
            jwk_key("ed", "EdDSA", ed25519_jwk(1, true)),
            jwk_key("ec", "ES256", p256_jwk(7, true)),
            jwk_key("ed-old", "EdDSA", ed25519_jwk(2, false)),
        ],
        ..AuthConfig::default()
    });

    let jwks = keys.jwks();

    let listed = jwks["keys"].as_array().expect("keys is an array");
    let kids: Vec<&str> = listed
        .iter()
        .map(|key| key["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids, ["ed", "ec", "ed-old"]);
    for key in listed {
        assert!(key.get("d").is_none(), "private part listed in {key}");
        assert!(key.get("k").is_none(), "secret listed in {key}");
        assert_eq!(key["use"], "sig");
    }
    assert_eq!(listed[0]["alg"], "EdDSA");
    assert_eq!(listed[0]["kty"], "OKP");
    assert_eq!(listed[0]["x"], ed25519_jwk(1, false)["x"]);
    assert_eq!(listed[1]["alg"], "ES256");
    assert_eq!(listed[1]["kty"], "EC");
    assert_eq!(listed[1]["y"], p256_jwk(7, false)["y"]);
    let text = jwks.to_string();
    assert!(!text.contains(SECRET));
    assert!(!text.contains(&b64(SECRET.as_bytes())));
    for private in [ed25519_jwk(1, true), p256_jwk(7, true)] {
        assert!(!text.contains(private["d"].as_str().unwrap()));
    }
}

#[test]
fn jwks_is_empty_for_hmac_keys() {
    let keys = default_keys();

    assert_eq!(keys.jwks(), json!({"keys": []}));
}
