//! User storage over a key-value store, and the only place that defines its layout.
//!
//! # Key layout
//!
//! | key | value |
//! | --- | --- |
//! | `user/id/{id}` | the [`UserRecord`] as JSON |
//! | `user/username/{lowercase username}` | the user id |
//! | `user/email/{case-folded email}` | the user id |
//!
//! # Consistency
//!
//! Registration must not give one username or email to two users. A store that offers
//! an atomic put-if-absent ([`KeyValueStore::put_if_absent`]; the in-memory stores here
//! do, and so may a store backed by a Durable Object or a database) gets that
//! guarantee: [`KvUserRepository::create`] writes the record, then claims each index
//! entry in one atomic step, and withdraws if a claim fails. Over such a store an index
//! entry whose record is gone still blocks its name, so deleting a user means deleting
//! its record and both index entries.
//!
//! Workers KV is eventually consistent and has no such step. Over it, `create` checks
//! both indexes, writes the record and the indexes, then reads the indexes back: if
//! another registration overwrote either one, it deletes what it wrote and reports
//! `user_exists`. That catches a rival whose writes land between this registration's
//! writes and its read-back. It cannot catch a rival that checked the indexes before
//! this registration wrote them and writes after this registration's read-back: both
//! succeed, and the later one takes over the index entries, leaving the earlier user
//! reachable by id only. Across KV locations the window grows to KV's propagation
//! delay (up to 60 seconds).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::error::{AuthError, Result};
use crate::models::PublicUser;

/// A string key-value store with the shape of a Workers KV namespace.
///
/// Futures need not be `Send`: JavaScript stores are single-threaded.
#[allow(async_fn_in_trait)]
pub trait KeyValueStore {
    /// Returns the value at `key`, or `None` when there is none.
    ///
    /// # Errors
    ///
    /// `repository_unavailable` when the store fails.
    async fn get(&self, key: &str) -> Result<Option<String>>;

    /// Stores `value` at `key`, replacing any previous value.
    ///
    /// # Errors
    ///
    /// `repository_unavailable` when the store fails.
    async fn put(&self, key: &str, value: &str) -> Result<()>;

    /// Removes `key`. Removing a missing key succeeds.
    ///
    /// # Errors
    ///
    /// `repository_unavailable` when the store fails.
    async fn delete(&self, key: &str) -> Result<()>;

    /// Stores `value` at `key` only if `key` has no value, as one atomic step, and
    /// returns whether it stored. Returns `None` when the store cannot do this
    /// atomically, which is the default; Workers KV cannot.
    ///
    /// # Errors
    ///
    /// `repository_unavailable` when the store fails.
    async fn put_if_absent(&self, _key: &str, _value: &str) -> Result<Option<bool>> {
        Ok(None)
    }
}

/// An in-memory [`KeyValueStore`] for tests and local use. Clones share the same data.
#[derive(Clone, Default)]
pub struct MemoryStore {
    entries: Rc<RefCell<BTreeMap<String, String>>>,
}

impl std::fmt::Debug for MemoryStore {
    // The entries hold password hashes, so only their number is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("len", &self.len())
            .finish()
    }
}

impl MemoryStore {
    /// Creates an empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the number of stored keys.
    pub fn len(&self) -> usize {
        self.entries.borrow().len()
    }

    /// Returns true when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.entries.borrow().is_empty()
    }
}

impl KeyValueStore for MemoryStore {
    async fn get(&self, key: &str) -> Result<Option<String>> {
        Ok(self.entries.borrow().get(key).cloned())
    }

