//! Known-answer tests from the RFCs and from other Argon2 implementations. The vectors
//! live in tests/vectors/*.json, each with its source.

use argon2::{Algorithm, Argon2, AssociatedData, ParamsBuilder, Version};
use jwtlib::password::{PasswordHasher, UnusableHash, Verification};
use jwtlib::token::KeySet;
use jwtlib::validate::Password;
use jwtlib::{AuthConfig, ErrorCode, JwkConfig, KeyConfig, PasswordConfig};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{path}: {err}"))
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
        .collect()
}

fn key_set_for(vector: &Value) -> KeySet {
    let config = AuthConfig {
        keys: vec![KeyConfig {
            kid: "rfc".to_owned(),
            alg: vector["alg"].as_str().expect("alg").to_owned(),
            secret: None,
            jwk: Some(JwkConfig(vector["jwk"].clone())),
        }],
        ..AuthConfig::default()
    };
    KeySet::from_config(&config).expect("the RFC key loads")
}

/// Flips the lowest bit of the first signature byte, keeping the base64url valid.
fn flip_signature_bit(token: &str) -> String {
    let (signed, signature) = token.rsplit_once('.').expect("three segments");
    let mut bytes = signature.as_bytes().to_vec();
    bytes[0] = if bytes[0] == b'A' { b'B' } else { b'A' };
    format!("{signed}.{}", String::from_utf8(bytes).expect("ascii"))
}

#[test]
fn rfc_jws_vectors_verify_under_fixed_clock() {
    let vectors = load("jws.json");
    for vector in vectors["vectors"].as_array().expect("vectors") {
        let name = vector["name"].as_str().expect("name");
        let token = vector["token"].as_str().expect("token");
        let keys = key_set_for(vector);

        if vector["payload_is_claims"].as_bool() == Some(true) {
            let exp = vector["exp"].as_i64().expect("exp");
            let verified = keys
                .verify(token, exp - 1)
                .unwrap_or_else(|err| panic!("{name}: {err}"));
            assert_eq!(verified.exp, exp, "{name}");
            assert_eq!(verified.iss.as_deref(), vector["iss"].as_str(), "{name}");
            assert_eq!(verified.sub, None, "{name}");

            let expired = keys
                .verify(token, exp)
                .expect_err("exp equal to now is expired");
            assert_eq!(expired.code(), ErrorCode::TokenExpired, "{name}");
        } else {
            // The signature verifies, so the failure comes from the payload, which is not
            // a claims set.
            let error = keys
                .verify(token, 0)
                .expect_err("payload is not a claims set");
            assert_eq!(error.code(), ErrorCode::InvalidToken, "{name}");
            assert!(
                error.message().contains("malformed claims"),
                "{name}: {}",
                error.message()
            );
        }

        let tampered = keys
            .verify(&flip_signature_bit(token), 0)
            .expect_err("tampered");
        assert_eq!(tampered.code(), ErrorCode::InvalidToken, "{name}");
        assert!(
            tampered.message().contains("signature verification failed"),
            "{name}: {}",
            tampered.message()
        );
    }
}

#[test]
fn rfc9106_argon2id_known_answer() {
    let vector = &load("argon2.json")["rfc9106"];
    let number = |field: &str| vector[field].as_u64().expect(field) as u32;
    let params = ParamsBuilder::new()
        .m_cost(number("memory_kib"))
        .t_cost(number("iterations"))
        .p_cost(number("parallelism"))
        .data(AssociatedData::new(&hex(vector["associated_data_hex"].as_str().unwrap())).unwrap())
        .build()
        .expect("params");
    let secret = hex(vector["secret_hex"].as_str().unwrap());
    let argon2 = Argon2::new_with_secret(&secret, Algorithm::Argon2id, Version::V0x13, params)
        .expect("context");
    let mut tag = [0u8; 32];
    argon2
        .hash_password_into(
            &hex(vector["password_hex"].as_str().unwrap()),
            &hex(vector["salt_hex"].as_str().unwrap()),
            &mut tag,
        )
        .expect("hash");
    assert_eq!(tag.to_vec(), hex(vector["tag_hex"].as_str().unwrap()));
}

#[test]
fn phc_strings_from_other_implementations_verify() {
    let hasher = PasswordHasher::new(PasswordConfig::default()).expect("default policy");
    let vectors = load("argon2.json");
    for vector in vectors["phc"].as_array().expect("phc") {
        let hash = vector["hash"].as_str().expect("hash");
        let password = Password::parse(vector["password"].as_str().expect("password")).unwrap();
        let expected_rehash = vector["needs_rehash"].as_bool().expect("needs_rehash");
        assert_eq!(
            hasher.verify(&password, hash),
            Ok(Verification::Match {
                needs_rehash: expected_rehash
            }),
            "{hash}"
        );

        let wrong = Password::parse("not the password").unwrap();
        assert_eq!(
            hasher.verify(&wrong, hash),
            Ok(Verification::Mismatch),
            "{hash}"
        );
    }
}

#[test]
fn phc_strings_above_ceiling_are_not_attempted() {
    let hasher = PasswordHasher::new(PasswordConfig::default()).expect("default policy");
    let password = Password::parse("password").unwrap();
    let vectors = load("argon2.json");
    for vector in vectors["too_costly"].as_array().expect("too_costly") {
        let hash = vector["hash"].as_str().expect("hash");
        assert_eq!(
            hasher.verify(&password, hash),
            Err(UnusableHash::TooCostly),
            "{hash}"
        );
    }
}

#[test]
fn nfkc_matches_python_unicodedata() {
    let file = load("nfkc.json");
    let cases = file["cases"].as_array().expect("cases");
    assert!(cases.len() >= 20);
    for case in cases {
        let input = case["input"].as_str().expect("input");
        assert_eq!(
            jwtlib::validate::nfkc(input),
            case["nfkc"].as_str().expect("nfkc"),
            "{}",
            case["label"]
        );
    }
}
