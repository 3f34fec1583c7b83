//! HTTP details of the Worker: body limits, content types, and the JSON responses.
//!
//! Requests and responses are the runtime's own `Request` and `Response` objects, used
//! through `web-sys`: each call into JS costs time on every request, so this module
//! makes as few as it can.

use js_sys::Uint8Array;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, ReadableStreamReadResult, Request, Response};

use crate::error::{AuthError, ErrorCode};
use crate::models::{parse_json_body, repeated_field};

// One call into JS per response and per header read, rather than one per header set
// and per object made through web-sys.
#[wasm_bindgen(inline_js = r#"
export function jsonResponse(status, body, authenticate, allow) {
  const headers = {
    'Cache-Control': 'no-store',
    'Content-Type': 'application/json; charset=utf-8',
  };
  if (authenticate !== undefined) headers['WWW-Authenticate'] = authenticate;
  if (allow !== undefined) headers.Allow = allow;
  return new Response(body, { status, headers });
}

export function requestHeader(request, name) {
  return request.headers.get(name) ?? undefined;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = jsonResponse, catch)]
    fn js_json_response(
        status: u16,
        body: &str,
        authenticate: Option<&str>,
        allow: Option<&str>,
    ) -> Result<Response, JsValue>;

    /// Returns the value of header `name`, if the request has it.
    #[wasm_bindgen(js_name = requestHeader)]
    pub(crate) fn header(request: &Request, name: &str) -> Option<String>;
}

/// Largest request body read, in bytes. The largest valid request (a registration with
/// a 1 KiB password) is far smaller.
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024;

/// The method a route accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Allowed {
    /// GET, and HEAD with the same response (RFC 9110, section 9.3.2).
    Get,
    Post,
}

impl Allowed {
    /// Returns whether a request with `method` may use the route.
    pub(crate) fn accepts(self, method: &str) -> bool {
        match self {
            Allowed::Get => method == "GET" || method == "HEAD",
            Allowed::Post => method == "POST",
        }
    }

    fn header(self) -> &'static str {
        match self {
            Allowed::Get => "GET, HEAD",
            Allowed::Post => "POST",
        }
    }
}

/// A failure at the HTTP layer: either an [`AuthError`] or a transport problem with a
/// code of its own (`not_found`, `method_not_allowed`, `payload_too_large`,
/// `unsupported_media_type`).
pub(crate) struct HttpError {
    status: u16,
    code: &'static str,
    message: String,
    allow: Option<Allowed>,
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

    pub(crate) fn method_not_allowed(allowed: Allowed) -> Self {
        let accepted = match allowed {
            Allowed::Get => "GET and HEAD",
            Allowed::Post => "POST",
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

/// Converts a failed call into JS while reading a request, such as a body stream that
/// errors, into `validation_failed` for the body.
fn unreadable_body(_: JsValue) -> HttpError {
    AuthError::validation("body", "could not be read").into()
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
pub(crate) fn json_response<T: Serialize>(status: u16, body: &T) -> Result<Response, JsValue> {
    respond(status, body, None, None)
}

fn respond<T: Serialize>(
    status: u16,
    body: &T,
    authenticate: Option<&str>,
    allow: Option<&str>,
) -> Result<Response, JsValue> {
    let text = serde_json::to_string(body)
        .map_err(|_| JsValue::from_str("the response body could not be encoded"))?;
    js_json_response(status, &text, authenticate, allow)
}

/// Builds the JSON error response for `error`.
pub(crate) fn error_response(error: &HttpError) -> Result<Response, JsValue> {
    let body = ErrorBody {
        error: ErrorDetail {
            code: error.code,
            message: &error.message,
        },
    };
    let authenticate = (error.status == 401).then_some("Bearer");
    respond(
        error.status,
        &body,
        authenticate,
        error.allow.map(Allowed::header),
    )
}

/// Returns the path of an absolute URL as the runtime serialises it (WHATWG URL): the
/// part after the host, up to `?` or `#`, still percent-encoded. Such a URL always has
/// a path of at least `/`.
pub(crate) fn path_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(url, |index| &url[index + 3..]);
    let path = after_scheme
        .find('/')
        .map_or("/", |index| &after_scheme[index..]);
    path.find(['?', '#']).map_or(path, |end| &path[..end])
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
pub(crate) async fn read_body(request: &Request, allow_form: bool) -> Result<Body, HttpError> {
    let content_type = header(request, "Content-Type").unwrap_or_default();
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
    // A length too large for u64 is over the limit as well.
    let declared = header(request, "Content-Length");
    if declared.is_some_and(|length| {
        length
            .trim()
            .parse::<u64>()
            .map_or(true, |length| length > MAX_BODY_BYTES as u64)
    }) {
        return Err(too_large());
    }
    let bytes = match request.body() {
        Some(stream) => read_limited(stream.get_reader().unchecked_into()).await?,
        None => Vec::new(),
    };

    if is_form {
        return Ok(Body::Form(parse_form(&bytes)?));
    }
    Ok(Body::Json(parse_json_body(&bytes)?))
}

/// Decodes an `application/x-www-form-urlencoded` body into a JSON object of strings.
/// As for JSON bodies, a repeated field is rejected rather than resolved to one of its
/// values. A value that is not UTF-8 once decoded is rejected too, where the
/// `form_urlencoded` crate would replace its bytes with U+FFFD.
fn parse_form(bytes: &[u8]) -> Result<serde_json::Value, HttpError> {
    let mut object = serde_json::Map::new();
    for pair in bytes.split(|&byte| byte == b'&') {
        if pair.is_empty() {
            continue;
        }
        let (name, value) = match pair.iter().position(|&byte| byte == b'=') {
            Some(index) => (&pair[..index], &pair[index + 1..]),
            None => (pair, &[][..]),
        };
        let name = decode_form_component(name)?;
        let value = decode_form_component(value)?;
        if object
            .insert(name, serde_json::Value::String(value))
            .is_some()
        {
            return Err(repeated_field().into());
        }
    }
    Ok(serde_json::Value::Object(object))
}

/// Decodes one name or value of a form body: `+` is a space, then percent-decoding.
fn decode_form_component(encoded: &[u8]) -> Result<String, HttpError> {
    let spaced: Vec<u8> = encoded
        .iter()
        .map(|&byte| if byte == b'+' { b' ' } else { byte })
        .collect();
    percent_encoding::percent_decode(&spaced)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| AuthError::validation("body", "is not valid UTF-8 form data").into())
}

/// Reads a body stream chunk by chunk, so that a body without `Content-Length` stops at
/// the limit. A body over the limit is cancelled: the client stops sending, and the runtime
/// does not buffer bytes the Worker will not read.
async fn read_limited(reader: ReadableStreamDefaultReader) -> Result<Vec<u8>, HttpError> {
    let mut bytes = Vec::new();
    loop {
        let result: ReadableStreamReadResult = JsFuture::from(reader.read())
            .await
            .map_err(unreadable_body)?
            .unchecked_into();
        if result.get_done().unwrap_or(true) {
            return Ok(bytes);
        }
        let chunk: Uint8Array = result.get_value().dyn_into().map_err(unreadable_body)?;
        let length = chunk.length() as usize;
        if bytes.len() + length > MAX_BODY_BYTES {
            // A failed cancel changes nothing: the response is 413 either way.
            let _ = JsFuture::from(reader.cancel()).await;
            return Err(too_large());
        }
        let start = bytes.len();
        bytes.resize(start + length, 0);
        chunk.copy_to(&mut bytes[start..]);
    }
}
