//! Giving freed memory back to the operating system where a run has just freed much of it.
//!
//! The binary allocates with mimalloc (`main.rs`), which keeps the pages of freed blocks for
//! a while before it returns them, so that a program that frees and allocates again does not
//! pay the system twice. A run that moves its records from one list into another (the tables
//! read into one list per source, [`crate::sources`]) frees as fast as it fills, without an
//! allocation in between to return the pages on: the freed pages are then still counted
//! against the run when the new list is full, and the peak is twice the records. Calling
//! [`give_back`] while moving returns them as it goes.
//!
//! Pipeline position: the ground floor, under sources.

#![allow(unsafe_code)]

// The collector of the mimalloc library the `mimalloc` crate builds and links; the crate
// names it here so that every binary of the package (tests too) links the library.
use mimalloc as _;

extern "C" {
    /// mimalloc's `mi_collect(bool force)`: frees what it holds for reuse; with `force`,
    /// returns every page it can to the operating system at once.
    fn mi_collect(force: bool);
}

/// Returns the pages mimalloc keeps of blocks freed so far to the operating system. Costs
/// a walk of mimalloc's heap (well under a millisecond with few threads): for use every few
/// tens of megabytes freed, not per record.
pub fn give_back() {
    // SAFETY: `mi_collect` takes a plain bool, touches only mimalloc's own state and may be
    // called at any time from any thread (mimalloc's documented API).
    unsafe { mi_collect(true) }
}
