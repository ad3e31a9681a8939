//! People of the room by `who`, each shown by a name, in the order they came, at most a
//! number of them: who is typing (each for a while, unless repeated) and who is here (until
//! told otherwise). One list for both keeps the bundle from carrying two.

use crate::core::time::Moment;
use std::rc::Rc;
use std::time::Duration;

#[derive(Debug)]
pub struct People {
    list: Vec<Person>,
    /// The most kept: whoever comes past it is left out.
    cap: usize,
    /// How long one holds unless heard again; `None`: until told otherwise.
    hold: Option<Duration>,
}

#[derive(Debug)]
struct Person {
    who: String,
    name: Rc<str>,
    until: Option<Moment>,
}

impl People {
    pub fn new(cap: usize, hold: Option<Duration>) -> People {
        People {
            list: Vec::new(),
            cap,
            hold,
        }
    }

    /// `who` (shown as `name`) is here or typing (`true`) or gone or stopped, at `now`;
    /// whether the names changed.
    pub fn heard(&mut self, who: String, name: Rc<str>, here: bool, now: Moment) -> bool {
        let until = self.hold.map(|hold| now.saturating_add(hold));
        let at = self.list.iter().position(|p| p.who == who);
        match (at, here) {
            (Some(i), true) => {
                let person = &mut self.list[i];
                person.until = until;
                let renamed = person.name != name;
                person.name = name;
                renamed
            }
            (Some(i), false) => {
                self.list.remove(i);
                true
            }
            (None, true) if self.list.len() < self.cap => {
                self.list.push(Person { who, name, until });
                true
            }
            (None, _) => false,
        }
    }

    /// Forgets those not heard from in time; whether any were.
    pub fn expire(&mut self, now: Moment) -> bool {
        let before = self.list.len();
        self.list
            .retain(|p| p.until.is_none_or(|until| until > now));
        self.list.len() != before
    }

    /// Forgets everyone; whether anyone was there.
    pub fn clear(&mut self) -> bool {
        let any = !self.list.is_empty();
        self.list.clear();
        any
    }

    /// When the first one expires.
    pub fn poll_timeout(&self) -> Option<Moment> {
        self.list.iter().filter_map(|p| p.until).min()
    }

    /// Their names, in the order they came.
    pub fn names(&self) -> Vec<Rc<str>> {
        self.list.iter().map(|p| p.name.clone()).collect()
    }
}
