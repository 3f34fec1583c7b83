#![cfg(not(target_arch = "wasm32"))]
//! `KvUserRepository` over in-memory stores: the key layout, uniqueness checks, updates,
//! corrupt data, store failures, and concurrent registrations of one name.

mod common;

use std::cell::Cell;
use std::pin::pin;
use std::rc::Rc;

use common::*;
use futures_lite::future::{poll_once, yield_now, zip};
use jwtlib::{
    Auth, AuthError, ErrorCode, FixedClock, KeyValueStore, KvUserRepository, MemoryStore,
    UserRecord, UserRepository,
};
use serde_json::Value;

/// A [`MemoryStore`] that returns `Pending` once before every operation, as a remote
/// store does while its request is in flight. Two tasks polled in turn then interleave
/// one operation at a time.
#[derive(Debug, Clone, Default)]
struct YieldingStore {
    inner: MemoryStore,
    /// Number of `put` calls, shared between clones.
    puts: Rc<Cell<usize>>,
}

impl KeyValueStore for YieldingStore {
    async fn get(&self, key: &str) -> Result<Option<String>, AuthError> {
        yield_now().await;
        self.inner.get(key).await
    }

    async fn put(&self, key: &str, value: &str) -> Result<(), AuthError> {
        yield_now().await;
        self.puts.set(self.puts.get() + 1);
        self.inner.put(key, value).await
    }

    async fn delete(&self, key: &str) -> Result<(), AuthError> {
        yield_now().await;
        self.inner.delete(key).await
    }
}

fn record(id: &str, username: &str, email: &str) -> UserRecord {
    UserRecord {
        id: id.to_owned(),
        username: username.to_owned(),
        email: email.to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".to_owned(),
        is_active: true,
        created_at: "2026-01-01T00:00:00Z".to_owned(),
    }
}

fn stored(store: &MemoryStore, key: &str) -> Option<String> {
    block_on(store.get(key)).unwrap()
}

#[test]
fn create_writes_record_and_indexes() {
    let store = MemoryStore::new();
    let repository = KvUserRepository::new(store.clone());
    let user = record("id-1", "Alice", "alice@example.com");

    block_on(repository.create(&user)).unwrap();

    assert_eq!(store.len(), 3);
    assert_eq!(
        stored(&store, "user/username/alice").as_deref(),
        Some("id-1")
    );
    assert_eq!(
        stored(&store, "user/email/alice@example.com").as_deref(),
        Some("id-1")
    );
    let json: Value = serde_json::from_str(&stored(&store, "user/id/id-1").unwrap()).unwrap();
    assert_eq!(json["username"], "Alice");
    assert_eq!(json["email"], "alice@example.com");
    assert_eq!(json["is_active"], true);
    assert_eq!(json["password_hash"], user.password_hash);
}

#[test]
fn find_by_each_index() {
    let repository = KvUserRepository::new(MemoryStore::new());
    let user = record("id-1", "Alice", "alice@example.com");
    block_on(repository.create(&user)).unwrap();

    assert_eq!(
        block_on(repository.find_by_id("id-1")).unwrap(),
        Some(user.clone())
    );
    assert_eq!(
        block_on(repository.find_by_username("alice")).unwrap(),
        Some(user.clone())
    );
    assert_eq!(
        block_on(repository.find_by_email("alice@example.com")).unwrap(),
        Some(user)
    );
    assert_eq!(block_on(repository.find_by_id("id-2")).unwrap(), None);
    assert_eq!(block_on(repository.find_by_username("bob")).unwrap(), None);
    assert_eq!(
        block_on(repository.find_by_email("bob@example.com")).unwrap(),
        None
    );
}

#[test]
fn create_rejects_taken_username_or_email() {
    let store = MemoryStore::new();
    let repository = KvUserRepository::new(store.clone());
    block_on(repository.create(&record("id-1", "Alice", "alice@example.com"))).unwrap();

    let same_name = record("id-2", "ALICE", "other@example.com");
    let same_email = record("id-3", "bob", "alice@example.com");

    for user in [same_name, same_email] {
        let error = expect_code(block_on(repository.create(&user)), ErrorCode::UserExists);
        assert_eq!(error.message(), "username or email is already registered");
    }
    assert_eq!(store.len(), 3, "a rejected registration writes nothing");
    assert_eq!(
        stored(&store, "user/username/alice").as_deref(),
        Some("id-1")
    );
}

#[test]
fn stale_index_does_not_block_name_over_kv() {
    // A store without put-if-absent, as Workers KV: an entry left over from a failed
    // registration is replaced.
    let store = YieldingStore::default();
    let repository = KvUserRepository::new(store.clone());
    block_on(store.put("user/username/alice", "gone")).unwrap();

    block_on(repository.create(&record("id-1", "alice", "alice@example.com"))).unwrap();

    assert_eq!(
        stored(&store.inner, "user/username/alice").as_deref(),
        Some("id-1")
    );
}

