#![cfg(all(target_arch = "wasm32", feature = "bindings"))]
//! The Rust API compiled to wasm32 and run under Node by wasm-bindgen-test: the clock
//! from `Date.now()`, randomness from `crypto.getRandomValues`, Argon2 and the JWS
//! algorithms, checked against the known-answer vectors in tests/vectors.
//!
//! Run with `wasm-pack test --node -- --features bindings`.
//!
//! NOTE: the exported `Auth` class lives in the private `bindings` module, so Rust tests
//! cannot construct it. The JS surface is covered by the Node tests under tests/js; this
//! file covers everything beneath it.

use argon2::password_hash::{PasswordHasher as _, SaltString};
use argon2::{Algorithm, Argon2, AssociatedData, ParamsBuilder, Version};
use jwtlib::password::{PasswordHasher, Verification};
use jwtlib::token::KeySet;
use jwtlib::validate::Password;
use jwtlib::{
    Auth, AuthConfig, AuthError, Clock, ErrorCode, FixedClock, IntrospectResponse, JwkConfig,
    KeyConfig, KeyValueStore, KvUserRepository, LoginRequest, MemoryStore, PasswordConfig,
    RegisterRequest, SkipRule, SystemClock, UserRepository,
};
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

const SECRET: &str = "test secret for HS256, longer than 32 bytes";
const PASSWORD: &str = "correct horse battery staple";
/// The time of fixed clocks, in seconds since the Unix epoch (2027-01-15).
const NOW: i64 = 1_800_000_000;

/// `PASSWORD` hashed natively by the argon2 crate with m=19456, t=2, p=1 and the salt
/// "a fixed test salt".
const NATIVE_PHC: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$YSBmaXhlZCB0ZXN0IHNhbHQ$I1YHr11iVXwgO77b6gG6XAWmVleG+FMoZ0BdgusDhqA";
/// An HS256 token signed natively with `SECRET` and kid "default", expiring in 2100.
const LIVE_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImRlZmF1bHQiLCJ0eXAiOiJKV1QifQ.eyJleHAiOjQxMDI0NDQ4MDAsImlhdCI6MTgwMDAwMDAwMCwic3ViIjoiMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYifQ.S29y9czUuK-WZBJbswesA0BnSFOeUKSSJ4fnkx-f0qw";
/// The same kind of token, expired in 2023.
const EXPIRED_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImRlZmF1bHQiLCJ0eXAiOiJKV1QifQ.eyJleHAiOjE3MDAwMDAwMDAsInN1YiI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIn0.i0v5_SW5BaX_aEGPoRa8c9uhFIXC2myKp0wjktjKBAk";
const TOKEN_SUBJECT: &str = "0123456789abcdef0123456789abcdef";

fn service() -> Auth<KvUserRepository<MemoryStore>> {
    Auth::new(
        &AuthConfig::with_secret(SECRET),
        KvUserRepository::new(MemoryStore::new()),
    )
    .unwrap()
}

fn register_request(username: &str) -> RegisterRequest {
    RegisterRequest {
        username: username.to_owned(),
        email: format!("{username}@example.com"),
        password: PASSWORD.to_owned(),
    }
}

fn login_request(username: &str, password: &str) -> LoginRequest {
    LoginRequest {
        username: username.to_owned(),
        password: password.to_owned(),
    }
}

#[track_caller]
fn expect_code<T: std::fmt::Debug>(result: Result<T, AuthError>, code: ErrorCode) -> AuthError {
    match result {
        Ok(value) => panic!("expected {code}, got Ok({value:?})"),
        Err(error) => {
            assert_eq!(error.code(), code, "unexpected error: {error}");
            error
        }
    }
}

fn vectors(text: &str) -> Value {
    serde_json::from_str(text).expect("vector file is JSON")
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
        .collect()
}

#[wasm_bindgen_test]
fn system_clock_follows_date_now() {
    let date_now = (js_sys::Date::now() / 1000.0) as i64;

    let now = SystemClock.now();

    assert!(
        (date_now - 1..=date_now + 1).contains(&now),
        "{now} vs {date_now}"
    );
    assert!(now > 1_700_000_000);
}

