//! Issuing and verifying access tokens (JWS compact serialization, RFC 7515 and 7519).
//!
//! Signing and signature checks are done by `jwt-compact`; this module chooses the key,
//! decides which algorithm is allowed and checks the claims.
//!
//! # Verification order
//!
//! [`KeySet::verify`] runs these checks in this order and stops at the first failure.
//! Every failure is `invalid_token` except an expired token, which is `token_expired`.
//!
//! 1. The token is at most `maxTokenLength` bytes. Nothing is decoded before this.
//! 2. It has exactly three segments of unpadded base64url (`A-Z a-z 0-9 - _`), with no
//!    padding, whitespace or other characters.
//! 3. The header decodes to a JSON object with a string `alg`.
//! 4. The header has no `crit` parameter: this library understands no JWS extension.
//! 5. The `kid` names a key of the set. A token without `kid` is accepted only when the
//!    set has exactly one key.
//! 6. `alg` equals the algorithm of that key. The key decides the algorithm, so `none`
//!    and every algorithm other than the key's own are rejected. Header parameters that
//!    point at keys (`jku`, `jwk`, `x5u`, `x5c`) are never read.
//! 7. The signature verifies under that key (a constant-time comparison for HMAC).
//!    Nothing in the payload is decoded before this.
//! 8. The claims decode: `sub`, `iss` and `jti` are strings when present, `aud` is a
//!    string or an array of strings, and `exp`, `nbf` and `iat` are JSON numbers within
//!    the range of a timestamp.
//! 9. `exp` is present, and the token is expired once `now >= exp + leeway`.
//! 10. `nbf`, when present, is not later than `now + leeway`.
//! 11. `iss` equals the configured issuer, when one is configured.
//! 12. `aud`, a string or an array of strings, contains the configured audience, when
//!     one is configured.

use chrono::{DateTime, Utc};
use jwt_compact::alg::{Ed25519, Es256, Hs256, Hs256Key, Hs384, Hs384Key, Hs512, Hs512Key};
use jwt_compact::jwk::JsonWebKey;
use jwt_compact::{
    Algorithm, AlgorithmExt, AlgorithmSignature, Claims, Header, ParseError, UntrustedToken,
};
use serde::{Deserialize, Serialize};

use crate::clock::UnixSeconds;
use crate::config::{AuthConfig, JwkConfig, KeyConfig, DEFAULT_KEY_ID};
use crate::error::{AuthError, ErrorCode, Result};
use crate::random;

/// Longest accepted key id, in bytes.
pub const MAX_KEY_ID_BYTES: usize = 128;

/// A JWS algorithm that a key may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwsAlgorithm {
    /// HMAC with SHA-256.
    Hs256,
    /// HMAC with SHA-384.
    Hs384,
    /// HMAC with SHA-512.
    Hs512,
    /// Ed25519 signatures (RFC 8037).
    EdDsa,
    /// ECDSA over P-256 with SHA-256.
    Es256,
}

impl JwsAlgorithm {
    /// Returns the `alg` header value, as registered in RFC 7518 and RFC 8037.
    pub const fn name(self) -> &'static str {
        match self {
            JwsAlgorithm::Hs256 => "HS256",
            JwsAlgorithm::Hs384 => "HS384",
            JwsAlgorithm::Hs512 => "HS512",
            JwsAlgorithm::EdDsa => "EdDSA",
            JwsAlgorithm::Es256 => "ES256",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        match name {
            "HS256" => Some(JwsAlgorithm::Hs256),
            "HS384" => Some(JwsAlgorithm::Hs384),
            "HS512" => Some(JwsAlgorithm::Hs512),
            "EdDSA" => Some(JwsAlgorithm::EdDsa),
            "ES256" => Some(JwsAlgorithm::Es256),
            _ => None,
        }
    }

    /// Shortest HMAC secret allowed: the hash output size (RFC 7518, section 3.2).
    const fn min_secret_bytes(self) -> usize {
        match self {
            JwsAlgorithm::Hs256 => 32,
            JwsAlgorithm::Hs384 => 48,
            JwsAlgorithm::Hs512 => 64,
            JwsAlgorithm::EdDsa | JwsAlgorithm::Es256 => 0,
        }
    }

    const fn is_hmac(self) -> bool {
        matches!(
            self,
            JwsAlgorithm::Hs256 | JwsAlgorithm::Hs384 | JwsAlgorithm::Hs512
        )
    }
}

