#![cfg(not(target_arch = "wasm32"))]
//! Property tests: token verification, input parsing and PHC checks never panic on
//! arbitrary input (apart from the argon2 overflow noted at `phc_like`) and fail only
//! with the documented codes.
//!
//! Password cases use tiny Argon2 costs or costs above the ceiling, so each case is
//! fast, and their case count is kept at 64 all the same.

mod common;

use common::*;
use jwtlib::password::{PasswordHasher, UnusableHash, Verification};
use jwtlib::token::KeySet;
use jwtlib::validate::{Email, Password, Username};
use jwtlib::{parse_bearer, ErrorCode, LoginRequest, PasswordConfig, RegisterRequest};
use proptest::prelude::*;
use serde_json::{json, Value};

fn default_keys() -> KeySet {
    KeySet::from_config(&config()).unwrap()
}

#[track_caller]
fn assert_token_error(result: jwtlib::Result<jwtlib::VerifiedToken>) {
    match result {
        Ok(verified) => panic!("accepted: {verified:?}"),
        Err(error) => assert!(
            matches!(
                error.code(),
                ErrorCode::InvalidToken | ErrorCode::TokenExpired
            ),
            "{error}"
        ),
    }
}

/// Returns whether `seconds` is a timestamp that the claims decoder accepts.
fn in_timestamp_range(seconds: i64) -> bool {
    chrono::DateTime::from_timestamp(seconds, 0).is_some()
}

/// Unpadded base64url segments of arbitrary bytes, joined by dots.
fn segments() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..48), 1..5).prop_map(|parts| {
        parts
            .iter()
            .map(|part| b64(part))
            .collect::<Vec<_>>()
            .join(".")
    })
}

/// Small JSON values, nested at most two levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|number| json!(number)),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Timestamps around [`NOW`] and at the edges of the accepted range.
fn timestamp() -> impl Strategy<Value = i64> {
    prop_oneof![
        (NOW - 100)..(NOW + 100),
        any::<i64>(),
        Just(i64::MAX),
        Just(i64::MIN),
        Just(0),
    ]
}

proptest! {
    #[test]
    fn verify_rejects_arbitrary_text(token in ".{0,300}") {
        assert_token_error(default_keys().verify(&token, NOW));
    }

    #[test]
    fn verify_rejects_base64url_segments(token in segments()) {
        assert_token_error(default_keys().verify(&token, NOW));
    }

    #[test]
    fn verify_rejects_dotted_alphabet(token in "[A-Za-z0-9_=+/ .-]{0,200}") {
        assert_token_error(default_keys().verify(&token, NOW));
    }

    #[test]
    fn verify_rejects_unsigned_json(header in json_value(), claims in json_value()) {
        let token = format!(
            "{}.{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes()),
            b64(&[0; 32])
        );
        assert_token_error(default_keys().verify(&token, NOW));
    }

    #[test]
    fn verify_signed_claims_follow_time_rules(
        sub in ".{0,40}",
        exp in timestamp(),
        nbf in prop::option::of(timestamp()),
        extra in json_value(),
    ) {
        let mut claims = json!({"sub": sub, "exp": exp, "extra": extra});
        if let Some(nbf) = nbf {
            claims["nbf"] = json!(nbf);
        }
        let token = sign_default(&claims);

        let result = default_keys().verify(&token, NOW);

        let decodable = in_timestamp_range(exp) && nbf.is_none_or(in_timestamp_range);
        if !decodable {
            prop_assert_eq!(result.unwrap_err().code(), ErrorCode::InvalidToken);
        } else if NOW >= exp {
            prop_assert_eq!(result.unwrap_err().code(), ErrorCode::TokenExpired);
        } else if nbf.is_some_and(|nbf| nbf > NOW) {
            prop_assert_eq!(result.unwrap_err().code(), ErrorCode::InvalidToken);
        } else {
            let verified = result.unwrap();
            prop_assert_eq!(verified.sub, Some(sub));
            prop_assert_eq!(verified.exp, exp);
        }
    }

    #[test]
    fn verify_signed_arbitrary_headers(header in json_value(), claims in json_value()) {
        // Signed with the right key, so only the header and claims decide.
        let token = sign_raw("HS256", SECRET.as_bytes(), &header.to_string(), &claims.to_string());
        let result = default_keys().verify(&token, NOW);
        if let Err(error) = result {
            prop_assert!(matches!(error.code(), ErrorCode::InvalidToken | ErrorCode::TokenExpired));
        } else {
            // Acceptance needs an HS256 header without crit and claims with a live exp.
            prop_assert_eq!(&header["alg"], "HS256");
            prop_assert!(header.get("crit").is_none());
            prop_assert!(claims["exp"].as_f64().is_some_and(|exp| exp > NOW as f64));
        }
    }

    #[test]
    fn username_parse_never_panics(input in ".{0,80}") {
        if let Ok(username) = Username::parse(&input) {
            let length = username.as_str().chars().count();
            prop_assert!((3..=32).contains(&length));
            prop_assert!(username.as_str().is_ascii());
            prop_assert_eq!(username.key(), username.as_str().to_ascii_lowercase());
            // Parsing is idempotent on its own output.
            prop_assert_eq!(Username::parse(username.as_str()).unwrap(), username);
        }
    }

    #[test]
    fn username_from_allowed_alphabet(input in "[A-Za-z0-9][A-Za-z0-9._-]{2,31}") {
        let username = Username::parse(&input).unwrap();
        prop_assert_eq!(username.as_str(), input.as_str());
    }

    #[test]
    fn email_parse_never_panics(input in ".{0,40}@?.{0,40}") {
        if let Ok(email) = Email::parse(&input) {
            prop_assert!(email.as_str().len() <= 254);
            prop_assert!(email.as_str().contains('@'));
            prop_assert_eq!(email.as_str(), email.as_str().to_lowercase());
            prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email);
        }
    }

    #[test]
    fn password_bounds_are_bytes(input in ".{0,600}") {
        let accepted = Password::parse(&input).is_ok();
        prop_assert_eq!(accepted, (8..=1024).contains(&input.len()));
    }

    #[test]
    fn parse_bearer_never_panics(header in ".{0,60}") {
        if let Ok(token) = parse_bearer(&header) {
            prop_assert!(!token.is_empty());
            prop_assert!(!token.contains([' ', '\t']));
            prop_assert!(header.to_ascii_lowercase().starts_with("bearer "));
        }
    }

    #[test]
    fn request_bodies_never_panic(body in json_value()) {
        for result in [
            RegisterRequest::from_json(body.clone()).map(|_| ()),
            LoginRequest::from_json(body.clone()).map(|_| ()),
        ] {
            if let Err(error) = result {
                prop_assert_eq!(error.code(), ErrorCode::ValidationFailed);
            }
        }
    }
}

