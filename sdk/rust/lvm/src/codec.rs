//! The wire format (bincode 1.3: fixed-width little-endian integers, a u64
//! length before strings and sequences, a u32 variant index before an
//! enum's data) and the tags that name message types.
use bincode::Options;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn options() -> impl Options {
    bincode::DefaultOptions::new().with_fixint_encoding().with_little_endian()
}

/// The bytes of `value`, as sent in messages and spawn arguments.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    // Serializing into a Vec fails only for types whose Serialize fails by
    // itself (a map with non-string keys never does in bincode).
    match options().serialize(value) {
        Ok(bytes) => bytes,
        Err(e) => panic!("lvm: cannot encode a {}: {}", std::any::type_name::<T>(), e),
    }
}

/// `bytes` decoded as exactly one `T`, or `None` (a malformed, truncated or
/// longer input). A length prefix beyond the bytes left is refused before
/// anything is allocated for it.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    options().with_limit(bytes.len() as u64).reject_trailing_bytes().deserialize(bytes).ok()
}

/// The tag of messages of type `T`: a hash (FNV-1a) of its type name in
/// `[2^62, 2^63)`, so that a receive by type is the VM's selective receive.
/// Reply tags are in `[-2^62, 0)`, `[0, 2^62)` is the application's.
pub fn tag_of<T: ?Sized>() -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in std::any::type_name::<T>().bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    ((h & ((1u64 << 62) - 1)) | (1u64 << 62)) as i64
}