enum KeyMaterial {
    Hs256(Hs256Key),
    Hs384(Hs384Key),
    Hs512(Hs512Key),
    EdDsa {
        verifying: ed25519_dalek::VerifyingKey,
        signing: Option<Box<ed25519_dalek::SigningKey>>,
    },
    Es256 {
        verifying: p256::ecdsa::VerifyingKey,
        signing: Option<p256::ecdsa::SigningKey>,
    },
}

struct Key {
    kid: String,
    algorithm: JwsAlgorithm,
    material: KeyMaterial,
}

impl Key {
    fn from_config(config: &KeyConfig) -> Result<Self> {
        let KeyConfig {
            kid,
            alg,
            secret,
            jwk,
        } = config;
        if kid.is_empty() || kid.len() > MAX_KEY_ID_BYTES {
            return Err(AuthError::invalid_config(format_args!(
                "key id must be 1 to {MAX_KEY_ID_BYTES} bytes long"
            )));
        }
        let algorithm = JwsAlgorithm::parse(alg).ok_or_else(|| {
            AuthError::invalid_config(format_args!(
                "key {kid:?}: unsupported algorithm; use HS256, HS384, HS512, EdDSA or ES256"
            ))
        })?;
        let material = match (algorithm.is_hmac(), secret, jwk) {
            (true, Some(secret), None) => hmac_material(kid, algorithm, secret.as_bytes())?,
            (true, None, Some(jwk)) => {
                let bytes = symmetric_jwk_bytes(kid, algorithm, jwk)?;
                hmac_material(kid, algorithm, &bytes)?
            }
            (false, None, Some(jwk)) => asymmetric_material(kid, algorithm, jwk)?,
            (true, _, _) => {
                return Err(AuthError::invalid_config(format_args!(
                    "key {kid:?}: an {} key takes either a secret or an oct jwk",
                    algorithm.name()
                )))
            }
            (false, _, _) => {
                return Err(AuthError::invalid_config(format_args!(
                    "key {kid:?}: an {} key takes a jwk and no secret",
                    algorithm.name()
                )))
            }
        };
        Ok(Self {
            kid: kid.clone(),
            algorithm,
            material,
        })
    }

    fn can_sign(&self) -> bool {
        match &self.material {
            KeyMaterial::Hs256(_) | KeyMaterial::Hs384(_) | KeyMaterial::Hs512(_) => true,
            KeyMaterial::EdDsa { signing, .. } => signing.is_some(),
            KeyMaterial::Es256 { signing, .. } => signing.is_some(),
        }
    }

    /// Returns the public JWK of an asymmetric key, or `None` for an HMAC key.
    fn public_jwk(&self) -> Option<serde_json::Value> {
        let jwk = match &self.material {
            KeyMaterial::Hs256(_) | KeyMaterial::Hs384(_) | KeyMaterial::Hs512(_) => return None,
            KeyMaterial::EdDsa { verifying, .. } => JsonWebKey::from(verifying),
            KeyMaterial::Es256 { verifying, .. } => JsonWebKey::from(verifying),
        };
        let mut value = serde_json::to_value(&jwk).ok()?;
        let object = value.as_object_mut()?;
        object.insert("kid".to_owned(), self.kid.clone().into());
        object.insert("alg".to_owned(), self.algorithm.name().into());
        object.insert("use".to_owned(), "sig".into());
        Some(value)
    }
}

fn hmac_material(kid: &str, algorithm: JwsAlgorithm, bytes: &[u8]) -> Result<KeyMaterial> {
    if bytes.len() < algorithm.min_secret_bytes() {
        return Err(AuthError::invalid_config(format_args!(
            "key {kid:?}: an {} secret must be at least {} bytes, got {}",
            algorithm.name(),
            algorithm.min_secret_bytes(),
            bytes.len()
        )));
    }
    Ok(match algorithm {
        JwsAlgorithm::Hs384 => KeyMaterial::Hs384(Hs384Key::new(bytes)),
        JwsAlgorithm::Hs512 => KeyMaterial::Hs512(Hs512Key::new(bytes)),
        _ => KeyMaterial::Hs256(Hs256Key::new(bytes)),
    })
}

