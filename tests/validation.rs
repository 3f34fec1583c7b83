#![cfg(not(target_arch = "wasm32"))]
//! Input rules: usernames, emails and passwords after NFKC, their length bounds, and
//! reading request bodies field by field without echoing values.

mod common;

use common::*;
use jwtlib::validate::{Email, Password, Username, PASSWORD_MAX_BYTES, PASSWORD_MIN_BYTES};
use jwtlib::{ErrorCode, IntrospectRequest, LoginRequest, RegisterRequest};
use serde_json::json;

#[track_caller]
fn username_error(input: &str) -> String {
    expect_code(Username::parse(input), ErrorCode::ValidationFailed)
        .message()
        .to_owned()
}

#[track_caller]
fn email_error(input: &str) -> String {
    expect_code(Email::parse(input), ErrorCode::ValidationFailed)
        .message()
        .to_owned()
}

#[test]
fn username_accepts_allowed_characters() {
    for input in ["abc", "alice", "a.b_c-d", "0day", "x".repeat(32).as_str()] {
        let username = Username::parse(input).unwrap_or_else(|error| panic!("{input}: {error}"));
        assert_eq!(username.as_str(), input);
    }
}

#[test]
fn username_keeps_case_but_keys_lowercase() {
    let username = Username::parse("Alice.Smith").unwrap();

    assert_eq!(username.as_str(), "Alice.Smith");
    assert_eq!(username.key(), "alice.smith");
}

#[test]
fn username_is_normalised_to_nfkc() {
    let cases = [
        ("ａｌｉｃｅ", "alice"),
        ("ＡＬＩＣＥ", "ALICE"),
        ("\u{212A}im", "Kim"),
        ("\u{FB01}ne", "fine"),
        ("①②③", "123"),
        ("\u{1D41A}\u{1D425}\u{1D422}\u{1D41C}\u{1D41E}", "alice"),
    ];

    for (input, expected) in cases {
        let username = Username::parse(input).unwrap_or_else(|error| panic!("{input}: {error}"));
        assert_eq!(username.as_str(), expected, "{input}");
        assert_eq!(username.key(), expected.to_ascii_lowercase());
    }
}

#[test]
fn username_length_is_counted_after_nfkc() {
    // Two full-width letters become two ASCII letters: too short.
    assert_eq!(
        username_error("ａｂ"),
        "username: must be at least 3 characters"
    );
    // 32 four-byte letters become 32 ASCII letters: the longest valid username.
    let bold = "\u{1D41A}".repeat(32);
    assert_eq!(Username::parse(&bold).unwrap().as_str(), "a".repeat(32));
}

#[test]
fn username_length_bounds() {
    assert_eq!(
        username_error(""),
        "username: must be at least 3 characters"
    );
    assert_eq!(
        username_error("ab"),
        "username: must be at least 3 characters"
    );
    assert_eq!(
        username_error(&"x".repeat(33)),
        "username: must be at most 32 characters"
    );
    // Rejected from its byte length, before any normalisation.
    assert_eq!(
        username_error(&"x".repeat(100_000)),
        "username: must be at most 32 characters"
    );
}

#[test]
fn username_rejects_other_characters() {
    let message = "username: may contain only ASCII letters, digits, '.', '_' and '-'";

    for input in [
        "al ice",
        "alice!",
        "al@ice",
        "alïce",
        "алиса",
        "a\u{0}bc",
        "abc\n",
        "a/b/c",
        "ali\u{200B}ce",
        "😀😀😀",
    ] {
        assert_eq!(username_error(input), message, "{input:?}");
    }
}

#[test]
fn username_must_start_with_letter_or_digit() {
    for input in [".alice", "_alice", "-alice"] {
        assert_eq!(
            username_error(input),
            "username: must start with a letter or digit"
        );
    }
    assert!(Username::parse("alice.").is_ok());
}

#[test]
fn email_is_trimmed_and_case_folded() {
    let cases = [
        ("alice@example.com", "alice@example.com"),
        (" Alice@Example.COM ", "alice@example.com"),
        ("ａｌｉｃｅ@ｅｘａｍｐｌｅ.com", "alice@example.com"),
        ("a.b+tag@sub.example.co.uk", "a.b+tag@sub.example.co.uk"),
    ];

    for (input, expected) in cases {
        let email = Email::parse(input).unwrap_or_else(|error| panic!("{input}: {error}"));
        assert_eq!(email.as_str(), expected);
    }
}

#[test]
fn email_rejects_invalid_addresses() {
    let message = "email: is not a valid email address";

    for input in [
        "",
        "alice",
        "alice@",
        "@example.com",
        "alice@example",
        "alice@.example.com",
        "alice@example.com.",
        "alice@@example.com",
        "al ice@example.com",
        "Alice <alice@example.com>",
        "\"alice\"@example.com",
        "alice@[127.0.0.1]",
        "mailto:alice@example.com",
    ] {
        assert_eq!(email_error(input), message, "{input:?}");
    }
}

