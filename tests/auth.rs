#![cfg(not(target_arch = "wasm32"))]
//! The service operations end to end over an in-memory store: register, login, logout,
//! current_user, introspect, authenticate_request, verify_token, issue_token and the
//! password helpers, with the error code of every failure the core can produce.

mod common;

use common::*;
use jwtlib::auth::{LOGOUT_MESSAGE, TOKEN_TYPE};
use jwtlib::{
    parse_bearer, Auth, AuthConfig, ErrorCode, FixedClock, IntrospectResponse, KeyValueStore,
    KvUserRepository, SkipRule, UserRepository,
};
use serde_json::json;

/// `created_at` of users registered at [`NOW`].
const NOW_RFC3339: &str = "2027-01-15T08:00:00Z";

/// Sets `is_active` of `username` through the repository's update.
async fn set_active(fixture: &Fixture, username: &str, active: bool) {
    let repository = fixture.auth.repository();
    let mut record = repository
        .find_by_username(&username.to_ascii_lowercase())
        .await
        .unwrap()
        .expect("user exists");
    record.is_active = active;
    repository.update(&record).await.unwrap();
}

/// Deletes the record of user `id` from the store, as an administrator would.
async fn delete_user(fixture: &Fixture, id: &str) {
    fixture
        .store
        .delete(&format!("user/id/{id}"))
        .await
        .unwrap();
}

#[test]
fn register_returns_public_user() {
    let fixture = fixture();

    let user = block_on(fixture.auth.register(&register_request(
        "Alice",
        "Alice@Example.COM",
        PASSWORD,
    )))
    .unwrap();

    assert_eq!(user.username, "Alice");
    assert_eq!(user.email, "alice@example.com");
    assert!(user.is_active);
    assert_eq!(user.created_at, NOW_RFC3339);
    assert_eq!(user.id.len(), 32);
    assert!(user
        .id
        .bytes()
        .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte)));
}

#[test]
fn register_stores_argon2id_hash() {
    let fixture = fixture();

    let user = block_on(register(&fixture.auth, "alice"));

    let record = block_on(fixture.auth.repository().find_by_id(&user.id))
        .unwrap()
        .expect("record stored");
    assert!(
        record
            .password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "unexpected hash parameters"
    );
    assert!(!record.password_hash.contains(PASSWORD));
    assert_eq!(record.to_public(), user);
    assert_eq!(fixture.store.len(), 3);
}

#[test]
fn register_gives_distinct_ids_and_salts() {
    let fixture = fixture();

    let alice = block_on(register(&fixture.auth, "alice"));
    let bob = block_on(register(&fixture.auth, "bob"));

    assert_ne!(alice.id, bob.id);
    let repository = fixture.auth.repository();
    let alice_hash = block_on(repository.find_by_id(&alice.id))
        .unwrap()
        .unwrap()
        .password_hash;
    let bob_hash = block_on(repository.find_by_id(&bob.id))
        .unwrap()
        .unwrap()
        .password_hash;
    assert_ne!(alice_hash, bob_hash, "same password must hash differently");
}

#[test]
fn register_rejects_taken_username_any_case() {
    let fixture = fixture();
    block_on(register(&fixture.auth, "alice"));

    for username in ["alice", "Alice", "ALICE", "ａｌｉｃｅ", "ＡＬＩＣＥ"] {
        let result = block_on(fixture.auth.register(&register_request(
            username,
            "other@example.com",
            PASSWORD,
        )));
        let error = expect_code(result, ErrorCode::UserExists);
        assert_eq!(error.message(), "username or email is already registered");
    }
}

#[test]
fn register_rejects_taken_email_any_case() {
    let fixture = fixture();
    block_on(register(&fixture.auth, "alice"));

    for email in [
        "alice@example.com",
        "ALICE@EXAMPLE.COM",
        " Alice@Example.com ",
        "ａｌｉｃｅ@example.com",
    ] {
        let result = block_on(
            fixture
                .auth
                .register(&register_request("someone", email, PASSWORD)),
        );
        expect_code(result, ErrorCode::UserExists);
    }
}