/// Returns the key bytes of an HMAC key given as a JWK (`{"kty":"oct","k":...}`), for
/// secrets that are not UTF-8 text.
fn symmetric_jwk_bytes(
    kid: &str,
    algorithm: JwsAlgorithm,
    jwk: &JwkConfig,
) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    check_jwk_alg(kid, algorithm, jwk)?;
    let parsed: JsonWebKey<'static> = serde_json::from_value(jwk.0.clone()).map_err(|_| {
        AuthError::invalid_config(format_args!("key {kid:?}: the jwk is not a valid JWK"))
    })?;
    match parsed {
        JsonWebKey::Symmetric { secret } => Ok(zeroize::Zeroizing::new(secret.to_vec())),
        _ => Err(AuthError::invalid_config(format_args!(
            "key {kid:?}: an {} jwk must have kty \"oct\"",
            algorithm.name()
        ))),
    }
}

/// Checks that a JWK's own `alg`, when present, agrees with the configured one.
fn check_jwk_alg(kid: &str, algorithm: JwsAlgorithm, jwk: &JwkConfig) -> Result<()> {
    // WebCrypto exports Ed25519 keys with `alg: "Ed25519"`, the fully specified name
    // that later registrations give EdDSA over Ed25519.
    let agrees = |declared: &str| {
        declared == algorithm.name() || (algorithm == JwsAlgorithm::EdDsa && declared == "Ed25519")
    };
    match jwk.0.get("alg") {
        Some(declared) if !declared.as_str().is_some_and(agrees) => {
            Err(AuthError::invalid_config(format_args!(
                "key {kid:?}: the jwk's alg does not match {}",
                algorithm.name()
            )))
        }
        _ => Ok(()),
    }
}

fn asymmetric_material(kid: &str, algorithm: JwsAlgorithm, jwk: &JwkConfig) -> Result<KeyMaterial> {
    check_jwk_alg(kid, algorithm, jwk)?;
    let parsed: JsonWebKey<'static> = serde_json::from_value(jwk.0.clone()).map_err(|_| {
        AuthError::invalid_config(format_args!("key {kid:?}: the jwk is not a valid JWK"))
    })?;
    let invalid = |part: &str| {
        AuthError::invalid_config(format_args!(
            "key {kid:?}: the jwk's {part} is not a valid {} key",
            algorithm.name()
        ))
    };
    let has_private_part = parsed.is_signing_key();
    Ok(match algorithm {
        JwsAlgorithm::EdDsa => {
            let verifying = ed25519_dalek::VerifyingKey::try_from(&parsed)
                .map_err(|_| invalid("public part"))?;
            // A small-order public key would let one forged signature pass for any
            // message under a lenient verifier, and no honest key has small order.
            if verifying.is_weak() {
                return Err(AuthError::invalid_config(format_args!(
                    "key {kid:?}: the jwk's public part is a weak (small-order) Ed25519 key"
                )));
            }
            let signing = if has_private_part {
                // The conversion also checks that `x` belongs to `d`.
                Some(Box::new(
                    ed25519_dalek::SigningKey::try_from(&parsed)
                        .map_err(|_| invalid("private part"))?,
                ))
            } else {
                None
            };
            KeyMaterial::EdDsa { verifying, signing }
        }
        _ => {
            let verifying =
                p256::ecdsa::VerifyingKey::try_from(&parsed).map_err(|_| invalid("public part"))?;
            let signing = if has_private_part {
                Some(
                    p256::ecdsa::SigningKey::try_from(&parsed)
                        .map_err(|_| invalid("private part"))?,
                )
            } else {
                None
            };
            KeyMaterial::Es256 { verifying, signing }
        }
    })
}

/// `aud` as RFC 7519 (section 4.1.3) allows it: one string or an array of strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains(&self, expected: &str) -> bool {
        match self {
            Audience::One(value) => value == expected,
            Audience::Many(values) => values.iter().any(|value| value == expected),
        }
    }
}

/// The registered claims this library writes and reads, besides the time claims that
/// `jwt_compact::Claims` carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct AccessClaims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sub: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    aud: Option<Audience>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    jti: Option<String>,
}

/// Header parameters read besides `alg` and `kid`. `crit` is kept as raw JSON so that
/// any value, well-formed or not, is seen and rejected.
#[derive(Debug, Clone, Default, Deserialize)]
struct ExtraHeader {
    #[serde(default, deserialize_with = "present")]
    crit: Option<serde_json::Value>,
}

/// Records that a header parameter is present whatever its value, `null` included;
/// serde's default reads a JSON `null` as absent.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(deserializer).map(Some)
}

