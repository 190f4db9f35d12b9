//! The text type of the typed records: short strings kept inline.
//!
//! Almost every text a record holds — an ID number, a name, a town, a village, a school,
//! a grade — is at most 24 bytes of UTF-8 (eight Chinese characters), and a city run holds
//! tens of millions of them. [`Text`] keeps such strings inside the 24 bytes a `String`
//! header takes anyway, with no heap allocation of its own; longer ones live on the heap
//! as usual. It dereferences to `str`, so readers use it as they would a `String`.
//!
//! Pipeline position: the ground floor, under sources and every later stage.

/// Text of a typed record (see the module comment).
pub type Text = compact_str::CompactString;
