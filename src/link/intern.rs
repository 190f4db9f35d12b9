//! Interned strings: each distinct text (a name, a town or village stem, a pinyin block
//! key) gets a small number once, so that the fuzzy tier compares and blocks on `u32`s
//! instead of strings. Equal numbers mean equal texts, exactly.
//!
//! One table for the whole process, shared by every linkage (so that records prepared once
//! can be linked against any other side), sharded to keep the lock uncontended while
//! records are prepared in parallel. Numbers are only ever compared for equality, never
//! ordered, so the order in which threads meet the texts does not matter.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Mutex, OnceLock};

/// No text (an empty name, no town).
pub(crate) const NONE: u32 = u32::MAX;

const SHARDS: usize = 16;

/// FNV-1a: short keys, no need for DoS resistance (the texts come from our own inputs).
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A fast hash map for our own keys.
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

struct Table {
    shards: Vec<Mutex<FastMap<Box<str>, u32>>>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table { shards: (0..SHARDS).map(|_| Mutex::new(FastMap::default())).collect() })
}

/// The number of `text` (`NONE` for the empty text). The shard is part of the number, so
/// numbers from different shards never collide.
pub(crate) fn intern(text: &str) -> u32 {
    if text.is_empty() {
        return NONE;
    }
    let mut h = Fnv::default();
    h.write(text.as_bytes());
    let hash = h.finish();
    // A thread's recent texts, by hash: the records of a sheet repeat their town and
    // village, so most texts are found here without taking a lock. A text's number never
    // changes once given, so a remembered number is the table's.
    let slot = (hash >> 32) as usize % RECENT;
    let hit = RECENT_TEXTS.with(|recent| {
        let recent = recent.borrow();
        recent.get(slot).and_then(|(h, t, n)| (*h == hash && t == text).then_some(*n))
    });
    if let Some(n) = hit {
        return n;
    }
    let shard = (hash % SHARDS as u64) as usize;
    let n = {
        let mut map = table().shards[shard].lock().unwrap_or_else(|e| e.into_inner());
        match map.get(text) {
            Some(&n) => n,
            None => {
                let n = (map.len() * SHARDS + shard) as u32;
                map.insert(text.into(), n);
                n
            }
        }
    };
    RECENT_TEXTS.with(|recent| {
        let mut recent = recent.borrow_mut();
        if recent.is_empty() {
            recent.resize(RECENT, (0, String::new(), NONE));
        }
        // The slot's text is overwritten in place: no allocation once it has room.
        let (h, t, m) = &mut recent[slot];
        (*h, *m) = (hash, n);
        t.clear();
        t.push_str(text);
    });
    n
}

/// Slots of a thread's recent texts ([`intern`]).
const RECENT: usize = 64;

thread_local! {
    static RECENT_TEXTS: std::cell::RefCell<Vec<(u64, String, u32)>> = const { std::cell::RefCell::new(Vec::new()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_equal_numbers() {
        let a = intern("荣隆");
        assert_eq!(intern("荣隆"), a);
        assert_ne!(intern("昌元"), a);
        assert_eq!(intern(""), NONE);
    }

    #[test]
    fn remembered_numbers_are_the_tables() {
        // More texts than a thread remembers, twice over, and again from another thread:
        // each text keeps its one number, and different texts get different numbers.
        let texts: Vec<String> = (0..3 * RECENT).map(|i| format!("村{i}")).collect();
        let first: Vec<u32> = texts.iter().map(|t| intern(t)).collect();
        let again: Vec<u32> = texts.iter().rev().map(|t| intern(t)).collect();
        assert!(first.iter().eq(again.iter().rev()));
        let elsewhere = std::thread::spawn(move || texts.iter().map(|t| intern(t)).collect::<Vec<u32>>());
        assert_eq!(elsewhere.join().expect("thread"), first);
        let distinct: std::collections::HashSet<u32> = first.iter().copied().collect();
        assert_eq!(distinct.len(), first.len());
    }
}
