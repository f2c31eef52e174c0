//! The Rust SDK under lvm: one scenario per argument, each printing a line
//! per behaviour it checked (tests/rust/test_rust_sdk.sh runs them with one
//! and two worker threads and looks for those lines). A failed check
//! panics, which ends the root process with a trap (exit code 134).
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use lvm::supervisor::{supervise, ChildSpec, Restart, Strategy, SupervisorSpec, SUPERVISOR_GAVE_UP,
                      SUPERVISOR_LINKED_EXIT};
use lvm::*;
use serde::{Deserialize, Serialize};

fn check(ok: bool, what: &str) {
    if !ok {
        panic!("check failed: {}", what);
    }
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
enum Shape {
    Circle { r: f64 },
    Rect(u32, u32),
    Empty,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Nested {
    list: Vec<(String, Option<u64>)>,
    shapes: Vec<Shape>,
    map: BTreeMap<String, Vec<i8>>,
    flag: bool,
    reply_to: Process<Nested>,
}

fn sample() -> Nested {
    let mut map = BTreeMap::new();
    map.insert("neg".to_string(), vec![-1, -128, 127]);
    map.insert(String::new(), vec![]);
    Nested {
        list: vec![("a".to_string(), Some(u64::MAX)), ("ü€".to_string(), None), (String::new(), Some(0))],
        shapes: vec![Shape::Circle { r: 1.5 }, Shape::Rect(3, 4), Shape::Empty],
        map,
        flag: true,
        reply_to: self_process(),
    }
}

// Echoes every Nested and Vec<u8> it gets back to the sender's handle.
fn echo((): ()) {
    loop {
        let e = receive_any(None).unwrap();
        if let Some(n) = e.decode::<Nested>().filter(|_| e.is::<Nested>()) {
            n.reply_to.send(&n).unwrap();
        } else if let Some((to, v)) = e.decode::<(Process<Vec<u8>>, Vec<u8>)>() {
            to.send(&v).unwrap();
        } else {
            return;
        }
    }
}

fn serialize() {
    let n = sample();
    let bytes = encode(&n);
    check(decode::<Nested>(&bytes) == Some(n.clone()), "round trip");
    for cut in 0..bytes.len() {
        check(decode::<Nested>(&bytes[..cut]).is_none(), "a truncation is refused");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    check(decode::<Nested>(&longer).is_none(), "a trailing byte is refused");
    let mut huge = encode(&vec![1u8; 4]);
    huge[..8].copy_from_slice(&(u64::MAX / 2).to_le_bytes());
    check(decode::<Vec<u8>>(&huge).is_none(), "a count beyond the bytes is refused");
    println!("serialize: Vec<(String, Option<u64>)>, enums with data, maps and structs round-trip; truncations, a trailing byte and counts beyond the bytes are refused");
    check(tag_of::<Nested>() >= 1 << 62 && tag_of::<Nested>() != tag_of::<Shape>(), "tags");
    println!("serialize: tag_of gives each type its own tag in [2^62, 2^63)");

    let e: Process<Nested> = spawn((), echo).unwrap();
    e.send(&n).unwrap();
    check(receive::<Nested>() == n, "echo of a Nested");
    let big: Vec<u8> = (0..1 << 20).map(|i: u32| (i.wrapping_mul(2654435761) >> 24) as u8).collect();
    e.cast::<(Process<Vec<u8>>, Vec<u8>)>().send(&(self_process(), big.clone())).unwrap();
    let back: Vec<u8> = receive();
    check(back == big, "1 MiB echo");
    println!("serialize: a Nested and a 1 MiB message came back from an echo process intact");
    e.send_tagged(1, &()).unwrap();
}

static GENERATION: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);

fn child_fn((parent, words, n): (Process<String>, Vec<String>, u32)) {
    let g = GENERATION.load(std::sync::atomic::Ordering::Relaxed);
    parent.send(&format!("{} {} generation {}", words.join("+"), n, g)).unwrap();
}

fn spawns() {
    GENERATION.store(2, std::sync::atomic::Ordering::Relaxed);
    let me: Process<String> = self_process();
    let _: Process<()> = spawn((me, vec!["a".to_string(), "b".to_string()], 7), child_fn).unwrap();
    check(receive::<String>() == "a+b 7 generation 1", "spawn with a fn");
    println!("spawn: a plain fn got its captures and sees generation 1 (the parent set 2)");

    let words = vec!["x".to_string()];
    let k = 5u64;
    let _: Process<()> = spawn!(|me, words, k| {
        print!("spawn: a child's print! without a newline reached stdout\n");
        me.send(&format!("{:?} {}", words, k)).unwrap();
    })
    .unwrap();
    check(receive::<String>() == "[\"x\"] 5", "spawn!");
    println!("spawn: spawn! moved its listed variables into the child");

    let (_p, m): (Process<()>, _) = spawn_monitor!(|| exit(7)).unwrap();
    let d = receive_down(None).unwrap();
    check(d.monitor == m && d.reason == ExitReason::Code(7), "spawn_monitor");
    println!("spawn: spawn_monitor! gave a Down with its monitor (exited with code 7)");

    trap_exit(true);
    let p: Process<()> = spawn_link!(|| panic!("linked boom")).unwrap();
    let x = receive_exit(None).unwrap();
    check(x.process == p && matches!(&x.reason, ExitReason::Trap(t) if t.contains("linked boom")), "spawn_link");
    trap_exit(false);
    println!("spawn: spawn_link! child's panic came as an Exit: {}", x.reason);

    let s: Spawned<()> = spawn_opt!(SpawnOptions { no_spawn: true, monitor: true, ..Default::default() }, |me| {
        let r: Result<Process<()>, Error> = spawn!(|| ());
        me.send(&format!("{:?}", r.err())).unwrap();
    })
    .unwrap();
    check(receive::<String>() == "Some(NotPermitted)" && s.monitor.is_some(), "no_spawn");
    receive_down(None).unwrap();
    println!("spawn: spawn_opt! with no_spawn gives the child NotPermitted");

    let opts = SpawnOptions { monitor: true, max_reductions: 10_000, ..Default::default() };
    let _: Spawned<()> = spawn_opt!(opts, || loop {
        yield_now();
    })
    .unwrap();
    let d = receive_down(None).unwrap();
    check(matches!(&d.reason, ExitReason::Trap(t) if t.contains("fuel")), "max_reductions");
    let opts = SpawnOptions { monitor: true, max_memory_pages: 40, ..Default::default() };
    let _: Spawned<()> = spawn_opt!(opts, || {
        let v: Vec<u8> = vec![1; 8 << 20];
        println!("the 8 MiB vector's last byte: {}", v[v.len() - 1]);
    })
    .unwrap();
    let d = receive_down(None).unwrap();
    check(!d.reason.is_normal(), "max_memory_pages");
    println!("spawn: limits: fuel ends a looping child, max_memory_pages refuses its 8 MiB ({})", d.reason);

    let task = task!(|me| me.send(&"task ran".to_string()).unwrap());
    let a = task.start::<()>(SpawnOptions::default()).unwrap();
    let b = task.start::<()>(SpawnOptions::default()).unwrap();
    check(a.process != b.process && receive::<String>() == "task ran" && receive::<String>() == "task ran", "task");
    println!("spawn: one Task started twice made two processes");
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Ping(u32);
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Pong(u32);

fn messages() {
    let me: Process<Ping> = self_process();
    me.send(&Ping(1)).unwrap();
    me.cast::<Pong>().send(&Pong(2)).unwrap();
    check(receive::<Pong>() == Pong(2) && receive::<Ping>() == Ping(1), "selective");
    println!("messages: receive::<Pong>() took the Pong behind a Ping");
    me.send_tagged(42, &"tagged".to_string()).unwrap();
    me.send_tagged(43, &"other".to_string()).unwrap();
    check(receive_tag::<String>(43) == "other" && receive_tag::<String>(42) == "tagged", "tags");
    println!("messages: selective receive by explicit tag");
    let t = Instant::now();
    check(receive_timeout::<Ping>(Duration::from_millis(30)).is_none(), "timeout");
    check(t.elapsed() >= Duration::from_millis(29), "waited");
    check(receive_timeout::<Ping>(Duration::ZERO).is_none(), "nowait");
    check(receive_tag_timeout::<Ping>(9, Some(Duration::ZERO)) == Err(Error::TimedOut), "tag timeout");
    println!("messages: receive_timeout timed out after 30 ms");
    me.cast::<Pong>().send(&Pong(3)).unwrap();
    me.send(&Ping(4)).unwrap();
    let a = receive_message(&[tag_of::<Ping>(), tag_of::<Pong>()], None).unwrap();
    let b = receive_any(Some(Duration::ZERO)).unwrap();
    check(a.is::<Pong>() && a.decode::<Pong>() == Some(Pong(3)) && a.sender() == me.cast(), "multi 1");
    check(b.is::<Ping>() && b.decode::<Ping>() == Some(Ping(4)) && b.tag() == tag_of::<Ping>(), "multi 2");
    check(a.down().is_none() && a.exit().is_none() && !a.bytes().is_empty(), "envelope");
    println!("messages: receive_message of two types took them in arrival order");
    send_bytes(me.pid(), tag_of::<Ping>(), &[1, 2]).unwrap();
    me.send(&Ping(5)).unwrap();
    check(receive::<Ping>() == Ping(5), "malformed dropped");
    println!("messages: a malformed message with Ping's tag was dropped");
    let (dead, _): (Process<Ping>, _) = spawn_monitor!(|| ()).unwrap();
    receive_down(None).unwrap();
    check(dead.send(&Ping(0)) == Err(Error::NoProcess), "dead");
    check(me.send_tagged(i64::MIN + 3, &()) == Err(Error::Invalid), "reserved");
    println!("messages: sending to an ended process gives NoProcess, a reserved tag Invalid");
}

type Kv = Server<(String, Option<u64>), Option<u64>>;

fn kv_server((): ()) {
    let mut data: BTreeMap<String, u64> = BTreeMap::new();
    loop {
        let c: Call<(String, Option<u64>), Option<u64>> = receive();
        let (key, value) = &c.request;
        if key == "stop" {
            return;
        }
        if key == "slow" {
            sleep(Duration::from_millis(50));
        }
        let old = match value {
            Some(v) => data.insert(key.clone(), *v),
            None => data.get(key).copied(),
        };
        if key == "wrong" {
            // reply with a String where an Option<u64> is expected
            let fake: Call<(), String> = decode(&encode(&((), c.from().cast::<String>(), reply_tag(&c)))).unwrap();
            fake.reply(&"not a number, and long enough".to_string()).unwrap();
        } else {
            c.reply(&old).unwrap();
        }
    }
}

// The call's reply tag, read back through the wire format (it is private).
fn reply_tag(c: &Call<(String, Option<u64>), Option<u64>>) -> i64 {
    let bytes = encode(c);
    i64::from_le_bytes(bytes[bytes.len() - 8..].try_into().unwrap())
}

fn calls() {
    let kv: Kv = spawn((), kv_server).unwrap();
    let me: Process<(u32, bool)> = self_process();
    for i in 0..1000u32 {
        let _: Process<()> = spawn!(|kv, me, i| {
            let key = format!("k{}", i % 100);
            let _ = call(kv, &(key.clone(), Some(u64::from(i))), None).unwrap();
            let got = call(kv, &(key, None), Some(Duration::from_secs(60))).unwrap();
            me.send(&(i, got.map_or(false, |v| v % 100 == u64::from(i % 100)))).unwrap();
        })
        .unwrap();
    }
    let mut right = 0;
    for _ in 0..1000 {
        if receive::<(u32, bool)>().1 {
            right += 1;
        }
    }
    check(right == 1000, "1000 calls");
    println!("call: 1000 concurrent clients made 2000 calls, {} of 1000 answers right", right);
    let late = call(kv, &("slow".to_string(), None), Some(Duration::from_millis(1)));
    check(late == Err(Error::TimedOut), "late");
    let next = call(kv, &("k1".to_string(), None), None).unwrap();
    check(next.is_some(), "next");
    println!("call: a call timed out, and the next got its own reply, not the late one");
    check(call(kv, &("wrong".to_string(), None), None) == Err(Error::BadMessage), "bad reply");
    call(kv, &("stop".to_string(), None), Some(Duration::from_millis(100))).ok();
    sleep(Duration::from_millis(20));
    check(call(kv, &("k1".to_string(), None), None) == Err(Error::NoProcess), "ended server");
    check(unique_tag() != unique_tag() && unique_tag() < 0, "unique tags");
    println!("call: an ended server gives NoProcess, a reply of the wrong type BadMessage");
}

fn signals() {
    let (p, m): (Process<()>, _) = spawn_monitor!(|| {
        let v: Vec<u32> = Vec::new();
        let i = v.len() + 3;
        println!("panicking child: about to index {}", i);
        let _ = v[i];
    })
    .unwrap();
    let d = receive_down(None).unwrap();
    check(d.process == p && d.monitor == m, "down of the panicking child");
    match &d.reason {
        ExitReason::Trap(t) if t.starts_with("panicked at 'index out of bounds") && t.contains("sdk_test.rs") => {}
        other => panic!("unexpected reason {:?}", other),
    }
    println!("signals: a panic's message reached the monitor: {}", d.reason);

    trap_exit(true);
    let _a: Process<()> = spawn_link!(|| exit(3)).unwrap();
    let b: Process<()> = spawn!(|| receive::<()>()).unwrap();
    link(b).unwrap();
    kill(b).unwrap();
    let _c: Process<()> = spawn_link!(|| ()).unwrap();
    let mut reasons = Vec::new();
    for _ in 0..3 {
        reasons.push(receive_exit(None).unwrap().reason.to_string());
    }
    reasons.sort();
    check(reasons == ["ended normally", "exited with code 3", "was killed"], "three exits");
    println!("signals: Exits decoded: {}", reasons.join(", "));
    let ended: Process<()> = spawn!(|| ()).unwrap();
    sleep(Duration::from_millis(20));
    check(link(ended) == Err(Error::NoProcess), "link to ended");
    let x = receive_exit(Some(Duration::from_secs(5))).unwrap();
    check(x.reason == ExitReason::NoProc, "noproc exit");
    let u: Process<()> = spawn!(|| { sleep(Duration::from_millis(30)); exit(9) }).unwrap();
    link(u).unwrap();
    unlink(u);
    check(receive_exit(Some(Duration::from_millis(100))).is_none(), "unlinked");
    check(trap_exit(false), "trap_exit returns the previous setting");
    println!("signals: link to an ended process gives NoProcess and a NoProc Exit; none after unlink");

    let w: Process<()> = spawn!(|| receive::<()>()).unwrap();
    let r = monitor(w);
    check(demonitor(r).is_ok() && demonitor(r) == Err(Error::NotFound), "demonitor");
    let r2 = monitor(w);
    w.send(&()).unwrap();
    let d = receive_down(None).unwrap();
    check(d.monitor == r2 && d.reason.is_normal(), "second monitor");
    let r3 = monitor(w);
    check(receive_down(None).map(|d| (d.monitor, d.reason)) == Some((r3, ExitReason::NoProc)), "monitor of ended");
    check(kill(w) == Err(Error::NoProcess), "kill ended");
    println!("signals: none after demonitor; a monitor of an ended process gives NoProc at once");

    // A panic through a link ends the linked (non-trapping) process too.
    let (_outer, _): (Process<()>, _) = spawn_monitor!(|| {
        let _inner: Process<()> = spawn_link!(|| panic!("inner failure {}", 7)).unwrap();
        receive::<()>();
    })
    .unwrap();
    let d = receive_down(None).unwrap();
    check(matches!(&d.reason, ExitReason::Trap(t) if t.contains("inner failure 7")), "through a link");
    println!("signals: a panic ended the process linked to it with the same reason");
}

fn names() {
    let me: Process<Ping> = self_process();
    register("tester").unwrap();
    check(register("tester") == Err(Error::Exists), "exists");
    check(whereis::<Ping>("tester") == Some(me), "whereis");
    let _: Process<()> = spawn!(|| whereis::<Ping>("tester").unwrap().send(&Ping(8)).unwrap()).unwrap();
    check(receive::<Ping>() == Ping(8), "send by name");
    unregister("tester").unwrap();
    check(whereis::<Ping>("tester").is_none() && unregister("tester") == Err(Error::NotFound), "unregistered");
    check(register("") == Err(Error::Invalid), "invalid");
    println!("names: register, Exists, whereis (typed), unregister, Invalid");
}

fn timers() {
    let me: Process<Ping> = self_process();
    let t = Instant::now();
    sleep(Duration::from_millis(20));
    check(t.elapsed() >= Duration::from_millis(19), "sleep");
    let _a = send_after(me, &Ping(1), Duration::from_millis(30)).unwrap();
    let b = send_after(me, &Ping(2), Duration::from_millis(10)).unwrap();
    cancel_timer(b).unwrap();
    check(receive::<Ping>() == Ping(1) && t.elapsed() >= Duration::from_millis(49), "fired");
    check(cancel_timer(b) == Err(Error::NotFound), "cancelled");
    check(receive_timeout::<Ping>(Duration::from_millis(50)).is_none(), "never came");
    println!("timers: sleep, send_after; the cancelled one never came");
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Started(String, Process<Cmd>);
#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Cmd {
    Crash,
    Return,
}

fn worker((root, name): (Process<Started>, String)) {
    root.send(&Started(name.clone(), self_process())).unwrap();
    match receive::<Cmd>() {
        Cmd::Crash => panic!("{} was told to crash", name),
        Cmd::Return => {}
    }
}

fn child(root: Process<Started>, name: &str) -> ChildSpec {
    ChildSpec::new(name, Task::new((root, name.to_string()), worker))
}

// Starts of other children that came first (children of one supervisor
// start in order, but their messages come from different processes).
static EARLY: std::sync::Mutex<Vec<Started>> = std::sync::Mutex::new(Vec::new());

// The handle of the next start of child `name`.
fn started(name: &str) -> Process<Cmd> {
    let mut early = EARLY.lock().unwrap();
    if let Some(i) = early.iter().position(|s| s.0 == name) {
        return early.remove(i).1;
    }
    loop {
        let s: Started = receive_tag_timeout(tag_of::<Started>(), Some(Duration::from_secs(10))).unwrap();
        if s.0 == name {
            return s.1;
        }
        early.push(s);
    }
}

fn supervisors() {
    let root: Process<Started> = self_process();
    let (sup, _): (Process<()>, _) = spawn_monitor!(|root| {
        supervise(SupervisorSpec {
            name: "one".to_string(),
            max_restarts: 3,
            period: Duration::from_secs(10),
            children: vec![
                child(root, "a"),
                child(root, "b"),
                child(root, "temp").restart(Restart::Temporary),
                child(root, "trans").restart(Restart::Transient),
            ],
            ..Default::default()
        })
    })
    .unwrap();
    let mut a = started("a");
    let b = started("b");
    started("temp").send(&Cmd::Return).unwrap();
    started("trans").send(&Cmd::Return).unwrap();
    for _ in 0..3 {
        a.send(&Cmd::Crash).unwrap();
        a = started("a");
    }
    check(receive_timeout::<Started>(Duration::from_millis(50)).is_none() && EARLY.lock().unwrap().is_empty(),
          "only a restarted");
    let _ = b;
    println!("supervisor: one_for_one restarted the crashed child only, three times");
    a.send(&Cmd::Crash).unwrap();
    let d = receive_down(None).unwrap();
    check(d.process == sup && d.reason == ExitReason::Code(SUPERVISOR_GAVE_UP), "gave up");
    println!("supervisor: at the fourth crash it gave up ({})", d.reason);

    let (sup, _): (Process<()>, _) = spawn_monitor!(|root| {
        supervise(SupervisorSpec {
            name: "all".to_string(),
            strategy: Strategy::OneForAll,
            max_restarts: 1,
            period: Duration::from_secs(10),
            children: vec![child(root, "x"), child(root, "y")],
            ..Default::default()
        })
    })
    .unwrap();
    let _x = started("x");
    let y = started("y");
    y.send(&Cmd::Crash).unwrap();
    let _x2 = started("x");
    let _y2 = started("y");
    println!("supervisor: one_for_all restarted both children");
    kill(sup).unwrap();
    check(receive_down(None).unwrap().reason == ExitReason::Killed, "killed sup");

    let (starter, _): (Process<(Process<()>, bool)>, _) = spawn_monitor!(|root| {
        let sup: Process<()> = spawn_link!(|root| {
            supervise(SupervisorSpec {
                name: "linked".to_string(),
                children: vec![child(root, "z")],
                ..Default::default()
            })
        })
        .unwrap();
        root.cast::<Process<()>>().send(&sup).unwrap();
        let _: Cmd = receive();
        panic!("the starter fails");
    })
    .unwrap();
    let sup: Process<()> = receive();
    let _z = started("z");
    let r = monitor(sup);
    starter.cast::<Cmd>().send(&Cmd::Crash).unwrap();
    let mut codes = Vec::new();
    for _ in 0..2 {
        let d = receive_down(None).unwrap();
        if d.monitor == r {
            codes.push(d.reason.clone());
        }
    }
    check(codes == vec![ExitReason::Code(SUPERVISOR_LINKED_EXIT)], "linked exit");
    println!("supervisor: its starter's panic ended it and its children, exit code {}", SUPERVISOR_LINKED_EXIT);
}

fn abi() {
    // A wild pointer to lvm.trap traps the caller only, naming the call.
    let (_p, _): (Process<()>, _) = spawn_monitor!(|| unsafe { sys::trap(0xffff_fff0usize as *const u8, 64) }).unwrap();
    let d = receive_down(None).unwrap();
    check(matches!(&d.reason, ExitReason::Trap(t) if t.starts_with("lvm.trap: text [")), "wild trap text");
    println!("abi: a wild pointer to lvm.trap: {}", d.reason);
}

// ---- nodes (run by tests/dist/test_dist.sh, on a node) ----

fn add((parent, a, b): (Process<String>, i32, i32)) {
    parent.send(&format!("{} on {}", a + b, node_self().unwrap_or_default())).unwrap();
}

fn dist(node: &str, name: &str) {
    let me = node_self().unwrap();
    let child = spawn_remote::<(), _>(node, SpawnOptions::default(), (self_process::<String>(), 20, 22), add).unwrap();
    check(node_of(child.process).as_deref() == Some(node), "the child's node");
    let sum: String = receive_timeout(Duration::from_secs(20)).unwrap();
    check(sum == format!("42 on {}", node), "remote sum");
    println!("dist: spawn_remote: {}", sum);
    fn exit7(_: ()) {
        exit(7)
    }
    let w = spawn_remote::<(), _>(node, SpawnOptions { monitor: true, ..Default::default() }, (), exit7).unwrap();
    let d = receive_down(Some(Duration::from_secs(20))).unwrap();
    check(Some(d.monitor) == w.monitor && d.process.pid() == w.process.pid() && d.reason == ExitReason::Code(7), "DOWN");
    println!("dist: a monitored remote child {}", d.reason);
    let there: Process<u32> = whereis_on(node, name).unwrap();
    check(node_of(there).as_deref() == Some(node), "whereis_on's node");
    there.send_tagged(77, &0xbeefu32).unwrap();
    check(receive_tag_timeout::<u32>(77, Some(Duration::from_secs(10))) == Ok(0xbeef), "echo by pid");
    check(whereis_on::<()>(node, "nosuch").err() == Some(Error::NotFound), "whereis_on nosuch");
    send_named(node, name, 78, &5u32).unwrap();
    check(receive_tag_timeout::<u32>(78, Some(Duration::from_secs(10))) == Ok(5), "echo by name");
    monitor_node(node, true).unwrap();
    let up = receive_message(&[sys::TAG_NODEUP], Some(Duration::from_secs(10))).unwrap();
    check(up.bytes() == node.as_bytes(), "nodeup");
    println!("dist: whereis_on {}, send_named and monitor_node work; node_self {}", node, me);
}

fn dist_badptr() {
    // Each node import given a wild pointer traps the caller only.
    fn wild(k: u32) {
        let bad = 0xffff_fff0usize;
        let mut pid = 0u64;
        unsafe {
            match k {
                0 => drop(sys::node_self(bad as *mut u8, 64)),
                1 => drop(sys::pid_node(1, bad as *mut u8, 64)),
                2 => drop(sys::send_named(bad as *const u8, 64, b"x".as_ptr(), 1, 5, std::ptr::null(), 0)),
                3 => drop(sys::monitor_node(bad as *const u8, 64, 1)),
                4 => drop(sys::pid_encode(1, bad as *mut u8, 64)),
                5 => drop(sys::pid_decode(bad as *const u8, 64, &mut pid)),
                6 => drop(sys::spawn_remote(bad as *const u8, 64, 0, std::ptr::null(), 0, std::ptr::null_mut(), &mut pid)),
                _ => drop(sys::whereis_remote(bad as *const u8, 64, b"x".as_ptr(), 1, &mut pid)),
            }
        }
        exit(9)
    }
    let names = ["node_self", "pid_node", "send_named", "monitor_node", "pid_encode", "pid_decode", "spawn_remote",
                 "whereis_remote"];
    let mut trapped = 0;
    for (k, n) in names.iter().enumerate() {
        let (_p, _m): (Process<()>, _) = spawn_monitor(k as u32, wild).unwrap();
        let d = receive_down(Some(Duration::from_secs(10))).unwrap();
        if matches!(&d.reason, ExitReason::Trap(t) if t.starts_with(&format!("lvm.{}: ", n))
                    && t.contains("outside the caller's memory"))
        {
            trapped += 1;
        } else {
            println!("FAILED: {} with a wild pointer: {}", n, d.reason);
        }
    }
    check(trapped == names.len(), "every wild pointer trapped");
    println!("dist-badptr: {} of {} node imports given a wild pointer trapped their caller only", trapped, names.len());
}

fn main() {
    lvm::init();
    let which = std::env::args().nth(1).unwrap_or_default();
    match which.as_str() {
        "serialize" => serialize(),
        "spawn" => spawns(),
        "messages" => messages(),
        "call" => calls(),
        "signals" => signals(),
        "names" => names(),
        "timers" => timers(),
        "supervisor" => supervisors(),
        "abi" => abi(),
        "dist" => {
            let a: Vec<String> = std::env::args().collect();
            dist(&a[2], &a[3])
        }
        "dist-badptr" => dist_badptr(),
        "panic" => panic!("the root panics"),
        _ => {
            eprintln!("usage: sdk_test serialize|spawn|messages|call|signals|names|timers|supervisor|abi|panic");
            exit(2);
        }
    }
}
