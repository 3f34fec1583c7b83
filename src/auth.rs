//! The operations: register, login, logout, current user, introspect and request
//! authentication. This is the only module with authentication logic; the adapters
//! translate in and out of it.

use chrono::{DateTime, SecondsFormat};

use crate::clock::{Clock, SystemClock};
use crate::config::AuthConfig;
use crate::error::{AuthError, ErrorCode, Result};
use crate::models::{
    IntrospectResponse, LoginRequest, LoginResponse, LogoutResponse, PublicUser, RegisterRequest,
};
use crate::password::{PasswordHasher, Verification};
use crate::random;
use crate::repository::{UserRecord, UserRepository};
use crate::token::{KeySet, VerifiedToken};
use crate::validate::{Email, Identifier, Password, Username};

/// The `token_type` of every access token, as in RFC 6750.
pub const TOKEN_TYPE: &str = "Bearer";

/// The message of every logout response.
pub const LOGOUT_MESSAGE: &str = "Successfully logged out";

/// Requests that [`Auth::authenticate_request`] lets through without a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipRule {
    /// Paths that match exactly, such as `/health`.
    pub paths: Vec<String>,
    /// Path prefixes, such as `/public/`.
    pub prefixes: Vec<String>,
    /// HTTP methods, compared without case. Default: `OPTIONS`, for CORS preflights.
    pub methods: Vec<String>,
}

impl Default for SkipRule {
    fn default() -> Self {
        Self {
            paths: Vec::new(),
            prefixes: Vec::new(),
            methods: vec!["OPTIONS".to_owned()],
        }
    }
}

impl SkipRule {
    /// Returns true when a request with `method` and `path` needs no token.
    ///
    /// Paths and prefixes match the path as given, byte for byte. A path with a `.` or
    /// `..` segment, or with an encoded `.` or `/` (`%2e`, `%2f`), never skips: a server
    /// that resolves it later could reach a route outside the skipped prefix.
    pub fn skips(&self, method: &str, path: &str) -> bool {
        if self
            .methods
            .iter()
            .any(|skipped| skipped.eq_ignore_ascii_case(method))
        {
            return true;
        }
        let lowercase = path.to_ascii_lowercase();
        let ambiguous = path
            .split('/')
            .any(|segment| segment == "." || segment == "..")
            || lowercase.contains("%2e")
            || lowercase.contains("%2f");
        if ambiguous {
            return false;
        }
        self.paths.iter().any(|skipped| skipped == path)
            || self
                .prefixes
                .iter()
                .any(|prefix| path.starts_with(prefix.as_str()))
    }
}

/// Extracts the token from an `Authorization: Bearer <token>` header value.
///
/// The scheme is matched without case (RFC 7235, section 2.1) and must be followed by
/// one space and a non-empty token without spaces.
///
/// # Errors
///
/// `invalid_authorization_header` for any other shape.
pub fn parse_bearer(header: &str) -> Result<&str> {
    let invalid = || {
        AuthError::new(
            ErrorCode::InvalidAuthorizationHeader,
            "Authorization header must be 'Bearer <token>'",
        )
    };
    let (scheme, token) = header.split_once(' ').ok_or_else(invalid)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains([' ', '\t']) {
        return Err(invalid());
    }
    Ok(token)
}

/// The authentication service over a user repository.
#[derive(Debug)]
pub struct Auth<R, C = SystemClock> {
    repository: R,
    keys: KeySet,
    passwords: PasswordHasher,
    clock: C,
}

impl<R: UserRepository> Auth<R> {
    /// Creates the service with the system clock.
    ///
    /// # Errors
    ///
    /// `invalid_config` when the configuration is invalid; the message names the
    /// setting and the problem.
    pub fn new(config: &AuthConfig, repository: R) -> Result<Self> {
        Self::with_clock(config, repository, SystemClock)
    }
}

impl<R: UserRepository, C: Clock> Auth<R, C> {
    /// Creates the service with a custom clock.
    ///
    /// # Errors
    ///
    /// `invalid_config` when the configuration is invalid.
    pub fn with_clock(config: &AuthConfig, repository: R, clock: C) -> Result<Self> {
        // Checked here too, although only stores given from JS use it, so a bad value is
        // reported whichever way the configuration arrives.
        config.store_timeout_ms()?;
        Ok(Self {
            repository,
            keys: KeySet::from_config(config)?,
            passwords: PasswordHasher::new(config.password)?,
            clock,
        })
    }

