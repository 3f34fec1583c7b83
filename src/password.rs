//! Argon2id password hashing, verification and the rehash policy.
//!
//! New hashes are Argon2id, version 0x13, with the configured cost and a 16-byte random
//! salt, stored as PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
//! Verification accepts any Argon2 variant and version whose cost stays under a ceiling,
//! so hashes made elsewhere (argon2-cffi, libsodium, the reference implementation) still
//! verify, and it reports when a hash is weaker than the current policy.

use std::cell::RefCell;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::config::PasswordConfig;
use crate::error::{AuthError, Result};
use crate::random;
use crate::validate::Password;

/// Largest memory cost accepted, in KiB (64 MiB). A Workers isolate has 128 MB in all,
/// which must also hold the module and the JS heap.
pub const MAX_MEMORY_KIB: u32 = 64 * 1024;
/// Largest number of passes accepted.
pub const MAX_ITERATIONS: u32 = 16;
/// Largest degree of parallelism accepted.
pub const MAX_PARALLELISM: u32 = 16;
/// Largest total work accepted, as memory in KiB times passes. It allows argon2-cffi's
/// default (m=65536, t=3) and caps one verification near 6.7 times the default cost.
pub const MAX_WORK: u64 = 4 * 65_536;

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// The password is wrong.
    Mismatch,
    /// The password is right. `needs_rehash` is true when the stored hash is weaker than
    /// the current policy and should be replaced.
    Match {
        /// Whether to store a new hash made under the current parameters.
        needs_rehash: bool,
    },
}

/// The reason a stored hash could not be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnusableHash {
    /// It is not a PHC string of a supported Argon2 variant.
    Malformed,
    /// Its cost is above the ceiling, so checking it could exhaust memory or CPU.
    TooCostly,
}

/// Hashes and verifies passwords under one cost policy.
///
/// The Argon2 memory is allocated once and reused by every call, which saves about 5 %
/// per hash in wasm. Wasm memory never shrinks, so a fresh allocation per call would
/// not have released it either.
pub struct PasswordHasher {
    params: Params,
    blocks: RefCell<Vec<Block>>,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("params", &self.params)
            .finish()
    }
}

impl Clone for PasswordHasher {
    fn clone(&self) -> Self {
        Self {
            params: self.params.clone(),
            blocks: RefCell::default(),
        }
    }
}

