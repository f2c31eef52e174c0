//! lvm real-world test module (rustc, std): a small expression language
//! (lexer, Pratt parser, tree-walking evaluator), a word-frequency report,
//! a Dijkstra shortest path over a generated graph and some generic
//! collection code, all on Rust's std (collections, formatting, iterators,
//! strings, Rc/RefCell, trait objects). No threads and no catch_unwind
//! (wasm32-wasi has neither).
//! Built with Debian's rustc 1.63: `rustc --target wasm32-wasi -C debuginfo=2`.

use std::cell::RefCell;
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, VecDeque};
use std::fmt::{self, Display, Write as _};
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq)]
enum Tok { Num(f64), Ident(String), Op(char), LParen, RParen, Comma, Let, Eq, Semi }

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let cs: Vec<char> = src.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        match c {
            ' ' | '\n' | '\t' => { i += 1; }
            '0'..='9' | '.' => {
                let st = i;
                while i < cs.len() && (cs[i].is_ascii_digit() || cs[i] == '.') { i += 1; }
                let s: String = cs[st..i].iter().collect();
                out.push(Tok::Num(s.parse().map_err(|e| format!("bad number {s:?}: {e}"))?));
            }
            'a'..='z' | 'A'..='Z' | '_' => {
                let st = i;
                while i < cs.len() && (cs[i].is_alphanumeric() || cs[i] == '_') { i += 1; }
                let s: String = cs[st..i].iter().collect();
                out.push(if s == "let" { Tok::Let } else { Tok::Ident(s) });
            }
            '+' | '-' | '*' | '/' | '^' | '%' => { out.push(Tok::Op(c)); i += 1; }
            '(' => { out.push(Tok::LParen); i += 1; }
            ')' => { out.push(Tok::RParen); i += 1; }
            ',' => { out.push(Tok::Comma); i += 1; }
            '=' => { out.push(Tok::Eq); i += 1; }
            ';' => { out.push(Tok::Semi); i += 1; }
            _ => return Err(format!("unexpected {c:?} at {i}")),
        }
    }
    Ok(out)
}

