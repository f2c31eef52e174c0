//! The seed's first case. In a VM where each process has its own memory, a
//! closure that captures a `Vec` by reference would hand the child a
//! pointer into the parent's memory:
//!
//! ```compile_fail
//! let m = vec![42];
//! lvm::spawn!(|| println!("{:?}", m));   // error: `m` captured here
//! ```
//!
//! does not compile (tests/rust/compile/seed_closure.rs): the body of a
//! spawn may use only the variables it lists, and those travel serialized.
//! Listing `m` moves a copy into the child, which prints `[42]`.
use lvm::{receive_down, spawn_monitor, ExitReason, Process};

fn main() {
    lvm::init();
    let mut m = Vec::new();
    m.push(42);
    let (_child, _monitor): (Process<()>, _) = spawn_monitor!(|m| {
        println!("child: the captured Vec is {:?}", m);
    })
    .expect("spawn");
    let down = receive_down(None).expect("a DOWN");
    assert_eq!(down.reason, ExitReason::Normal);
    println!("parent: the child printed its own copy of the Vec and {}", down.reason);
}
