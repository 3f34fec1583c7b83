//! [`KeyValueStore`] over a Workers KV namespace.

use worker::kv::KvStore;

use crate::error::{AuthError, Result};
use crate::repository::KeyValueStore;

/// A Workers KV namespace as a [`KeyValueStore`].
pub(crate) struct WorkersKv {
    kv: KvStore,
}

impl WorkersKv {
    pub(crate) fn new(kv: KvStore) -> Self {
        Self { kv }
    }
}

impl KeyValueStore for WorkersKv {
    async fn get(&self, key: &str) -> Result<Option<String>> {
        self.kv
            .get(key)
            .text()
            .await
            .map_err(|_| AuthError::repository("get"))
    }

    async fn put(&self, key: &str, value: &str) -> Result<()> {
        let builder = self
            .kv
            .put(key, value)
            .map_err(|_| AuthError::repository("put"))?;
        builder
            .execute()
            .await
            .map_err(|_| AuthError::repository("put"))
    }

    async fn delete(&self, key: &str) -> Result<()> {
        self.kv
            .delete(key)
            .await
            .map_err(|_| AuthError::repository("delete"))
    }
}
