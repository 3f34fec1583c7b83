//! Helpers shared by the native integration tests: a service over an in-memory store
//! with a fixed clock, registration shortcuts, and hand-made tokens signed with HMAC so
//! that tests control every byte of the header and the claims.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use base64ct::{Base64UrlUnpadded, Encoding};
use hmac::{Hmac, Mac};
use jwtlib::{
    Auth, AuthConfig, AuthError, ErrorCode, FixedClock, KeyValueStore, KvUserRepository,
    LoginRequest, LoginResponse, MemoryStore, PublicUser, RegisterRequest,
};
use serde_json::{json, Value};
use sha2::{Sha256, Sha384, Sha512};

#[allow(unused_imports)]
pub use futures_lite::future::block_on;

/// The HS256 secret of [`config`]: 45 bytes.
pub const SECRET: &str = "test secret for HS256, longer than 32 bytes";
/// The time of every fixed clock, in seconds since the Unix epoch (2027-01-15).
pub const NOW: i64 = 1_800_000_000;
/// A password that passes the length rules.
pub const PASSWORD: &str = "correct horse battery staple";

/// The service type used by the tests.
pub type Service = Auth<KvUserRepository<MemoryStore>, FixedClock>;

/// A service with handles on its clock and its store.
pub struct Fixture {
    pub auth: Service,
    pub clock: FixedClock,
    pub store: MemoryStore,
}

/// Returns a configuration with the single HS256 key [`SECRET`].
pub fn config() -> AuthConfig {
    AuthConfig::with_secret(SECRET)
}

/// Builds a service over an empty store with the clock at [`NOW`].
pub fn fixture_with(config: &AuthConfig) -> Fixture {
    let clock = FixedClock::new(NOW);
    let store = MemoryStore::new();
    let auth = Auth::with_clock(config, KvUserRepository::new(store.clone()), clock.clone())
        .expect("test configuration is valid");
    Fixture { auth, clock, store }
}

/// Builds a service with [`config`].
pub fn fixture() -> Fixture {
    fixture_with(&config())
}

pub fn register_request(username: &str, email: &str, password: &str) -> RegisterRequest {
    RegisterRequest {
        username: username.to_owned(),
        email: email.to_owned(),
        password: password.to_owned(),
    }
}

pub fn login_request(username: &str, password: &str) -> LoginRequest {
    LoginRequest {
        username: username.to_owned(),
        password: password.to_owned(),
    }
}

/// Registers `username` with the email `{username}@example.com` and [`PASSWORD`].
pub async fn register(auth: &Service, username: &str) -> PublicUser {
    let email = format!("{}@example.com", username.to_ascii_lowercase());
    auth.register(&register_request(username, &email, PASSWORD))
        .await
        .expect("registration succeeds")
}

/// Logs `username` in with [`PASSWORD`].
pub async fn login(auth: &Service, username: &str) -> LoginResponse {
    auth.login(&login_request(username, PASSWORD))
        .await
        .expect("login succeeds")
}

/// Registers `username` and returns the access token of its first login.
pub async fn token_for(auth: &Service, username: &str) -> (PublicUser, String) {
    let user = register(auth, username).await;
    let token = login(auth, username).await.access_token;
    (user, token)
}

/// Asserts that `result` failed with `code` and returns the error.
#[track_caller]
pub fn expect_code<T: std::fmt::Debug>(result: Result<T, AuthError>, code: ErrorCode) -> AuthError {
    match result {
        Ok(value) => panic!("expected {code}, got Ok({value:?})"),
        Err(error) => {
            assert_eq!(error.code(), code, "unexpected error: {error}");
            error
        }
    }
}

/// Encodes bytes as unpadded base64url, the JWS segment encoding.
pub fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// Decodes one JWS segment into JSON.
pub fn decode_segment(segment: &str) -> Value {
    let bytes = Base64UrlUnpadded::decode_vec(segment).expect("segment is base64url");
    serde_json::from_slice(&bytes).expect("segment is JSON")
}

