//! The JS key-value store adapter: any object with `get`, `put` and `delete` methods
//! returning promises (or plain values), as a Workers KV namespace has, and optionally
//! an atomic `putIfAbsent(key, value)` resolving to whether it stored.

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

    #[wasm_bindgen(method, catch, js_name = putIfAbsent)]
    fn put_if_absent(
        this: &JsKeyValue,
        key: &str,
        value: &str,
    ) -> std::result::Result<JsValue, JsValue>;

    // Timers exist as globals in Node, browsers and Workers alike.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, milliseconds: f64) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
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
            let member =
                Reflect::get(&value, &JsValue::from_str(method)).unwrap_or(JsValue::UNDEFINED);
            if !member.is_instance_of::<Function>() {
                return Err(AuthError::invalid_config(format_args!(
                    "the store has no {method} method"
                )));
            }
        }
        let atomic = Reflect::get(&value, &JsValue::from_str("putIfAbsent"))
            .is_ok_and(|member| member.is_instance_of::<Function>());
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
        let result = Promise::resolve(&value);

        // The timer resolves to a fresh object, so the race's winner tells which settled.
        let timed_out = JsValue::from(js_sys::Object::new());
        let mut timer = JsValue::UNDEFINED;
        let deadline = Promise::new(&mut |resolve, _reject| {
            let marker = timed_out.clone();
            let fire = Closure::once_into_js(move || {
                let _ = resolve.call1(&JsValue::UNDEFINED, &marker);
            });
            timer = set_timeout(fire.unchecked_ref(), self.timeout_ms);
        });
        let winner = JsFuture::from(Promise::race(&js_sys::Array::of2(&result, &deadline))).await;
        // Clearing the timer lets Node exit without waiting for it.
        clear_timeout(&timer);

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
