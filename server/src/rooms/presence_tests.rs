use super::*;

fn person(who: &str, from: Option<&str>) -> Person {
    Person {
        who: who.into(),
        from: from.map(str::to_owned),
        guest: false,
    }
}

fn here(who: &str, from: Option<&str>) -> ServerFrame {
    present(&person(who, from))
}

fn absent(who: &str) -> ServerFrame {
    ServerFrame::Absent { who: who.into() }
}

fn count(count: u32, listed: bool) -> ServerFrame {
    ServerFrame::Presence { count, listed }
}

#[test]
fn tabs_are_one_user_and_a_leave_waits_out_the_grace() {
    let mut local = LocalPresence::default();
    local.join(person("u1", Some("Ann")));
    local.join(person("u1", Some("Ann")));
    local.join(person("guest:0.3", None));
    assert_eq!(local.present(0).len(), 2);
    // One of Ann's tabs closes: she is still here; then the other.
    local.leave("u1", 100);
    assert_eq!(local.present(200).len(), 2);
    local.leave("u1", 1_000);
    // A reload within the grace: no leave at all.
    assert_eq!(local.present(1_000 + LEAVE_GRACE_MS - 1).len(), 2);
    local.join(person("u1", Some("Ann B.")));
    let people = local.present(10_000);
    assert_eq!(people[1], person("u1", Some("Ann B.")));
    // Gone for good past the grace; a leave of someone unknown is nothing.
    local.leave("u1", 20_000);
    local.leave("nobody", 20_000);
    assert_eq!(local.present(20_000 + LEAVE_GRACE_MS).len(), 1);
    local.leave("guest:0.3", 30_000);
    assert!(local.present(40_000).is_empty());
    assert!(local.is_empty());
}

#[test]
fn members_get_the_changes_only_and_a_count_with_them() {
    let mut told = Told::default();
    // (roster, frames)
    let steps: Vec<(Vec<Person>, Vec<ServerFrame>)> = vec![
        (vec![], vec![]),
        (
            vec![person("u1", Some("Ann")), person("u2", None)],
            vec![here("u1", Some("Ann")), here("u2", None), count(2, true)],
        ),
        // The same roster again (twice over, from two servers): nothing to say.
        (
            vec![
                person("u1", Some("Ann")),
                person("u2", None),
                person("u1", Some("Ann")),
            ],
            vec![],
        ),
        // Bob leaves, Ann is renamed, Cy comes.
        (
            vec![person("u1", Some("Ann B.")), person("u3", Some("Cy"))],
            vec![
                absent("u2"),
                here("u1", Some("Ann B.")),
                here("u3", Some("Cy")),
                count(2, true),
            ],
        ),
        (vec![], vec![absent("u1"), absent("u3"), count(0, true)]),
    ];
    for (i, (roster, frames)) in steps.into_iter().enumerate() {
        assert_eq!(told.update(roster, 100), frames, "step {i}");
    }
}

#[test]
fn past_the_limit_only_the_count_and_back_under_it_a_fresh_list() {
    let people = |n: usize| {
        (0..n)
            .map(|i| person(&format!("u{i}"), None))
            .collect::<Vec<_>>()
    };
    let mut told = Told::default();
    assert_eq!(told.update(people(3), 3).len(), 4);
    assert_eq!(told.update(people(4), 3), [count(4, false)]);
    assert_eq!(told.snapshot(), [count(4, false)]);
    assert_eq!(told.update(people(5), 3), [count(5, false)]);
    assert_eq!(told.update(people(5), 3), []);
    // Back to a list: everyone, as new.
    let frames = told.update(people(2), 3);
    assert_eq!(frames, [here("u0", None), here("u1", None), count(2, true)]);
    assert_eq!(told.snapshot(), frames);
}

#[test]
fn shared_entries_carry_their_server_and_junk_is_refused() {
    let entry = SharedEntry {
        server: 7,
        person: Person {
            who: "guest:7.12".into(),
            from: Some("Ann \"A\"".into()),
            guest: true,
        },
    };
    let encoded = entry.encode();
    assert_eq!(
        encoded,
        r#"{"s":7,"w":"guest:7.12","f":"Ann \"A\"","g":true}"#
    );
    assert_eq!(SharedEntry::decode(&encoded), Some(entry));
    for junk in ["", "{}", r#"{"s":"x","w":"u"}"#, "[1]"] {
        assert_eq!(SharedEntry::decode(junk), None, "{junk}");
    }
}
