//! Errors as values: the ABI's status codes, plus `BadMessage`.
use std::fmt;

use crate::sys;

/// Why a call of the crate failed (docs/abi.md's status codes, plus
/// `BadMessage` for bytes that do not decode as the expected type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// No such process, or it has ended (`LVM_ENOPROC`).
    NoProcess,
    /// Nothing arrived before the timeout (`LVM_ETIMEDOUT`).
    TimedOut,
    /// Spawn: the entry is not a `[] -> []` function (`LVM_ENOENTRY`).
    NoEntry,
    /// Spawn: a process, memory or address-space limit (`LVM_ELIMIT`).
    Limit,
    /// An argument out of its range (`LVM_EINVAL`).
    Invalid,
    /// A name is taken, or the caller has one (`LVM_EEXIST`).
    Exists,
    /// No such name, timer or active monitor (`LVM_ENOTFOUND`).
    NotFound,
    /// Spawn: this process may not spawn (`LVM_EPERM`).
    NotPermitted,
    /// Not a distributed node, a malformed node name, or the node cannot
    /// be reached (`LVM_ENONODE`).
    NoNode,
    /// Remote spawn: the module is beyond the node's --max-remote-module
    /// (`LVM_ETOOBIG`).
    TooBig,
    /// Remote spawn: the node could not load the module (`LVM_EBADMODULE`).
    BadModule,
    /// A message or argument that does not decode as its type.
    BadMessage,
    /// A status code this crate does not know.
    Other(i32),
}

impl Error {
    /// The error of a status code, `Ok(())` for `LVM_OK`.
    pub fn check(status: i32) -> Result<(), Error> {
        Err(match status {
            sys::OK => return Ok(()),
            sys::ENOPROC => Error::NoProcess,
            sys::ETIMEDOUT => Error::TimedOut,
            sys::ENOENTRY => Error::NoEntry,
            sys::ELIMIT => Error::Limit,
            sys::EINVAL => Error::Invalid,
            sys::EEXIST => Error::Exists,
            sys::ENOTFOUND => Error::NotFound,
            sys::EPERM => Error::NotPermitted,
            sys::ENONODE => Error::NoNode,
            sys::ETOOBIG => Error::TooBig,
            sys::EBADMODULE => Error::BadModule,
            other => Error::Other(other),
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoProcess => f.write_str("no such process"),
            Error::TimedOut => f.write_str("timed out"),
            Error::NoEntry => f.write_str("no such entry function"),
            Error::Limit => f.write_str("a limit was reached"),
            Error::Invalid => f.write_str("invalid argument"),
            Error::Exists => f.write_str("the name is taken"),
            Error::NotFound => f.write_str("not found"),
            Error::NotPermitted => f.write_str("not permitted"),
            Error::NoNode => f.write_str("no such node"),
            Error::TooBig => f.write_str("the module is too big for the node"),
            Error::BadModule => f.write_str("the node could not load the module"),
            Error::BadMessage => f.write_str("a message that does not decode as its type"),
            Error::Other(code) => write!(f, "status {}", code),
        }
    }
}

impl std::error::Error for Error {}
