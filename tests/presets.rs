//! Password cost presets and the OWASP minimum rule.

use jwtlib::password::PasswordHasher;
use jwtlib::{AuthConfig, ErrorCode, PasswordConfig, PASSWORD_PRESETS};

fn config_from_json(json: &str) -> jwtlib::Result<AuthConfig> {
    AuthConfig::deserialize_checked(&mut serde_json::Deserializer::from_str(json))
}

#[test]
fn every_preset_is_accepted() {
    for (name, cost) in PASSWORD_PRESETS {
        assert!(cost.meets_owasp_minimum(), "{name}");
        assert!(PasswordHasher::new(cost).is_ok(), "{name}");
        assert_eq!(PasswordConfig::preset(name), Some(cost), "{name}");
    }
}

#[test]
fn preset_name_in_config() {
    let config = config_from_json(r#"{"secret":"s","password":"owasp-7m"}"#).unwrap();
    assert_eq!(config.password, PasswordConfig::new(7_168, 5, 1));
}

#[test]
fn partial_password_object_keeps_defaults() {
    let config = config_from_json(r#"{"secret":"s","password":{"iterations":3}}"#).unwrap();
    assert_eq!(config.password, PasswordConfig::new(19_456, 3, 1));
}

#[test]
fn unknown_preset_is_invalid_config() {
    let error = config_from_json(r#"{"secret":"s","password":"fast"}"#).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidConfig);
    assert!(error.message().contains("owasp-19m"), "{}", error.message());
}

#[test]
fn owasp_table_rows_are_minimums() {
    // Each row of the table passes; one step below it on either axis does not, unless
    // another row covers it.
    assert!(PasswordConfig::new(12_288, 3, 1).meets_owasp_minimum());
    assert!(!PasswordConfig::new(12_288, 2, 1).meets_owasp_minimum());
    assert!(!PasswordConfig::new(7_167, 5, 1).meets_owasp_minimum());
    assert!(!PasswordConfig::new(47_103, 1, 1).meets_owasp_minimum());
    assert!(!PasswordConfig::new(19_456, 2, 0).meets_owasp_minimum());

    let error = PasswordHasher::new(PasswordConfig::new(19_456, 1, 1)).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidConfig);
}

#[test]
fn preset_variable_sets_password_cost() {
    let variables = |name: &str| match name {
        "JWT_SECRET" => Some("s".repeat(32)),
        "PASSWORD_PRESET" => Some("owasp-9m".to_owned()),
        "PASSWORD_ITERATIONS" => Some("6".to_owned()),
        _ => None,
    };
    let config = AuthConfig::from_variables(variables).unwrap();
    assert_eq!(config.password, PasswordConfig::new(9_216, 6, 1));

    let unknown =
        AuthConfig::from_variables(|name| (name == "PASSWORD_PRESET").then(|| "x".to_owned()));
    assert_eq!(unknown.unwrap_err().code(), ErrorCode::InvalidConfig);
}

#[test]
fn jwt_keys_variable_takes_precedence() {
    let variables = |name: &str| match name {
        "JWT_KEYS" => Some(format!(
            r#"[{{"kid":"k1","alg":"HS384","secret":"{}"}}]"#,
            "s".repeat(48)
        )),
        "JWT_SECRET" => Some("a development secret left in .dev.vars".to_owned()),
        "JWT_KEY_ID" => Some("dev".to_owned()),
        _ => None,
    };
    let config = AuthConfig::from_variables(variables).unwrap();

    assert!(config.secret.is_none());
    assert!(config.key_id.is_none());
    assert_eq!(config.keys.len(), 1);
    assert!(jwtlib::token::KeySet::from_config(&config).is_ok());
}
