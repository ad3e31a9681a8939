//! The store against an in-memory or temporary database.

use super::*;
use ws_chat_protocol::Millis;

const BUSY: Duration = Duration::from_secs(5);
const TS: Millis = 1_795_000_000_000;

/// Appends a message of connection 0.
async fn put(
    s: &SqliteStore,
    room: &str,
    id: Option<&str>,
    text: &str,
    author: &Author,
    ts: Millis,
) -> Result<Appended, StoreError> {
    s.append(NewMessage {
        room,
        id,
        text,
        author,
        ts,
        conn: 0,
        deletes: None,
    })
    .await
}

/// Deletes `of` in room `r` as Mo, at `TS`.
async fn delete(s: &SqliteStore, of: Seq) -> Appended {
    let mo = Author {
        from: Some("Mo".into()),
        ..Author::default()
    };
    s.append(NewMessage {
        room: "r",
        id: None,
        text: "",
        author: &mo,
        ts: TS,
        conn: 0,
        deletes: Some(of),
    })
    .await
    .expect("delete")
}

fn texts(c: &CatchUpPage) -> Vec<(Seq, Option<&str>, &str)> {
    c.messages
        .iter()
        .map(|m| (m.seq, m.id.as_deref(), m.text.as_str()))
        .collect()
}

#[tokio::test]
async fn appends_number_rooms_independently_and_dedupe_ids() {
    let s = SqliteStore::open(None, 10, BUSY).await.expect("open");
    assert_eq!(
        put(&s, "a", Some("x"), "1", &anon(), TS).await,
        Ok(Appended::New(1))
    );
    assert_eq!(
        put(&s, "a", None, "2", &anon(), TS).await,
        Ok(Appended::New(2))
    );
    assert_eq!(
        put(&s, "b", Some("x"), "1b", &anon(), TS).await,
        Ok(Appended::New(1))
    );
    assert_eq!(
        put(&s, "a", Some("x"), "1", &anon(), TS).await,
        Ok(Appended::Duplicate(1, Some(TS)))
    );
    assert_eq!(
        put(&s, "a", Some("x"), "other text", &anon(), TS).await,
        Ok(Appended::IdTaken)
    );
    assert_eq!(
        put(&s, "a", None, "3", &anon(), TS).await,
        Ok(Appended::New(3))
    );
    let c = s.page("a", Some(1), 100).await.expect("page");
    assert_eq!(texts(&c), [(2, None, "2"), (3, None, "3")]);
    assert_eq!((c.head, c.gap), (3, false));
    let none = s.page("a", None, 100).await.expect("page");
    assert_eq!((none.messages.len(), none.head, none.gap), (0, 3, false));
    let empty = s.page("nobody", Some(0), 100).await.expect("page");
    assert_eq!(
        empty,
        CatchUpPage {
            last: true,
            ..CatchUpPage::default()
        }
    );
}

#[tokio::test]
async fn pruning_keeps_the_newest_and_reports_gaps() {
    let s = SqliteStore::open(None, 3, BUSY).await.expect("open");
    for i in 1..=5 {
        put(
            &s,
            "r",
            Some(&format!("id{i}")),
            &i.to_string(),
            &anon(),
            TS,
        )
        .await
        .expect("append");
    }
    let all = s.page("r", Some(0), 100).await.expect("page");
    assert_eq!(
        all.messages.iter().map(|m| m.seq).collect::<Vec<_>>(),
        [3, 4, 5]
    );
    assert!(all.gap);
    assert!(!s.page("r", Some(2), 100).await.expect("page").gap);
    assert!(!s.page("r", Some(5), 100).await.expect("page").gap);
    assert!(!s.page("r", Some(u64::MAX), 100).await.expect("page").gap);
    // id1 fell out of the window: it is a new message now, and seq keeps counting.
    assert_eq!(
        put(&s, "r", Some("id1"), "1", &anon(), TS).await,
        Ok(Appended::New(6))
    );
    assert_eq!(
        put(&s, "r", Some("id5"), "5", &anon(), TS).await,
        Ok(Appended::Duplicate(5, Some(TS)))
    );
}