#[test]
fn update_replaces_record() {
    let repository = KvUserRepository::new(MemoryStore::new());
    let mut user = record("id-1", "alice", "alice@example.com");
    block_on(repository.create(&user)).unwrap();

    user.is_active = false;
    user.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$bmV3aGFzaA".to_owned();
    block_on(repository.update(&user)).unwrap();

    assert_eq!(
        block_on(repository.find_by_username("alice")).unwrap(),
        Some(user)
    );
}

#[test]
fn corrupt_record_is_repository_unavailable() {
    let store = MemoryStore::new();
    let repository = KvUserRepository::new(store.clone());
    block_on(store.put("user/username/alice", "id-1")).unwrap();

    for corrupt in ["", "null", "{}", "{\"id\": 7}", "[1, 2]", "not json"] {
        block_on(store.put("user/id/id-1", corrupt)).unwrap();
        let error = expect_code(
            block_on(repository.find_by_id("id-1")),
            ErrorCode::RepositoryUnavailable,
        );
        assert_eq!(
            error.message(),
            "user store unavailable: reading a corrupt user record failed"
        );
        expect_code(
            block_on(repository.find_by_username("alice")),
            ErrorCode::RepositoryUnavailable,
        );
    }
}

#[test]
fn failing_store_is_repository_unavailable() {
    let repository = KvUserRepository::new(FailingStore::new(Failure::Everything));
    let user = record("id-1", "alice", "alice@example.com");

    expect_code(
        block_on(repository.find_by_id("id-1")),
        ErrorCode::RepositoryUnavailable,
    );
    expect_code(
        block_on(repository.find_by_username("alice")),
        ErrorCode::RepositoryUnavailable,
    );
    expect_code(
        block_on(repository.find_by_email("alice@example.com")),
        ErrorCode::RepositoryUnavailable,
    );
    expect_code(
        block_on(repository.create(&user)),
        ErrorCode::RepositoryUnavailable,
    );
    expect_code(
        block_on(repository.update(&user)),
        ErrorCode::RepositoryUnavailable,
    );
}

#[test]
fn memory_store_clones_share_data() {
    let store = MemoryStore::new();
    let clone = store.clone();
    assert!(store.is_empty());

    block_on(clone.put("key", "value")).unwrap();
    assert_eq!(stored(&store, "key").as_deref(), Some("value"));
    assert_eq!(store.len(), 1);

    block_on(store.delete("key")).unwrap();
    block_on(store.delete("missing")).unwrap();
    assert!(clone.is_empty());
}

#[test]
fn concurrent_registrations_of_one_name_admit_one() {
    let fixture = fixture();
    let first = register_request("alice", "alice@example.com", PASSWORD);
    let second = register_request("Alice", "alice2@example.com", PASSWORD);

    let (first_result, second_result) = block_on(zip(
        fixture.auth.register(&first),
        fixture.auth.register(&second),
    ));

    let successes = [first_result.is_ok(), second_result.is_ok()];
    assert_eq!(successes.iter().filter(|ok| **ok).count(), 1);
    for result in [first_result, second_result] {
        if let Err(error) = result {
            assert_eq!(error.code(), ErrorCode::UserExists);
        }
    }
    assert_eq!(fixture.store.len(), 3);
}

/// Builds a service over a [`YieldingStore`].
fn interleaving_service(
    store: &YieldingStore,
) -> Auth<KvUserRepository<YieldingStore>, FixedClock> {
    Auth::with_clock(
        &config(),
        KvUserRepository::new(store.clone()),
        FixedClock::new(NOW),
    )
    .unwrap()
}

#[test]
fn interleaved_registrations_of_one_name_admit_one() {
    let store = YieldingStore::default();
    let auth = interleaving_service(&store);
    let first = register_request("alice", "alice@example.com", PASSWORD);
    let second = register_request("ALICE", "alice2@example.com", PASSWORD);

    // Each store operation yields, so the two registrations advance in lockstep: both
    // pass every check before either writes.
    let (first_result, second_result) =
        block_on(zip(auth.register(&first), auth.register(&second)));

    let winner = match (first_result, second_result) {
        (Ok(user), Err(error)) | (Err(error), Ok(user)) => {
            assert_eq!(error.code(), ErrorCode::UserExists);
            user
        }
        (first, second) => panic!("expected one success, got {first:?} and {second:?}"),
    };
    // Both wrote their record and indexes, so the read-back decided, and the loser
    // removed what it wrote: one record and its two indexes remain.
    assert_eq!(store.puts.get(), 6);
    assert_eq!(store.inner.len(), 3);
    let login = block_on(auth.login(&login_request("alice", PASSWORD))).unwrap();
    assert_eq!(login.user, winner);
    let by_email = block_on(auth.login(&login_request(&winner.email, PASSWORD))).unwrap();
    assert_eq!(by_email.user, winner);
}