#[test]
fn email_length_bounds() {
    // 64 + 1 + 189 = 254 bytes, the longest address allowed.
    let domain = format!("{}.{}.{}", "b".repeat(63), "c".repeat(63), "d".repeat(61));
    let longest = format!("{}@{domain}", "a".repeat(64));
    assert_eq!(longest.len(), 254);
    assert_eq!(Email::parse(&longest).unwrap().as_str(), longest);

    let too_long = format!("{}@{domain}x", "a".repeat(64));
    assert_eq!(email_error(&too_long), "email: must be at most 254 bytes");
    assert_eq!(
        email_error(&"a".repeat(100_000)),
        "email: must be at most 254 bytes"
    );
}

#[test]
fn password_length_is_counted_in_bytes() {
    assert_eq!(PASSWORD_MIN_BYTES, 8);
    assert_eq!(PASSWORD_MAX_BYTES, 1024);

    assert!(Password::parse(&"p".repeat(8)).is_ok());
    assert!(Password::parse(&"p".repeat(1024)).is_ok());
    // Four two-byte characters are 8 bytes.
    assert!(Password::parse("éééé").is_ok());
    assert!(Password::parse(&"é".repeat(512)).is_ok());

    let short = expect_code(Password::parse("1234567"), ErrorCode::ValidationFailed);
    assert_eq!(short.message(), "password: must be at least 8 bytes");
    let long = expect_code(
        Password::parse(&"p".repeat(1025)),
        ErrorCode::ValidationFailed,
    );
    assert_eq!(long.message(), "password: must be at most 1024 bytes");
    expect_code(
        Password::parse(&"é".repeat(513)),
        ErrorCode::ValidationFailed,
    );
}

#[test]
fn password_debug_is_redacted() {
    let password = Password::parse(PASSWORD).unwrap();

    assert_eq!(format!("{password:?}"), "Password(<redacted>)");
}

#[test]
fn register_accepts_1024_byte_password() {
    let fixture = fixture();
    let longest = "p".repeat(1024);

    block_on(
        fixture
            .auth
            .register(&register_request("alice", "alice@example.com", &longest)),
    )
    .unwrap();

    assert!(block_on(fixture.auth.login(&login_request("alice", &longest))).is_ok());
}

#[test]
fn register_rejects_1025_byte_password() {
    let fixture = fixture();
    let too_long = "p".repeat(1025);

    let error = expect_code(
        block_on(
            fixture
                .auth
                .register(&register_request("alice", "alice@example.com", &too_long)),
        ),
        ErrorCode::ValidationFailed,
    );

    assert_eq!(error.message(), "password: must be at most 1024 bytes");
    assert!(fixture.store.is_empty());
}

#[test]
fn register_request_from_json() {
    let request = RegisterRequest::from_json(json!({
        "username": "alice",
        "email": "alice@example.com",
        "password": PASSWORD,
    }))
    .unwrap();

    assert_eq!(request.username, "alice");
    assert_eq!(request.email, "alice@example.com");
    assert_eq!(request.password, PASSWORD);
}

#[test]
fn request_bodies_name_the_bad_field() {
    let cases = [
        (json!([]), "body: must be a JSON object"),
        (json!("alice"), "body: must be a JSON object"),
        (json!(null), "body: must be a JSON object"),
        (
            json!({"email": "alice@example.com", "password": PASSWORD}),
            "username: is required",
        ),
        (
            json!({"username": null, "email": "a@example.com", "password": PASSWORD}),
            "username: is required",
        ),
        (
            json!({"username": 7, "email": "a@example.com", "password": PASSWORD}),
            "username: must be a string",
        ),
        (
            json!({"username": "alice", "email": "a@example.com", "password": ["x"]}),
            "password: must be a string",
        ),
        (
            json!({"username": "alice", "email": "a@example.com", "password": PASSWORD, "admin": true}),
            "body: contains a field that is not known; the fields are username, email and password",
        ),
    ];

    for (body, message) in cases {
        let error = expect_code(
            RegisterRequest::from_json(body.clone()),
            ErrorCode::ValidationFailed,
        );
        assert_eq!(error.message(), message, "{body}");
    }
}

#[test]
fn misspelt_password_field_is_not_echoed() {
    let secret = "hunter2 but much longer";
    let bodies = [
        json!({"username": "alice", "pasword": secret}),
        json!({"username": "alice", "password": "x", "pasword": secret}),
        json!({"username": "alice", "password": secret, "passwd": secret}),
    ];

    for body in bodies {
        let error = expect_code(LoginRequest::from_json(body), ErrorCode::ValidationFailed);
        assert!(!error.message().contains(secret), "{error}");
    }
    let error = expect_code(
        LoginRequest::from_json(json!({"username": "alice", "password": "x", "pasword": secret})),
        ErrorCode::ValidationFailed,
    );
    assert_eq!(
        error.message(),
        "body: contains a field that is not known; the fields are username and password"
    );
    let error = expect_code(
        LoginRequest::from_json(json!({"username": "alice", "password": {"value": secret}})),
        ErrorCode::ValidationFailed,
    );
    assert_eq!(error.message(), "password: must be a string");
}