#[tokio::test]
async fn pages_follow_each_other_and_the_last_one_reaches_the_head() {
    let s = SqliteStore::open(None, 100, BUSY).await.expect("open");
    for i in 1..=7 {
        put(&s, "r", None, &i.to_string(), &anon(), TS)
            .await
            .expect("append");
    }
    let seqs = |p: &CatchUpPage| p.messages.iter().map(|m| m.seq).collect::<Vec<_>>();
    let first = s.page("r", Some(0), 3).await.expect("page");
    assert_eq!(
        (seqs(&first), first.head, first.last),
        (vec![1, 2, 3], 7, false)
    );
    let second = s.page("r", Some(3), 3).await.expect("page");
    assert_eq!((seqs(&second), second.last), (vec![4, 5, 6], false));
    // Exactly the rest: this page is the last, with no empty page after it.
    let third = s.page("r", Some(4), 3).await.expect("page");
    assert_eq!((seqs(&third), third.last), (vec![5, 6, 7], true));
    let past = s.page("r", Some(7), 3).await.expect("page");
    assert_eq!((seqs(&past), past.last, past.gap), (vec![], true, false));
    let head_only = s.page("r", None, 3).await.expect("page");
    assert_eq!(
        (seqs(&head_only), head_only.head, head_only.last),
        (vec![], 7, true)
    );
}

#[tokio::test]
async fn history_and_seq_survive_reopening_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("h.sqlite3");
    {
        let s = SqliteStore::open(Some(&path), 100, BUSY)
            .await
            .expect("open");
        put(&s, "r", Some("a"), "one", &anon(), TS)
            .await
            .expect("append");
    }
    let s = SqliteStore::open(Some(&path), 100, BUSY)
        .await
        .expect("reopen");
    assert_eq!(
        put(&s, "r", Some("a"), "one", &anon(), TS).await,
        Ok(Appended::Duplicate(1, Some(TS)))
    );
    assert_eq!(
        put(&s, "r", Some("b"), "two", &anon(), TS).await,
        Ok(Appended::New(2))
    );
}

#[tokio::test]
async fn an_unopenable_file_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("missing-dir").join("h.sqlite3");
    assert!(SqliteStore::open(Some(&path), 10, BUSY).await.is_err());
}

#[tokio::test]
async fn the_sender_name_and_time_are_stored_and_read_back() {
    let s = SqliteStore::open(None, 10, BUSY).await.expect("open");
    put(&s, "r", Some("a"), "hi", &named("Ann"), TS)
        .await
        .expect("append");
    put(&s, "r", None, "plain", &anon(), TS + 5)
        .await
        .expect("append");
    let page = s.page("r", Some(0), 10).await.expect("page");
    let got: Vec<_> = page
        .messages
        .iter()
        .map(|m| (m.seq, m.author.from.as_deref(), m.ts))
        .collect();
    assert_eq!(got, [(1, Some("Ann"), Some(TS)), (2, None, Some(TS + 5))]);
    // A re-send keeps the first time, whatever the clock says now.
    assert_eq!(
        put(&s, "r", Some("a"), "hi", &named("Ann"), TS + 99).await,
        Ok(Appended::Duplicate(1, Some(TS)))
    );
}