#[test]
fn interleaved_registrations_of_one_email_admit_one() {
    let store = YieldingStore::default();
    let auth = interleaving_service(&store);
    let first = register_request("alice", "shared@example.com", PASSWORD);
    let second = register_request("bob", "SHARED@example.com", PASSWORD);

    let (first_result, second_result) =
        block_on(zip(auth.register(&first), auth.register(&second)));

    assert_eq!(
        [&first_result, &second_result]
            .iter()
            .filter(|result| result.is_ok())
            .count(),
        1,
        "{first_result:?} {second_result:?}"
    );
    assert_eq!(store.puts.get(), 6);
    assert_eq!(store.inner.len(), 3);
}

// NOTE: ignored because it shows a known limit of stores without an atomic
// put-if-absent, such as Workers KV, which the repository module documents. The second
// registration passes its checks, pauses before its index writes (as a slow KV request
// would), and resumes after the first registration has finished: both succeed. Over a
// store with put-if-absent, atomic_store_rejects_rival_at_every_interleaving passes.
#[test]
#[ignore = "known limit: a registration that resumes after another's read-back also succeeds"]
fn late_rival_registration_is_rejected() {
    let store = YieldingStore::default();
    let repository = KvUserRepository::new(store.clone());
    let first = record("id-1", "alice", "alice@example.com");
    let second = record("id-2", "Alice", "alice2@example.com");

    let (first_result, second_result) = block_on(async {
        let mut second_create = pin!(repository.create(&second));
        // Three polls: both index reads of `second` complete and it stops before its
        // first write.
        for _ in 0..3 {
            assert!(poll_once(second_create.as_mut()).await.is_none());
        }
        let first_result = repository.create(&first).await;
        let second_result = second_create.await;
        (first_result, second_result)
    });

    assert!(
        first_result.is_err() || second_result.is_err(),
        "both registrations of one username succeeded"
    );
}

/// A [`YieldingStore`] that also has an atomic put-if-absent, as a store backed by a
/// Durable Object or a database would.
#[derive(Debug, Clone, Default)]
struct AtomicYieldingStore {
    inner: YieldingStore,
}

impl KeyValueStore for AtomicYieldingStore {
    async fn get(&self, key: &str) -> Result<Option<String>, AuthError> {
        self.inner.get(key).await
    }

    async fn put(&self, key: &str, value: &str) -> Result<(), AuthError> {
        self.inner.put(key, value).await
    }

    async fn delete(&self, key: &str) -> Result<(), AuthError> {
        self.inner.delete(key).await
    }

    async fn put_if_absent(&self, key: &str, value: &str) -> Result<Option<bool>, AuthError> {
        yield_now().await;
        self.inner.inner.put_if_absent(key, value).await
    }
}

#[test]
fn atomic_store_rejects_rival_at_every_interleaving() {
    // The second registration is paused after each possible number of store steps while
    // the first runs to completion; whatever the point, exactly one of them succeeds and
    // the index names the winner.
    for pause_after in 0..12 {
        let store = AtomicYieldingStore::default();
        let repository = KvUserRepository::new(store.clone());
        let first = record("id-1", "alice", "alice@example.com");
        let second = record("id-2", "Alice", "alice2@example.com");

        let (first_result, second_result) = block_on(async {
            let mut second_create = pin!(repository.create(&second));
            let mut second_done = None;
            for _ in 0..pause_after {
                if let Some(result) = poll_once(second_create.as_mut()).await {
                    second_done = Some(result);
                    break;
                }
            }
            let first_result = repository.create(&first).await;
            let second_result = match second_done {
                Some(result) => result,
                None => second_create.await,
            };
            (first_result, second_result)
        });

        assert_ne!(
            first_result.is_ok(),
            second_result.is_ok(),
            "pause after {pause_after}: {first_result:?} {second_result:?}"
        );
        let winner = if first_result.is_ok() { "id-1" } else { "id-2" };
        let index = block_on(store.get("user/username/alice")).unwrap();
        assert_eq!(index.as_deref(), Some(winner), "pause after {pause_after}");
        let loser = if first_result.is_ok() { "id-2" } else { "id-1" };
        let loser_record = block_on(store.get(&format!("user/id/{loser}"))).unwrap();
        assert_eq!(loser_record, None, "pause after {pause_after}");
    }
}

#[test]
fn atomic_store_keeps_leftover_index_entry() {
    // Replacing an entry whose record is gone would take a read and a write, which two
    // registrations could interleave, so over an atomic store it keeps blocking the name.
    let store = MemoryStore::new();
    let repository = KvUserRepository::new(store.clone());
    block_on(store.put("user/username/alice", "gone")).unwrap();

    let error =
        block_on(repository.create(&record("id-1", "alice", "alice@example.com"))).unwrap_err();

    assert_eq!(error.code(), jwtlib::ErrorCode::UserExists);
    assert_eq!(
        stored(&store, "user/username/alice").as_deref(),
        Some("gone")
    );
    assert_eq!(stored(&store, "user/id/id-1"), None);
}