#[test]
fn register_normalises_username_to_nfkc() {
    let fixture = fixture();

    let user = block_on(fixture.auth.register(&register_request(
        "ａｌｉｃｅ",
        "alice@example.com",
        PASSWORD,
    )))
    .unwrap();

    assert_eq!(user.username, "alice");
    let login = block_on(fixture.auth.login(&login_request("alice", PASSWORD))).unwrap();
    assert_eq!(login.user.id, user.id);
}

#[test]
fn kelvin_sign_username_matches_ascii_k() {
    let fixture = fixture();
    block_on(register(&fixture.auth, "kim"));

    // U+212A KELVIN SIGN becomes "K" under NFKC.
    let result = block_on(fixture.auth.register(&register_request(
        "\u{212A}im",
        "kelvin@example.com",
        PASSWORD,
    )));

    expect_code(result, ErrorCode::UserExists);
}

#[test]
fn register_rejects_invalid_fields() {
    let fixture = fixture();
    let cases = [
        ("al", "alice@example.com", PASSWORD, "username"),
        ("al ice", "alice@example.com", PASSWORD, "username"),
        ("alice", "not-an-email", PASSWORD, "email"),
        ("alice", "alice@example.com", "short", "password"),
    ];

    for (username, email, password, field) in cases {
        let result = block_on(
            fixture
                .auth
                .register(&register_request(username, email, password)),
        );
        let error = expect_code(result, ErrorCode::ValidationFailed);
        assert!(
            error.message().starts_with(&format!("{field}: ")),
            "{error}"
        );
    }
    assert!(fixture.store.is_empty());
}

#[test]
fn login_returns_bearer_token() {
    let fixture = fixture();
    let user = block_on(register(&fixture.auth, "alice"));

    let login = block_on(login(&fixture.auth, "alice"));

    assert_eq!(login.token_type, TOKEN_TYPE);
    assert_eq!(login.token_type, "Bearer");
    assert_eq!(login.expires_in, 1800);
    assert_eq!(login.user, user);
    let verified = fixture.auth.verify_token(&login.access_token).unwrap();
    assert_eq!(verified.sub.as_deref(), Some(user.id.as_str()));
    assert_eq!(verified.exp, NOW + 1800);
}

#[test]
fn login_by_email() {
    let fixture = fixture();
    let user = block_on(register(&fixture.auth, "alice"));

    for identifier in [
        "alice@example.com",
        "Alice@Example.com",
        " ALICE@example.com ",
    ] {
        let login = block_on(fixture.auth.login(&login_request(identifier, PASSWORD)))
            .unwrap_or_else(|error| panic!("{identifier:?}: {error}"));
        assert_eq!(login.user.id, user.id);
    }
}

#[test]
fn login_username_ignores_case_and_width() {
    let fixture = fixture();
    let user = block_on(register(&fixture.auth, "Alice"));

    for identifier in ["alice", "ALICE", "Alice", "ａｌｉｃｅ"] {
        let login = block_on(fixture.auth.login(&login_request(identifier, PASSWORD)))
            .unwrap_or_else(|error| panic!("{identifier:?}: {error}"));
        assert_eq!(login.user.id, user.id);
        assert_eq!(login.user.username, "Alice");
    }
}

#[test]
fn login_password_composed_matches_decomposed() {
    let fixture = fixture();
    let composed = "caf\u{e9} au lait";
    let decomposed = "cafe\u{301} au lait";
    block_on(
        fixture
            .auth
            .register(&register_request("alice", "alice@example.com", composed)),
    )
    .unwrap();

    assert!(block_on(fixture.auth.login(&login_request("alice", decomposed))).is_ok());
    assert!(block_on(fixture.auth.login(&login_request("alice", composed))).is_ok());
}

