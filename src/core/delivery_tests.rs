//! The bookkeeping of room sequence numbers; the message flows are covered in `engine_tests.rs`.

use super::*;

#[test]
fn seen_seqs_track_contiguous_and_out_of_order() {
    let mut s = SeenSeqs::default();
    // Before the first `synced`, everything is "ahead".
    s.insert(7);
    assert!(s.contains(7) && !s.contains(6));
    s.caught_up(5);
    assert_eq!(s.upto, Some(5));
    s.insert(6);
    assert_eq!(s.upto, Some(7));
    s.insert(9);
    assert_eq!(s.upto, Some(7));
    assert!(s.contains(9) && !s.contains(8));
    s.insert(8);
    assert_eq!(s.upto, Some(9));
    assert!(s.ahead.is_empty());
    // A gap: the server says history jumped ahead.
    s.insert(20);
    s.caught_up(15);
    assert_eq!(s.upto, Some(15));
    assert!(s.contains(20) && !s.contains(16));
    s.caught_up(3);
    assert_eq!(s.upto, Some(15));
}