/// Computes the HMAC of `input` with the hash that the JWS algorithm `alg` names.
pub fn hmac(alg: &str, secret: &[u8], input: &[u8]) -> Vec<u8> {
    fn mac<M: Mac + hmac::digest::KeyInit>(secret: &[u8], input: &[u8]) -> Vec<u8> {
        let mut mac = <M as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
        mac.update(input);
        mac.finalize().into_bytes().to_vec()
    }
    match alg {
        "HS256" => mac::<Hmac<Sha256>>(secret, input),
        "HS384" => mac::<Hmac<Sha384>>(secret, input),
        "HS512" => mac::<Hmac<Sha512>>(secret, input),
        other => panic!("no HMAC for {other}"),
    }
}

/// Builds a compact JWS from raw header and claims text, signed with `alg` and `secret`.
pub fn sign_raw(alg: &str, secret: &[u8], header: &str, claims: &str) -> String {
    let signing_input = format!("{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()));
    let signature = hmac(alg, secret, signing_input.as_bytes());
    format!("{signing_input}.{}", b64(&signature))
}

/// Builds a compact JWS from JSON header and claims, signed with `alg` and `secret`.
pub fn sign(alg: &str, secret: &[u8], header: &Value, claims: &Value) -> String {
    sign_raw(alg, secret, &header.to_string(), &claims.to_string())
}

/// Signs `claims` with [`SECRET`] under the header `{"alg":"HS256","kid":"default"}`.
pub fn sign_default(claims: &Value) -> String {
    sign(
        "HS256",
        SECRET.as_bytes(),
        &json!({"alg": "HS256", "typ": "JWT", "kid": "default"}),
        claims,
    )
}

/// Claims that pass every check at [`NOW`] for the configuration of [`config`].
pub fn valid_claims(sub: &str) -> Value {
    json!({"sub": sub, "iat": NOW, "exp": NOW + 600, "jti": "0123456789abcdef"})
}

/// Which operations of a [`FailingStore`] fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Every read, write and delete fails.
    Everything,
    /// Reads succeed; writes and deletes fail.
    Writes,
}

/// A [`KeyValueStore`] over a [`MemoryStore`] that fails as a KV namespace does when it
/// is unreachable: with `repository_unavailable`.
#[derive(Debug, Clone)]
pub struct FailingStore {
    pub inner: MemoryStore,
    pub failure: Failure,
}

impl FailingStore {
    pub fn new(failure: Failure) -> Self {
        Self {
            inner: MemoryStore::new(),
            failure,
        }
    }

    fn unavailable(operation: &str) -> AuthError {
        AuthError::new(
            ErrorCode::RepositoryUnavailable,
            format!("user store unavailable: {operation} failed"),
        )
    }
}

impl KeyValueStore for FailingStore {
    async fn get(&self, key: &str) -> Result<Option<String>, AuthError> {
        if self.failure == Failure::Everything {
            return Err(Self::unavailable("get"));
        }
        self.inner.get(key).await
    }

    async fn put(&self, key: &str, value: &str) -> Result<(), AuthError> {
        let _ = (key, value);
        Err(Self::unavailable("put"))
    }

    async fn delete(&self, key: &str) -> Result<(), AuthError> {
        let _ = key;
        Err(Self::unavailable("delete"))
    }
}

/// Returns the Ed25519 key pair whose 32-byte seed repeats `seed`, made by ed25519-compact.
pub fn ed25519_pair(seed: u8) -> ed25519_compact::KeyPair {
    ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new([seed; 32]))
}

/// Returns the JWK (RFC 8037) of `ed25519_pair(seed)`, with its private part `d` when
/// `private`.
pub fn ed25519_jwk(seed: u8, private: bool) -> Value {
    let pair = ed25519_pair(seed);
    let mut jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": b64(pair.pk.as_ref())});
    if private {
        jwk["d"] = json!(b64(&[seed; 32]));
    }
    jwk
}
