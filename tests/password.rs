#![cfg(not(target_arch = "wasm32"))]
//! Argon2id hashing, verification of PHC strings from any source, the cost ceiling,
//! and the rehash that login performs when a stored hash is weaker than the policy.

mod common;

use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHasher as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use common::*;
use jwtlib::password::{
    PasswordHasher, UnusableHash, Verification, MAX_ITERATIONS, MAX_MEMORY_KIB, MAX_PARALLELISM,
    MAX_WORK,
};
use jwtlib::validate::Password;
use jwtlib::{ErrorCode, PasswordConfig, UserRecord, UserRepository};

const USER_ID: &str = "00112233445566778899aabbccddeeff";

fn default_hasher() -> PasswordHasher {
    PasswordHasher::new(PasswordConfig::default()).unwrap()
}

fn password(text: &str) -> Password {
    Password::parse(text).unwrap()
}

/// Makes a PHC string with the `argon2` crate directly, as another system would.
fn foreign_phc(algorithm: Algorithm, version: Version, memory_kib: u32, iterations: u32) -> String {
    let params = Params::new(memory_kib, iterations, 1, None).unwrap();
    let salt = SaltString::encode_b64(b"a fixed test salt").unwrap();
    Argon2::new(algorithm, version, params)
        .hash_password(PASSWORD.as_bytes(), &salt)
        .unwrap()
        .to_string()
}

/// Returns the `$<salt>$<hash>` end of a PHC string.
fn salt_and_hash(phc: &str) -> String {
    let parts: Vec<&str> = phc.rsplitn(3, '$').collect();
    format!("${}${}", parts[1], parts[0])
}

/// Stores a user whose password hash is `password_hash`, bypassing registration.
fn store_user(fixture: &Fixture, password_hash: &str) -> UserRecord {
    let record = UserRecord {
        id: USER_ID.to_owned(),
        username: "alice".to_owned(),
        email: "alice@example.com".to_owned(),
        password_hash: password_hash.to_owned(),
        is_active: true,
        created_at: "2026-01-01T00:00:00Z".to_owned(),
    };
    block_on(fixture.auth.repository().create(&record)).unwrap();
    record
}

fn stored_hash(fixture: &Fixture) -> String {
    block_on(fixture.auth.repository().find_by_id(USER_ID))
        .unwrap()
        .expect("user stored")
        .password_hash
}

#[test]
fn hash_is_argon2id_phc_at_policy_cost() {
    let hasher = default_hasher();

    let phc = hasher.hash(&password(PASSWORD)).unwrap();

    let parts: Vec<&str> = phc.split('$').collect();
    assert_eq!(parts.len(), 6, "{phc}");
    assert_eq!(parts[1], "argon2id");
    assert_eq!(parts[2], "v=19");
    assert_eq!(parts[3], "m=19456,t=2,p=1");
    // A 16-byte salt and a 32-byte tag, in unpadded base64.
    assert_eq!(parts[4].len(), 22);
    assert_eq!(parts[5].len(), 43);
}

#[test]
fn hash_uses_fresh_salt() {
    let hasher = default_hasher();

    let first = hasher.hash(&password(PASSWORD)).unwrap();
    let second = hasher.hash(&password(PASSWORD)).unwrap();

    assert_ne!(first, second);
}

#[test]
fn verify_matches_only_same_password() {
    let hasher = default_hasher();
    let phc = hasher.hash(&password(PASSWORD)).unwrap();

    assert_eq!(
        hasher.verify(&password(PASSWORD), &phc),
        Ok(Verification::Match {
            needs_rehash: false
        })
    );
    assert_eq!(
        hasher.verify(&password("Correct horse battery staple"), &phc),
        Ok(Verification::Mismatch)
    );
}

#[test]
fn custom_policy_sets_hash_cost() {
    let policy = PasswordConfig {
        memory_kib: 32_768,
        iterations: 3,
        parallelism: 2,
    };
    let hasher = PasswordHasher::new(policy).unwrap();

    let phc = hasher.hash(&password(PASSWORD)).unwrap();

    assert!(phc.starts_with("$argon2id$v=19$m=32768,t=3,p=2$"), "{phc}");
    // A hash at the default cost is weaker than this policy.
    let default_phc = default_hasher().hash(&password(PASSWORD)).unwrap();
    assert_eq!(
        hasher.verify(&password(PASSWORD), &default_phc),
        Ok(Verification::Match { needs_rehash: true })
    );
}

#[test]
fn weaker_hashes_need_rehash() {
    let hasher = default_hasher();
    let weaker = [
        foreign_phc(Algorithm::Argon2id, Version::V0x13, 8192, 1),
        foreign_phc(Algorithm::Argon2id, Version::V0x13, 19_456, 1),
        foreign_phc(Algorithm::Argon2id, Version::V0x13, 9216, 4),
        foreign_phc(Algorithm::Argon2i, Version::V0x13, 19_456, 2),
        foreign_phc(Algorithm::Argon2d, Version::V0x13, 19_456, 2),
        foreign_phc(Algorithm::Argon2id, Version::V0x10, 19_456, 2),
    ];

    for phc in &weaker {
        assert_eq!(
            hasher.verify(&password(PASSWORD), phc),
            Ok(Verification::Match { needs_rehash: true }),
            "{phc}"
        );
    }
}

