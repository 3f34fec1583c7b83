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

mod http;
mod store;

use std::rc::Rc;

use worker::{console_error, event, Context, Env, Method, Request, Response};

use crate::auth::{parse_bearer, Auth};
use crate::config::AuthConfig;
use crate::error::{AuthError, ErrorCode};
use crate::models::{IntrospectRequest, LoginRequest, RegisterRequest};
use crate::repository::KvUserRepository;
use http::{error_response, json_response, read_body, Body, HttpError};
use store::WorkersKv;

type Service = Auth<KvUserRepository<WorkersKv>>;

/// Name of the KV namespace binding that stores the users.
const USERS_BINDING: &str = "USERS";

#[event(fetch)]
async fn fetch(request: Request, env: Env, _context: Context) -> worker::Result<Response> {
    let method = request.method();
    let path = request.path();
    let outcome = route(request, &env).await;
    let response = match outcome {
        Ok(response) => response,
        Err(error) => {
            if error.status() >= 500 {
                // Messages never hold a secret, so the full one goes to the log.
                console_error!(
                    "{} {} failed: {} ({})",
                    method,
                    path,
                    error.message(),
                    error.code()
                );
            }
            error_response(&error.for_client())
        }
    };
    response.or_else(|_| Response::error("internal error", 500))
}

thread_local! {
    /// The service of this isolate, built on its first request. Variables, secrets and
    /// bindings are fixed for the life of an isolate, so reading them once saves some
    /// thirty calls into JS per request.
    static SERVICE: std::cell::OnceCell<Rc<Service>> = const { std::cell::OnceCell::new() };
}

/// Returns the isolate's service, building it on first use. A configuration error is
/// not cached, so every request reports it until the Worker is fixed and redeployed.
fn cached_service(env: &Env) -> Result<Rc<Service>, HttpError> {
    if let Some(service) = SERVICE.with(|cell| cell.get().cloned()) {
        return Ok(service);
    }
    let service = Rc::new(service(env)?);
    SERVICE.with(|cell| {
        let _ = cell.set(Rc::clone(&service));
    });
    Ok(service)
}

fn service(env: &Env) -> Result<Service, HttpError> {
    let config = AuthConfig::from_variables(|name| {
        env.secret(name)
            .map(|secret| secret.to_string())
            .or_else(|_| env.var(name).map(|var| var.to_string()))
            .ok()
    })?;
    let kv = env.kv(USERS_BINDING).map_err(|_| {
        AuthError::invalid_config(format_args!("no KV namespace is bound as {USERS_BINDING}"))
    })?;
    Ok(Auth::new(
        &config,
        KvUserRepository::new(WorkersKv::new(kv)),
    )?)
}

fn bearer_token(request: &Request) -> Result<Option<String>, HttpError> {
    let header = request.headers().get("Authorization").ok().flatten();
    match header {
        None => Ok(None),
        Some(value) => Ok(Some(parse_bearer(&value)?.to_owned())),
    }
}

async fn route(mut request: Request, env: &Env) -> Result<worker::Result<Response>, HttpError> {
    let path = request.path();
    // workers-rs maps methods it does not know (PROPFIND, PURGE, ...) to GET, so the
    // method is read from the JS request as sent.
    let method = request.inner().method();
    let allowed = match path.as_str() {
        "/health" | "/auth/me" | "/.well-known/jwks.json" => Method::Get,
        "/auth/register" | "/auth/login" | "/auth/logout" | "/auth/introspect" => Method::Post,
        _ => return Err(HttpError::not_found()),
    };
    // HEAD gets the GET response (RFC 9110, section 9.3.2); the runtime drops the body.
    let head_of_get = method == "HEAD" && allowed == Method::Get;
    if method != allowed.as_ref() && !head_of_get {
        return Err(HttpError::method_not_allowed(allowed));
    }
    // Health includes the configuration: a Worker whose settings are invalid fails
    // every other route with invalid_config, so it is not healthy.
    let service = cached_service(env)?;
    if path == "/health" {
        return Ok(json_response(200, &serde_json::json!({ "status": "ok" })));
    }
    match path.as_str() {
        "/.well-known/jwks.json" => Ok(json_response(200, &service.jwks())),
        "/auth/register" => {
            let body = read_body(&mut request, false).await?;
            let user = service
                .register(&RegisterRequest::from_json(body.into_json()?)?)
                .await?;
            Ok(json_response(201, &user))
        }
        "/auth/login" => {
            let body = read_body(&mut request, false).await?;
            let login = service
                .login(&LoginRequest::from_json(body.into_json()?)?)
                .await?;
            Ok(json_response(200, &login))
        }
        "/auth/logout" => {
            // Stateless: the token is not checked, and any body is ignored.
            let token = bearer_token(&request).unwrap_or(None);
            Ok(json_response(200, &service.logout(token.as_deref())))
        }
        "/auth/me" => {
            let token = bearer_token(&request)?.ok_or_else(|| {
                AuthError::new(ErrorCode::NotAuthenticated, "missing Authorization header")
            })?;
            Ok(json_response(200, &service.current_user(&token).await?))
        }
        "/auth/introspect" => {
            let introspect = match read_body(&mut request, true).await? {
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