impl PasswordHasher {
    /// Creates a hasher for `config`.
    ///
    /// # Errors
    ///
    /// `invalid_config` when the cost is below all of OWASP's minimums
    /// ([`crate::config::OWASP_MINIMUMS`]) or above the ceiling ([`MAX_MEMORY_KIB`], [`MAX_ITERATIONS`], [`MAX_PARALLELISM`],
    /// [`MAX_WORK`]).
    pub fn new(config: PasswordConfig) -> Result<Self> {
        let PasswordConfig {
            memory_kib,
            iterations,
            parallelism,
        } = config;
        if !config.meets_owasp_minimum() {
            return Err(AuthError::invalid_config(format_args!(
                "password cost m={memory_kib},t={iterations},p={parallelism} is below every \
                 OWASP minimum (m>=47104,t>=1 or m>=19456,t>=2 or m>=12288,t>=3 or \
                 m>=9216,t>=4 or m>=7168,t>=5, with p>=1)"
            )));
        }
        if !within_ceiling(memory_kib, iterations, parallelism) {
            return Err(AuthError::invalid_config(format_args!(
                "password cost m={memory_kib},t={iterations},p={parallelism} is above the \
                 ceiling m<={MAX_MEMORY_KIB},t<={MAX_ITERATIONS},p<={MAX_PARALLELISM}, \
                 m*t<={MAX_WORK}"
            )));
        }
        let params = Params::new(memory_kib, iterations, parallelism, None)
            .map_err(|err| AuthError::invalid_config(format_args!("password cost: {err}")))?;
        Ok(Self {
            params,
            blocks: RefCell::default(),
        })
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Runs Argon2 into `out` with the shared block memory. The memory is borrowed only
    /// for this synchronous call, so no other borrow can overlap it.
    fn compute(
        &self,
        argon2: &Argon2<'_>,
        params: &Params,
        password: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> argon2::Result<()> {
        let count = params.block_count();
        let mut blocks = self.blocks.borrow_mut();
        if blocks.len() < count {
            blocks.resize(count, Block::default());
        }
        argon2.hash_password_into_with_memory(password, salt, out, &mut blocks[..count])
    }

    /// Hashes `password` with a fresh random salt and returns the PHC string.
    ///
    /// # Errors
    ///
    /// `invalid_config` when no secure random source is available.
    pub fn hash(&self, password: &Password) -> Result<String> {
        let failed = |err: &dyn std::fmt::Display| {
            AuthError::invalid_config(format_args!("password hashing: {err}"))
        };
        let salt_bytes: [u8; 16] = random::bytes()?;
        let mut tag = [0u8; 32];
        self.compute(
            &self.argon2(),
            &self.params,
            password.as_bytes(),
            &salt_bytes,
            &mut tag,
        )
        .map_err(|err| failed(&err))?;

        let salt = SaltString::encode_b64(&salt_bytes).map_err(|err| failed(&err))?;
        let params = ParamsString::try_from(&self.params).map_err(|err| failed(&err))?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params,
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&tag).map_err(|err| failed(&err))?),
        };
        Ok(phc.to_string())
    }

    /// Checks `password` against the PHC string `stored`.
    ///
    /// The comparison of the computed and stored tags is constant-time (`Output`
    /// values compare with `subtle`). A PHC string without `v=` is version 0x10, as in
    /// the reference implementation.
    ///
    /// # Errors
    ///
    /// [`UnusableHash`] when `stored` is not a supported Argon2 PHC string or costs more
    /// than the ceiling. No Argon2 work is done in either case.
    pub fn verify(
        &self,
        password: &Password,
        stored: &str,
    ) -> std::result::Result<Verification, UnusableHash> {
        let hash = PasswordHash::new(stored).map_err(|_| UnusableHash::Malformed)?;
        let algorithm = Algorithm::try_from(hash.algorithm).map_err(|_| UnusableHash::Malformed)?;
        // The ceiling is checked on the raw numbers first: `Params` multiplies them, which
        // overflows for values such as p=2^29.
        let cost = |name: &str| hash.params.get_decimal(name).ok_or(UnusableHash::Malformed);
        if !within_ceiling(cost("m")?, cost("t")?, cost("p")?) {
            return Err(UnusableHash::TooCostly);
        }
        let params = Params::try_from(&hash).map_err(|_| UnusableHash::Malformed)?;
        let version = match hash.version {
            // A PHC string without `v=` predates version 0x13 (the reference
            // implementation reads it as 0x10).
            None => Version::V0x10,
            Some(number) => Version::try_from(number).map_err(|_| UnusableHash::Malformed)?,
        };

        // Recompute the tag with the algorithm, version and cost that the stored hash
        // names, not with this hasher's policy. The version is passed explicitly because
        // the `argon2` crate reads a missing `v=` as 0x13.
        let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
            return Err(UnusableHash::Malformed);
        };
        let mut salt_buffer = [0u8; 64];
        let salt_bytes = salt
            .decode_b64(&mut salt_buffer)
            .map_err(|_| UnusableHash::Malformed)?;
        let mut tag = vec![0u8; expected.len()];
        let verifier = Argon2::new(algorithm, version, params.clone());
        self.compute(
            &verifier,
            &params,
            password.as_bytes(),
            salt_bytes,
            &mut tag,
        )
        .map_err(|_| UnusableHash::Malformed)?;
        let computed = Output::new(&tag).map_err(|_| UnusableHash::Malformed)?;
        // `Output`'s equality is constant-time (`subtle::ConstantTimeEq`).
        if computed != expected {
            return Ok(Verification::Mismatch);
        }
        let needs_rehash = algorithm != Algorithm::Argon2id
            || version != Version::V0x13
            || params.m_cost() < self.params.m_cost()
            || params.t_cost() < self.params.t_cost();
        Ok(Verification::Match { needs_rehash })
    }

    /// Spends the same Argon2 work as verifying a hash made under the current policy,
    /// and throws the result away.
    ///
    /// Login calls this for an unknown user so that its timing matches a wrong password.
    pub fn burn(&self, password: &Password) {
        let mut output = [0u8; 32];
        // A fixed salt is fine here: the output is never stored or compared.
        let _ = self.compute(
            &self.argon2(),
            &self.params,
            password.as_bytes(),
            b"jwtlib-no-such-user",
            &mut output,
        );
    }
}

fn within_ceiling(memory_kib: u32, iterations: u32, parallelism: u32) -> bool {
    memory_kib <= MAX_MEMORY_KIB
        && iterations <= MAX_ITERATIONS
        && parallelism <= MAX_PARALLELISM
        && u64::from(memory_kib) * u64::from(iterations) <= MAX_WORK
}