    /// Returns the repository.
    pub fn repository(&self) -> &R {
        &self.repository
    }

    /// Registers a user and returns its public fields.
    ///
    /// # Errors
    ///
    /// `validation_failed` when a field breaks a rule, `user_exists` when the username
    /// or email is taken, `repository_unavailable` when the store fails.
    pub async fn register(&self, request: &RegisterRequest) -> Result<PublicUser> {
        let username = Username::parse(&request.username)?;
        let email = Email::parse(&request.email)?;
        let password = Password::parse(&request.password)?;

        // Fail fast before spending Argon2 work; `create` checks again after hashing.
        if self
            .repository
            .find_by_username(username.key())
            .await?
            .is_some()
            || self
                .repository
                .find_by_email(email.as_str())
                .await?
                .is_some()
        {
            return Err(AuthError::user_exists());
        }

        let record = UserRecord {
            id: random::identifier()?,
            username: username.as_str().to_owned(),
            email: email.as_str().to_owned(),
            password_hash: self.passwords.hash(&password)?,
            is_active: true,
            created_at: rfc3339(self.clock.now()),
        };
        self.repository.create(&record).await?;
        Ok(record.to_public())
    }

    /// Checks a username (or email) and password and issues an access token.
    ///
    /// An unknown user costs the same Argon2 work as a wrong password and gets the same
    /// error. A disabled account is reported only after its password verified, so the
    /// account status is not revealed to someone without the password. A stored hash
    /// weaker than the current policy is replaced by a new one.
    ///
    /// # Errors
    ///
    /// `validation_failed` for an empty identifier or an oversized field,
    /// `invalid_credentials` for an unknown user or a wrong password, `user_inactive`
    /// for a disabled account, `repository_unavailable` when the store fails.
    pub async fn login(&self, request: &LoginRequest) -> Result<LoginResponse> {
        let identifier = Identifier::parse(&request.username)?;
        let password = Password::for_login(&request.password)?;

        let record = match identifier {
            Some(Identifier::Username(username)) => {
                self.repository.find_by_username(username.key()).await?
            }
            Some(Identifier::Email(email)) => self.repository.find_by_email(email.as_str()).await?,
            None => None,
        };
        let Some(mut record) = record else {
            self.passwords.burn(&password);
            return Err(AuthError::invalid_credentials());
        };

        let needs_rehash = match self.passwords.verify(&password, &record.password_hash) {
            Ok(Verification::Match { needs_rehash }) => needs_rehash,
            Ok(Verification::Mismatch) => return Err(AuthError::invalid_credentials()),
            // A stored hash that cannot be checked gets the same error as a wrong
            // password, after the same work, so the caller learns nothing about it.
            Err(_) => {
                self.passwords.burn(&password);
                return Err(AuthError::invalid_credentials());
            }
        };
        if !record.is_active {
            return Err(inactive());
        }
        if needs_rehash {
            record.password_hash = self.passwords.hash(&password)?;
            self.repository.update(&record).await?;
        }

        self.login_response(&record)
    }

    fn login_response(&self, record: &UserRecord) -> Result<LoginResponse> {
        let issued = self.keys.issue(&record.id, self.clock.now())?;
        Ok(LoginResponse {
            access_token: issued.token,
            token_type: TOKEN_TYPE.to_owned(),
            expires_in: self.keys.ttl(),
            user: record.to_public(),
        })
    }

    /// Ends a session. Tokens are stateless, so the client discards its token and
    /// nothing is stored; the token, if given, is not checked and stays valid until
    /// it expires.
    pub fn logout(&self, _token: Option<&str>) -> LogoutResponse {
        LogoutResponse {
            message: LOGOUT_MESSAGE.to_owned(),
        }
    }

    /// Signs an access token for the user `user_id` without checking a password, for
    /// sign-in flows that authenticate the user some other way. The user must exist and
    /// be active.
    ///
    /// # Errors
    ///
    /// `user_not_found`, `user_inactive` or `repository_unavailable`.
    pub async fn issue_token(&self, user_id: &str) -> Result<LoginResponse> {
        let record = self
            .repository
            .find_by_id(user_id)
            .await?
            .ok_or_else(|| AuthError::new(ErrorCode::UserNotFound, "no user has this id"))?;
        if !record.is_active {
            return Err(inactive());
        }
        self.login_response(&record)
    }