/// A token that passed every check of [`KeySet::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    /// The subject: a user id for tokens this library issues.
    pub sub: Option<String>,
    /// Expiry, in seconds since the Unix epoch.
    pub exp: UnixSeconds,
    /// Issue time, when the token carries one.
    pub iat: Option<UnixSeconds>,
    /// The issuer, when the token carries one.
    pub iss: Option<String>,
    /// The configured audience, when one is configured and the token names it.
    pub aud: Option<String>,
    /// The token id, when the token carries one.
    pub jti: Option<String>,
}

/// A freshly signed token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The compact JWS.
    pub token: String,
    /// Expiry, in seconds since the Unix epoch.
    pub exp: UnixSeconds,
}

/// The signing key, the verification keys and the claim rules.
pub struct KeySet {
    keys: Vec<Key>,
    /// Index of the signing key in `keys`, or `None` for a set that only verifies.
    signing: Option<usize>,
    issuer: Option<String>,
    audience: Option<String>,
    ttl: u64,
    leeway: u64,
    max_token_length: usize,
}

impl std::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kids: Vec<&str> = self.keys.iter().map(|key| key.kid.as_str()).collect();
        f.debug_struct("KeySet")
            .field("kids", &kids)
            .field(
                "signing_kid",
                &self
                    .signing
                    .and_then(|index| self.keys.get(index))
                    .map(|key| &key.kid),
            )
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("ttl", &self.ttl)
            .field("leeway", &self.leeway)
            .finish()
    }
}

impl KeySet {
    /// Builds the key set and claim rules from `config`.
    ///
    /// # Errors
    ///
    /// `invalid_config` when no key is given, both `secret` and `keys` are given, a key
    /// is too short or uses an unsupported algorithm, two keys share a `kid`,
    /// `signingKeyId` names no key or a public one, or a claim or time setting is out of
    /// range. A set of public keys alone is valid: it verifies and cannot sign.
    pub fn from_config(config: &AuthConfig) -> Result<Self> {
        let keys = match (&config.secret, config.keys.is_empty()) {
            (Some(_), false) => {
                return Err(AuthError::invalid_config(
                    "set either secret or keys, not both",
                ))
            }
            (None, true) => {
                return Err(AuthError::invalid_config(
                    "no signing key: set secret or keys",
                ))
            }
            (Some(secret), true) => {
                let kid = config.key_id.as_deref().unwrap_or(DEFAULT_KEY_ID);
                let shorthand = KeyConfig {
                    kid: kid.to_owned(),
                    alg: "HS256".to_owned(),
                    secret: Some(secret.clone()),
                    jwk: None,
                };
                vec![Key::from_config(&shorthand)?]
            }
            (None, false) => {
                if config.key_id.is_some() {
                    return Err(AuthError::invalid_config(
                        "keyId applies only to secret; give each key its kid",
                    ));
                }
                config
                    .keys
                    .iter()
                    .map(Key::from_config)
                    .collect::<Result<Vec<_>>>()?
            }
        };
        for (index, key) in keys.iter().enumerate() {
            if keys[..index].iter().any(|earlier| earlier.kid == key.kid) {
                return Err(AuthError::invalid_config(format_args!(
                    "two keys share the kid {:?}",
                    key.kid
                )));
            }
        }
        // Without signingKeyId the first key that can sign signs; a set of public keys
        // only verifies, and issuing from it fails.
        let signing = match &config.signing_key_id {
            None => keys.iter().position(Key::can_sign),
            Some(kid) => {
                let position = keys.iter().position(|key| &key.kid == kid).ok_or_else(|| {
                    AuthError::invalid_config(format_args!("signingKeyId {kid:?} names no key"))
                })?;
                if !keys[position].can_sign() {
                    return Err(AuthError::invalid_config(format_args!(
                        "the signing key {kid:?} has no private part"
                    )));
                }
                Some(position)
            }
        };
        Ok(Self {
            keys,
            signing,
            issuer: AuthConfig::claim_value("issuer", &config.issuer)?,
            audience: AuthConfig::claim_value("audience", &config.audience)?,
            ttl: config.access_token_ttl()?,
            leeway: config.leeway()?,
            max_token_length: config.max_token_length()?,
        })
    }

    /// Returns the access token lifetime in seconds.
    pub fn ttl(&self) -> u64 {
        self.ttl
    }

