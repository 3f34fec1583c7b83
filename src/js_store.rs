//! The JS key-value store adapter of the npm package and the Worker. A store is any
//! object with `get`, `put` and `delete` methods returning promises (or plain values),
//! as a Workers KV namespace has. An optional atomic `putIfAbsent(key, value)` resolves
//! to whether it stored.

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::error::{AuthError, ErrorCode, Result};
use crate::repository::KeyValueStore;

// The race against a timer is written in JS: a Rust closure handed to setTimeout would
// stay allocated whenever the timer is cleared before it fires.
#[wasm_bindgen(inline_js = "
export function settleWithin(value, milliseconds, timedOut) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(timedOut), milliseconds);
    Promise.resolve(value).then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
")]
extern "C" {
    #[wasm_bindgen(js_name = settleWithin)]
    fn settle_within(value: &JsValue, milliseconds: f64, timed_out: &JsValue) -> Promise;
}

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

    #[wasm_bindgen(method, catch, js_name = putIfAbsent)]
    fn put_if_absent(
        this: &JsKeyValue,
        key: &str,
        value: &str,
    ) -> std::result::Result<JsValue, JsValue>;

}

/// Returns whether `value` has a callable member `name`. The test is `typeof` rather than
/// `instanceof Function`, because the methods of an RPC stub (a service binding or a
/// Durable Object) and of another realm are callable too.
pub(crate) fn has_method(value: &JsValue, name: &str) -> bool {
    Reflect::get(value, &JsValue::from_str(name)).is_ok_and(|member| member.is_function())
}

/// [`KeyValueStore`] over a JS object.
pub(crate) struct JsStore {
    inner: JsKeyValue,
    timeout_ms: f64,
    /// Whether the object has a `putIfAbsent(key, value)` method resolving to a boolean.
    atomic: bool,
}

impl JsStore {
    /// Wraps `value` after checking that it has the three methods. A call that has not
    /// settled after `timeout_ms` fails with `repository_unavailable`.
    pub(crate) fn from_js(value: JsValue, timeout_ms: u64) -> Result<Self> {
        if !value.is_object() {
            return Err(AuthError::invalid_config(
                "the store must be an object with get, put and delete",
            ));
        }
        for method in ["get", "put", "delete"] {
            if !has_method(&value, method) {
                return Err(AuthError::invalid_config(format_args!(
                    "the store has no {method} method"
                )));
            }
        }
        let atomic = has_method(&value, "putIfAbsent");
        Ok(Self {
            inner: value.unchecked_into(),
            timeout_ms: timeout_ms as f64,
            atomic,
        })
    }
}

impl JsStore {
    /// Waits for the result of a store call, which may be a promise or a plain value, for
    /// at most the configured timeout.
    async fn settle(
        &self,
        call: std::result::Result<JsValue, JsValue>,
        operation: &str,
    ) -> Result<JsValue> {
        let value = call.map_err(|_| AuthError::repository(operation))?;
        // A fresh object marks the timer's result, so the winner of the race is known.
        let timed_out = JsValue::from(js_sys::Object::new());
        let winner = JsFuture::from(settle_within(&value, self.timeout_ms, &timed_out)).await;

        match winner {
            Ok(value) if value == timed_out => Err(AuthError::new(
                ErrorCode::RepositoryUnavailable,
                format!(
                    "user store unavailable: {operation} timed out after {} ms",
                    self.timeout_ms
                ),
            )),
            Ok(value) => Ok(value),
            Err(_) => Err(AuthError::repository(operation)),
        }
    }
}

impl KeyValueStore for JsStore {
    async fn get(&self, key: &str) -> Result<Option<String>> {
        let value = self.settle(self.inner.get(key), "get").await?;
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
        self.settle(self.inner.put(key, value), "put")
            .await
            .map(|_| ())
    }

    async fn put_if_absent(&self, key: &str, value: &str) -> Result<Option<bool>> {
        if !self.atomic {
            return Ok(None);
        }
        let stored = self
            .settle(self.inner.put_if_absent(key, value), "putIfAbsent")
            .await?;
        stored.as_bool().map(Some).ok_or_else(|| {
            AuthError::new(
                ErrorCode::RepositoryUnavailable,
                "user store unavailable: putIfAbsent returned a value that is not a boolean",
            )
        })
    }

    async fn delete(&self, key: &str) -> Result<()> {
        self.settle(self.inner.delete(key), "delete")
            .await
            .map(|_| ())
    }
}