#[test]
fn login_password_full_width_matches_ascii() {
    let fixture = fixture();
    block_on(fixture.auth.register(&register_request(
        "alice",
        "alice@example.com",
        "ｐａｓｓｗｏｒｄ１",
    )))
    .unwrap();

    assert!(block_on(fixture.auth.login(&login_request("alice", "password1"))).is_ok());
}

#[test]
fn unknown_user_and_wrong_password_look_alike() {
    let fixture = fixture();
    block_on(register(&fixture.auth, "alice"));

    let failures = [
        login_request("alice", "wrong password"),
        login_request("bob", PASSWORD),
        login_request("bob@example.com", PASSWORD),
        login_request("not a valid name", PASSWORD),
        login_request("@", PASSWORD),
        login_request("alice", ""),
        login_request("alice", "short"),
        login_request("alice", &PASSWORD.to_uppercase()),
        login_request("alice", &format!("{PASSWORD} ")),
    ];

    let errors: Vec<_> = failures
        .iter()
        .map(|request| {
            expect_code(
                block_on(fixture.auth.login(request)),
                ErrorCode::InvalidCredentials,
            )
        })
        .collect();
    for error in &errors {
        assert_eq!(error, &errors[0]);
        assert_eq!(error.message(), "invalid username or password");
    }
}

#[test]
fn login_rejects_empty_identifier() {
    let fixture = fixture();

    let error = expect_code(
        block_on(fixture.auth.login(&login_request("", PASSWORD))),
        ErrorCode::ValidationFailed,
    );

    assert_eq!(error.message(), "username: must not be empty");
}

#[test]
fn login_rejects_oversized_fields() {
    let fixture = fixture();

    let long_password = "p".repeat(1025);
    let error = expect_code(
        block_on(fixture.auth.login(&login_request("alice", &long_password))),
        ErrorCode::ValidationFailed,
    );
    assert!(error.message().starts_with("password: "), "{error}");
    assert!(!error.message().contains(&long_password));

    let long_identifier = "a".repeat(1017);
    let error = expect_code(
        block_on(
            fixture
                .auth
                .login(&login_request(&long_identifier, PASSWORD)),
        ),
        ErrorCode::ValidationFailed,
    );
    assert!(error.message().starts_with("username: "), "{error}");
}

#[test]
fn login_errors_never_contain_password() {
    let fixture = fixture();
    let password = "a distinctive secret phrase";
    block_on(
        fixture
            .auth
            .register(&register_request("alice", "alice@example.com", password)),
    )
    .unwrap();
    let attempts = [
        login_request("alice", &password.to_uppercase()),
        login_request("bob", password),
        login_request("", password),
        login_request("alice", &password.repeat(40)),
    ];

    for request in &attempts {
        let error = block_on(fixture.auth.login(request)).unwrap_err();
        for rendered in [
            error.message().to_owned(),
            error.to_string(),
            format!("{error:?}"),
        ] {
            assert!(!rendered.contains(&request.password), "{rendered}");
            assert!(!rendered.contains(password), "{rendered}");
        }
    }
}

#[test]
fn disabled_user_cannot_log_in() {
    let fixture = fixture();
    block_on(register(&fixture.auth, "alice"));
    block_on(set_active(&fixture, "alice", false));

    let error = expect_code(
        block_on(fixture.auth.login(&login_request("alice", PASSWORD))),
        ErrorCode::UserInactive,
    );
    assert_eq!(error.message(), "this account is disabled");

    // Without the password, a disabled account looks like any failed login.
    expect_code(
        block_on(
            fixture
                .auth
                .login(&login_request("alice", "wrong password")),
        ),
        ErrorCode::InvalidCredentials,
    );
}

#[test]
fn disabled_user_token_is_refused() {
    let fixture = fixture();
    let (_, token) = block_on(token_for(&fixture.auth, "alice"));
    block_on(set_active(&fixture, "alice", false));

    expect_code(
        block_on(fixture.auth.current_user(&token)),
        ErrorCode::UserInactive,
    );
    let header = format!("Bearer {token}");
    expect_code(
        block_on(fixture.auth.authenticate_request(
            "GET",
            "/me",
            Some(&header),
            &SkipRule::default(),
        )),
        ErrorCode::UserInactive,
    );
    // The token itself is still well-formed and signed.
    assert!(fixture.auth.verify_token(&token).is_ok());
}

