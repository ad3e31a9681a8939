//! A rolling restart: two servers on one Redis, each in turn SIGTERMed through its supervisor
//! (so it drains: 1012 in batches, each close naming a delay) and started again, while two
//! chats type. Both chats end with every message once and in order, and the quiet chats on
//! a restarting server come back spread out, not in one instant.

use super::chaos::chaos_on;
use super::support::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

/// Quiet chats per server, besides the two that type.
const WATCHERS_PER_SERVER: usize = 6;

/// A restart in flight: its answer, once it came.
type Answer = Rc<RefCell<Option<String>>>;

fn restart(supervisor: &'static str) -> Answer {
    let answer: Answer = Rc::default();
    let call: JsFuture = start_call(supervisor, "/restart?down_ms=300", false);
    let done = answer.clone();
    spawn_local(async move {
        *done.borrow_mut() = Some(finish(supervisor, "/restart", call).await);
    });
    answer
}

fn both_ways(room: &str, first: &str, second: &str) -> String {
    format!("{} {}", room_url(first, room), room_url(second, room))
}

#[wasm_bindgen_test]
async fn a_rolling_restart_loses_no_message_and_spreads_the_reconnections() {
    let room = room("rolling");
    let on_crash_first = both_ways(&room, SHARED_CRASH_SERVER, SHARED_SERVER);
    let on_shared_first = both_ways(&room, SHARED_SERVER, SHARED_CRASH_SERVER);
    let watchers: Vec<Mounted> = (0..2 * WATCHERS_PER_SERVER)
        .map(|i| {
            let urls = if i % 2 == 0 {
                &on_crash_first
            } else {
                &on_shared_first
            };
            mount(urls, &format!("rolling-w{i}"))
        })
        .collect();
    for w in &watchers {
        wait_state(w, "open", SHORT).await;
    }
    // When each watcher was open again on another server, polled every 10 ms while the run
    // goes on.
    let moves: Rc<RefCell<Vec<Vec<f64>>>> = Rc::new(RefCell::new(vec![Vec::new(); watchers.len()]));
    let watchers: Rc<Vec<Mounted>> = Rc::new(watchers);
    let polling = Rc::new(RefCell::new(true));
    {
        let (moves, watchers, polling) = (moves.clone(), watchers.clone(), polling.clone());
        spawn_local(async move {
            let mut open_on: Vec<String> = watchers
                .iter()
                .map(|w| w.status_attribute("data-server"))
                .collect();
            while *polling.borrow() {
                for (i, w) in watchers.iter().enumerate() {
                    let server = w.status_attribute("data-server");
                    if w.state() == "open" && server != open_on[i] {
                        moves.borrow_mut()[i].push(js_sys::Date::now());
                        open_on[i] = server;
                    }
                }
                sleep(10).await;
            }
        });
    }

    let mut steps = 0;
    let mut first: Option<(f64, Answer)> = None;
    let mut second: Option<(f64, Answer)> = None;
    chaos_on("rolling", &on_crash_first, &on_shared_first, async || {
        steps += 1;
        if steps == 2 {
            first = Some((js_sys::Date::now(), restart(SHARED_SUPERVISOR)));
        }
        // The second server goes only once the first is back and its chats have moved over:
        // a rolling restart takes one server at a time.
        let first_done = first.as_ref().is_some_and(|(_, a)| a.borrow().is_some());
        let moved_over = moves
            .borrow()
            .iter()
            .step_by(2)
            .all(|times| !times.is_empty());
        if first_done && moved_over && second.is_none() {
            second = Some((js_sys::Date::now(), restart(SHARED_SERVER_SUPERVISOR)));
        }
    })
    .await;
    let (first_at, first) = first.expect("the first restart began");
    let (second_at, second) = second.expect("the second began while the chats typed");
    wait_until(
        "the second restart to finish",
        SHORT * 3,
        || second.borrow().is_some(),
        String::new,
    )
    .await;
    *polling.borrow_mut() = false;
    console_log!(
        "rolling restart: supervisors answered {:?} and {:?}",
        first.borrow(),
        second.borrow()
    );

    // Each watcher is open again on the other server after its own restarted; per server,
    // the reconnections spread over the drain rather than landing in one instant.
    let moves = moves.borrow();
    for (i, w) in watchers.iter().enumerate() {
        console_log!(
            "watcher {i}: {} on {}, moved at {:?}",
            w.state(),
            w.status_attribute("data-server"),
            moves[i]
        );
    }
    for (server, began, parity) in [
        (SHARED_CRASH_SERVER, first_at, 0),
        (SHARED_SERVER, second_at, 1),
    ] {
        let mut after: Vec<f64> = moves
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == parity)
            .map(|(i, times)| {
                *times
                    .iter()
                    .find(|&&t| t >= began)
                    .unwrap_or_else(|| panic!("watcher {i} never left {server}: {times:?}"))
                    - began
            })
            .collect();
        after.sort_by(f64::total_cmp);
        let spread = after[after.len() - 1] - after[0];
        console_log!(
            "rolling restart of {server}: watchers moved after {after:?} ms (spread {spread} ms)"
        );
        assert!(
            spread >= 200.0,
            "the reconnections from {server} spread out: {after:?}"
        );
    }
}
