//! Secure random bytes: the OS source natively, `crypto.getRandomValues` on wasm.

use crate::error::{AuthError, Result};

/// Returns `N` bytes from the platform's secure random source.
pub(crate) fn bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buffer = [0u8; N];
    getrandom::getrandom(&mut buffer)
        .map_err(|err| AuthError::invalid_config(format_args!("no secure random source: {err}")))?;
    Ok(buffer)
}

/// Returns a random 128-bit identifier as 32 lowercase hex digits.
pub(crate) fn identifier() -> Result<String> {
    let bytes: [u8; 16] = bytes()?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}