#[test]
fn disabled_user_introspects_as_inactive_only() {
    let fixture = fixture();
    let (_, token) = block_on(token_for(&fixture.auth, "alice"));
    block_on(set_active(&fixture, "alice", false));

    let response = block_on(fixture.auth.introspect(&token));

    assert_eq!(response, IntrospectResponse::inactive());
    assert_eq!(
        serde_json::to_value(&response).unwrap(),
        json!({"active": false})
    );
}

#[test]
fn reenabled_user_can_log_in_again() {
    let fixture = fixture();
    block_on(register(&fixture.auth, "alice"));
    block_on(set_active(&fixture, "alice", false));
    block_on(set_active(&fixture, "alice", true));

    assert!(block_on(fixture.auth.login(&login_request("alice", PASSWORD))).is_ok());
}

#[test]
fn deleted_user_token_gives_user_not_found() {
    let fixture = fixture();
    let (user, token) = block_on(token_for(&fixture.auth, "alice"));
    block_on(delete_user(&fixture, &user.id));

    let error = expect_code(
        block_on(fixture.auth.current_user(&token)),
        ErrorCode::UserNotFound,
    );
    assert_eq!(error.message(), "the user of this token no longer exists");
    let header = format!("Bearer {token}");
    expect_code(
        block_on(fixture.auth.authenticate_request(
            "GET",
            "/me",
            Some(&header),
            &SkipRule::default(),
        )),
        ErrorCode::UserNotFound,
    );
    assert_eq!(
        block_on(fixture.auth.introspect(&token)),
        IntrospectResponse::inactive()
    );
}

#[test]
fn token_for_unknown_subject_gives_user_not_found() {
    let fixture = fixture();
    let token = sign_default(&valid_claims("0123456789abcdef0123456789abcdef"));

    expect_code(
        block_on(fixture.auth.current_user(&token)),
        ErrorCode::UserNotFound,
    );
}

#[test]
fn current_user_returns_token_owner() {
    let fixture = fixture();
    let (alice, alice_token) = block_on(token_for(&fixture.auth, "alice"));
    let (bob, bob_token) = block_on(token_for(&fixture.auth, "bob"));

    assert_eq!(
        block_on(fixture.auth.current_user(&alice_token)).unwrap(),
        alice
    );
    assert_eq!(
        block_on(fixture.auth.current_user(&bob_token)).unwrap(),
        bob
    );
}

#[test]
fn current_user_rejects_bad_tokens() {
    let fixture = fixture();
    let (user, token) = block_on(token_for(&fixture.auth, "alice"));

    expect_code(
        block_on(fixture.auth.current_user("not a token")),
        ErrorCode::InvalidToken,
    );
    let forged = sign(
        "HS256",
        b"another secret that is long enough for HS256",
        &json!({"alg": "HS256", "kid": "default"}),
        &valid_claims(&user.id),
    );
    expect_code(
        block_on(fixture.auth.current_user(&forged)),
        ErrorCode::InvalidToken,
    );

    fixture.clock.advance(1800);
    expect_code(
        block_on(fixture.auth.current_user(&token)),
        ErrorCode::TokenExpired,
    );
}

#[test]
fn login_token_expires_after_ttl() {
    let config = AuthConfig {
        access_token_ttl: Some(60),
        ..config()
    };
    let fixture = fixture_with(&config);
    let (_, token) = block_on(token_for(&fixture.auth, "alice"));

    fixture.clock.set(NOW + 59);
    assert!(block_on(fixture.auth.current_user(&token)).is_ok());

    fixture.clock.set(NOW + 60);
    expect_code(
        block_on(fixture.auth.current_user(&token)),
        ErrorCode::TokenExpired,
    );
    assert!(!block_on(fixture.auth.introspect(&token)).active);
}