    /// Signs a new access token for the user `sub`, issued at `now`.
    ///
    /// # Errors
    ///
    /// `invalid_config` when the key set has no private key, when no secure random
    /// source is available for the token id, or when `now` plus the lifetime is not a
    /// valid timestamp.
    pub fn issue(&self, sub: &str, now: UnixSeconds) -> Result<IssuedToken> {
        let key = self
            .signing
            .and_then(|index| self.keys.get(index))
            .ok_or_else(|| {
                AuthError::invalid_config("the key set has only public keys, so it cannot sign")
            })?;
        let exp = now.saturating_add_unsigned(self.ttl);
        let mut claims = Claims::new(AccessClaims {
            sub: Some(sub.to_owned()),
            iss: self.issuer.clone(),
            aud: self.audience.clone().map(Audience::One),
            jti: Some(random::identifier()?),
        });
        claims.issued_at = Some(timestamp(now)?);
        claims.expiration = Some(timestamp(exp)?);

        let header = Header::empty()
            .with_key_id(key.kid.clone())
            .with_token_type("JWT");
        let signed = match &key.material {
            KeyMaterial::Hs256(secret) => Hs256.token(&header, &claims, secret),
            KeyMaterial::Hs384(secret) => Hs384.token(&header, &claims, secret),
            KeyMaterial::Hs512(secret) => Hs512.token(&header, &claims, secret),
            KeyMaterial::EdDsa {
                signing: Some(secret),
                ..
            } => Ed25519.token(&header, &claims, &**secret),
            KeyMaterial::Es256 {
                signing: Some(secret),
                ..
            } => Es256.token(&header, &claims, secret),
            KeyMaterial::EdDsa { signing: None, .. } | KeyMaterial::Es256 { signing: None, .. } => {
                return Err(AuthError::invalid_config(
                    "the signing key has no private part",
                ))
            }
        };
        let token = signed
            .map_err(|err| AuthError::invalid_config(format_args!("token signing: {err}")))?;
        Ok(IssuedToken { token, exp })
    }

    /// Verifies `token` at time `now`, in the order listed in the module documentation.
    ///
    /// # Errors
    ///
    /// `token_expired` when the token is past `exp` plus the leeway, and `invalid_token`
    /// for every other failure. The message names the failed check and never contains
    /// the token.
    pub fn verify(&self, token: &str, now: UnixSeconds) -> Result<VerifiedToken> {
        // 1. Length cap, before any decoding.
        if token.len() > self.max_token_length {
            return Err(AuthError::invalid_token("token is too long"));
        }
        // 2. Strict compact serialization.
        check_compact_form(token)?;
        // 3. Header.
        let untrusted =
            UntrustedToken::<ExtraHeader>::try_from(token).map_err(|err| match err {
                ParseError::InvalidBase64Encoding => AuthError::invalid_token("invalid base64url"),
                _ => AuthError::invalid_token("malformed header"),
            })?;
        // 4. No critical extensions.
        if untrusted.header().other_fields.crit.is_some() {
            return Err(AuthError::invalid_token(
                "unsupported critical header parameter",
            ));
        }
        // 5. Key selection by kid.
        let key = self.select_key(untrusted.header().key_id.as_deref())?;
        // 6. The key decides the algorithm.
        if untrusted.algorithm() != key.algorithm.name() {
            return Err(AuthError::invalid_token(
                "algorithm not allowed for this key",
            ));
        }
        // 7. Signature, over the first two segments as sent.
        let signed_data = token
            .rsplit_once('.')
            .map_or("", |(signed, _)| signed)
            .as_bytes();
        let valid = match &key.material {
            KeyMaterial::Hs256(secret) => {
                signature_verifies(&Hs256, secret, &untrusted, signed_data)
            }
            KeyMaterial::Hs384(secret) => {
                signature_verifies(&Hs384, secret, &untrusted, signed_data)
            }
            KeyMaterial::Hs512(secret) => {
                signature_verifies(&Hs512, secret, &untrusted, signed_data)
            }
            KeyMaterial::EdDsa { verifying, .. } => {
                ed25519_verifies(verifying, &untrusted, signed_data)
            }
            KeyMaterial::Es256 { verifying, .. } => {
                signature_verifies(&Es256, verifying, &untrusted, signed_data)
            }
        };
        if !valid {
            return Err(AuthError::invalid_token("signature verification failed"));
        }
        // 8. Claims, decoded only once the signature holds.
        let claims: Claims<AccessClaims> = untrusted
            .deserialize_claims_unchecked()
            .map_err(|_| AuthError::invalid_token("malformed claims"))?;

        // 9. Expiry, required.
        let exp = claims
            .expiration
            .map(|moment| moment.timestamp())
            .ok_or_else(|| AuthError::invalid_token("missing exp claim"))?;
        let leeway = i64::try_from(self.leeway).unwrap_or(i64::MAX);
        if now >= exp.saturating_add(leeway) {
            return Err(AuthError::new(ErrorCode::TokenExpired, "token has expired"));
        }
        // 10. Not before, when present.
        if let Some(not_before) = claims.not_before {
            if not_before.timestamp() > now.saturating_add(leeway) {
                return Err(AuthError::invalid_token("token is not valid yet"));
            }
        }
        // 11. Issuer, exact match.
        let custom = &claims.custom;
        if let Some(expected) = &self.issuer {
            if custom.iss.as_deref() != Some(expected.as_str()) {
                return Err(AuthError::invalid_token("unexpected issuer"));
            }
        }
        // 12. Audience, a string or an array.
        if let Some(expected) = &self.audience {
            if !custom
                .aud
                .as_ref()
                .is_some_and(|aud| aud.contains(expected))
            {
                return Err(AuthError::invalid_token("unexpected audience"));
            }
        }

        Ok(VerifiedToken {
            sub: custom.sub.clone(),
            exp,
            iat: claims.issued_at.map(|moment| moment.timestamp()),
            iss: custom.iss.clone(),
            aud: self.audience.clone(),
            jti: custom.jti.clone(),
        })
    }