#[wasm_bindgen_test]
async fn register_login_and_use_token() {
    let auth = service();

    let user = auth.register(&register_request("alice")).await.unwrap();
    let login = auth
        .login(&login_request("Alice@Example.com", PASSWORD))
        .await
        .unwrap();

    assert_eq!(login.user, user);
    assert_eq!(login.token_type, "Bearer");
    assert_eq!(auth.current_user(&login.access_token).await.unwrap(), user);
    let header = format!("Bearer {}", login.access_token);
    let resolved = auth
        .authenticate_request("GET", "/me", Some(&header), &SkipRule::default())
        .await
        .unwrap();
    assert_eq!(resolved, Some(user.clone()));
    let introspection = auth.introspect(&login.access_token).await;
    assert!(introspection.active);
    assert_eq!(introspection.username.as_deref(), Some("alice"));
    assert_eq!(
        auth.logout(Some(&login.access_token)).message,
        "Successfully logged out"
    );
    // The clock is Date.now(): the token was issued within the last few seconds.
    let verified = auth.verify_token(&login.access_token).unwrap();
    let issued_at = verified.iat.expect("iat is set");
    assert!((SystemClock.now() - issued_at).abs() <= 5);
}

#[wasm_bindgen_test]
async fn login_failures_look_alike() {
    let auth = service();
    auth.register(&register_request("alice")).await.unwrap();

    let wrong_password = expect_code(
        auth.login(&login_request("alice", "wrong password")).await,
        ErrorCode::InvalidCredentials,
    );
    let unknown_user = expect_code(
        auth.login(&login_request("bob", PASSWORD)).await,
        ErrorCode::InvalidCredentials,
    );

    assert_eq!(wrong_password, unknown_user);
    assert!(!wrong_password.message().contains("wrong password"));
}

#[wasm_bindgen_test]
async fn registration_errors() {
    let auth = service();
    auth.register(&register_request("alice")).await.unwrap();

    let mut same_name = register_request("ＡＬＩＣＥ");
    same_name.email = "other@example.com".to_owned();
    expect_code(auth.register(&same_name).await, ErrorCode::UserExists);
    let mut long_password = register_request("bob");
    long_password.password = "p".repeat(1025);
    expect_code(
        auth.register(&long_password).await,
        ErrorCode::ValidationFailed,
    );
}

#[wasm_bindgen_test]
async fn random_source_gives_distinct_ids_and_salts() {
    let auth = service();

    let alice = auth.register(&register_request("alice")).await.unwrap();
    let bob = auth.register(&register_request("bob")).await.unwrap();
    let first = auth.hash_password(PASSWORD).unwrap();
    let second = auth.hash_password(PASSWORD).unwrap();

    assert_ne!(alice.id, bob.id);
    assert_eq!(alice.id.len(), 32);
    assert_ne!(first, second);
}

#[wasm_bindgen_test]
fn argon2_output_matches_native_build() {
    let params = ParamsBuilder::new()
        .m_cost(19_456)
        .t_cost(2)
        .p_cost(1)
        .build()
        .unwrap();
    let salt = SaltString::encode_b64(b"a fixed test salt").unwrap();

    let phc = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(PASSWORD.as_bytes(), &salt)
        .unwrap()
        .to_string();

    assert_eq!(phc, NATIVE_PHC);
    assert_eq!(service().verify_password(PASSWORD, NATIVE_PHC), Ok(true));
}

#[wasm_bindgen_test]
fn argon2_matches_rfc_9106_known_answer() {
    let vector = vectors(include_str!("vectors/argon2.json"))["rfc9106"].clone();
    let field = |name: &str| hex(vector[name].as_str().unwrap());
    let number = |name: &str| u32::try_from(vector[name].as_u64().unwrap()).unwrap();
    let params = ParamsBuilder::new()
        .m_cost(number("memory_kib"))
        .t_cost(number("iterations"))
        .p_cost(number("parallelism"))
        .data(AssociatedData::new(&field("associated_data_hex")).unwrap())
        .output_len(32)
        .build()
        .unwrap();
    let secret = field("secret_hex");
    let argon2 =
        Argon2::new_with_secret(&secret, Algorithm::Argon2id, Version::V0x13, params).unwrap();
    let mut tag = [0u8; 32];

    argon2
        .hash_password_into(&field("password_hex"), &field("salt_hex"), &mut tag)
        .unwrap();

    assert_eq!(tag.to_vec(), field("tag_hex"));
}