#[test]
fn verify_token_does_not_load_user() {
    let fixture = fixture();
    let token = sign_default(&valid_claims("no-such-user"));

    let verified = fixture.auth.verify_token(&token).unwrap();

    assert_eq!(verified.sub.as_deref(), Some("no-such-user"));
    assert_eq!(verified.exp, NOW + 600);
    assert_eq!(verified.iat, Some(NOW));
    assert_eq!(verified.jti.as_deref(), Some("0123456789abcdef"));
}

#[test]
fn logout_is_stateless() {
    let fixture = fixture();
    let (user, token) = block_on(token_for(&fixture.auth, "alice"));

    let with_token = fixture.auth.logout(Some(&token));
    let without_token = fixture.auth.logout(None);
    let with_garbage = fixture.auth.logout(Some("garbage"));

    for response in [with_token, without_token, with_garbage] {
        assert_eq!(response.message, LOGOUT_MESSAGE);
        assert_eq!(response.message, "Successfully logged out");
    }
    // Nothing is revoked: the token stays valid until it expires.
    assert_eq!(block_on(fixture.auth.current_user(&token)).unwrap(), user);
}

#[test]
fn introspect_active_token() {
    let config = AuthConfig {
        issuer: Some("https://auth.example.com".to_owned()),
        audience: Some("api".to_owned()),
        ..config()
    };
    let fixture = fixture_with(&config);
    let (user, token) = block_on(token_for(&fixture.auth, "alice"));
    let verified = fixture.auth.verify_token(&token).unwrap();

    let response = block_on(fixture.auth.introspect(&token));

    assert!(response.active);
    assert_eq!(response.sub.as_deref(), Some(user.id.as_str()));
    assert_eq!(response.username.as_deref(), Some("alice"));
    assert_eq!(response.exp, Some(NOW + 1800));
    assert_eq!(response.iat, Some(NOW));
    assert_eq!(response.iss.as_deref(), Some("https://auth.example.com"));
    assert_eq!(response.aud.as_deref(), Some("api"));
    assert_eq!(response.jti, verified.jti);
    assert_eq!(response.token_type.as_deref(), Some("Bearer"));
    assert_eq!(response.user.as_ref(), Some(&user));
    let encoded = serde_json::to_value(&response).unwrap();
    assert_eq!(encoded["active"], true);
    assert!(encoded["user"].get("password_hash").is_none());
}

#[test]
fn introspect_bad_tokens_are_inactive_only() {
    let fixture = fixture();
    let expired = sign_default(&json!({"sub": "someone", "exp": NOW}));
    let tokens = [
        String::new(),
        "garbage".to_owned(),
        expired,
        sign_default(&json!({"sub": "no-such-user", "exp": NOW + 60})),
        "x".repeat(100_000),
    ];

    for token in &tokens {
        let response = block_on(fixture.auth.introspect(token));
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            json!({"active": false})
        );
    }
}

#[test]
fn authenticate_request_resolves_user() {
    let fixture = fixture();
    let (user, token) = block_on(token_for(&fixture.auth, "alice"));
    let skip = SkipRule::default();

    for header in [
        format!("Bearer {token}"),
        format!("bearer {token}"),
        format!("BEARER {token}"),
    ] {
        let resolved = block_on(fixture.auth.authenticate_request(
            "GET",
            "/me",
            Some(&header),
            &skip,
        ))
        .unwrap();
        assert_eq!(resolved, Some(user.clone()));
    }
}

#[test]
fn authenticate_request_requires_header() {
    let fixture = fixture();

    let error = expect_code(
        block_on(
            fixture
                .auth
                .authenticate_request("GET", "/me", None, &SkipRule::default()),
        ),
        ErrorCode::NotAuthenticated,
    );

    assert_eq!(error.message(), "missing Authorization header");
}

