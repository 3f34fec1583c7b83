//! Normalisation and validation of usernames, emails and passwords.
//!
//! Each check runs on bounded input: lengths are checked in bytes before any Unicode
//! work, so an oversized field costs no more than reading it.
//!
//! - **Usernames** are normalised to NFKC, then must be 3 to 32 characters of ASCII
//!   letters, digits, `.`, `_` and `-`, starting with a letter or digit. NFKC turns
//!   full-width forms such as `ａｌｉｃｅ` into `alice`. Uniqueness is decided on the
//!   lowercase form, so `Alice` and `alice` are the same user; the stored username
//!   keeps the case it was registered with.
//! - **Emails** are normalised to NFKC and lowercased, then must be a plain ASCII
//!   address of at most 254 bytes: a dot-atom local part and a host name with an
//!   alphabetic top-level label. Quoted local parts, IP literals, Unicode (invisible,
//!   bidirectional and look-alike characters included) are rejected; internationalised
//!   domains must be given in their `xn--` form.
//! - **Passwords** must be 8 to 1024 bytes as typed and are normalised to NFKC before
//!   hashing, as NIST SP 800-63B (5.1.1.2) advises, so the same password typed on two
//!   systems that compose characters differently hashes the same.

use std::str::FromStr;

use email_address::EmailAddress;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{AuthError, Result};

/// Shortest username, in characters.
pub const USERNAME_MIN_CHARS: usize = 3;
/// Maximum username length, in characters.
pub const USERNAME_MAX_CHARS: usize = 32;
/// Maximum email address length, in bytes (RFC 5321's path limit less the angle
/// brackets).
pub const EMAIL_MAX_BYTES: usize = 254;
/// Shortest password, in bytes before normalisation.
pub const PASSWORD_MIN_BYTES: usize = 8;
/// Maximum password length, in bytes before normalisation. Longer input is rejected
/// before any hashing work.
pub const PASSWORD_MAX_BYTES: usize = 1024;
/// Maximum login identifier length (a username or an email), in bytes.
pub const IDENTIFIER_MAX_BYTES: usize = EMAIL_MAX_BYTES;

/// Returns the NFKC form of `input` (Unicode Standard Annex #15).
///
/// In wasm the JS host's `String.prototype.normalize` does the work, which keeps about
/// 110 KB of Unicode tables out of the module. Elsewhere the `unicode-normalization`
/// crate does it. NFKC is stable for assigned characters (the Unicode normalization
/// stability policy), so the two agree except on code points that one of their
/// Unicode versions has not assigned yet. Both are tested against
/// `tests/vectors/nfkc.json`.
#[doc(hidden)]
pub fn nfkc(input: &str) -> String {
    // NFKC leaves ASCII as it is.
    if input.is_ascii() {
        return input.to_owned();
    }
    host_nfkc(input)
}

#[cfg(target_arch = "wasm32")]
fn host_nfkc(input: &str) -> String {
    String::from(js_sys::JsString::from(input).normalize("NFKC"))
}

#[cfg(not(target_arch = "wasm32"))]
fn host_nfkc(input: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    input.nfkc().collect()
}

/// A validated username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username {
    display: String,
    key: String,
}

impl Username {
    /// Normalises and validates `input`.
    ///
    /// # Errors
    ///
    /// `validation_failed` naming `username` when the input breaks a rule.
    pub fn parse(input: &str) -> Result<Self> {
        // NFKC maps every character to at least one character, so a valid username
        // comes from at most 32 characters of at most 4 bytes each.
        if input.len() > USERNAME_MAX_CHARS * 4 {
            return Err(too_long_username());
        }
        let display = nfkc(input);
        let length = display.chars().count();
        if length < USERNAME_MIN_CHARS {
            return Err(AuthError::validation(
                "username",
                &format!("must be at least {USERNAME_MIN_CHARS} characters"),
            ));
        }
        if length > USERNAME_MAX_CHARS {
            return Err(too_long_username());
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if !display.chars().all(allowed) {
            return Err(AuthError::validation(
                "username",
                "may contain only ASCII letters, digits, '.', '_' and '-'",
            ));
        }
        if !display.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(AuthError::validation(
                "username",
                "must start with a letter or digit",
            ));
        }
        let key = display.to_ascii_lowercase();
        Ok(Self { display, key })
    }

    /// Returns the username as registered, after NFKC.
    pub fn as_str(&self) -> &str {
        &self.display
    }

    /// Returns the lowercase form that decides uniqueness.
    pub fn key(&self) -> &str {
        &self.key
    }
}

fn too_long_username() -> AuthError {
    AuthError::validation(
        "username",
        &format!("must be at most {USERNAME_MAX_CHARS} characters"),
    )
}

