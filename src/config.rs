//! Configuration and its validation.
//!
//! [`AuthConfig`] is plain data, deserialized from a JS object or from Worker variables
//! with camelCase names. [`crate::Auth::new`] validates it once, at start-up; every
//! problem is an [`ErrorCode::InvalidConfig`](crate::ErrorCode::InvalidConfig) error.

use std::fmt;

use serde::Deserialize;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{AuthError, Result};

/// Default lifetime of an access token: 30 minutes.
pub const DEFAULT_ACCESS_TOKEN_TTL: u64 = 30 * 60;
/// Default clock skew tolerated when checking `exp` and `nbf`, in seconds.
pub const DEFAULT_LEEWAY: u64 = 0;
/// Default cap on the length of a presented token, checked before any decoding.
pub const DEFAULT_MAX_TOKEN_LENGTH: usize = 8 * 1024;
/// Maximum access token lifetime accepted in the configuration: 30 days.
pub const MAX_ACCESS_TOKEN_TTL: u64 = 30 * 24 * 60 * 60;
/// Largest leeway accepted in the configuration: 5 minutes.
pub const MAX_LEEWAY: u64 = 5 * 60;
/// Default time a JS store call may take before it fails, in milliseconds.
pub const DEFAULT_STORE_TIMEOUT_MS: u64 = 10_000;
/// Key id used by the `secret` shorthand when `keyId` is not set.
pub const DEFAULT_KEY_ID: &str = "default";

/// Everything [`crate::Auth`] needs besides the user store.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthConfig {
    /// Shorthand for a single HS256 key: the shared secret as a UTF-8 string of at least
    /// 32 bytes. Use either this or `keys`.
    #[serde(default)]
    pub secret: Option<Secret>,
    /// Key id for the `secret` shorthand. Default: `"default"`.
    #[serde(default)]
    pub key_id: Option<String>,
    /// The key set: every key verifies tokens that name its `kid`, and the signing key
    /// issues new ones.
    #[serde(default)]
    pub keys: Vec<KeyConfig>,
    /// The `kid` of the key that signs new tokens. Default: the first key.
    #[serde(default)]
    pub signing_key_id: Option<String>,
    /// Value of the `iss` claim. When set, tokens must carry exactly this issuer.
    #[serde(default)]
    pub issuer: Option<String>,
    /// Value of the `aud` claim. When set, tokens must name this audience.
    #[serde(default)]
    pub audience: Option<String>,
    /// Access token lifetime in seconds. Default: 1800.
    #[serde(default)]
    pub access_token_ttl: Option<u64>,
    /// Clock skew tolerated on `exp` and `nbf`, in seconds. Default: 0.
    #[serde(default)]
    pub leeway: Option<u64>,
    /// Maximum token length accepted, in bytes. Default: 8192.
    #[serde(default)]
    pub max_token_length: Option<usize>,
    /// Argon2id cost of new password hashes, as numbers or a preset name.
    #[serde(default)]
    pub password: PasswordConfig,
    /// Time a call to a store given from JS may take before it fails with
    /// `repository_unavailable`, in milliseconds. Default: 10000.
    #[serde(default)]
    pub store_timeout_ms: Option<u64>,
}

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("secret", &self.secret)
            .field("key_id", &self.key_id)
            .field("keys", &self.keys)
            .field("signing_key_id", &self.signing_key_id)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("access_token_ttl", &self.access_token_ttl)
            .field("leeway", &self.leeway)
            .field("max_token_length", &self.max_token_length)
            .field("password", &self.password)
            .field("store_timeout_ms", &self.store_timeout_ms)
            .finish()
    }
}

impl AuthConfig {
    /// Creates a configuration with one HS256 key made from `secret`.
    pub fn with_secret(secret: impl Into<String>) -> Self {
        Self {
            secret: Some(Secret::new(secret.into())),
            ..Self::default()
        }
    }

    pub(crate) fn access_token_ttl(&self) -> Result<u64> {
        let ttl = self.access_token_ttl.unwrap_or(DEFAULT_ACCESS_TOKEN_TTL);
        if ttl == 0 || ttl > MAX_ACCESS_TOKEN_TTL {
            return Err(AuthError::invalid_config(format_args!(
                "accessTokenTtl must be between 1 and {MAX_ACCESS_TOKEN_TTL} seconds, got {ttl}"
            )));
        }
        Ok(ttl)
    }

