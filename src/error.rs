//! The one error type of the crate, with stable codes shared by every adapter.

use std::fmt;

/// A stable, machine-readable error kind.
///
/// The string form ([`ErrorCode::as_str`]) is part of the public API: JS callers read it
/// from `error.code` and HTTP clients from `{"error": {"code": ...}}`. Codes are never
/// renamed; new ones may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A request field breaks a rule. The message names the field.
    ValidationFailed,
    /// An `Authorization` header is present but is not `Bearer <token>`.
    InvalidAuthorizationHeader,
    /// Unknown user or wrong password. Both get the same error on purpose.
    InvalidCredentials,
    /// The token is malformed, has a bad signature, an unexpected algorithm or key,
    /// or a wrong issuer or audience.
    InvalidToken,
    /// The token is past its `exp` claim plus the configured leeway.
    TokenExpired,
    /// No token was presented where one is required.
    NotAuthenticated,
    /// The account exists but is disabled.
    UserInactive,
    /// The token is valid but its user no longer exists.
    UserNotFound,
    /// The username or email is already registered.
    UserExists,
    /// The user store failed or timed out.
    RepositoryUnavailable,
    /// A remote jwtlib service could not be reached.
    AuthServiceUnavailable,
    /// The configuration is invalid: a bad key, bad parameters or a missing setting.
    InvalidConfig,
}

impl ErrorCode {
    /// Every code, in the order of the documentation table.
    pub const ALL: [ErrorCode; 12] = [
        ErrorCode::ValidationFailed,
        ErrorCode::InvalidAuthorizationHeader,
        ErrorCode::InvalidCredentials,
        ErrorCode::InvalidToken,
        ErrorCode::TokenExpired,
        ErrorCode::NotAuthenticated,
        ErrorCode::UserInactive,
        ErrorCode::UserNotFound,
        ErrorCode::UserExists,
        ErrorCode::RepositoryUnavailable,
        ErrorCode::AuthServiceUnavailable,
        ErrorCode::InvalidConfig,
    ];

    /// Returns the stable snake_case name of the code.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::InvalidAuthorizationHeader => "invalid_authorization_header",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::NotAuthenticated => "not_authenticated",
            ErrorCode::UserInactive => "user_inactive",
            ErrorCode::UserNotFound => "user_not_found",
            ErrorCode::UserExists => "user_exists",
            ErrorCode::RepositoryUnavailable => "repository_unavailable",
            ErrorCode::AuthServiceUnavailable => "auth_service_unavailable",
            ErrorCode::InvalidConfig => "invalid_config",
        }
    }

    /// Returns the HTTP status that the Worker sends for this code.
    pub const fn http_status(self) -> u16 {
        match self {
            ErrorCode::ValidationFailed | ErrorCode::InvalidAuthorizationHeader => 400,
            ErrorCode::InvalidCredentials
            | ErrorCode::InvalidToken
            | ErrorCode::TokenExpired
            | ErrorCode::NotAuthenticated => 401,
            ErrorCode::UserInactive => 403,
            ErrorCode::UserNotFound => 404,
            ErrorCode::UserExists => 409,
            ErrorCode::RepositoryUnavailable | ErrorCode::AuthServiceUnavailable => 503,
            ErrorCode::InvalidConfig => 500,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An authentication failure: a stable [`ErrorCode`] and a short message that is safe to
/// show to the caller.
///
/// Messages are built only from fixed text, field names and configured limits. They never
/// contain a token, password, password hash, key or stored record, and neither does the
/// `Debug` output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    code: ErrorCode,
    message: String,
}

impl AuthError {
    /// Creates an error with a code and a message that must not contain secrets.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// Returns the stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// Returns the human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn validation(field: &str, problem: &str) -> Self {
        Self::new(ErrorCode::ValidationFailed, format!("{field}: {problem}"))
    }

    pub(crate) fn invalid_token(reason: &str) -> Self {
        Self::new(ErrorCode::InvalidToken, format!("invalid token: {reason}"))
    }

    pub(crate) fn invalid_config(problem: impl fmt::Display) -> Self {
        Self::new(
            ErrorCode::InvalidConfig,
            format!("invalid configuration: {problem}"),
        )
    }

    pub(crate) fn invalid_credentials() -> Self {
        Self::new(
            ErrorCode::InvalidCredentials,
            "invalid username or password",
        )
    }

    pub(crate) fn user_exists() -> Self {
        Self::new(
            ErrorCode::UserExists,
            "username or email is already registered",
        )
    }

    pub(crate) fn repository(operation: &str) -> Self {
        Self::new(
            ErrorCode::RepositoryUnavailable,
            format!("user store unavailable: {operation} failed"),
        )
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for AuthError {}

/// The result type of every fallible operation in this crate.
pub type Result<T, E = AuthError> = std::result::Result<T, E>;