#[test]
fn authenticate_request_rejects_malformed_header() {
    let fixture = fixture();
    let (_, token) = block_on(token_for(&fixture.auth, "alice"));
    let headers = [
        String::new(),
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        format!("Basic {token}"),
        format!("Bearer  {token}"),
        format!("Bearer\t{token}"),
        format!("Bearer {token} extra"),
        format!("Token {token}"),
        token.clone(),
    ];

    for header in &headers {
        let error = expect_code(
            block_on(fixture.auth.authenticate_request(
                "GET",
                "/me",
                Some(header),
                &SkipRule::default(),
            )),
            ErrorCode::InvalidAuthorizationHeader,
        );
        assert!(!error.message().contains(&token));
    }
}

#[test]
fn authenticate_request_reports_token_errors() {
    let fixture = fixture();
    let expired = format!(
        "Bearer {}",
        sign_default(&json!({"sub": "someone", "exp": NOW}))
    );
    let invalid = "Bearer abc.def.ghi".to_owned();

    expect_code(
        block_on(fixture.auth.authenticate_request(
            "GET",
            "/me",
            Some(&expired),
            &SkipRule::default(),
        )),
        ErrorCode::TokenExpired,
    );
    expect_code(
        block_on(fixture.auth.authenticate_request(
            "GET",
            "/me",
            Some(&invalid),
            &SkipRule::default(),
        )),
        ErrorCode::InvalidToken,
    );
}

#[test]
fn authenticate_request_skips_by_rule() {
    let fixture = fixture();
    let skip = SkipRule {
        paths: vec!["/health".to_owned()],
        prefixes: vec!["/public/".to_owned()],
        ..SkipRule::default()
    };
    let skipped = [
        ("OPTIONS", "/me"),
        ("options", "/me"),
        ("GET", "/health"),
        ("POST", "/public/"),
        ("GET", "/public/logo.svg"),
    ];

    for (method, path) in skipped {
        for header in [None, Some("not a bearer header")] {
            let resolved = block_on(
                fixture
                    .auth
                    .authenticate_request(method, path, header, &skip),
            );
            assert_eq!(resolved, Ok(None), "{method} {path}");
        }
    }
    for (method, path) in [("GET", "/health/"), ("GET", "/healthz"), ("GET", "/public")] {
        let result = block_on(fixture.auth.authenticate_request(method, path, None, &skip));
        expect_code(result, ErrorCode::NotAuthenticated);
    }
}

#[test]
fn skip_rule_without_methods_checks_options() {
    let fixture = fixture();
    let skip = SkipRule {
        methods: Vec::new(),
        ..SkipRule::default()
    };

    let result = block_on(
        fixture
            .auth
            .authenticate_request("OPTIONS", "/me", None, &skip),
    );

    expect_code(result, ErrorCode::NotAuthenticated);
}

#[test]
fn parse_bearer_accepts_only_bearer_scheme() {
    assert_eq!(parse_bearer("Bearer abc.def.ghi"), Ok("abc.def.ghi"));
    assert_eq!(parse_bearer("bEaReR token"), Ok("token"));

    for header in [
        "",
        "Bearer",
        "Bearer ",
        "Bearer  token",
        "Bearer token ",
        "Bearer tok en",
        "Bearer tok\ten",
        "Bearer\ttoken",
        "Basic dXNlcjpwYXNz",
        "Bearertoken",
        " Bearer token",
    ] {
        let error = expect_code(parse_bearer(header), ErrorCode::InvalidAuthorizationHeader);
        assert_eq!(
            error.message(),
            "Authorization header must be 'Bearer <token>'"
        );
    }
}

#[test]
fn issue_token_signs_for_existing_user() {
    let fixture = fixture();
    let user = block_on(register(&fixture.auth, "alice"));

    let response = block_on(fixture.auth.issue_token(&user.id)).unwrap();

    assert_eq!(response.user, user);
    assert_eq!(response.token_type, "Bearer");
    assert_eq!(response.expires_in, 1800);
    assert_eq!(
        block_on(fixture.auth.current_user(&response.access_token)).unwrap(),
        user
    );
}