#[test]
fn stronger_hashes_need_no_rehash() {
    let hasher = default_hasher();
    let stronger = [
        foreign_phc(Algorithm::Argon2id, Version::V0x13, 19_456, 3),
        foreign_phc(Algorithm::Argon2id, Version::V0x13, 47_104, 2),
    ];

    for phc in &stronger {
        assert_eq!(
            hasher.verify(&password(PASSWORD), phc),
            Ok(Verification::Match {
                needs_rehash: false
            }),
            "{phc}"
        );
    }
}

#[test]
fn hash_without_version_reads_as_0x10() {
    let hasher = default_hasher();
    let old = foreign_phc(Algorithm::Argon2id, Version::V0x10, 8192, 1);
    let current = foreign_phc(Algorithm::Argon2id, Version::V0x13, 8192, 1);

    let old_without_version = old.replace("$v=16$", "$");
    let current_without_version = current.replace("$v=19$", "$");

    assert_ne!(old_without_version, old);
    assert_eq!(
        hasher.verify(&password(PASSWORD), &old_without_version),
        Ok(Verification::Match { needs_rehash: true })
    );
    assert_eq!(
        hasher.verify(&password(PASSWORD), &current_without_version),
        Ok(Verification::Mismatch)
    );
}

#[test]
fn costly_hashes_are_refused_without_work() {
    let hasher = default_hasher();
    let tail = salt_and_hash(&foreign_phc(Algorithm::Argon2id, Version::V0x13, 8192, 1));
    let over_ceiling = [
        format!("$argon2id$v=19$m=1048576,t=2,p=1{tail}"),
        format!("$argon2id$v=19$m={},t=1,p=1{tail}", MAX_MEMORY_KIB + 1),
        format!("$argon2id$v=19$m=19456,t={},p=1{tail}", MAX_ITERATIONS + 1),
        format!("$argon2id$v=19$m=19456,t=2,p={}{tail}", MAX_PARALLELISM + 1),
        // Each cost is within its own limit, but m*t is above MAX_WORK.
        format!(
            "$argon2id$v=19$m=65536,t={},p=1{tail}",
            MAX_WORK / 65_536 + 1
        ),
        format!("$argon2id$v=19$m=4294967295,t=4294967295,p=1{tail}"),
    ];

    for phc in &over_ceiling {
        let started = Instant::now();
        let result = hasher.verify(&password(PASSWORD), phc);
        assert_eq!(result, Err(UnusableHash::TooCostly), "{phc}");
        assert!(started.elapsed() < Duration::from_millis(500), "{phc}");
    }
}

#[test]
fn hash_at_work_ceiling_is_checked() {
    let hasher = default_hasher();
    // m=65536, t=4 is exactly MAX_WORK; argon2-cffi's default m=65536, t=3 is below it.
    let phc = foreign_phc(Algorithm::Argon2id, Version::V0x13, 65_536, 4);

    assert_eq!(
        hasher.verify(&password(PASSWORD), &phc),
        Ok(Verification::Match {
            needs_rehash: false
        })
    );
}

#[test]
fn malformed_hashes_are_unusable() {
    let hasher = default_hasher();
    let tail = salt_and_hash(&foreign_phc(Algorithm::Argon2id, Version::V0x13, 8192, 1));
    let malformed = [
        String::new(),
        "not a hash".to_owned(),
        PASSWORD.to_owned(),
        "$argon2id$".to_owned(),
        "$argon2id$v=19$m=19456,t=2,p=1".to_owned(),
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0".to_owned(),
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW".to_owned(),
        "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E"
            .to_owned(),
        format!("$argon2x$v=19$m=19456,t=2,p=1{tail}"),
        format!("$argon2id$v=20$m=19456,t=2,p=1{tail}"),
        format!("$argon2id$v=19$m=abc,t=2,p=1{tail}"),
        format!("$argon2id$v=19$m=19456,t=0,p=1{tail}"),
        format!("$argon2id$v=19$m=19456,t=2,p=0{tail}"),
        format!("$argon2id$v=19$m=1,t=2,p=1{tail}"),
        "$argon2id$v=19$m=19456,t=2,p=1$!!!!$!!!!".to_owned(),
        format!("$argon2id$v=19$m=19456,t=2,p=1{tail}$extra"),
        format!("$argon2id$v=19$m=19456,t=2,p=1,q=7{tail}"),
        format!(" $argon2id$v=19$m=19456,t=2,p=1{tail}"),
    ];

    for phc in &malformed {
        let started = Instant::now();
        let result = hasher.verify(&password(PASSWORD), phc);
        assert_eq!(result, Err(UnusableHash::Malformed), "{phc:?}");
        assert!(started.elapsed() < Duration::from_millis(500), "{phc:?}");
    }
}

