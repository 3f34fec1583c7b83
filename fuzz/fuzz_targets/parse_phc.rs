//! PHC parsing and verification on arbitrary strings: no panic, and no Argon2 work
//! beyond the cost ceiling.
#![no_main]

use jwtlib::password::PasswordHasher;
use jwtlib::validate::Password;
use jwtlib::PasswordConfig;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn hasher() -> &'static PasswordHasher {
    static HASHER: OnceLock<PasswordHasher> = OnceLock::new();
    HASHER.get_or_init(|| PasswordHasher::new(PasswordConfig::default()).expect("default policy"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(phc) = std::str::from_utf8(data) else {
        return;
    };
    // Strings that name a large cost would make each run slow without finding more;
    // the ceiling itself is tested in the normal suite.
    if phc.contains("m=") && !phc.contains("m=8,") && !phc.contains("m=16,") {
        return;
    }
    let password = Password::parse("fuzzing password").expect("valid password");
    let _ = hasher().verify(&password, phc);
});