#[test]
fn issue_token_refuses_missing_or_disabled_user() {
    let fixture = fixture();
    let user = block_on(register(&fixture.auth, "alice"));

    expect_code(
        block_on(fixture.auth.issue_token("0123456789abcdef0123456789abcdef")),
        ErrorCode::UserNotFound,
    );
    block_on(set_active(&fixture, "alice", false));
    expect_code(
        block_on(fixture.auth.issue_token(&user.id)),
        ErrorCode::UserInactive,
    );
}

#[test]
fn hash_password_and_verify_password_agree() {
    let fixture = fixture();

    let phc = fixture.auth.hash_password(PASSWORD).unwrap();

    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert_eq!(fixture.auth.verify_password(PASSWORD, &phc), Ok(true));
    assert_eq!(
        fixture.auth.verify_password("wrong password", &phc),
        Ok(false)
    );
    assert_eq!(
        fixture.auth.verify_password(PASSWORD, "not a hash"),
        Ok(false)
    );
    let decomposed = fixture.auth.hash_password("cafe\u{301} au lait").unwrap();
    assert_eq!(
        fixture
            .auth
            .verify_password("caf\u{e9} au lait", &decomposed),
        Ok(true)
    );
}

#[test]
fn hash_password_applies_length_rules() {
    let fixture = fixture();

    expect_code(
        fixture.auth.hash_password("short"),
        ErrorCode::ValidationFailed,
    );
    expect_code(
        fixture.auth.hash_password(&"p".repeat(1025)),
        ErrorCode::ValidationFailed,
    );
    expect_code(
        fixture
            .auth
            .verify_password(&"p".repeat(1025), "$argon2id$"),
        ErrorCode::ValidationFailed,
    );
    assert!(fixture.auth.hash_password(&"p".repeat(1024)).is_ok());
}

#[test]
fn jwks_is_empty_for_secret_shorthand() {
    let fixture = fixture();

    assert_eq!(fixture.auth.jwks(), json!({"keys": []}));
}

#[test]
fn service_over_system_clock_accepts_fresh_token() {
    let auth = Auth::new(&config(), KvUserRepository::new(jwtlib::MemoryStore::new())).unwrap();
    block_on(auth.register(&register_request("alice", "alice@example.com", PASSWORD))).unwrap();

    let login = block_on(auth.login(&login_request("alice", PASSWORD))).unwrap();

    assert_eq!(
        block_on(auth.current_user(&login.access_token))
            .unwrap()
            .username,
        "alice"
    );
}

#[test]
fn fixed_clock_is_shared_between_clones() {
    let clock = FixedClock::new(NOW);
    let clone = clock.clone();

    clone.advance(5);
    assert_eq!(jwtlib::Clock::now(&clock), NOW + 5);
    clock.set(NOW - 1);
    assert_eq!(jwtlib::Clock::now(&clone), NOW - 1);
}

#[test]
fn store_failure_is_repository_unavailable() {
    let auth = Auth::with_clock(
        &config(),
        KvUserRepository::new(FailingStore::new(Failure::Everything)),
        FixedClock::new(NOW),
    )
    .unwrap();
    let token = sign_default(&valid_claims("0123456789abcdef0123456789abcdef"));
    let header = format!("Bearer {token}");

    expect_code(
        block_on(auth.register(&register_request("alice", "alice@example.com", PASSWORD))),
        ErrorCode::RepositoryUnavailable,
    );
    expect_code(
        block_on(auth.login(&login_request("alice", PASSWORD))),
        ErrorCode::RepositoryUnavailable,
    );
    expect_code(
        block_on(auth.current_user(&token)),
        ErrorCode::RepositoryUnavailable,
    );
    expect_code(
        block_on(auth.authenticate_request("GET", "/me", Some(&header), &SkipRule::default())),
        ErrorCode::RepositoryUnavailable,
    );
    expect_code(
        block_on(auth.issue_token("0123456789abcdef0123456789abcdef")),
        ErrorCode::RepositoryUnavailable,
    );
    assert_eq!(
        serde_json::to_value(block_on(auth.introspect(&token))).unwrap(),
        json!({"active": false})
    );
    // Token checks that need no user still work.
    assert!(auth.verify_token(&token).is_ok());
}

