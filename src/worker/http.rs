//! HTTP details of the Worker: body limits, content types and the JSON error shape.

use futures_util::StreamExt;
use serde::Serialize;
use worker::{Method, Request, Response};

use crate::error::{AuthError, ErrorCode};
use crate::models::parse_json_body;

/// Largest request body read, in bytes. The largest valid request (a registration with
/// a 1 KiB password) is far smaller.
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024;

/// A failure at the HTTP layer: either an [`AuthError`] or a transport problem with a
/// code of its own (`not_found`, `method_not_allowed`, `payload_too_large`,
/// `unsupported_media_type`).
pub(crate) struct HttpError {
    status: u16,
    code: &'static str,
    message: String,
    allow: Option<Method>,
}

impl HttpError {
    fn transport(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            allow: None,
        }
    }

    pub(crate) fn not_found() -> Self {
        Self::transport(404, "not_found", "no route matches this path")
    }

    pub(crate) fn method_not_allowed(allowed: Method) -> Self {
        let accepted = if allowed == Method::Get {
            "GET and HEAD".to_owned()
        } else {
            allowed.to_string()
        };
        let mut error = Self::transport(
            405,
            "method_not_allowed",
            format!("this route accepts only {accepted}"),
        );
        error.allow = Some(allowed);
        error
    }

    pub(crate) fn status(&self) -> u16 {
        self.status
    }

    pub(crate) fn code(&self) -> &str {
        self.code
    }

    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    /// Returns the error as clients see it: a configuration error loses its details,
    /// which stay in the log.
    pub(crate) fn for_client(self) -> Self {
        if self.code == ErrorCode::InvalidConfig.as_str() {
            return Self {
                message: "the service is misconfigured; its log has the details".to_owned(),
                ..self
            };
        }
        self
    }
}

impl From<AuthError> for HttpError {
    fn from(error: AuthError) -> Self {
        Self {
            status: error.code().http_status(),
            code: error.code().as_str(),
            message: error.message().to_owned(),
            allow: None,
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
}

/// Builds a JSON response. Every response of this service may carry a token or a user,
/// so none may be cached (RFC 6749, section 5.1).
pub(crate) fn json_response<T: Serialize>(status: u16, body: &T) -> worker::Result<Response> {
    let response = Response::from_json(body)?.with_status(status);
    let headers = response.headers();
    headers.set("Cache-Control", "no-store")?;
    headers.set("Content-Type", "application/json; charset=utf-8")?;
    Ok(response)
}

/// Builds the JSON error response for `error`.
pub(crate) fn error_response(error: &HttpError) -> worker::Result<Response> {
    let body = ErrorBody {
        error: ErrorDetail {
            code: error.code,
            message: &error.message,
        },
    };
    let response = json_response(error.status, &body)?;
    if error.status == 401 {
        response.headers().set("WWW-Authenticate", "Bearer")?;
    }
    if let Some(allowed) = &error.allow {
        let methods = if *allowed == Method::Get {
            "GET, HEAD"
        } else {
            allowed.as_ref()
        };
        response.headers().set("Allow", methods)?;
    }
    Ok(response)
}

/// A decoded request body.
pub(crate) enum Body {
    /// `application/json`.
    Json(serde_json::Value),
    /// `application/x-www-form-urlencoded`, as a JSON object of strings.
    Form(serde_json::Value),
}

impl Body {
    /// Returns the JSON body, rejecting a form body.
    pub(crate) fn into_json(self) -> Result<serde_json::Value, HttpError> {
        match self {
            Body::Json(value) => Ok(value),
            Body::Form(_) => Err(unsupported_media_type("application/json")),
        }
    }
}

fn unsupported_media_type(expected: &str) -> HttpError {
    HttpError::transport(
        415,
        "unsupported_media_type",
        format!("Content-Type must be {expected}"),
    )
}

fn too_large() -> HttpError {
    HttpError::transport(
        413,
        "payload_too_large",
        format!("request body must be at most {MAX_BODY_BYTES} bytes"),
    )
}

/// Reads the body, at most [`MAX_BODY_BYTES`], and decodes it by its content type:
/// JSON always, and form encoding when `allow_form` is set.
pub(crate) async fn read_body(request: &mut Request, allow_form: bool) -> Result<Body, HttpError> {
    let content_type = request
        .headers()
        .get("Content-Type")
        .ok()
        .flatten()
        .unwrap_or_default();
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let is_form = allow_form && media_type == "application/x-www-form-urlencoded";
    if media_type != "application/json" && !is_form {
        let expected = if allow_form {
            "application/json or application/x-www-form-urlencoded"
        } else {
            "application/json"
        };
        return Err(unsupported_media_type(expected));
    }
    let declared = request.headers().get("Content-Length").ok().flatten();
    if declared
        .and_then(|length| length.trim().parse::<usize>().ok())
        .is_some_and(|length| length > MAX_BODY_BYTES)
    {
        return Err(too_large());
    }

    // Read chunk by chunk so that a body without Content-Length stops at the limit.
    let mut bytes = Vec::new();
    if let Ok(mut stream) = request.stream() {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|_| AuthError::validation("body", "could not be read"))?;
            if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
    }

    if is_form {
        let mut object = serde_json::Map::new();
        for (name, value) in form_urlencoded::parse(&bytes) {
            object.insert(
                name.into_owned(),
                serde_json::Value::String(value.into_owned()),
            );
        }
        return Ok(Body::Form(serde_json::Value::Object(object)));
    }
    Ok(Body::Json(parse_json_body(&bytes)?))
}
