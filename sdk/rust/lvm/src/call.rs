//! Request/reply: a call carries the caller and a fresh reply tag, and the
//! caller receives only that tag, so replies never mix up.
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::codec::tag_of;
use crate::error::Error;
use crate::process::{self_process, Process};
use crate::receive::receive_message;

/// A request of type `Req` that expects a `Rep`: what a [`Server`]
/// receives (`receive::<Call<Req, Rep>>()`).
#[derive(Serialize, Deserialize, Debug)]
#[serde(bound(serialize = "Req: Serialize", deserialize = "Req: Deserialize<'de>"))]
pub struct Call<Req, Rep> {
    /// The request.
    pub request: Req,
    from: Process<Rep>,
    tag: i64,
}

impl<Req, Rep: Serialize> Call<Req, Rep> {
    /// Sends the reply to the caller, under the call's own tag.
    pub fn reply(&self, reply: &Rep) -> Result<(), Error> {
        self.from.send_tagged(self.tag, reply)
    }
    /// The calling process.
    pub fn from(&self) -> Process<Rep> {
        self.from
    }
}

/// A process that answers `Req`s with `Rep`s.
pub type Server<Req, Rep> = Process<Call<Req, Rep>>;

/// A tag no other reply to this process has: a counter per process (only
/// the caller's mailbox is searched for it), in `[-2^62, 0)`.
pub fn unique_tag() -> i64 {
    static NEXT: AtomicI64 = AtomicI64::new(-(1i64 << 62));
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Sends `request` to `server` and waits up to `timeout` (`None`: forever)
/// for its reply. `Err(NoProcess)` if the server has ended, `Err(TimedOut)`
/// if no reply came (also when the server ended without answering: monitor
/// it to tell), `Err(BadMessage)` for a reply that is not a `Rep`. A late
/// reply to a call that timed out stays queued, never mistaken for another's.
pub fn call<Req: Serialize, Rep: DeserializeOwned>(
    server: Server<Req, Rep>,
    request: &Req,
    timeout: Option<Duration>,
) -> Result<Rep, Error> {
    let tag = unique_tag();
    // Encodes exactly as a Call { request, from, tag } would.
    server.send_tagged(tag_of::<Call<Req, Rep>>(), &(request, self_process::<Rep>(), tag))?;
    receive_message(&[tag], timeout)?.decode().ok_or(Error::BadMessage)
}