#[test]
fn store_write_failure_fails_registration() {
    let auth = Auth::with_clock(
        &config(),
        KvUserRepository::new(FailingStore::new(Failure::Writes)),
        FixedClock::new(NOW),
    )
    .unwrap();

    let error = expect_code(
        block_on(auth.register(&register_request("alice", "alice@example.com", PASSWORD))),
        ErrorCode::RepositoryUnavailable,
    );

    assert!(!error.message().contains(PASSWORD));
}

#[test]
fn corrupt_record_is_repository_unavailable() {
    let fixture = fixture();
    let user = block_on(register(&fixture.auth, "alice"));
    let token = block_on(login(&fixture.auth, "alice")).access_token;
    block_on(
        fixture
            .store
            .put(&format!("user/id/{}", user.id), "{\"id\": truncated"),
    )
    .unwrap();

    let error = expect_code(
        block_on(fixture.auth.current_user(&token)),
        ErrorCode::RepositoryUnavailable,
    );
    assert!(!error.message().contains("truncated"));
    expect_code(
        block_on(fixture.auth.login(&login_request("alice", PASSWORD))),
        ErrorCode::RepositoryUnavailable,
    );
}

#[test]
fn error_codes_have_stable_names_and_statuses() {
    let expected = [
        (ErrorCode::ValidationFailed, "validation_failed", 400),
        (
            ErrorCode::InvalidAuthorizationHeader,
            "invalid_authorization_header",
            400,
        ),
        (ErrorCode::InvalidCredentials, "invalid_credentials", 401),
        (ErrorCode::InvalidToken, "invalid_token", 401),
        (ErrorCode::TokenExpired, "token_expired", 401),
        (ErrorCode::NotAuthenticated, "not_authenticated", 401),
        (ErrorCode::UserInactive, "user_inactive", 403),
        (ErrorCode::UserNotFound, "user_not_found", 404),
        (ErrorCode::UserExists, "user_exists", 409),
        (
            ErrorCode::RepositoryUnavailable,
            "repository_unavailable",
            503,
        ),
        (
            ErrorCode::AuthServiceUnavailable,
            "auth_service_unavailable",
            503,
        ),
        (ErrorCode::InvalidConfig, "invalid_config", 500),
    ];

    assert_eq!(ErrorCode::ALL.len(), expected.len());
    for ((code, name, status), listed) in expected.into_iter().zip(ErrorCode::ALL) {
        assert_eq!(code, listed);
        assert_eq!(code.as_str(), name);
        assert_eq!(code.to_string(), name);
        assert_eq!(code.http_status(), status, "{name}");
    }
}

#[test]
fn auth_error_display_shows_message_and_code() {
    let error = jwtlib::AuthError::new(ErrorCode::UserExists, "taken");

    assert_eq!(error.to_string(), "taken (user_exists)");
    assert_eq!(error.code(), ErrorCode::UserExists);
    assert_eq!(error.message(), "taken");
}

#[test]
fn skip_rule_ignores_paths_with_dot_segments() {
    let rule = jwtlib::SkipRule {
        paths: vec!["/health".to_owned()],
        prefixes: vec!["/public/".to_owned()],
        methods: Vec::new(),
    };

    assert!(rule.skips("GET", "/public/logo.png"));
    assert!(rule.skips("GET", "/health"));
    for path in [
        "/public/../admin",
        "/public/./x",
        "/public/%2e%2e/admin",
        "/public%2F..%2Fadmin",
        "/public/..",
    ] {
        assert!(!rule.skips("GET", path), "{path}");
    }
}