    pub(crate) fn leeway(&self) -> Result<u64> {
        let leeway = self.leeway.unwrap_or(DEFAULT_LEEWAY);
        if leeway > MAX_LEEWAY {
            return Err(AuthError::invalid_config(format_args!(
                "leeway must be at most {MAX_LEEWAY} seconds, got {leeway}"
            )));
        }
        Ok(leeway)
    }

    /// Returns the store call timeout in milliseconds.
    ///
    /// # Errors
    ///
    /// `invalid_config` when it is outside 1 to 60000.
    pub fn store_timeout_ms(&self) -> Result<u64> {
        let timeout = self.store_timeout_ms.unwrap_or(DEFAULT_STORE_TIMEOUT_MS);
        if !(1..=60_000).contains(&timeout) {
            return Err(AuthError::invalid_config(format_args!(
                "storeTimeoutMs must be between 1 and 60000 milliseconds, got {timeout}"
            )));
        }
        Ok(timeout)
    }

    pub(crate) fn max_token_length(&self) -> Result<usize> {
        let max = self.max_token_length.unwrap_or(DEFAULT_MAX_TOKEN_LENGTH);
        if !(256..=65_536).contains(&max) {
            return Err(AuthError::invalid_config(format_args!(
                "maxTokenLength must be between 256 and 65536 bytes, got {max}"
            )));
        }
        Ok(max)
    }

    pub(crate) fn claim_value(name: &str, value: &Option<String>) -> Result<Option<String>> {
        match value {
            None => Ok(None),
            Some(text) if text.is_empty() || text.len() > 256 => Err(AuthError::invalid_config(
                format_args!("{name} must be 1 to 256 bytes long"),
            )),
            Some(text) => Ok(Some(text.clone())),
        }
    }
}

/// A signing or verification key in the key set.
///
/// HMAC keys (`HS256`, `HS384`, `HS512`) take `secret`. `EdDSA` (Ed25519) and `ES256`
/// (P-256) keys take `jwk`: a private JWK can sign and verify, a public one only
/// verifies.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyConfig {
    /// Key id, written to the `kid` header of tokens this key signs.
    pub kid: String,
    /// JWS algorithm name: `HS256`, `HS384`, `HS512`, `EdDSA` or `ES256`.
    pub alg: String,
    /// HMAC secret as a UTF-8 string. It must be at least as long as the hash output:
    /// 32 bytes for HS256, 48 for HS384, 64 for HS512.
    #[serde(default)]
    pub secret: Option<Secret>,
    /// The key as a JWK (RFC 7517): `{"kty":"OKP","crv":"Ed25519","x":..,"d":..}` for
    /// EdDSA, `{"kty":"EC","crv":"P-256","x":..,"y":..,"d":..}` for ES256.
    #[serde(default)]
    pub jwk: Option<JwkConfig>,
}

impl fmt::Debug for KeyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyConfig")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("secret", &self.secret)
            .field("jwk", &self.jwk)
            .finish()
    }
}

/// A JWK as given in the configuration. It may hold a private key, so its `Debug`
/// output is redacted.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct JwkConfig(pub serde_json::Value);

impl fmt::Debug for JwkConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Jwk(<redacted>)")
    }
}

/// Secret key material: wiped from memory on drop and redacted in `Debug` output.
#[derive(Clone, Default, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps secret text.
    pub fn new(secret: String) -> Self {
        Self(secret)
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Argon2id cost parameters for new password hashes.
///
/// In a configuration this is either an object `{ memoryKib, iterations, parallelism }`
/// (missing fields take the defaults) or the name of a preset from [`PASSWORD_PRESETS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordConfig {
    /// Memory cost in KiB. Default: 19456 (19 MiB).
    pub memory_kib: u32,
    /// Number of passes. Default: 2.
    pub iterations: u32,
    /// Degree of parallelism. Default: 1.
    pub parallelism: u32,
}

impl PasswordConfig {
    /// OWASP's recommended minimum for Argon2id: m=19456 KiB, t=2, p=1.
    pub const OWASP_MINIMUM: PasswordConfig = PasswordConfig::new(19_456, 2, 1);

    /// Creates a cost from memory in KiB, passes and lanes.
    pub const fn new(memory_kib: u32, iterations: u32, parallelism: u32) -> Self {
        Self {
            memory_kib,
            iterations,
            parallelism,
        }
    }