#[wasm_bindgen_test]
fn phc_strings_from_other_implementations_verify() {
    let file = vectors(include_str!("vectors/argon2.json"));
    let hasher = PasswordHasher::new(PasswordConfig::default()).unwrap();

    for vector in file["phc"].as_array().unwrap() {
        let stored = vector["hash"].as_str().unwrap();
        let password = Password::parse(vector["password"].as_str().unwrap()).unwrap();
        let needs_rehash = vector["needs_rehash"].as_bool().unwrap();
        assert_eq!(
            hasher.verify(&password, stored),
            Ok(Verification::Match { needs_rehash }),
            "{stored}"
        );
        let wrong = Password::parse("not the password").unwrap();
        assert_eq!(
            hasher.verify(&wrong, stored),
            Ok(Verification::Mismatch),
            "{stored}"
        );
    }
}

#[wasm_bindgen_test]
fn rfc_jws_vectors_verify() {
    let file = vectors(include_str!("vectors/jws.json"));

    for vector in file["vectors"].as_array().unwrap() {
        let name = vector["name"].as_str().unwrap();
        let config = AuthConfig {
            keys: vec![KeyConfig {
                kid: "rfc".to_owned(),
                alg: vector["alg"].as_str().unwrap().to_owned(),
                secret: None,
                jwk: Some(JwkConfig(vector["jwk"].clone())),
            }],
            ..AuthConfig::default()
        };
        let keys = KeySet::from_config(&config).unwrap_or_else(|error| panic!("{name}: {error}"));
        let token = vector["token"].as_str().unwrap();

        if vector["payload_is_claims"].as_bool() == Some(true) {
            let exp = vector["exp"].as_i64().unwrap();
            let verified = keys
                .verify(token, exp - 1)
                .unwrap_or_else(|error| panic!("{name}: {error}"));
            assert_eq!(verified.exp, exp, "{name}");
            expect_code(keys.verify(token, exp), ErrorCode::TokenExpired);
        } else {
            // The signature verifies but the payload is not a claims set.
            let error = expect_code(keys.verify(token, 0), ErrorCode::InvalidToken);
            assert!(error.message().contains("malformed claims"), "{name}");
        }

        // Every key of the vectors can sign: tokens issued here verify here.
        let issued = keys.issue("user-1", NOW).unwrap();
        let verified = keys.verify(&issued.token, NOW).unwrap();
        assert_eq!(verified.sub.as_deref(), Some("user-1"), "{name}");
    }
}

#[wasm_bindgen_test]
fn native_tokens_verify_on_wasm() {
    let auth = service();

    let verified = auth.verify_token(LIVE_TOKEN).unwrap();

    assert_eq!(verified.sub.as_deref(), Some(TOKEN_SUBJECT));
    assert_eq!(verified.exp, 4_102_444_800);
    expect_code(auth.verify_token(EXPIRED_TOKEN), ErrorCode::TokenExpired);
    let tampered = LIVE_TOKEN.replace(".S29y", ".S29z");
    expect_code(auth.verify_token(&tampered), ErrorCode::InvalidToken);
    expect_code(auth.verify_token("a.b.c"), ErrorCode::InvalidToken);
}

