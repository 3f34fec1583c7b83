//! Conversions between JS values and the crate's types.
//!
//! A JS string may hold a lone surrogate, which the usual conversion to a Rust string
//! silently replaces with U+FFFD. Two different passwords could then hash alike, so every
//! string that comes in is checked with `JsString::is_valid_utf16` first and rejected if
//! it is not well-formed.

use js_sys::{JsString, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::auth::SkipRule;
use crate::config::AuthConfig;
use crate::error::{AuthError, ErrorCode, Result};
use crate::token::VerifiedToken;

/// Deepest nesting of objects and arrays accepted in a configuration object: the
/// `key_ops` array of a JWK inside a key inside the key list is at level four.
const MAX_CONFIG_DEPTH: usize = 5;

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

/// Returns true when `object[field]` is a string holding a lone surrogate. A getter that
/// throws counts as no such string.
pub(crate) fn has_ill_formed_string(object: &JsValue, field: &str) -> bool {
    Reflect::get(object, &JsValue::from_str(field))
        .ok()
        .and_then(|value| value.dyn_into::<JsString>().ok())
        .is_some_and(|text| !text.is_valid_utf16())
}

/// Reads a string argument named `field`, which must be well-formed.
pub(crate) fn read_string(value: JsValue, field: &str) -> Result<String> {
    checked_string(&value, field)
}

#[wasm_bindgen]
extern "C" {
    /// `Object.entries`, which runs getters and proxy traps and so may throw.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = entries)]
    fn object_entries(object: &JsValue) -> std::result::Result<js_sys::Array, JsValue>;
}

/// Why a JS value could not become JSON.
enum Unreadable {
    /// A string contains a lone surrogate.
    LoneSurrogate,
    /// A getter or proxy trap threw, or the value is a function, symbol or bigint.
    Unsupported,
    /// Objects are nested deeper than allowed.
    TooDeep,
}

/// Converts a plain JS value to JSON, down to `max_depth` levels of objects and arrays.
///
/// Object properties whose value is `undefined` are left out, as `JSON.stringify`
/// does, so an optional setting given as `undefined` counts as absent. Every string is
/// checked for lone surrogates. Getters and proxy traps that throw are reported rather
/// than left to unwind through the wasm call.
fn to_json(
    value: &JsValue,
    max_depth: usize,
) -> std::result::Result<serde_json::Value, Unreadable> {
    if let Some(text) = value.dyn_ref::<JsString>() {
        if !text.is_valid_utf16() {
            return Err(Unreadable::LoneSurrogate);
        }
        return Ok(serde_json::Value::String(String::from(text)));
    }
    if value.is_null() || value.is_undefined() {
        return Ok(serde_json::Value::Null);
    }
    if let Some(flag) = value.as_bool() {
        return Ok(serde_json::Value::Bool(flag));
    }
    if let Some(number) = value.as_f64() {
        // NaN and the infinities have no JSON form; taking them for "absent" would
        // silently apply a default, as `Number(undefined)` for a setting would.
        if !number.is_finite() {
            return Err(Unreadable::Unsupported);
        }
        return Ok(json_number(number));
    }
    if value.is_function() || !value.is_object() {
        return Err(Unreadable::Unsupported);
    }
    if max_depth == 0 {
        return Err(Unreadable::TooDeep);
    }
    if js_sys::Array::is_array(value) {
        let array: &js_sys::Array = value.unchecked_ref();
        return array
            .iter()
            .map(|item| to_json(&item, max_depth - 1))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map(serde_json::Value::Array);
    }
    let entries = object_entries(value).map_err(|_| Unreadable::Unsupported)?;
    let mut object = serde_json::Map::new();
    for entry in entries.iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let item = pair.get(1);
        if item.is_undefined() {
            continue;
        }
        let serde_json::Value::String(name) = to_json(&pair.get(0), 0)? else {
            return Err(Unreadable::Unsupported);
        };
        object.insert(name, to_json(&item, max_depth - 1)?);
    }
    Ok(serde_json::Value::Object(object))
}

/// Converts a JS number to JSON, as an integer when it is one.
fn json_number(number: f64) -> serde_json::Value {
    // Integers up to 2^53 are exact in a double, so the casts below lose nothing.
    const MAX_EXACT: f64 = 9_007_199_254_740_992.0;
    if number.fract() == 0.0 && number.abs() <= MAX_EXACT {
        if number >= 0.0 {
            return serde_json::Value::from(number as u64);
        }
        return serde_json::Value::from(number as i64);
    }
    serde_json::Number::from_f64(number).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// Reads a request object into JSON. Requests are flat objects of strings, so only
/// strings are converted, each checked for lone surrogates under its field name; any
/// other value becomes a placeholder that the field checks reject as "must be a string".
pub(crate) fn read_request(value: JsValue) -> Result<serde_json::Value> {
    if !value.is_object() || value.is_function() || js_sys::Array::is_array(&value) {
        return Err(AuthError::validation("request", "must be an object"));
    }
    let entries = object_entries(&value)
        .map_err(|_| AuthError::validation("request", "cannot be read as a plain object"))?;
    let mut fields = serde_json::Map::new();
    for entry in entries.iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let name = checked_string(&pair.get(0), "request")?;
        let item = pair.get(1);
        let json = if item.is_undefined() {
            continue;
        } else if item.is_string() {
            serde_json::Value::String(checked_string(&item, &name)?)
        } else if item.is_null() {
            serde_json::Value::Null
        } else {
            serde_json::Value::Array(Vec::new())
        };
        fields.insert(name, json);
    }
    Ok(serde_json::Value::Object(fields))
}

/// Reads and checks a configuration object.
pub(crate) fn read_config(value: JsValue) -> Result<AuthConfig> {
    if !value.is_object() || value.is_function() || js_sys::Array::is_array(&value) {
        return Err(AuthError::invalid_config(
            "the configuration must be an object",
        ));
    }
    let json = to_json(&value, MAX_CONFIG_DEPTH).map_err(|problem| match problem {
        Unreadable::LoneSurrogate => {
            AuthError::invalid_config("a string contains a lone surrogate")
        }
        Unreadable::Unsupported => {
            AuthError::invalid_config("the configuration must contain only plain JSON values")
        }
        Unreadable::TooDeep => AuthError::invalid_config("the configuration is nested too deeply"),
    })?;
    AuthConfig::deserialize_checked(json)
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