    /// Returns the preset called `name`, if there is one.
    pub fn preset(name: &str) -> Option<Self> {
        PASSWORD_PRESETS
            .iter()
            .find(|(preset, _)| *preset == name)
            .map(|(_, config)| *config)
    }

    /// Returns true when the cost is at least one of the configurations that OWASP's
    /// Password Storage Cheat Sheet lists as equally strong minimums for Argon2id.
    pub fn meets_owasp_minimum(&self) -> bool {
        self.parallelism >= 1
            && OWASP_MINIMUMS.iter().any(|(memory_kib, iterations)| {
                self.memory_kib >= *memory_kib && self.iterations >= *iterations
            })
    }
}

impl Default for PasswordConfig {
    fn default() -> Self {
        Self::OWASP_MINIMUM
    }
}

/// The Argon2id minimums of OWASP's Password Storage Cheat Sheet as (memory in KiB,
/// passes), all with one lane; the cheat sheet calls them equally strong.
pub const OWASP_MINIMUMS: [(u32, u32); 5] = [
    (47_104, 1),
    (19_456, 2),
    (12_288, 3),
    (9_216, 4),
    (7_168, 5),
];

/// Named Argon2id costs: the five OWASP minimums, and RFC 9106's second recommended
/// option (section 4: 64 MiB, 3 passes, 4 lanes) for when more memory is available.
pub const PASSWORD_PRESETS: [(&str, PasswordConfig); 6] = [
    ("owasp-46m", PasswordConfig::new(47_104, 1, 1)),
    ("owasp-19m", PasswordConfig::new(19_456, 2, 1)),
    ("owasp-12m", PasswordConfig::new(12_288, 3, 1)),
    ("owasp-9m", PasswordConfig::new(9_216, 4, 1)),
    ("owasp-7m", PasswordConfig::new(7_168, 5, 1)),
    ("rfc9106-64m", PasswordConfig::new(65_536, 3, 4)),
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PasswordFields {
    #[serde(default)]
    memory_kib: Option<u32>,
    #[serde(default)]
    iterations: Option<u32>,
    #[serde(default)]
    parallelism: Option<u32>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum PasswordSetting {
    Preset(String),
    Fields(PasswordFields),
}

impl<'de> Deserialize<'de> for PasswordConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let default = PasswordConfig::default();
        match PasswordSetting::deserialize(deserializer)? {
            PasswordSetting::Preset(name) => PasswordConfig::preset(&name).ok_or_else(|| {
                let names: Vec<&str> = PASSWORD_PRESETS.iter().map(|(name, _)| *name).collect();
                serde::de::Error::custom(format_args!(
                    "unknown password preset; use one of {}",
                    names.join(", ")
                ))
            }),
            PasswordSetting::Fields(fields) => Ok(PasswordConfig {
                memory_kib: fields.memory_kib.unwrap_or(default.memory_kib),
                iterations: fields.iterations.unwrap_or(default.iterations),
                parallelism: fields.parallelism.unwrap_or(default.parallelism),
            }),
        }
    }
}

impl AuthConfig {
    /// Deserializes a configuration, with error messages that name the setting and never
    /// repeat its value (a secret put under the wrong name must not be echoed).
    ///
    /// # Errors
    ///
    /// `invalid_config` naming the setting that is unknown, missing or of the wrong type.
    pub fn deserialize_checked<'de, D>(deserializer: D) -> Result<Self>
    where
        D: serde::Deserializer<'de>,
        D::Error: fmt::Display,
    {
        serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let detail = err.inner().to_string();
            let problem =
                if detail.starts_with("unknown field") || detail.starts_with("missing field") {
                    // These messages contain only field names: keep the part before the list
                    // of expected names.
                    detail
                        .split(", expected")
                        .next()
                        .unwrap_or("is invalid")
                        .to_owned()
                } else if detail.starts_with("unknown password preset") {
                    detail
                } else if detail.starts_with("invalid type") {
                    "has the wrong type".to_owned()
                } else if detail.starts_with("invalid length") {
                    "has the wrong length".to_owned()
                } else {
                    "has an invalid value".to_owned()
                };
            let path = err.path().to_string();
            if path == "." {
                AuthError::invalid_config(problem)
            } else {
                AuthError::invalid_config(format_args!("{path}: {problem}"))
            }
        })
    }
}