#[wasm_bindgen_test]
async fn fixed_clock_decides_expiry() {
    let clock = FixedClock::new(NOW);
    let config = AuthConfig {
        access_token_ttl: Some(60),
        ..AuthConfig::with_secret(SECRET)
    };
    let auth = Auth::with_clock(
        &config,
        KvUserRepository::new(MemoryStore::new()),
        clock.clone(),
    )
    .unwrap();
    auth.register(&register_request("alice")).await.unwrap();
    let token = auth
        .login(&login_request("alice", PASSWORD))
        .await
        .unwrap()
        .access_token;

    clock.set(NOW + 59);
    assert!(auth.current_user(&token).await.is_ok());
    clock.set(NOW + 60);
    expect_code(auth.current_user(&token).await, ErrorCode::TokenExpired);
    assert_eq!(
        auth.introspect(&token).await,
        IntrospectResponse::inactive()
    );
}

#[wasm_bindgen_test]
async fn disabled_and_deleted_users() {
    let store = MemoryStore::new();
    let auth = Auth::new(
        &AuthConfig::with_secret(SECRET),
        KvUserRepository::new(store.clone()),
    )
    .unwrap();
    let user = auth.register(&register_request("alice")).await.unwrap();
    let token = auth
        .login(&login_request("alice", PASSWORD))
        .await
        .unwrap()
        .access_token;
    let mut record = auth
        .repository()
        .find_by_id(&user.id)
        .await
        .unwrap()
        .unwrap();

    record.is_active = false;
    auth.repository().update(&record).await.unwrap();
    expect_code(auth.current_user(&token).await, ErrorCode::UserInactive);
    expect_code(
        auth.login(&login_request("alice", PASSWORD)).await,
        ErrorCode::UserInactive,
    );

    store.delete(&format!("user/id/{}", user.id)).await.unwrap();
    expect_code(auth.current_user(&token).await, ErrorCode::UserNotFound);
}

/// A store whose every operation fails, as an unreachable KV namespace does.
struct UnreachableStore;

impl KeyValueStore for UnreachableStore {
    async fn get(&self, _key: &str) -> Result<Option<String>, AuthError> {
        Err(AuthError::new(
            ErrorCode::RepositoryUnavailable,
            "user store unavailable: get failed",
        ))
    }

    async fn put(&self, _key: &str, _value: &str) -> Result<(), AuthError> {
        Err(AuthError::new(
            ErrorCode::RepositoryUnavailable,
            "user store unavailable: put failed",
        ))
    }

    async fn delete(&self, _key: &str) -> Result<(), AuthError> {
        Err(AuthError::new(
            ErrorCode::RepositoryUnavailable,
            "user store unavailable: delete failed",
        ))
    }
}

#[wasm_bindgen_test]
async fn store_failure_is_repository_unavailable() {
    let auth = Auth::new(
        &AuthConfig::with_secret(SECRET),
        KvUserRepository::new(UnreachableStore),
    )
    .unwrap();

    expect_code(
        auth.register(&register_request("alice")).await,
        ErrorCode::RepositoryUnavailable,
    );
    expect_code(
        auth.login(&login_request("alice", PASSWORD)).await,
        ErrorCode::RepositoryUnavailable,
    );
    expect_code(
        auth.current_user(LIVE_TOKEN).await,
        ErrorCode::RepositoryUnavailable,
    );
    assert!(!auth.introspect(LIVE_TOKEN).await.active);
}

#[wasm_bindgen_test]
fn invalid_config_is_reported() {
    let short = Auth::new(
        &AuthConfig::with_secret("too short"),
        KvUserRepository::new(MemoryStore::new()),
    );
    let error = expect_code(short, ErrorCode::InvalidConfig);
    assert!(!error.message().contains("too short"));

    let weak = AuthConfig {
        password: PasswordConfig {
            memory_kib: 8192,
            iterations: 1,
            parallelism: 1,
        },
        ..AuthConfig::with_secret(SECRET)
    };
    expect_code(
        Auth::new(&weak, KvUserRepository::new(MemoryStore::new())),
        ErrorCode::InvalidConfig,
    );
}

// In wasm, NFKC comes from the JS host rather than the unicode-normalization crate, so
// this checks the host against the same vector file as the native test.
#[wasm_bindgen_test]
fn host_nfkc_matches_python_unicodedata() {
    let file = vectors(include_str!("vectors/nfkc.json"));
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