    async fn put(&self, key: &str, value: &str) -> Result<()> {
        self.entries
            .borrow_mut()
            .insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<()> {
        self.entries.borrow_mut().remove(key);
        Ok(())
    }

    async fn put_if_absent(&self, key: &str, value: &str) -> Result<Option<bool>> {
        let mut entries = self.entries.borrow_mut();
        if entries.contains_key(key) {
            return Ok(Some(false));
        }
        entries.insert(key.to_owned(), value.to_owned());
        Ok(Some(true))
    }
}

/// A stored user, with the password hash. Never sent to clients.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    /// Random 128-bit id as 32 hex digits.
    pub id: String,
    /// Username as registered, after NFKC.
    pub username: String,
    /// Email address, case-folded.
    pub email: String,
    /// Argon2 PHC string.
    pub password_hash: String,
    /// False when the account is disabled.
    pub is_active: bool,
    /// Registration time, RFC 3339 in UTC.
    pub created_at: String,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("email", &self.email)
            .field("password_hash", &"<redacted>")
            .field("is_active", &self.is_active)
            .field("created_at", &self.created_at)
            .finish()
    }
}

impl UserRecord {
    /// Returns the fields that clients may see.
    pub fn to_public(&self) -> PublicUser {
        PublicUser {
            id: self.id.clone(),
            username: self.username.clone(),
            email: self.email.clone(),
            is_active: self.is_active,
            created_at: self.created_at.clone(),
        }
    }

    fn username_key(&self) -> String {
        self.username.to_ascii_lowercase()
    }
}

/// Storage of users. It owns the key layout; the service never builds keys.
#[allow(async_fn_in_trait)]
pub trait UserRepository {
    /// Finds a user by id.
    ///
    /// # Errors
    ///
    /// `repository_unavailable` when the store fails or contains a corrupt record.
    async fn find_by_id(&self, id: &str) -> Result<Option<UserRecord>>;

    /// Finds a user by the lowercase form of the username.
    ///
    /// # Errors
    ///
    /// `repository_unavailable` when the store fails or contains a corrupt record.
    async fn find_by_username(&self, username_key: &str) -> Result<Option<UserRecord>>;

    /// Finds a user by case-folded email.
    ///
    /// # Errors
    ///
    /// `repository_unavailable` when the store fails or contains a corrupt record.
    async fn find_by_email(&self, email: &str) -> Result<Option<UserRecord>>;

    /// Stores a new user.
    ///
    /// # Errors
    ///
    /// `user_exists` when the username or email is taken, `repository_unavailable` when
    /// the store fails.
    async fn create(&self, user: &UserRecord) -> Result<()>;

    /// Replaces an existing user's record (its username and email stay the same).
    ///
    /// # Errors
    ///
    /// `repository_unavailable` when the store fails.
    async fn update(&self, user: &UserRecord) -> Result<()>;
}

/// [`UserRepository`] over any [`KeyValueStore`], with the key layout above.
#[derive(Debug, Clone)]
pub struct KvUserRepository<S> {
    store: S,
}

impl<S: KeyValueStore> KvUserRepository<S> {
    /// Wraps `store`.
    pub fn new(store: S) -> Self {
        Self { store }
    }

    /// Returns the underlying store.
    pub fn store(&self) -> &S {
        &self.store
    }

    fn id_key(id: &str) -> String {
        format!("user/id/{id}")
    }

    fn username_index(username_key: &str) -> String {
        format!("user/username/{username_key}")
    }

    fn email_index(email: &str) -> String {
        format!("user/email/{email}")
    }

    async fn find_by_index(&self, index_key: &str) -> Result<Option<UserRecord>> {
        match self.store.get(index_key).await? {
            Some(id) => self.find_by_id(&id).await,
            None => Ok(None),
        }
    }

    /// Deletes `index_key` if it still points at `id`, so a rollback never removes
    /// another user's entry.
    async fn delete_index_if_owned(&self, index_key: &str, id: &str) -> Result<()> {
        if self.store.get(index_key).await?.as_deref() == Some(id) {
            self.store.delete(index_key).await?;
        }
        Ok(())
    }
}