impl AuthConfig {
    /// Reads a configuration from environment-style variables, as the Worker receives
    /// them. `lookup` returns the value of a variable or secret, if set.
    ///
    /// | variable | setting |
    /// | --- | --- |
    /// | `JWT_SECRET` | `secret` (a Worker secret) |
    /// | `JWT_KEY_ID` | `keyId` |
    /// | `JWT_KEYS` | `keys`, as a JSON array (a Worker secret); when set, `JWT_SECRET` and `JWT_KEY_ID` are ignored |
    /// | `JWT_SIGNING_KEY_ID` | `signingKeyId` |
    /// | `JWT_ISSUER` | `issuer` |
    /// | `JWT_AUDIENCE` | `audience` |
    /// | `ACCESS_TOKEN_TTL` | `accessTokenTtl`, in seconds |
    /// | `JWT_LEEWAY` | `leeway`, in seconds |
    /// | `JWT_MAX_TOKEN_LENGTH` | `maxTokenLength`, in bytes |
    /// | `PASSWORD_PRESET` | `password` as a preset name |
    /// | `PASSWORD_MEMORY_KIB`, `PASSWORD_ITERATIONS`, `PASSWORD_PARALLELISM` | `password`, overriding the preset |
    /// | `STORE_TIMEOUT_MS` | `storeTimeoutMs` |
    ///
    /// # Errors
    ///
    /// `invalid_config` naming the variable that does not parse. Values are not repeated.
    pub fn from_variables(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        fn number<T: std::str::FromStr>(name: &str, value: Option<String>) -> Result<Option<T>> {
            value
                .map(|text| {
                    text.trim().parse::<T>().map_err(|_| {
                        AuthError::invalid_config(format_args!("{name} must be a whole number"))
                    })
                })
                .transpose()
        }
        let non_empty = |name: &str| lookup(name).filter(|value| !value.is_empty());

        let keys = match non_empty("JWT_KEYS") {
            None => Vec::new(),
            Some(json) => {
                let mut deserializer = serde_json::Deserializer::from_str(&json);
                let wrapped =
                    serde_path_to_error::deserialize::<_, Vec<KeyConfig>>(&mut deserializer);
                wrapped.map_err(|err| {
                    AuthError::invalid_config(format_args!(
                        "JWT_KEYS must be a JSON array of {{kid, alg, secret or jwk}} objects (problem at {})",
                        err.path()
                    ))
                })?
            }
        };
        let mut password = match non_empty("PASSWORD_PRESET") {
            None => PasswordConfig::default(),
            Some(name) => PasswordConfig::preset(name.trim())
                .ok_or_else(|| AuthError::invalid_config("PASSWORD_PRESET names no preset"))?,
        };
        if let Some(memory_kib) = number("PASSWORD_MEMORY_KIB", non_empty("PASSWORD_MEMORY_KIB"))? {
            password.memory_kib = memory_kib;
        }
        if let Some(iterations) = number("PASSWORD_ITERATIONS", non_empty("PASSWORD_ITERATIONS"))? {
            password.iterations = iterations;
        }
        if let Some(parallelism) =
            number("PASSWORD_PARALLELISM", non_empty("PASSWORD_PARALLELISM"))?
        {
            password.parallelism = parallelism;
        }
        // JWT_KEYS takes precedence: with it set, JWT_SECRET and JWT_KEY_ID (such as a
        // development secret left in .dev.vars) are ignored.
        let (secret, key_id) = if keys.is_empty() {
            (
                non_empty("JWT_SECRET").map(Secret::new),
                non_empty("JWT_KEY_ID"),
            )
        } else {
            (None, None)
        };
        Ok(Self {
            secret,
            key_id,
            keys,
            signing_key_id: non_empty("JWT_SIGNING_KEY_ID"),
            issuer: non_empty("JWT_ISSUER"),
            audience: non_empty("JWT_AUDIENCE"),
            access_token_ttl: number("ACCESS_TOKEN_TTL", non_empty("ACCESS_TOKEN_TTL"))?,
            leeway: number("JWT_LEEWAY", non_empty("JWT_LEEWAY"))?,
            max_token_length: number("JWT_MAX_TOKEN_LENGTH", non_empty("JWT_MAX_TOKEN_LENGTH"))?,
            password,
            store_timeout_ms: number("STORE_TIMEOUT_MS", non_empty("STORE_TIMEOUT_MS"))?,
        })
    }
}
