//! Conversions between JS values and the crate's types.
//!
//! A JS string may hold a lone surrogate, which the usual conversion to a Rust string
//! silently replaces with U+FFFD. Two different passwords could then hash alike, so every
//! string that comes in is checked with `JsString::is_valid_utf16` first and rejected if
//! it is not well-formed.

use js_sys::{JsString, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::auth::SkipRule;
use crate::config::AuthConfig;
use crate::error::{AuthError, ErrorCode, Result};
use crate::token::VerifiedToken;

/// Deepest nesting of objects accepted in a configuration object.
const MAX_CONFIG_DEPTH: usize = 4;

/// Builds the JS error for `error`: an `Error` named `AuthError` with a `code`.
pub(crate) fn to_js_error(error: AuthError) -> JsValue {
    let js_error = js_sys::Error::new(error.message());
    js_error.set_name("AuthError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(
        &js_error,
        &JsValue::from_str("code"),
        &JsValue::from_str(error.code().as_str()),
    );
    js_error.into()
}

/// Converts a model to a plain JS object.
pub(crate) fn to_js<T: Serialize>(value: &T) -> std::result::Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|err| {
        to_js_error(AuthError::new(
            ErrorCode::InvalidConfig,
            format!("result encoding failed: {err}"),
        ))
    })
}

fn checked_string(value: &JsValue, field: &str) -> Result<String> {
    let Some(text) = value.dyn_ref::<JsString>() else {
        return Err(AuthError::validation(field, "must be a string"));
    };
    if !text.is_valid_utf16() {
        return Err(AuthError::validation(field, "contains a lone surrogate"));
    }
    Ok(String::from(text))
}

/// Reads a token argument, which must be a well-formed string.
pub(crate) fn read_token(value: JsValue) -> Result<String> {
    checked_string(&value, "token")
}

/// Reads a string argument named `field`, which must be well-formed.
pub(crate) fn read_string(value: JsValue, field: &str) -> Result<String> {
    checked_string(&value, field)
}

/// Reads a request object into JSON: a flat object whose values are strings, numbers,
/// booleans or null. Nested objects are rejected before conversion, which also keeps
/// cyclic objects out.
pub(crate) fn read_request(value: JsValue) -> Result<serde_json::Value> {
    let Some(object) = value
        .dyn_ref::<Object>()
        .filter(|_| !value.is_function() && !js_sys::Array::is_array(&value))
    else {
        return Err(AuthError::validation("request", "must be an object"));
    };
    let mut fields = serde_json::Map::new();
    for entry in Object::entries(object).iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let name = checked_string(&pair.get(0), "request")?;
        let value = pair.get(1);
        let json = if value.is_string() {
            serde_json::Value::String(checked_string(&value, &name)?)
        } else if value.is_null() || value.is_undefined() {
            serde_json::Value::Null
        } else if let Some(flag) = value.as_bool() {
            serde_json::Value::Bool(flag)
        } else if value.as_f64().is_some() {
            // The value itself is never used: every request field is a string.
            serde_json::Value::from(0)
        } else {
            serde_json::Value::Array(Vec::new())
        };
        fields.insert(name, json);
    }
    Ok(serde_json::Value::Object(fields))
}

/// Checks that every string in `value`, down to [`MAX_CONFIG_DEPTH`] levels, is
/// well-formed UTF-16.
fn check_strings(value: &JsValue, depth: usize) -> Result<()> {
    if let Some(text) = value.dyn_ref::<JsString>() {
        if !text.is_valid_utf16() {
            return Err(AuthError::invalid_config(
                "a string contains a lone surrogate",
            ));
        }
        return Ok(());
    }
    if let Some(object) = value.dyn_ref::<Object>() {
        if depth >= MAX_CONFIG_DEPTH {
            return Err(AuthError::invalid_config(
                "the configuration is nested too deeply",
            ));
        }
        for entry in Object::entries(object).iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            check_strings(&pair.get(0), depth + 1)?;
            check_strings(&pair.get(1), depth + 1)?;
        }
    }
    Ok(())
}

/// Reads and checks a configuration object.
pub(crate) fn read_config(value: JsValue) -> Result<AuthConfig> {
    if !value.is_object() {
        return Err(AuthError::invalid_config(
            "the configuration must be an object",
        ));
    }
    check_strings(&value, 0)?;
    AuthConfig::deserialize_checked(serde_wasm_bindgen::Deserializer::from(value))
}

/// Reads an optional skip rule `{ paths, prefixes, methods }` of string arrays.
pub(crate) fn read_skip_rule(value: JsValue) -> Result<SkipRule> {
    let mut rule = SkipRule::default();
    if value.is_undefined() || value.is_null() {
        return Ok(rule);
    }
    if !value.is_object() {
        return Err(AuthError::validation("skip", "must be an object"));
    }
    let read_list = |name: &str| -> Result<Option<Vec<String>>> {
        let list = Reflect::get(&value, &JsValue::from_str(name))
            .map_err(|_| AuthError::validation("skip", "cannot be read"))?;
        if list.is_undefined() {
            return Ok(None);
        }
        if !js_sys::Array::is_array(&list) {
            return Err(AuthError::validation(
                &format!("skip.{name}"),
                "must be an array of strings",
            ));
        }
        let array: js_sys::Array = list.unchecked_into();
        array
            .iter()
            .map(|item| checked_string(&item, &format!("skip.{name}")))
            .collect::<Result<Vec<_>>>()
            .map(Some)
    };
    if let Some(paths) = read_list("paths")? {
        rule.paths = paths;
    }
    if let Some(prefixes) = read_list("prefixes")? {
        rule.prefixes = prefixes;
    }
    if let Some(methods) = read_list("methods")? {
        rule.methods = methods;
    }
    Ok(rule)
}

/// Verified claims as returned to JS.
#[derive(Serialize)]
pub(crate) struct VerifiedClaims {
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<String>,
    exp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    iat: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jti: Option<String>,
}

impl From<VerifiedToken> for VerifiedClaims {
    fn from(token: VerifiedToken) -> Self {
        Self {
            sub: token.sub,
            exp: token.exp,
            iat: token.iat,
            iss: token.iss,
            aud: token.aud,
            jti: token.jti,
        }
    }
}

/// Reads an optional string argument such as an Authorization header value.
pub(crate) fn read_optional_string(value: JsValue, field: &str) -> Result<Option<String>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    checked_string(&value, field).map(Some)
}
