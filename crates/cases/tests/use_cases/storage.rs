//! The content store's port, over its test double, as the use cases will
//! hold it: shared between tasks, each put answered only once stored.

use std::sync::Arc;

use nido_cases::storage::{ContentKey, ContentStore, MemoryStore, StorageError};
use uuid::Uuid;

#[tokio::test]
async fn many_tasks_share_one_store_and_one_key_is_stored_once() {
    let store: Arc<dyn ContentStore> = Arc::new(MemoryStore::new());
    let key = ContentKey(Uuid::now_v7());
    let attempts = (0..8u8).map(|n| {
        let store = Arc::clone(&store);
        tokio::spawn(async move { store.put(key, vec![n; 16]).await })
    });
    let mut stored = 0;
    for attempt in attempts {
        match attempt.await.expect("ran") {
            Ok(()) => stored += 1,
            Err(StorageError::AlreadyStored) => {}
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(stored, 1);
    let content = store.get(key).await.expect("get").expect("stored");
    assert_eq!(content.len(), 16);
    assert!(content.iter().all(|byte| *byte == content[0]));
}
