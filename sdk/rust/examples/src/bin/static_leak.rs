//! The seed's second case: a static that points at leaked heap memory.
//! The parent sets `THING` to a `Box::leak`ed 20 before spawning; a child
//! that shared its memory would follow that pointer into memory that is
//! not its own. In lvm every process is a fresh instance of the module, so
//! the child's `THING` is the static's initial value, 10, pointing into
//! the child's own memory, never a dangling pointer.
use std::sync::Mutex;

use lvm::{receive, self_process, spawn, Process};

static TEN: i32 = 10;
static THING: Mutex<&'static i32> = Mutex::new(&TEN);

fn main() {
    lvm::init();
    *THING.lock().unwrap() = Box::leak(Box::new(20));
    println!("parent: THING = {}", **THING.lock().unwrap());
    let parent: Process<i32> = self_process();
    let _child: Process<()> = spawn!(|parent| {
        let seen = **THING.lock().unwrap();
        println!("child: THING = {} (the static's initial value: this process is a fresh instance)", seen);
        parent.send(&seen).unwrap();
    })
    .expect("spawn");
    let seen: i32 = receive();
    println!(
        "parent: the child saw {}, not the parent's leaked {}: statics and heap are per process",
        seen,
        **THING.lock().unwrap()
    );
    if seen != 10 {
        std::process::exit(1);
    }
}
