//! Batches as the writer forms them, and what one transaction of several appends answers.

use super::*;
use crate::history::sqlite::db::open_connection;
use std::sync::mpsc;

fn pending(
    room: &str,
    id: Option<&str>,
    text: &str,
) -> (
    PendingAppend,
    oneshot::Receiver<Result<Appended, StoreError>>,
) {
    let (reply, answer) = oneshot::channel();
    let append = PendingAppend {
        room: room.into(),
        id: id.map(Into::into),
        text: text.into(),
        author: Author::default(),
        ts: 1,
        deletes: None,
        reply,
    };
    (append, answer)
}

fn texts(batch: &[PendingAppend]) -> Vec<&str> {
    batch.iter().map(|a| a.text.as_str()).collect()
}

fn db(history: i64) -> Db {
    Db {
        conn: open_connection(None, Duration::from_secs(1)).expect("open"),
        history,
        busy_timeout: Duration::from_secs(1),
    }
}

fn answers(
    db: &mut Db,
    batch: Vec<(
        PendingAppend,
        oneshot::Receiver<Result<Appended, StoreError>>,
    )>,
) -> Vec<Result<Appended, StoreError>> {
    let (appends, mut answers): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
    write(db, appends);
    answers
        .iter_mut()
        .map(|a| a.try_recv().expect("answered once the batch is written"))
        .collect()
}

const NOW: GroupCommit = GroupCommit {
    rows: 3,
    wait: Duration::ZERO,
};

#[test]
fn a_batch_takes_what_is_queued_up_to_its_rows() {
    let (tx, rx) = mpsc::channel();
    for text in ["b", "c", "d", "e"] {
        tx.send(Job::Append(pending("r", None, text).0)).unwrap();
    }
    let (batch, after) = collect(pending("r", None, "a").0, &rx, NOW);
    assert_eq!(texts(&batch), ["a", "b", "c"]);
    assert!(after.is_none());
    let (batch, _) = collect(pending("r", None, "x").0, &rx, NOW);
    assert_eq!(
        texts(&batch),
        ["x", "d", "e"],
        "the rest waited for the next batch"
    );
    let (batch, _) = collect(pending("r", None, "alone").0, &rx, NOW);
    assert_eq!(texts(&batch), ["alone"], "an empty queue is not waited on");
}

#[test]
fn a_read_ends_the_batch_and_runs_after_it() {
    let (tx, rx) = mpsc::channel();
    tx.send(Job::Append(pending("r", None, "b").0)).unwrap();
    tx.send(Job::Run(Box::new(|_| {}))).unwrap();
    tx.send(Job::Append(pending("r", None, "c").0)).unwrap();
    let (batch, after) = collect(pending("r", None, "a").0, &rx, NOW);
    assert_eq!(texts(&batch), ["a", "b"]);
    assert!(matches!(after, Some(Job::Run(_))));
}

#[test]
fn a_wait_takes_appends_that_arrive_in_it() {
    let (tx, rx) = mpsc::channel();
    let late = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        tx.send(Job::Append(pending("r", None, "late").0)).unwrap();
    });
    let waiting = GroupCommit {
        rows: 10,
        wait: Duration::from_secs(5),
    };
    let started = Instant::now();
    let (batch, _) = collect(pending("r", None, "a").0, &rx, waiting);
    late.join().unwrap();
    // The sender hung up after "late": the wait ends there, not after 5 s.
    assert_eq!(texts(&batch), ["a", "late"]);
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[test]
fn one_transaction_numbers_rooms_dedupes_ids_and_prunes_as_single_appends_would() {
    let mut db = db(2);
    let outcomes = answers(
        &mut db,
        vec![
            pending("a", Some("x"), "1"),
            pending("b", Some("x"), "1"),
            pending("a", Some("x"), "1"),
            pending("a", Some("x"), "other text"),
            pending("a", None, "2"),
            pending("a", None, "3"),
        ],
    );
    assert_eq!(
        outcomes,
        [
            Ok(Appended::New(1)),
            Ok(Appended::New(1)),
            Ok(Appended::Duplicate(1, Some(1))),
            Ok(Appended::IdTaken),
            Ok(Appended::New(2)),
            Ok(Appended::New(3)),
        ]
    );
    let kept: Vec<i64> = db
        .conn
        .prepare("SELECT seq FROM messages WHERE room = 'a' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kept, [2, 3], "pruned to the history within the batch");
}

#[test]
fn a_failing_append_is_undone_alone_and_the_rest_of_its_batch_is_stored() {
    let mut db = db(10);
    db.conn
        .execute_batch(
            "CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN NEW.text = 'boom'
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;",
        )
        .unwrap();
    let outcomes = answers(
        &mut db,
        vec![
            pending("r", None, "1"),
            pending("r", None, "boom"),
            pending("r", None, "2"),
        ],
    );
    assert_eq!(outcomes[0], Ok(Appended::New(1)));
    let refused = outcomes[1].clone().expect_err("the trigger refuses it");
    assert!(
        refused.to_string().contains("refused by the test"),
        "{refused}"
    );
    assert_eq!(outcomes[2], Ok(Appended::New(2)), "no seq was spent on it");
    let stored: i64 = db
        .conn
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 2);
}

#[test]
fn a_commit_that_fails_answers_every_append_of_its_batch_with_the_error() {
    let mut db = db(10);
    // A transaction already open makes BEGIN fail: nothing of the batch can be stored.
    db.conn.execute_batch("BEGIN").unwrap();
    let outcomes = answers(
        &mut db,
        vec![pending("r", None, "1"), pending("r", None, "2")],
    );
    assert!(outcomes.iter().all(Result::is_err), "{outcomes:?}");
}
