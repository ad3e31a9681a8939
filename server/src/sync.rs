//! Locking a std mutex the one way this server does it.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks a std mutex; a panic elsewhere must not take the whole server down with it.
///
/// Every mutex here guards plain bookkeeping (counts, maps, queues) that a panicking holder
/// leaves consistent enough to go on with, so a poisoned lock is taken as it is.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