/// A validated, case-folded email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Normalises and validates `input`.
    ///
    /// # Errors
    ///
    /// `validation_failed` naming `email` when the input is not a usable address.
    pub fn parse(input: &str) -> Result<Self> {
        // NFKC maps every character to at least one character, so a valid address comes
        // from at most 254 characters of at most 4 bytes each.
        if input.len() > EMAIL_MAX_BYTES * 4 {
            return Err(too_long_email());
        }
        // ASCII lowercasing is enough: whatever is not ASCII after NFKC is rejected below,
        // and no character outside ASCII lowercases to ASCII alone once NFKC has mapped
        // the Kelvin sign to `K`.
        let folded = nfkc(input.trim()).to_ascii_lowercase();
        if folded.len() > EMAIL_MAX_BYTES {
            return Err(too_long_email());
        }
        let parsed = EmailAddress::from_str(&folded)
            .map_err(|_| AuthError::validation("email", "is not a valid email address"))?;
        // `email_address` also accepts display names, quoted local parts, IP literals and
        // any Unicode, so invisible and look-alike characters would make addresses that
        // look equal but are not. Only a plain ASCII `local@domain.tld` is stored.
        let bare = format!("{}@{}", parsed.local_part(), parsed.domain());
        if bare != folded
            || !is_plain_local_part(parsed.local_part())
            || !is_host_name(parsed.domain())
        {
            return Err(AuthError::validation(
                "email",
                "is not a valid email address",
            ));
        }
        Ok(Self(folded))
    }

    /// Returns the case-folded address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn too_long_email() -> AuthError {
    AuthError::validation("email", &format!("must be at most {EMAIL_MAX_BYTES} bytes"))
}

/// Returns true for a dot-atom local part (RFC 5322, section 3.2.3) in ASCII of at most
/// 64 bytes (RFC 5321, section 4.5.3.1.1).
fn is_plain_local_part(local: &str) -> bool {
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    !local.is_empty()
        && local.len() <= 64
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atext))
}

/// Returns true for a host name of ASCII letters, digits and hyphens (RFC 1123) with at
/// least two labels and an alphabetic top-level label, so IP addresses are excluded.
/// Internationalised domains must be given in their `xn--` form.
fn is_host_name(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.len())
            && label
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let top_level_ok = labels
        .last()
        .is_some_and(|label| label.len() >= 2 && label.chars().all(|c| c.is_ascii_lowercase()));
    labels.len() >= 2 && labels.iter().all(label_ok) && top_level_ok
}

/// A password after bounds checks and NFKC, wiped from memory on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Password(String);

impl Password {
    /// Checks the bounds of `input` and normalises it.
    ///
    /// # Errors
    ///
    /// `validation_failed` naming `password` when it is shorter than
    /// [`PASSWORD_MIN_BYTES`] or longer than [`PASSWORD_MAX_BYTES`].
    pub fn parse(input: &str) -> Result<Self> {
        if input.len() < PASSWORD_MIN_BYTES {
            return Err(AuthError::validation(
                "password",
                &format!("must be at least {PASSWORD_MIN_BYTES} bytes"),
            ));
        }
        Self::for_login(input)
    }

    /// Normalises a password presented at login without the minimum-length rule, so a
    /// short password gets `invalid_credentials` rather than a hint about the rules.
    pub(crate) fn for_login(input: &str) -> Result<Self> {
        if input.len() > PASSWORD_MAX_BYTES {
            return Err(AuthError::validation(
                "password",
                &format!("must be at most {PASSWORD_MAX_BYTES} bytes"),
            ));
        }
        Ok(Self(nfkc(input)))
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A login identifier: an email when it contains `@`, otherwise a username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Identifier {
    Username(Username),
    Email(Email),
}

impl Identifier {
    /// Parses a login identifier. Input that cannot be a registered user's name or email
    /// is `None`, which login treats like an unknown user.
    pub(crate) fn parse(input: &str) -> Result<Option<Self>> {
        if input.is_empty() {
            return Err(AuthError::validation("username", "must not be empty"));
        }
        if input.len() > IDENTIFIER_MAX_BYTES * 4 {
            return Err(AuthError::validation(
                "username",
                &format!("must be at most {IDENTIFIER_MAX_BYTES} bytes"),
            ));
        }
        // Full-width forms such as U+FF20 become `@` under NFKC, as at registration.
        if nfkc(input).contains('@') {
            Ok(Email::parse(input).ok().map(Identifier::Email))
        } else {
            Ok(Username::parse(input).ok().map(Identifier::Username))
        }
    }
}