#[test]
fn huge_parallelism_verify_does_not_panic() {
    let hasher = default_hasher();

    for parallelism in [1u32 << 29, u32::MAX] {
        let phc = format!("$argon2id$v=19$m=19456,t=2,p={parallelism}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            hasher.verify(&password(PASSWORD), &phc)
        }));
        assert!(result.is_ok(), "verify panicked on p={parallelism}");
        assert!(result.unwrap().is_err());
    }
}

#[test]
fn burn_accepts_any_password() {
    let hasher = default_hasher();

    hasher.burn(&password(PASSWORD));
    hasher.burn(&Password::parse(&"x".repeat(1024)).unwrap());
}

#[test]
fn login_rehashes_weaker_stored_hash() {
    let fixture = fixture();
    let weak = foreign_phc(Algorithm::Argon2id, Version::V0x13, 8192, 1);
    assert!(weak.starts_with("$argon2id$v=19$m=8192,t=1,p=1$"));
    store_user(&fixture, &weak);

    let login = block_on(fixture.auth.login(&login_request("alice", PASSWORD))).unwrap();

    assert_eq!(login.user.id, USER_ID);
    let rehashed = stored_hash(&fixture);
    assert!(
        rehashed.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{rehashed}"
    );
    assert_eq!(
        default_hasher().verify(&password(PASSWORD), &rehashed),
        Ok(Verification::Match {
            needs_rehash: false
        })
    );
    // The record kept everything else, and the new hash logs in.
    let record = block_on(fixture.auth.repository().find_by_id(USER_ID))
        .unwrap()
        .unwrap();
    assert_eq!(record.username, "alice");
    assert_eq!(record.created_at, "2026-01-01T00:00:00Z");
    assert!(block_on(fixture.auth.login(&login_request("alice", PASSWORD))).is_ok());
    assert_eq!(stored_hash(&fixture), rehashed);
}

#[test]
fn login_upgrades_argon2i_hash_to_argon2id() {
    let fixture = fixture();
    store_user(
        &fixture,
        &foreign_phc(Algorithm::Argon2i, Version::V0x10, 19_456, 2),
    );

    assert!(block_on(fixture.auth.login(&login_request("alice", PASSWORD))).is_ok());

    assert!(stored_hash(&fixture).starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
}

#[test]
fn failed_login_keeps_weaker_hash() {
    let fixture = fixture();
    let weak = foreign_phc(Algorithm::Argon2id, Version::V0x13, 8192, 1);
    store_user(&fixture, &weak);

    expect_code(
        block_on(
            fixture
                .auth
                .login(&login_request("alice", "wrong password")),
        ),
        ErrorCode::InvalidCredentials,
    );

    assert_eq!(stored_hash(&fixture), weak);
}

#[test]
fn login_keeps_stronger_hash() {
    let fixture = fixture();
    let strong = foreign_phc(Algorithm::Argon2id, Version::V0x13, 19_456, 3);
    store_user(&fixture, &strong);

    assert!(block_on(fixture.auth.login(&login_request("alice", PASSWORD))).is_ok());

    assert_eq!(stored_hash(&fixture), strong);
}

#[test]
fn login_with_costly_hash_fails_fast() {
    let fixture = fixture();
    let tail = salt_and_hash(&foreign_phc(Algorithm::Argon2id, Version::V0x13, 8192, 1));
    let costly = format!("$argon2id$v=19$m=1048576,t=2,p=1{tail}");
    store_user(&fixture, &costly);

    let started = Instant::now();
    let error = expect_code(
        block_on(fixture.auth.login(&login_request("alice", PASSWORD))),
        ErrorCode::InvalidCredentials,
    );

    // One Argon2 run at the policy cost, never the 1 GiB the hash names.
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(error.message(), "invalid username or password");
    assert_eq!(stored_hash(&fixture), costly);
}

#[test]
fn login_with_malformed_hash_is_invalid_credentials() {
    let fixture = fixture();
    store_user(&fixture, "$argon2id$v=19$m=19456,t=2,p=1$broken");

    let error = expect_code(
        block_on(fixture.auth.login(&login_request("alice", PASSWORD))),
        ErrorCode::InvalidCredentials,
    );

    assert_eq!(error.message(), "invalid username or password");
}

#[test]
fn verify_password_treats_unusable_hash_as_mismatch() {
    let fixture = fixture();
    let tail = salt_and_hash(&foreign_phc(Algorithm::Argon2id, Version::V0x13, 8192, 1));

    for phc in [
        format!("$argon2id$v=19$m=1048576,t=2,p=1{tail}"),
        "garbage".to_owned(),
    ] {
        assert_eq!(fixture.auth.verify_password(PASSWORD, &phc), Ok(false));
    }
    let weak = foreign_phc(Algorithm::Argon2id, Version::V0x13, 8192, 1);
    assert_eq!(fixture.auth.verify_password(PASSWORD, &weak), Ok(true));
}