    /// Hashes a password under the configured policy and returns the PHC string, for
    /// callers that store users themselves.
    ///
    /// # Errors
    ///
    /// `validation_failed` when the password breaks the length rules.
    pub fn hash_password(&self, password: &str) -> Result<String> {
        self.passwords.hash(&Password::parse(password)?)
    }

    /// Checks a password against a PHC string. A hash that is malformed or above the
    /// cost ceiling is a mismatch.
    ///
    /// # Errors
    ///
    /// `validation_failed` when the password is longer than the limit.
    pub fn verify_password(&self, password: &str, phc: &str) -> Result<bool> {
        let password = Password::for_login(password)?;
        Ok(matches!(
            self.passwords.verify(&password, phc),
            Ok(Verification::Match { .. })
        ))
    }

    /// Returns the public keys of the asymmetric keys as a JWK Set, for other services
    /// to verify tokens with. HMAC keys are never included.
    pub fn jwks(&self) -> serde_json::Value {
        self.keys.jwks()
    }

    /// Verifies a token without loading its user.
    ///
    /// # Errors
    ///
    /// `token_expired` or `invalid_token`, as described in [`crate::token`], and
    /// `invalid_token` when the token has no `sub` claim.
    pub fn verify_token(&self, token: &str) -> Result<VerifiedToken> {
        let verified = self.keys.verify(token, self.clock.now())?;
        if verified.sub.is_none() {
            return Err(AuthError::invalid_token("missing sub claim"));
        }
        Ok(verified)
    }

    /// Verifies a token and returns its subject.
    fn verified_subject(&self, token: &str) -> Result<(String, VerifiedToken)> {
        let verified = self.verify_token(token)?;
        let sub = verified.sub.clone().unwrap_or_default();
        Ok((sub, verified))
    }

    /// Returns the user a bearer token belongs to.
    ///
    /// # Errors
    ///
    /// `invalid_token` or `token_expired` for a bad token, `user_not_found` when its user
    /// is gone, `user_inactive` when it is disabled, `repository_unavailable` when the
    /// store fails.
    pub async fn current_user(&self, token: &str) -> Result<PublicUser> {
        let (sub, _) = self.verified_subject(token)?;
        let record = self.repository.find_by_id(&sub).await?.ok_or_else(|| {
            AuthError::new(
                ErrorCode::UserNotFound,
                "the user of this token no longer exists",
            )
        })?;
        if !record.is_active {
            return Err(inactive());
        }
        Ok(record.to_public())
    }

    /// Describes a token as RFC 7662 does, for other services.
    ///
    /// Never fails: a token that is invalid, expired, or whose user is gone or disabled,
    /// and a store failure, all give `active: false` and no other field.
    pub async fn introspect(&self, token: &str) -> IntrospectResponse {
        let Ok((sub, verified)) = self.verified_subject(token) else {
            return IntrospectResponse::inactive();
        };
        let record = match self.repository.find_by_id(&sub).await {
            Ok(Some(record)) if record.is_active => record,
            _ => return IntrospectResponse::inactive(),
        };
        IntrospectResponse {
            active: true,
            sub: Some(sub),
            username: Some(record.username.clone()),
            exp: Some(verified.exp),
            iat: verified.iat,
            iss: verified.iss,
            aud: verified.aud,
            jti: verified.jti,
            token_type: Some(TOKEN_TYPE.to_owned()),
            user: Some(record.to_public()),
        }
    }

    /// Resolves the user of an HTTP request from its `Authorization` header.
    ///
    /// Returns `None` when `skip` lets the request through without a token.
    ///
    /// # Errors
    ///
    /// `not_authenticated` when the header is missing, `invalid_authorization_header`
    /// when it is not `Bearer <token>`, and the errors of [`Auth::current_user`].
    pub async fn authenticate_request(
        &self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        skip: &SkipRule,
    ) -> Result<Option<PublicUser>> {
        if skip.skips(method, path) {
            return Ok(None);
        }
        let header = authorization.ok_or_else(|| {
            AuthError::new(ErrorCode::NotAuthenticated, "missing Authorization header")
        })?;
        let token = parse_bearer(header)?;
        self.current_user(token).await.map(Some)
    }
}

fn inactive() -> AuthError {
    AuthError::new(ErrorCode::UserInactive, "this account is disabled")
}

fn rfc3339(seconds: i64) -> String {
    DateTime::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}