    /// Returns the public keys of the asymmetric keys as a JWK Set (RFC 7517,
    /// section 5): `{"keys": [...]}` with `kid`, `alg` and `use` on each key. HMAC keys
    /// are secret and never listed.
    pub fn jwks(&self) -> serde_json::Value {
        let keys: Vec<serde_json::Value> = self.keys.iter().filter_map(Key::public_jwk).collect();
        serde_json::json!({ "keys": keys })
    }

    fn select_key(&self, kid: Option<&str>) -> Result<&Key> {
        match kid {
            Some(kid) => self
                .keys
                .iter()
                .find(|key| key.kid == kid)
                .ok_or_else(|| AuthError::invalid_token("unknown key id")),
            None => match self.keys.as_slice() {
                [only] => Ok(only),
                _ => Err(AuthError::invalid_token("missing key id")),
            },
        }
    }
}

/// Checks a signature with `algorithm`. `jwt-compact`'s validator decodes the claims
/// before it checks the signature; this keeps the documented order instead. HMAC
/// signatures compare in constant time (`CtOutput` equality in the `hmac` crate).
fn signature_verifies<A: Algorithm>(
    algorithm: &A,
    key: &A::VerifyingKey,
    token: &UntrustedToken<'_, ExtraHeader>,
    signed_data: &[u8],
) -> bool {
    let bytes = token.signature_bytes();
    if A::Signature::LENGTH.is_some_and(|length| bytes.len() != length.get()) {
        return false;
    }
    match A::Signature::try_from_slice(bytes) {
        Ok(signature) => algorithm.verify_signature(&signature, key, signed_data),
        Err(_) => false,
    }
}

/// Checks an Ed25519 signature the strict way (RFC 8032 with canonical `S` and no
/// small-order `R` or key), so that no second encoding of a signature verifies.
fn ed25519_verifies(
    key: &ed25519_dalek::VerifyingKey,
    token: &UntrustedToken<'_, ExtraHeader>,
    signed_data: &[u8],
) -> bool {
    match ed25519_dalek::Signature::from_slice(token.signature_bytes()) {
        Ok(signature) => key.verify_strict(signed_data, &signature).is_ok(),
        Err(_) => false,
    }
}

/// Checks the JWS compact form strictly: three segments of unpadded base64url.
fn check_compact_form(token: &str) -> Result<()> {
    let mut segments = 0;
    for segment in token.split('.') {
        segments += 1;
        if segments > 3 {
            break;
        }
        let base64url = |byte: &u8| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_');
        // A base64 segment never has a length of 1 modulo 4.
        if segment.is_empty() || segment.len() % 4 == 1 || !segment.as_bytes().iter().all(base64url)
        {
            return Err(AuthError::invalid_token("not a compact JWS"));
        }
    }
    if segments != 3 {
        return Err(AuthError::invalid_token("not a compact JWS"));
    }
    Ok(())
}

fn timestamp(seconds: UnixSeconds) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| AuthError::invalid_config("time is out of the timestamp range"))
}
