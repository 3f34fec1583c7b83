//! The wasm-bindgen surface loaded by the npm package: an `Auth` class over a JS store.
//!
//! Values cross the boundary as plain objects through serde-wasm-bindgen. Failures are
//! JS `Error`s with `name` set to `"AuthError"` and a `code` property; the package's JS
//! layer turns them into instances of its `AuthError` class.

mod convert;

use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::auth::{Auth, SkipRule};
use crate::config::AuthConfig;
use crate::js_store::JsStore;
use crate::models::{IntrospectRequest, IntrospectResponse, LoginRequest, RegisterRequest};
use crate::repository::KvUserRepository;
use convert::{read_config, read_request, read_string, to_js, to_js_error};

type Service = Auth<KvUserRepository<JsStore>>;

/// The authentication service, as exported to JavaScript.
#[wasm_bindgen(js_name = Auth)]
pub struct JsAuth {
    service: Rc<Service>,
}

fn spawn<F>(future: F) -> Promise
where
    F: std::future::Future<Output = Result<JsValue, JsValue>> + 'static,
{
    future_to_promise(future)
}

/// Returns the size of this module's wasm memory in bytes. Wasm memory grows and never
/// shrinks, so this is the high-water mark of the heap.
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}

#[wasm_bindgen(js_class = Auth)]
impl JsAuth {
    /// Validates `config` and wraps `store`, an object with the Workers KV shape.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, store: JsValue) -> Result<JsAuth, JsValue> {
        let config: AuthConfig = read_config(config).map_err(to_js_error)?;
        let timeout_ms = config.store_timeout_ms().map_err(to_js_error)?;
        let store = JsStore::from_js(store, timeout_ms).map_err(to_js_error)?;
        let service = Auth::new(&config, KvUserRepository::new(store)).map_err(to_js_error)?;
        Ok(JsAuth {
            service: Rc::new(service),
        })
    }

    /// Registers a user; resolves to a PublicUser.
    pub fn register(&self, request: JsValue) -> Promise {
        let service = Rc::clone(&self.service);
        spawn(async move {
            let request = read_request(request).and_then(RegisterRequest::from_json);
            let request = request.map_err(to_js_error)?;
            to_js(&service.register(&request).await.map_err(to_js_error)?)
        })
    }

    /// Logs a user in; resolves to a LoginResponse.
    pub fn login(&self, request: JsValue) -> Promise {
        let service = Rc::clone(&self.service);
        spawn(async move {
            let request = read_request(request).and_then(LoginRequest::from_json);
            let request = request.map_err(to_js_error)?;
            to_js(&service.login(&request).await.map_err(to_js_error)?)
        })
    }

    /// Ends a session statelessly; resolves to a LogoutResponse.
    pub fn logout(&self, token: JsValue) -> Promise {
        let service = Rc::clone(&self.service);
        spawn(async move {
            let token = if token.is_undefined() || token.is_null() {
                None
            } else {
                Some(read_string(token, "token").map_err(to_js_error)?)
            };
            to_js(&service.logout(token.as_deref()))
        })
    }

    /// Resolves to the PublicUser that `token` belongs to.
    #[wasm_bindgen(js_name = currentUser)]
    pub fn current_user(&self, token: JsValue) -> Promise {
        let service = Rc::clone(&self.service);
        spawn(async move {
            let token = read_string(token, "token").map_err(to_js_error)?;
            to_js(&service.current_user(&token).await.map_err(to_js_error)?)
        })
    }

    /// Resolves to an IntrospectResponse; never rejects for a bad token.
    ///
    /// Takes a token string or an RFC 7662 request object `{ token, token_type_hint }`.
    pub fn introspect(&self, request: JsValue) -> Promise {
        let service = Rc::clone(&self.service);
        spawn(async move {
            // A token string that cannot be read, such as one with a lone surrogate, is
            // an inactive token; only a malformed request object is an error.
            let token = if request.is_string() {
                read_string(request, "token").ok()
            } else if convert::has_ill_formed_string(&request, "token") {
                None
            } else {
                let request = read_request(request).and_then(IntrospectRequest::from_json);
                Some(request.map_err(to_js_error)?.token)
            };
            match token {
                Some(token) => to_js(&service.introspect(&token).await),
                None => to_js(&IntrospectResponse::inactive()),
            }
        })
    }

    /// Signs a token for an existing, active user id; resolves to a LoginResponse.
    #[wasm_bindgen(js_name = issueToken)]
    pub fn issue_token(&self, user_id: JsValue) -> Promise {
        let service = Rc::clone(&self.service);
        spawn(async move {
            let user_id = read_string(user_id, "userId").map_err(to_js_error)?;
            to_js(&service.issue_token(&user_id).await.map_err(to_js_error)?)
        })
    }

    /// Hashes a password under the configured policy; resolves to a PHC string.
    #[wasm_bindgen(js_name = hashPassword)]
    pub fn hash_password(&self, password: JsValue) -> Promise {
        let service = Rc::clone(&self.service);
        spawn(async move {
            let password = read_string(password, "password").map_err(to_js_error)?;
            let hash = service.hash_password(&password).map_err(to_js_error)?;
            Ok(JsValue::from_str(&hash))
        })
    }

    /// Checks a password against a PHC string; resolves to a boolean.
    #[wasm_bindgen(js_name = verifyPassword)]
    pub fn verify_password(&self, password: JsValue, hash: JsValue) -> Promise {
        let service = Rc::clone(&self.service);
        spawn(async move {
            let password = read_string(password, "password").map_err(to_js_error)?;
            let hash = read_string(hash, "hash").map_err(to_js_error)?;
            let matches = service
                .verify_password(&password, &hash)
                .map_err(to_js_error)?;
            Ok(JsValue::from_bool(matches))
        })
    }

    /// Returns the public keys as a JWK Set `{ keys: [...] }`; HMAC keys are never listed.
    pub fn jwks(&self) -> Result<JsValue, JsValue> {
        to_js(&self.service.jwks())
    }

    /// Resolves to the verified claims of `token` without loading its user.
    #[wasm_bindgen(js_name = verifyToken)]
    pub fn verify_token(&self, token: JsValue) -> Promise {
        let service = Rc::clone(&self.service);
        spawn(async move {
            let token = read_string(token, "token").map_err(to_js_error)?;
            let verified = service.verify_token(&token).map_err(to_js_error)?;
            to_js(&convert::VerifiedClaims::from(verified))
        })
    }

    /// Resolves to the PublicUser of a request, or `null` when `skip` lets it through.
    #[wasm_bindgen(js_name = authenticateRequest)]
    pub fn authenticate_request(
        &self,
        method: JsValue,
        path: JsValue,
        authorization: JsValue,
        skip: JsValue,
    ) -> Promise {
        let service = Rc::clone(&self.service);
        spawn(async move {
            let method = read_string(method, "method").map_err(to_js_error)?;
            let path = read_string(path, "path").map_err(to_js_error)?;
            let authorization = convert::read_optional_string(authorization, "authorization")
                .map_err(to_js_error)?;
            let skip: SkipRule = convert::read_skip_rule(skip).map_err(to_js_error)?;
            let user = service
                .authenticate_request(&method, &path, authorization.as_deref(), &skip)
                .await
                .map_err(to_js_error)?;
            match user {
                Some(user) => to_js(&user),
                None => Ok(JsValue::NULL),
            }
        })
    }
}