#[test]
fn long_unknown_field_name_is_truncated() {
    let name = "f".repeat(1000);
    let mut body = json!({"username": "alice", "password": PASSWORD});
    body[&name] = json!(1);

    let error = expect_code(LoginRequest::from_json(body), ErrorCode::ValidationFailed);

    assert!(error.message().len() < 80, "{}", error.message());
    assert!(!error.message().contains(&"f".repeat(33)));
}

#[test]
fn secret_as_field_name_is_not_echoed() {
    for secret in [PASSWORD, "p@ss:w0rd/+=", "ñandú-secreto"] {
        let mut body = json!({"username": "alice", "password": PASSWORD});
        body[secret] = json!(true);

        let error = expect_code(LoginRequest::from_json(body), ErrorCode::ValidationFailed);

        assert!(!error.message().contains(secret), "{}", error.message());
    }
}

#[test]
fn introspect_request_from_json() {
    let request = IntrospectRequest::from_json(json!({"token": "abc"})).unwrap();
    assert_eq!(request.token, "abc");
    assert_eq!(request.token_type_hint, None);

    let request =
        IntrospectRequest::from_json(json!({"token": "abc", "token_type_hint": "access_token"}))
            .unwrap();
    assert_eq!(request.token_type_hint.as_deref(), Some("access_token"));

    let error = expect_code(
        IntrospectRequest::from_json(json!({"token_type_hint": "access_token"})),
        ErrorCode::ValidationFailed,
    );
    assert_eq!(error.message(), "token: is required");
    expect_code(
        IntrospectRequest::from_json(json!({"token": "abc", "client_secret": "s"})),
        ErrorCode::ValidationFailed,
    );
}

#[test]
fn serde_requests_reject_unknown_fields() {
    let body = json!({"username": "alice", "password": PASSWORD, "remember": true});

    assert!(serde_json::from_value::<LoginRequest>(body).is_err());
}

#[test]
fn request_debug_hides_password() {
    let register = register_request("alice", "alice@example.com", PASSWORD);
    let login = login_request("alice", PASSWORD);

    let register_debug = format!("{register:?}");
    let login_debug = format!("{login:?}");

    assert!(!register_debug.contains(PASSWORD), "{register_debug}");
    assert!(register_debug.contains("alice@example.com"));
    assert!(register_debug.contains("<redacted>"));
    assert!(!login_debug.contains(PASSWORD), "{login_debug}");
    assert!(login_debug.contains("<redacted>"));
}

#[test]
fn email_rejects_invisible_and_lookalike_characters() {
    let rejected = [
        "ali\u{200b}ce@example.com",
        "alice@exam\u{200d}ple.com",
        "alice@exam\u{2060}ple.com",
        "alice@exam\u{00ad}ple.com",
        "alice@exam\u{feff}ple.com",
        "\u{202e}alice@example.com",
        "alice\u{200e}@example.com",
        "alice\u{e0041}@example.com",
        "\u{0430}lice@example.com",
        "alice@ex\u{0430}mple.com",
        "a@127.0.0.1",
        "x@1.2",
        "x@exa_mple.com",
        "\u{00fc}@example.com",
        "\"quoted\"@example.com",
        "a..b@example.com",
        ".a@example.com",
        "a@-example.com",
        "a@example",
    ];
    for input in rejected {
        let error = Email::parse(input).expect_err(input);
        assert_eq!(error.code(), ErrorCode::ValidationFailed, "{input:?}");
    }
}

#[test]
fn email_accepts_plain_ascii_forms() {
    for (input, stored) in [
        ("Alice@Example.COM", "alice@example.com"),
        (
            "first.last+tag@mail.example.co.uk",
            "first.last+tag@mail.example.co.uk",
        ),
        (
            "o'brien@xn--bcher-kva.example",
            "o'brien@xn--bcher-kva.example",
        ),
        ("ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "alice@example.com"),
    ] {
        assert_eq!(Email::parse(input).expect(input).as_str(), stored);
    }
}

#[test]
fn json_body_with_repeated_field_is_rejected() {
    let body = br#"{"username":"alice","password":"wrong","password":"right"}"#;
    let error = jwtlib::models::parse_json_body(body).unwrap_err();
    assert_eq!(error.code(), ErrorCode::ValidationFailed);
    assert_eq!(error.message(), "body: repeats a field");

    let nested = br#"{"username":"alice","password":"x","extra":{"a":1,"b":2}}"#;
    assert!(jwtlib::models::parse_json_body(nested).is_ok());

    let not_json = jwtlib::models::parse_json_body(b"{").unwrap_err();
    assert_eq!(not_json.message(), "body: is not valid JSON");

    let array = jwtlib::models::parse_json_body(b"[1,2]").unwrap();
    assert!(array.is_array());
}