/// PHC-like strings: Argon2 identifiers, versions and costs that are either tiny (fast
/// to compute) or above the ceiling (refused without work), with random salt and hash.
fn phc_like() -> impl Strategy<Value = String> {
    let algorithm = prop::sample::select(vec!["argon2id", "argon2i", "argon2d", "argon2x", ""]);
    let version = prop::sample::select(vec!["v=19$", "v=16$", "", "v=0$", "v=4294967296$"]);
    let cost = prop_oneof![
        (8u32..64, 1u32..3, 1u32..3),
        (65_537u32..=u32::MAX, 1u32..20, 1u32..20),
        (8u32..64, 17u32..=u32::MAX, 1u32..3),
        (8u32..64, 1u32..3, 17u32..=u32::MAX),
    ];
    let salt = prop::collection::vec(any::<u8>(), 0..40);
    let hash = prop::collection::vec(any::<u8>(), 0..70);
    (algorithm, version, cost, salt, hash).prop_map(
        |(algorithm, version, (memory_kib, iterations, parallelism), salt, hash)| {
            let unpadded = |bytes: &[u8]| b64(bytes).replace('-', "+").replace('_', "/");
            format!(
                "${algorithm}${version}m={memory_kib},t={iterations},p={parallelism}${}${}",
                unpadded(&salt),
                unpadded(&hash)
            )
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn phc_verify_never_panics(stored in phc_like()) {
        let hasher = PasswordHasher::new(PasswordConfig::default()).unwrap();
        let password = Password::parse(PASSWORD).unwrap();

        let result = hasher.verify(&password, &stored);

        // A random tag never matches.
        prop_assert!(
            matches!(
                result,
                Ok(Verification::Mismatch)
                    | Err(UnusableHash::Malformed)
                    | Err(UnusableHash::TooCostly)
            ),
            "{:?} for {}",
            result,
            stored
        );
    }

    #[test]
    fn phc_verify_refuses_arbitrary_text(stored in "\\$?(argon2id\\$)?.{0,120}") {
        let hasher = PasswordHasher::new(PasswordConfig::default()).unwrap();
        let password = Password::parse(PASSWORD).unwrap();

        let result = hasher.verify(&password, &stored);

        prop_assert!(
            !matches!(result, Ok(Verification::Match { .. })),
            "{:?} for {}",
            result,
            stored
        );
    }
}