#[derive(Debug, Clone)]
enum Expr {
    Num(f64),
    Var(String),
    Neg(Box<Expr>),
    Bin(char, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
}

#[derive(Debug)]
enum Stmt { Let(String, Expr), Expr(Expr) }

struct Parser { toks: Vec<Tok>, pos: usize }

impl Parser {
    fn peek(&self) -> Option<&Tok> { self.toks.get(self.pos) }
    fn next(&mut self) -> Option<Tok> { let t = self.toks.get(self.pos).cloned(); self.pos += 1; t }
    fn expect(&mut self, t: Tok) -> Result<(), String> {
        match self.next() { Some(ref x) if *x == t => Ok(()), o => Err(format!("expected {t:?}, got {o:?}")) }
    }
    fn program(&mut self) -> Result<Vec<Stmt>, String> {
        let mut v = Vec::new();
        while self.peek().is_some() {
            if self.peek() == Some(&Tok::Let) {
                self.next();
                let name = match self.next() { Some(Tok::Ident(n)) => n, o => return Err(format!("name expected, got {o:?}")) };
                self.expect(Tok::Eq)?;
                v.push(Stmt::Let(name, self.expr(0)?));
            } else {
                v.push(Stmt::Expr(self.expr(0)?));
            }
            if self.peek() == Some(&Tok::Semi) { self.next(); }
        }
        Ok(v)
    }
    fn prec(op: char) -> (u8, bool) {
        match op { '+' | '-' => (1, false), '*' | '/' | '%' => (2, false), '^' => (3, true), _ => (0, false) }
    }
    fn expr(&mut self, min: u8) -> Result<Expr, String> {
        let mut lhs = self.atom()?;
        while let Some(Tok::Op(op)) = self.peek().cloned() {
            let (p, right) = Self::prec(op);
            if p < min || p == 0 { break; }
            self.next();
            let rhs = self.expr(if right { p } else { p + 1 })?;
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }
    fn atom(&mut self) -> Result<Expr, String> {
        match self.next() {
            Some(Tok::Num(n)) => Ok(Expr::Num(n)),
            Some(Tok::Op('-')) => Ok(Expr::Neg(Box::new(self.expr(3)?))),
            Some(Tok::LParen) => { let e = self.expr(0)?; self.expect(Tok::RParen)?; Ok(e) }
            Some(Tok::Ident(name)) => {
                if self.peek() == Some(&Tok::LParen) {
                    self.next();
                    let mut args = Vec::new();
                    if self.peek() != Some(&Tok::RParen) {
                        loop {
                            args.push(self.expr(0)?);
                            if self.peek() == Some(&Tok::Comma) { self.next(); } else { break; }
                        }
                    }
                    self.expect(Tok::RParen)?;
                    Ok(Expr::Call(name, args))
                } else { Ok(Expr::Var(name)) }
            }
            t => Err(format!("unexpected token {t:?}")),
        }
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(n) => write!(f, "{n}"),
            Expr::Var(v) => write!(f, "{v}"),
            Expr::Neg(e) => write!(f, "(-{e})"),
            Expr::Bin(op, a, b) => write!(f, "({a} {op} {b})"),
            Expr::Call(n, args) => {
                write!(f, "{n}(")?;
                for (i, a) in args.iter().enumerate() { if i > 0 { write!(f, ", ")?; } write!(f, "{a}")?; }
                write!(f, ")")
            }
        }
    }
}

type Builtin = Rc<dyn Fn(&[f64]) -> Result<f64, String>>;

struct Env { vars: RefCell<HashMap<String, f64>>, funcs: BTreeMap<&'static str, Builtin> }

impl Env {
    fn new() -> Self {
        let mut funcs: BTreeMap<&'static str, Builtin> = BTreeMap::new();
        funcs.insert("sqrt", Rc::new(|a: &[f64]| Ok(a.first().ok_or("sqrt/1")?.sqrt())));
        funcs.insert("max", Rc::new(|a: &[f64]| a.iter().cloned().fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x)))).ok_or_else(|| "max of nothing".to_string())));
        funcs.insert("sum", Rc::new(|a: &[f64]| Ok(a.iter().sum())));
        funcs.insert("fib", Rc::new(|a: &[f64]| { let n = *a.first().ok_or("fib/1")? as u64; let (mut x, mut y) = (0u64, 1u64); for _ in 0..n { let t = x + y; x = y; y = t; } Ok(x as f64) }));
        Env { vars: RefCell::new(HashMap::new()), funcs }
    }
    fn eval(&self, e: &Expr) -> Result<f64, String> {
        Ok(match e {
            Expr::Num(n) => *n,
            Expr::Var(v) => *self.vars.borrow().get(v).ok_or_else(|| format!("unbound {v}"))?,
            Expr::Neg(e) => -self.eval(e)?,
            Expr::Bin(op, a, b) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                match op { '+' => x + y, '-' => x - y, '*' => x * y, '/' => x / y, '%' => x % y, '^' => x.powf(y), _ => unreachable!() }
            }
            Expr::Call(n, args) => {
                let f = self.funcs.get(n.as_str()).ok_or_else(|| format!("no function {n}"))?.clone();
                let vals = args.iter().map(|a| self.eval(a)).collect::<Result<Vec<_>, _>>()?;
                f(&vals)?
            }
        })
    }
    fn run(&self, src: &str) -> Result<Vec<f64>, String> {
        let stmts = Parser { toks: lex(src)?, pos: 0 }.program()?;
        let mut out = Vec::new();
        for s in &stmts {
            match s {
                Stmt::Let(n, e) => { let v = self.eval(e)?; self.vars.borrow_mut().insert(n.clone(), v); }
                Stmt::Expr(e) => { println!("  {e} = {}", self.eval(e)?); out.push(self.eval(e)?); }
            }
        }
        Ok(out)
    }
}

