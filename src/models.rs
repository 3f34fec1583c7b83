//! Request and response models shared by every adapter.
//!
//! Field names are snake_case on the wire, as in the Python `jwtlib` and in OAuth 2.0
//! (RFC 6749, RFC 7662). Requests reject unknown fields, so a typo such as `pasword`
//! is a `validation_failed` error rather than a silently ignored field.

use serde::{Deserialize, Serialize};

use crate::error::{AuthError, Result};

/// A user as shown to clients. It never contains the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicUser {
    /// Random 128-bit id as 32 hex digits; the `sub` claim of the user's tokens.
    pub id: String,
    /// Username as registered, after NFKC.
    pub username: String,
    /// Email address, case-folded.
    pub email: String,
    /// False when the account is disabled.
    pub is_active: bool,
    /// Registration time, RFC 3339 in UTC (`2026-12-04T20:09:11Z`).
    pub created_at: String,
}

/// Input of `register`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Requested username.
    pub username: String,
    /// Email address.
    pub email: String,
    /// Plain-text password.
    pub password: String,
}

/// Input of `login`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Username or email address.
    pub username: String,
    /// Plain-text password.
    pub password: String,
}

macro_rules! redact_password_in_debug {
    ($name:ident, $($field:ident),+) => {
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    $(.field(stringify!($field), &self.$field))+
                    .field("password", &"<redacted>")
                    .finish()
            }
        }
    };
}
redact_password_in_debug!(RegisterRequest, username, email);
redact_password_in_debug!(LoginRequest, username);

/// Output of `login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    /// The signed JWT.
    pub access_token: String,
    /// Always `"Bearer"`.
    pub token_type: String,
    /// Lifetime of `access_token` in seconds.
    pub expires_in: u64,
    /// The user who logged in.
    pub user: PublicUser,
}

/// Output of `logout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutResponse {
    /// A confirmation for the client.
    pub message: String,
}

/// Input of `introspect`, as in RFC 7662 section 2.1.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntrospectRequest {
    /// The token to inspect.
    pub token: String,
    /// Optional hint from the caller; only `access_token` tokens exist here.
    #[serde(default)]
    pub token_type_hint: Option<String>,
}

/// Output of `introspect`, as in RFC 7662 section 2.2. An inactive token carries only
/// `active: false`, so a caller learns nothing about why it failed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IntrospectResponse {
    /// Whether the token is valid now and its user exists and is active.
    pub active: bool,
    /// Subject: the user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// The user's username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Expiry, in seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// Issue time, in seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Issuer, when configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Audience, when configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    /// Unique token id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// Always `"Bearer"` for an active token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// The user the token belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<PublicUser>,
}

impl IntrospectResponse {
    /// The response for any token that is not active.
    pub fn inactive() -> Self {
        Self::default()
    }
}

/// Reads the fields of a request body one by one, so that each error names the field
/// and never repeats the value that was sent (a misplaced password must not show up in
/// an error message).
struct Fields {
    object: serde_json::Map<String, serde_json::Value>,
}

impl Fields {
    fn new(value: serde_json::Value) -> Result<Self> {
        match value {
            serde_json::Value::Object(object) => Ok(Self { object }),
            _ => Err(AuthError::validation("body", "must be a JSON object")),
        }
    }

    fn take_string(&mut self, name: &str) -> Result<Option<String>> {
        match self.object.remove(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(AuthError::validation(name, "must be a string")),
        }
    }

    fn required_string(&mut self, name: &str) -> Result<String> {
        self.take_string(name)?
            .ok_or_else(|| AuthError::validation(name, "is required"))
    }

    /// Rejects any field that was not taken. The field's name is not repeated: a
    /// password or token sent as a key would otherwise come back in the message.
    fn finish(self, known: &str) -> Result<()> {
        if self.object.is_empty() {
            return Ok(());
        }
        Err(AuthError::validation(
            "body",
            &format!("contains a field that is not known; the fields are {known}"),
        ))
    }
}

impl RegisterRequest {
    /// Reads a register request from decoded JSON.
    ///
    /// # Errors
    ///
    /// `validation_failed` naming the field that is missing, not a string, or unknown.
    pub fn from_json(value: serde_json::Value) -> Result<Self> {
        let mut fields = Fields::new(value)?;
        let request = Self {
            username: fields.required_string("username")?,
            email: fields.required_string("email")?,
            password: fields.required_string("password")?,
        };
        fields.finish("username, email and password")?;
        Ok(request)
    }
}

impl LoginRequest {
    /// Reads a login request from decoded JSON.
    ///
    /// # Errors
    ///
    /// `validation_failed` naming the field that is missing, not a string, or unknown.
    pub fn from_json(value: serde_json::Value) -> Result<Self> {
        let mut fields = Fields::new(value)?;
        let request = Self {
            username: fields.required_string("username")?,
            password: fields.required_string("password")?,
        };
        fields.finish("username and password")?;
        Ok(request)
    }
}

impl IntrospectRequest {
    /// Reads an introspection request from decoded JSON.
    ///
    /// # Errors
    ///
    /// `validation_failed` naming the field that is missing, not a string, or unknown.
    pub fn from_json(value: serde_json::Value) -> Result<Self> {
        let mut fields = Fields::new(value)?;
        let request = Self {
            token: fields.required_string("token")?,
            token_type_hint: fields.take_string("token_type_hint")?,
        };
        fields.finish("token and token_type_hint")?;
        Ok(request)
    }
}

/// Decodes a JSON request body. A body whose top-level object repeats a field is
/// rejected: parsers disagree on which copy wins, so a proxy or firewall in front could
/// judge a different value than this service uses.
///
/// # Errors
///
/// `validation_failed` when the body is not JSON or repeats a top-level field.
pub fn parse_json_body(bytes: &[u8]) -> Result<serde_json::Value> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|_| AuthError::validation("body", "is not valid JSON"))?;
    if value.is_object() && serde_json::from_slice::<UniqueFields>(bytes).is_err() {
        return Err(repeated_field());
    }
    Ok(value)
}

/// Returns the error for a request body that repeats a field, JSON or form-encoded.
pub(crate) fn repeated_field() -> AuthError {
    AuthError::validation("body", "repeats a field")
}

/// A JSON object whose deserialization fails on a repeated key.
struct UniqueFields;

impl<'de> Deserialize<'de> for UniqueFields {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        struct FieldsVisitor;

        impl<'de> serde::de::Visitor<'de> for FieldsVisitor {
            type Value = UniqueFields;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a JSON object without repeated fields")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<UniqueFields, A::Error> {
                let mut seen = std::collections::HashSet::new();
                while let Some(name) = map.next_key::<String>()? {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    if !seen.insert(name) {
                        return Err(serde::de::Error::custom("repeated field"));
                    }
                }
                Ok(UniqueFields)
            }
        }

        deserializer.deserialize_map(FieldsVisitor)
    }
}
