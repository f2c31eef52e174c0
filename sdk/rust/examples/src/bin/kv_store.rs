//! A key-value store process with typed request/reply clients: C clients
//! (argv[1], default 4) each make 3 * K calls (argv[2], default 100): put K
//! keys, get them back, and get K keys no one put. The store is found by
//! its registered name.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use lvm::{call, receive, register, self_process, spawn, whereis, Call, Process, Server};

#[derive(Serialize, Deserialize, Debug)]
enum Request {
    Put(String, String),
    Get(String),
    Len,
}
#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Reply {
    Done,
    Value(Option<String>),
    Len(usize),
}
type Store = Server<Request, Reply>;

fn store((): ()) {
    register("kv").unwrap();
    let mut data = HashMap::new();
    loop {
        let c: Call<Request, Reply> = receive();
        let reply = match &c.request {
            Request::Put(k, v) => {
                data.insert(k.clone(), v.clone());
                Reply::Done
            }
            Request::Get(k) => Reply::Value(data.get(k).cloned()),
            Request::Len => Reply::Len(data.len()),
        };
        let _ = c.reply(&reply);
    }
}

fn client((id, keys, parent): (u32, u32, Process<(u32, u32)>)) {
    let kv: Store = whereis("kv").expect("the store is registered");
    let mut right = 0;
    for k in 0..keys {
        let key = format!("c{}-k{}", id, k);
        right += (call(kv, &Request::Put(key, format!("v{}", k * id)), None) == Ok(Reply::Done)) as u32;
    }
    for k in 0..keys {
        let want = Reply::Value(Some(format!("v{}", k * id)));
        right += (call(kv, &Request::Get(format!("c{}-k{}", id, k)), None) == Ok(want)) as u32;
        right += (call(kv, &Request::Get(format!("nobody-{}", k)), None) == Ok(Reply::Value(None))) as u32;
    }
    parent.send(&(3 * keys, right)).unwrap();
}

fn main() {
    lvm::init();
    let arg = |i: usize, d: u32| std::env::args().nth(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let (clients, keys) = (arg(1, 4), arg(2, 100));
    let kv: Store = spawn((), store).expect("spawn the store");
    while whereis::<Call<Request, Reply>>("kv").is_none() {
        lvm::yield_now();
    }
    let t = std::time::Instant::now();
    let me = self_process::<(u32, u32)>();
    for id in 0..clients {
        let _: Process<()> = spawn((id, keys, me), client).expect("spawn a client");
    }
    let (mut calls, mut right) = (0, 0);
    for _ in 0..clients {
        let (c, r) = receive::<(u32, u32)>();
        calls += c;
        right += r;
    }
    let elapsed = t.elapsed();
    let len = call(kv, &Request::Len, None);
    let ok = len == Ok(Reply::Len((clients * keys) as usize));
    println!(
        "kv_store: {} clients made {} calls, {} answers right; the store holds {} keys ({})",
        clients,
        calls,
        right,
        clients * keys,
        if ok && right == calls { "correct" } else { "WRONG" }
    );
    println!("kv_store: {} ns per call", elapsed.as_nanos() / u128::from(calls.max(1)));
    if !ok || right != calls {
        lvm::exit(1);
    }
}
