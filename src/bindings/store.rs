//! The JS key-value store adapter: any object with `get`, `put` and `delete` methods
//! returning promises (or plain values), as a Workers KV namespace has.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::error::{AuthError, ErrorCode, Result};
use crate::repository::KeyValueStore;

#[wasm_bindgen]
extern "C" {
    /// A JS object with the Workers KV shape.
    #[wasm_bindgen(typescript_type = "KeyValueStore")]
    pub type JsKeyValue;

    #[wasm_bindgen(method, catch, js_name = get)]
    fn get(this: &JsKeyValue, key: &str) -> std::result::Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = put)]
    fn put(this: &JsKeyValue, key: &str, value: &str) -> std::result::Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = delete)]
    fn delete(this: &JsKeyValue, key: &str) -> std::result::Result<JsValue, JsValue>;
}

/// [`KeyValueStore`] over a JS object.
pub(crate) struct JsStore {
    inner: JsKeyValue,
}

impl JsStore {
    /// Wraps `value` after checking that it has the three methods.
    pub(crate) fn from_js(value: JsValue) -> Result<Self> {
        if !value.is_object() {
            return Err(AuthError::invalid_config(
                "the store must be an object with get, put and delete",
            ));
        }
        for method in ["get", "put", "delete"] {
            let member =
                Reflect::get(&value, &JsValue::from_str(method)).unwrap_or(JsValue::UNDEFINED);
            if !member.is_instance_of::<Function>() {
                return Err(AuthError::invalid_config(format_args!(
                    "the store has no {method} method"
                )));
            }
        }
        Ok(Self {
            inner: value.unchecked_into(),
        })
    }
}

/// Waits for the result of a store call, which may be a promise or a plain value.
async fn settle(call: std::result::Result<JsValue, JsValue>, operation: &str) -> Result<JsValue> {
    let value = call.map_err(|_| AuthError::repository(operation))?;
    JsFuture::from(Promise::resolve(&value))
        .await
        .map_err(|_| AuthError::repository(operation))
}

impl KeyValueStore for JsStore {
    async fn get(&self, key: &str) -> Result<Option<String>> {
        let value = settle(self.inner.get(key), "get").await?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        value.as_string().map(Some).ok_or_else(|| {
            AuthError::new(
                ErrorCode::RepositoryUnavailable,
                "user store unavailable: get returned a value that is not a string",
            )
        })
    }

    async fn put(&self, key: &str, value: &str) -> Result<()> {
        settle(self.inner.put(key, value), "put").await.map(|_| ())
    }

    async fn delete(&self, key: &str) -> Result<()> {
        settle(self.inner.delete(key), "delete").await.map(|_| ())
    }
}