impl<S: KeyValueStore> UserRepository for KvUserRepository<S> {
    async fn find_by_id(&self, id: &str) -> Result<Option<UserRecord>> {
        let Some(json) = self.store.get(&Self::id_key(id)).await? else {
            return Ok(None);
        };
        serde_json::from_str(&json)
            .map(Some)
            .map_err(|_| AuthError::repository("reading a corrupt user record"))
    }

    async fn find_by_username(&self, username_key: &str) -> Result<Option<UserRecord>> {
        self.find_by_index(&Self::username_index(username_key))
            .await
    }

    async fn find_by_email(&self, email: &str) -> Result<Option<UserRecord>> {
        self.find_by_index(&Self::email_index(email)).await
    }

    async fn create(&self, user: &UserRecord) -> Result<()> {
        let username_index = Self::username_index(&user.username_key());
        let email_index = Self::email_index(&user.email);
        let json = serde_json::to_string(user)
            .map_err(|_| AuthError::repository("encoding a user record"))?;

        // With an atomic put-if-absent, each index entry is claimed in one step, so of
        // two registrations of a name exactly one gets it. The record is written first,
        // so an index entry never points at a record that is still to come.
        self.store.put(&Self::id_key(&user.id), &json).await?;
        match self.claim(&username_index, &user.id).await? {
            Some(true) => {
                if self.claim(&email_index, &user.id).await? == Some(true) {
                    return Ok(());
                }
                self.delete_index_if_owned(&username_index, &user.id)
                    .await?;
                self.store.delete(&Self::id_key(&user.id)).await?;
                return Err(AuthError::user_exists());
            }
            Some(false) => {
                self.store.delete(&Self::id_key(&user.id)).await?;
                return Err(AuthError::user_exists());
            }
            // The store has no atomic step; fall back to check, write and read back.
            None => {}
        }
        self.create_without_atomic_step(user, &username_index, &email_index)
            .await
    }

    async fn update(&self, user: &UserRecord) -> Result<()> {
        let json = serde_json::to_string(user)
            .map_err(|_| AuthError::repository("encoding a user record"))?;
        self.store.put(&Self::id_key(&user.id), &json).await
    }
}

impl<S: KeyValueStore> KvUserRepository<S> {
    /// Claims `index_key` for `id` with the store's atomic put-if-absent. Returns `None`
    /// when the store has no atomic step.
    ///
    /// An entry left behind by a deleted user still blocks the name: replacing it would
    /// take a read and a write, and two registrations could both do that. Deleting a
    /// user therefore means deleting its record and both index entries.
    async fn claim(&self, index_key: &str, id: &str) -> Result<Option<bool>> {
        self.store.put_if_absent(index_key, id).await
    }

    /// Registers over a store without an atomic step, once the record is written: check
    /// the indexes, write them, read them back.
    async fn create_without_atomic_step(
        &self,
        user: &UserRecord,
        username_index: &str,
        email_index: &str,
    ) -> Result<()> {
        // An index entry whose record is gone is left over from a failed write and does
        // not block the name.
        if self.find_by_index(username_index).await?.is_some()
            || self.find_by_index(email_index).await?.is_some()
        {
            self.store.delete(&Self::id_key(&user.id)).await?;
            return Err(AuthError::user_exists());
        }

        self.store.put(username_index, &user.id).await?;
        self.store.put(email_index, &user.id).await?;

        // Read back: a concurrent registration of the same name or email that wrote after
        // us owns the entry now, and this registration withdraws.
        let username_owner = self.store.get(username_index).await?;
        let email_owner = self.store.get(email_index).await?;
        if username_owner.as_deref() != Some(user.id.as_str())
            || email_owner.as_deref() != Some(user.id.as_str())
        {
            self.delete_index_if_owned(username_index, &user.id).await?;
            self.delete_index_if_owned(email_index, &user.id).await?;
            self.store.delete(&Self::id_key(&user.id)).await?;
            return Err(AuthError::user_exists());
        }
        Ok(())
    }
}
