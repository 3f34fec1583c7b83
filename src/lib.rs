//! User authentication for edge runtimes: Argon2id password hashing, JWT access tokens
//! and a key-value user store, compiled to WebAssembly for Cloudflare Workers, Node and
//! browsers, and usable natively from Rust.
//!
//! The operations follow the Python library `jwtlib`: [`Auth::register`],
//! [`Auth::login`], a stateless [`Auth::logout`], [`Auth::current_user`] from a bearer
//! token, and RFC 7662 style [`Auth::introspect`] for other services.
//!
//! # Design
//!
//! - [`Auth`] contains all the logic and has no dependency on HTTP or JavaScript. The wasm
//!   bindings (feature `bindings`) and the Worker routes (feature `worker`) only
//!   translate in and out.
//! - [`UserRepository`] owns the storage layout; [`KvUserRepository`] puts it on any
//!   [`KeyValueStore`] with the shape of a Workers KV namespace.
//! - Every failure is an [`AuthError`] with a stable [`ErrorCode`] and a message that
//!   never contains a token, password, hash or key.
//!
//! # Security
//!
//! - Passwords are hashed with Argon2id at no less than m=19456 KiB, t=2, p=1 and
//!   stored as PHC strings; see [`password`].
//! - Tokens are checked in a fixed order in which the key, never the token, chooses the
//!   algorithm; see [`token`].
//! - Input is bounded before any expensive work; see [`validate`].
//!
//! # Example
//!
//! ```
//! use jwtlib::{Auth, AuthConfig, KvUserRepository, MemoryStore, LoginRequest, RegisterRequest};
//!
//! # futures_lite::future::block_on(async {
//! let config = AuthConfig::with_secret("a development secret of at least 32 bytes");
//! let auth = Auth::new(&config, KvUserRepository::new(MemoryStore::new()))?;
//!
//! auth.register(&RegisterRequest {
//!     username: "alice".into(),
//!     email: "alice@example.com".into(),
//!     password: "correct horse battery staple".into(),
//! })
//! .await?;
//! let login = auth
//!     .login(&LoginRequest {
//!         username: "alice".into(),
//!         password: "correct horse battery staple".into(),
//!     })
//!     .await?;
//! let me = auth.current_user(&login.access_token).await?;
//! assert_eq!(me.username, "alice");
//! # Ok::<(), jwtlib::AuthError>(())
//! # }).unwrap();
//! ```

#![cfg_attr(not(target_arch = "wasm32"), forbid(unsafe_code))]
#![warn(missing_docs)]

pub mod auth;
pub mod clock;
pub mod config;
pub mod error;
pub mod models;
pub mod password;
mod random;
pub mod repository;
pub mod token;
pub mod validate;

#[cfg(all(target_arch = "wasm32", feature = "bindings"))]
mod bindings;
#[cfg(all(target_arch = "wasm32", any(feature = "bindings", feature = "worker")))]
mod js_store;
#[cfg(all(target_arch = "wasm32", feature = "worker"))]
mod worker;

pub use auth::{parse_bearer, Auth, SkipRule};
pub use clock::{Clock, FixedClock, SystemClock, UnixSeconds};
pub use config::{AuthConfig, JwkConfig, KeyConfig, PasswordConfig, Secret, PASSWORD_PRESETS};
pub use error::{AuthError, ErrorCode, Result};
pub use models::{
    IntrospectRequest, IntrospectResponse, LoginRequest, LoginResponse, LogoutResponse, PublicUser,
    RegisterRequest,
};
pub use repository::{KeyValueStore, KvUserRepository, MemoryStore, UserRecord, UserRepository};
pub use token::{JwsAlgorithm, VerifiedToken};