#[tokio::test]
async fn a_database_from_before_names_and_times_is_migrated_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.sqlite3");
    {
        let old = Connection::open(&path).expect("create");
        old.execute_batch(
            "CREATE TABLE messages (
                 room TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT, text TEXT NOT NULL,
                 PRIMARY KEY (room, seq)
             );
             CREATE UNIQUE INDEX messages_room_id ON messages (room, id);
             INSERT INTO messages VALUES ('r', 1, 'old-1', 'from before');",
        )
        .expect("old schema");
    }
    for _ in 0..2 {
        // Twice: the second open finds the columns already there.
        let s = SqliteStore::open(Some(&path), 100, BUSY)
            .await
            .expect("open");
        let page = s.page("r", Some(0), 10).await.expect("page");
        let first = &page.messages[0];
        assert_eq!((first.seq, first.text.as_str()), (1, "from before"));
        assert_eq!((first.author.from.as_deref(), first.ts), (None, None));
        assert_eq!(
            put(&s, "r", Some("old-1"), "from before", &named("Ann"), TS).await,
            Ok(Appended::Duplicate(1, None))
        );
    }
    let s = SqliteStore::open(Some(&path), 100, BUSY)
        .await
        .expect("open");
    assert_eq!(
        put(&s, "r", Some("new"), "after", &named("Bob"), TS).await,
        Ok(Appended::New(2))
    );
    let page = s.page("r", Some(1), 10).await.expect("page");
    assert_eq!(page.messages[0].author.from.as_deref(), Some("Bob"));
    assert_eq!(page.messages[0].ts, Some(TS));
}

fn anon() -> Author {
    Author::default()
}

fn named(name: &str) -> Author {
    Author {
        from: Some(name.into()),
        ..Author::default()
    }
}

#[tokio::test]
async fn ids_are_unique_per_user_and_who_sent_is_kept() {
    let s = SqliteStore::open(None, 10, BUSY).await.expect("open");
    let ann = Author {
        from: Some("Ann".into()),
        user: Some("u-ann".into()),
        guest: false,
    };
    let bob = Author {
        from: Some("Bob".into()),
        user: Some("u-bob".into()),
        guest: false,
    };
    let guest = Author {
        from: Some("Ann".into()),
        user: None,
        guest: true,
    };
    assert_eq!(
        put(&s, "r", Some("x"), "ann's", &ann, TS).await.unwrap(),
        Appended::New(1)
    );
    // Another user's message under Ann's id is its own message, not a clash or a re-send.
    assert_eq!(
        put(&s, "r", Some("x"), "bob's", &bob, TS).await.unwrap(),
        Appended::New(2)
    );
    assert_eq!(
        put(&s, "r", Some("x"), "guest's", &guest, TS)
            .await
            .unwrap(),
        Appended::New(3)
    );
    // Ann's re-send still dedupes; her other text under her id is still refused.
    assert_eq!(
        put(&s, "r", Some("x"), "ann's", &ann, TS + 1)
            .await
            .unwrap(),
        Appended::Duplicate(1, Some(TS))
    );
    assert_eq!(
        put(&s, "r", Some("x"), "other", &ann, TS).await.unwrap(),
        Appended::IdTaken
    );
    let page = s.page("r", Some(0), 10).await.unwrap();
    let authors: Vec<&Author> = page.messages.iter().map(|m| &m.author).collect();
    assert_eq!(authors, [&ann, &bob, &guest]);
}

#[tokio::test]
async fn a_deletion_blanks_the_text_and_stores_a_tombstone_after_it() {
    let s = SqliteStore::open(None, 5, BUSY).await.unwrap();
    put(&s, "r", Some("a"), "one", &anon(), TS).await.unwrap();
    put(&s, "r", Some("b"), "two", &anon(), TS).await.unwrap();
    assert_eq!(delete(&s, 1).await, Appended::New(3));
    assert_eq!(delete(&s, 1).await, Appended::AlreadyDeleted);
    assert_eq!(
        delete(&s, 3).await,
        Appended::NoSuchMessage,
        "a tombstone is no message"
    );
    assert_eq!(delete(&s, 9).await, Appended::NoSuchMessage);
    let page = s.page("r", Some(0), 10).await.unwrap();
    assert_eq!(
        texts(&page),
        [(1, Some("a"), ""), (2, Some("b"), "two"), (3, None, "")]
    );
    let deletes: Vec<_> = page.messages.iter().map(|m| m.deletes).collect();
    assert_eq!(deletes, [None, None, Some(1)]);
    // The re-send of a deleted message (its ack was lost) is acked, never stored again.
    let again = put(&s, "r", Some("a"), "one", &anon(), TS).await.unwrap();
    assert_eq!(again, Appended::Duplicate(1, Some(TS)));
}
