//! The Cloudflare Worker: an HTTP auth service whose users live in the KV namespace
//! bound as `USERS`.
//!
//! | route | response |
//! | --- | --- |
//! | `POST /auth/register` | 201 and the PublicUser |
//! | `POST /auth/login` | 200 and a LoginResponse |
//! | `POST /auth/logout` | 200 and a LogoutResponse |
//! | `GET /auth/me` | 200 and the PublicUser of the bearer token |
//! | `POST /auth/introspect` | 200 and an IntrospectResponse (JSON or form body) |
//! | `GET /.well-known/jwks.json` | 200 and the public keys as a JWK Set |
//! | `GET /health` | 200 and `{"status":"ok"}`, or 500 `invalid_config` |
//!
//! Errors are `{"error": {"code": ..., "message": ...}}` with the status of the code.
//! A configuration error is described in the log only; clients get a fixed message, so
//! they learn nothing about key ids or secret lengths.
//!
//! The module speaks to the runtime through `web-sys` and the package's JS store adapter
//! rather than a Worker framework, because the requests/s of the Worker depend on how
//! few calls into JS each request makes. `scripts/build.sh worker` bundles it with
//! `src/worker/entry.js`, which exports the `fetch` handler below.

mod http;

use std::panic::PanicHookInfo;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Request, Response};

use crate::auth::{parse_bearer, Auth};
use crate::config::AuthConfig;
use crate::error::{AuthError, ErrorCode};
use crate::js_store::{has_method, JsStore};
use crate::models::{IntrospectRequest, LoginRequest, RegisterRequest};
use crate::repository::KvUserRepository;
use http::{error_response, header, json_response, path_of, read_body, Allowed, Body, HttpError};

type Service = Auth<KvUserRepository<JsStore>>;

/// Name of the KV namespace binding that stores the users.
const USERS_BINDING: &str = "USERS";

/// Installs the panic hook when the module is instantiated.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(on_panic));
}

/// No input is meant to reach a panic. Should one happen, the request fails with the
/// runtime's 500 and the panic goes to the log. wasm-bindgen then replaces the instance
/// before its next call, so later requests do not see memory the panic left
/// half-updated, and requests still waiting on the old instance fail as well.
fn on_panic(info: &PanicHookInfo<'_>) {
    web_sys::console::error_1(&format!("jwtlib worker panicked: {info}").into());
    wasm_bindgen::handler::schedule_reinit();
}

/// Handles one request. `env` contains the Worker's bindings, variables and secrets.
#[wasm_bindgen]
pub async fn fetch(request: Request, env: JsValue, _context: JsValue) -> Result<Response, JsValue> {
    let method = request.method();
    let url = request.url();
    let path = path_of(&url);
    match route(&request, &method, path, &env).await {
        Ok(response) => response,
        Err(error) => {
            if error.status() >= 500 {
                // Messages never hold a secret, so the full one goes to the log.
                web_sys::console::error_1(
                    &format!(
                        "{method} {path} failed: {} ({})",
                        error.message(),
                        error.code()
                    )
                    .into(),
                );
            }
            error_response(&error.for_client())
        }
    }
}

thread_local! {
    /// The service of this isolate, built on its first request. Variables, secrets and
    /// bindings are fixed for the life of an isolate, so reading them once saves some
    /// thirty calls into JS per request.
    static SERVICE: std::cell::OnceCell<Rc<Service>> = const { std::cell::OnceCell::new() };
}

/// Returns the isolate's service, building it on first use. A configuration error is
/// not cached, so every request reports it until the Worker is fixed and redeployed.
fn cached_service(env: &JsValue) -> Result<Rc<Service>, HttpError> {
    if let Some(service) = SERVICE.with(|cell| cell.get().cloned()) {
        return Ok(service);
    }
    let service = Rc::new(service(env)?);
    SERVICE.with(|cell| {
        let _ = cell.set(Rc::clone(&service));
    });
    Ok(service)
}

/// Returns the binding, variable or secret `name` of `env`.
fn binding(env: &JsValue, name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(env, &JsValue::from_str(name))
        .ok()
        .filter(|value| !value.is_undefined())
}

fn service(env: &JsValue) -> Result<Service, HttpError> {
    // Variables and secrets are both strings on `env`.
    let config = AuthConfig::from_variables(|name| binding(env, name)?.as_string())?;
    // An R2 bucket or a service binding also has a `get`, but not `getWithMetadata`.
    let kv = binding(env, USERS_BINDING)
        .filter(|kv| has_method(kv, "get") && has_method(kv, "getWithMetadata"))
        .ok_or_else(|| {
            AuthError::invalid_config(format_args!("no KV namespace is bound as {USERS_BINDING}"))
        })?;
    let store = JsStore::from_js(kv, config.store_timeout_ms()?)?;
    Ok(Auth::new(&config, KvUserRepository::new(store))?)
}

fn bearer_token(request: &Request) -> Result<Option<String>, HttpError> {
    match header(request, "Authorization") {
        None => Ok(None),
        Some(value) => Ok(Some(parse_bearer(&value)?.to_owned())),
    }
}

async fn route(
    request: &Request,
    method: &str,
    path: &str,
    env: &JsValue,
) -> Result<Result<Response, JsValue>, HttpError> {
    let allowed = match path {
        "/health" | "/auth/me" | "/.well-known/jwks.json" => Allowed::Get,
        "/auth/register" | "/auth/login" | "/auth/logout" | "/auth/introspect" => Allowed::Post,
        _ => return Err(HttpError::not_found()),
    };
    // HEAD gets the GET response; the runtime drops the body.
    if !allowed.accepts(method) {
        return Err(HttpError::method_not_allowed(allowed));
    }
    // Health includes the configuration: a Worker whose settings are invalid fails
    // every other route with invalid_config, so it is not healthy.
    let service = cached_service(env)?;
    match path {
        "/health" => Ok(json_response(200, &serde_json::json!({ "status": "ok" }))),
        "/.well-known/jwks.json" => Ok(json_response(200, &service.jwks())),
        "/auth/register" => {
            let body = read_body(request, false).await?;
            let user = service
                .register(&RegisterRequest::from_json(body.into_json()?)?)
                .await?;
            Ok(json_response(201, &user))
        }
        "/auth/login" => {
            let body = read_body(request, false).await?;
            let login = service
                .login(&LoginRequest::from_json(body.into_json()?)?)
                .await?;
            Ok(json_response(200, &login))
        }
        "/auth/logout" => {
            // Stateless: the token is not checked, and any body is ignored.
            let token = bearer_token(request).unwrap_or(None);
            Ok(json_response(200, &service.logout(token.as_deref())))
        }
        "/auth/me" => {
            let token = bearer_token(request)?.ok_or_else(|| {
                AuthError::new(ErrorCode::NotAuthenticated, "missing Authorization header")
            })?;
            Ok(json_response(200, &service.current_user(&token).await?))
        }
        "/auth/introspect" => {
            let introspect = match read_body(request, true).await? {
                Body::Json(value) => IntrospectRequest::from_json(value)?,
                Body::Form(value) => IntrospectRequest::from_json(value)?,
            };
            Ok(json_response(
                200,
                &service.introspect(&introspect.token).await,
            ))
        }
        _ => Err(HttpError::not_found()),
    }
}
