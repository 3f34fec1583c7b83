//! [`KeyValueStore`] over a Workers KV namespace, called through its JS binding.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::error::{AuthError, Result};
use crate::repository::KeyValueStore;

#[wasm_bindgen]
extern "C" {
    /// A KV namespace binding (`env.USERS`).
    pub(crate) type KvNamespace;

    /// Resolves to the value as text, or `null` when the key is absent.
    #[wasm_bindgen(method, catch)]
    fn get(this: &KvNamespace, key: &str) -> std::result::Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn put(this: &KvNamespace, key: &str, value: &str) -> std::result::Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn delete(this: &KvNamespace, key: &str) -> std::result::Result<Promise, JsValue>;
}

/// A Workers KV namespace as a [`KeyValueStore`].
pub(crate) struct WorkersKv {
    kv: KvNamespace,
}

impl WorkersKv {
    pub(crate) fn new(kv: KvNamespace) -> Self {
        Self { kv }
    }
}

/// Awaits a KV call. A throw or a rejection becomes `repository_unavailable`, without
/// the runtime's message, because that message may name the namespace.
async fn settle(call: std::result::Result<Promise, JsValue>, operation: &str) -> Result<JsValue> {
    let promise = call.map_err(|_| AuthError::repository(operation))?;
    JsFuture::from(promise)
        .await
        .map_err(|_| AuthError::repository(operation))
}

impl KeyValueStore for WorkersKv {
    async fn get(&self, key: &str) -> Result<Option<String>> {
        let value = settle(self.kv.get(key), "get").await?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        value
            .as_string()
            .map(Some)
            .ok_or_else(|| AuthError::repository("get"))
    }

    async fn put(&self, key: &str, value: &str) -> Result<()> {
        settle(self.kv.put(key, value), "put").await.map(drop)
    }

    async fn delete(&self, key: &str) -> Result<()> {
        settle(self.kv.delete(key), "delete").await.map(drop)
    }
}