fn dijkstra(adj: &[Vec<(usize, u64)>], src: usize) -> Vec<Option<u64>> {
    let mut dist = vec![None; adj.len()];
    let mut heap = BinaryHeap::new();
    dist[src] = Some(0);
    heap.push(Reverse((0u64, src)));
    while let Some(Reverse((d, u))) = heap.pop() {
        if dist[u].map_or(false, |x| d > x) { continue; }
        for &(v, w) in &adj[u] {
            let nd = d + w;
            if dist[v].map_or(true, |x| nd < x) { dist[v] = Some(nd); heap.push(Reverse((nd, v))); }
        }
    }
    dist
}

struct Lcg(u64);
impl Iterator for Lcg {
    type Item = u64;
    fn next(&mut self) -> Option<u64> { self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); Some(self.0 >> 33) }
}

trait Shape { fn area(&self) -> f64; fn name(&self) -> String; }
struct Circle(f64);
struct Rect { w: f64, h: f64 }
impl Shape for Circle { fn area(&self) -> f64 { std::f64::consts::PI * self.0 * self.0 } fn name(&self) -> String { format!("circle(r={})", self.0) } }
impl Shape for Rect { fn area(&self) -> f64 { self.w * self.h } fn name(&self) -> String { format!("rect({}x{})", self.w, self.h) } }

fn top_k<T: Ord + Clone, I: IntoIterator<Item = T>>(it: I, k: usize) -> Vec<T> {
    let mut v: Vec<T> = it.into_iter().collect();
    v.sort_by(|a, b| b.cmp(a));
    v.truncate(k);
    v
}

fn main() {
    let env = Env::new();
    println!("calc:");
    match env.run("let x = 3; let y = 4; sqrt(x^2 + y^2); max(1, fib(20), -x * 2); sum(1,2,3,4) % 3; 2^3^2") {
        Ok(v) => println!("  results {v:?}"),
        Err(e) => println!("  error {e}"),
    }
    println!("  bad input -> {:?}", env.run("let = 1"));

    let text = "it was the best of times it was the worst of times it was the age of wisdom";
    let mut freq: HashMap<&str, usize> = HashMap::new();
    for w in text.split_whitespace() { *freq.entry(w).or_default() += 1; }
    let mut by: Vec<(&str, usize)> = freq.into_iter().collect();
    by.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut report = String::new();
    for (w, n) in by.iter().take(4) { let _ = write!(report, "{w}:{n} "); }
    println!("words: {report}");

    let n = 200;
    let mut rng = Lcg(42);
    let mut adj = vec![Vec::new(); n];
    for u in 0..n { for _ in 0..4 { let v = (rng.next().unwrap() as usize) % n; let w = rng.next().unwrap() % 100 + 1; adj[u].push((v, w)); } }
    let d = dijkstra(&adj, 0);
    let reach = d.iter().filter(|x| x.is_some()).count();
    let far = d.iter().flatten().max().copied().unwrap_or(0);
    println!("graph: reachable {reach}/{n}, farthest {far}");

    let shapes: Vec<Box<dyn Shape>> = vec![Box::new(Circle(1.5)), Box::new(Rect { w: 2.0, h: 3.5 }), Box::new(Circle(0.5))];
    let total: f64 = shapes.iter().map(|s| s.area()).sum();
    let names: Vec<String> = shapes.iter().map(|s| s.name()).collect();
    println!("shapes: {} total area {total:.3}", names.join(", "));

    let set: BTreeSet<u64> = Lcg(7).take(50).map(|x| x % 1000).collect();
    let hs: HashSet<u64> = set.iter().map(|x| x / 10).collect();
    let mut dq: VecDeque<u64> = set.iter().copied().collect();
    dq.rotate_left(3);
    println!("collections: btree {} hashset {} top3 {:?} front {:?} cmp {:?}",
             set.len(), hs.len(), top_k(set.iter().copied(), 3), dq.front(), 3.cmp(&4) == Ordering::Less);
    println!("strings: {:>10}|{:<6}|{:^7}|{:08.3}|{:#x}|{:?}", "right", "left", "mid", 3.14159, 255, "q\"uote");
}
