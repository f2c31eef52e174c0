//! A supervisor, Erlang/OTP's reduced to its core, written only on the
//! public crate: it starts children linked to itself, restarts them when
//! they end (one-for-one or one-for-all) and gives up when they end more
//! often than its restart intensity allows.
use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::{exit, kill, receive_exit, trap_exit, Exit, ExitReason, Process, SpawnOptions, Task};

/// Which children a supervisor restarts when one must be restarted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// That child only.
    OneForOne,
    /// Every child: the others are ended, then all start again in order.
    OneForAll,
}

/// When a child is restarted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restart {
    /// Whenever it ends.
    Permanent,
    /// Only when it ends abnormally.
    Transient,
    /// Never (and one-for-all does not start it again either).
    Temporary,
}

/// A child: what to start and when to restart it.
#[derive(Clone, Debug)]
pub struct ChildSpec {
    /// For reports.
    pub name: String,
    /// What each start runs (`task!(|..| ..)` or `Task::new`).
    pub task: Task,
    /// When it is restarted.
    pub restart: Restart,
}

impl ChildSpec {
    /// A permanent child.
    pub fn new(name: &str, task: Task) -> ChildSpec {
        ChildSpec { name: name.to_string(), task, restart: Restart::Permanent }
    }
    /// The same child with another restart policy.
    pub fn restart(mut self, restart: Restart) -> ChildSpec {
        self.restart = restart;
        self
    }
}

/// A supervisor's configuration.
#[derive(Clone)]
pub struct SupervisorSpec {
    /// For reports.
    pub name: String,
    /// One-for-one or one-for-all.
    pub strategy: Strategy,
    /// The restart intensity: more than `max_restarts` restarts within
    /// `period` and the supervisor gives up.
    pub max_restarts: usize,
    /// See `max_restarts`.
    pub period: Duration,
    /// Started in this order, ended in the reverse.
    pub children: Vec<ChildSpec>,
    /// Where each restart and ending is reported (`None`: silent); the
    /// default writes the line to stderr.
    pub report: Option<fn(&str)>,
}

impl Default for SupervisorSpec {
    fn default() -> Self {
        SupervisorSpec {
            name: "supervisor".to_string(),
            strategy: Strategy::OneForOne,
            max_restarts: 3,
            period: Duration::from_secs(5),
            children: Vec::new(),
            report: Some(report_to_stderr),
        }
    }
}

/// Writes a supervisor's report line to stderr.
pub fn report_to_stderr(line: &str) {
    eprintln!("{}", line);
}

/// The exit code of a supervisor that gave up: a child ended more often
/// than the restart intensity allows, or could not be started.
pub const SUPERVISOR_GAVE_UP: i32 = 70;
/// The exit code of a supervisor that ended because a linked process that
/// is not its child (the one that started it) ended abnormally.
pub const SUPERVISOR_LINKED_EXIT: i32 = 71;

/// Runs a supervisor in the calling process: traps exits, starts the
/// children in order, linked, and restarts them per `spec`. It never
/// returns: it exits with `SUPERVISOR_GAVE_UP` (70) when children ended
/// more than `max_restarts` times within `period` (or one cannot be
/// started), after ending its children; and when a linked process that is
/// not its child ends (its starter, with `spawn_link`), with code 0 if
/// that one ended normally, else `SUPERVISOR_LINKED_EXIT` (71). Children
/// must not unlink from it.
pub fn supervise(spec: SupervisorSpec) -> ! {
    let n = spec.children.len();
    Supervisor { spec, running: vec![None; n], pending: VecDeque::new(), restarts: VecDeque::new() }.run()
}

struct Supervisor {
    spec: SupervisorSpec,
    running: Vec<Option<Process>>,
    pending: VecDeque<Exit>, // EXITs set aside by shutdown, handled next
    restarts: VecDeque<Instant>,
}

impl Supervisor {
    fn run(mut self) -> ! {
        trap_exit(true);
        for i in 0..self.running.len() {
            if let Err(e) = self.start(i) {
                let why = format!("cannot start child '{}': {}", self.spec.children[i].name, e);
                self.give_up(&why);
            }
        }
        loop {
            let e = self.next_exit();
            self.handle(e);
        }
    }

    fn report(&self, line: &str) {
        if let Some(report) = self.spec.report {
            report(&format!("supervisor {}: {}", self.spec.name, line));
        }
    }

    fn start(&mut self, i: usize) -> Result<(), crate::Error> {
        let s = self.spec.children[i].task.start::<()>(SpawnOptions { link: true, ..Default::default() })?;
        self.running[i] = Some(s.process);
        Ok(())
    }

    fn next_exit(&mut self) -> Exit {
        match self.pending.pop_front() {
            Some(e) => e,
            None => receive_exit(None).expect("an infinite receive returned"),
        }
    }

    // Ends child i and waits for its EXIT (setting others aside). The link
    // stays, so exactly one EXIT per child comes: none is left over to be
    // mistaken for a stranger's later.
    fn shutdown(&mut self, i: usize) {
        let pid = match self.running[i].take() {
            Some(p) => p,
            None => return,
        };
        let _ = kill(pid);
        if let Some(k) = self.pending.iter().position(|e| e.process == pid) {
            self.pending.remove(k);
            return;
        }
        loop {
            let e = receive_exit(None).expect("an infinite receive returned");
            if e.process == pid {
                return;
            }
            self.pending.push_back(e);
        }
    }

    fn shutdown_all(&mut self) {
        for i in (0..self.running.len()).rev() {
            self.shutdown(i);
        }
    }

    // Counts a restart; false if it exceeds the intensity.
    fn note_restart(&mut self) -> bool {
        let now = Instant::now();
        while self.restarts.front().map_or(false, |t| now.duration_since(*t) > self.spec.period) {
            self.restarts.pop_front();
        }
        self.restarts.push_back(now);
        self.restarts.len() <= self.spec.max_restarts
    }

    fn give_up(&mut self, why: &str) -> ! {
        self.report(&format!(
            "{}; giving up: shutting down its children, exit code {}",
            why, SUPERVISOR_GAVE_UP
        ));
        self.shutdown_all();
        exit(SUPERVISOR_GAVE_UP)
    }

    fn handle(&mut self, e: Exit) {
        let i = match self.running.iter().position(|p| *p == Some(e.process)) {
            Some(i) => i,
            None => {
                // Not a child: the process linked to the supervisor (its
                // starter) ended, and the tree goes with it.
                self.report(&format!("linked process {} {}; shutting down its children", e.process, e.reason));
                self.shutdown_all();
                exit(if e.reason.is_normal() { 0 } else { SUPERVISOR_LINKED_EXIT })
            }
        };
        self.running[i] = None;
        let name = self.spec.children[i].name.clone();
        let restart = self.spec.children[i].restart;
        if restart == Restart::Temporary || (restart == Restart::Transient && normal(&e.reason)) {
            let policy = if restart == Restart::Temporary { "temporary" } else { "transient" };
            self.report(&format!("child '{}' (process {}) {}; not restarted ({})", name, e.process, e.reason, policy));
            return;
        }
        let period_ms = self.spec.period.as_millis();
        if !self.note_restart() {
            let why = format!(
                "child '{}' (process {}) {}; too many restarts (more than {} in {} ms)",
                name, e.process, e.reason, self.spec.max_restarts, period_ms
            );
            self.give_up(&why);
        }
        let all = self.spec.strategy == Strategy::OneForAll;
        self.report(&format!(
            "child '{}' (process {}) {}; restarting {} (restart {} of at most {} in {} ms)",
            name,
            e.process,
            e.reason,
            if all { "all children" } else { "it" },
            self.restarts.len(),
            self.spec.max_restarts,
            period_ms
        ));
        let to_start: Vec<usize> = if all {
            self.shutdown_all();
            (0..self.running.len()).filter(|&j| self.spec.children[j].restart != Restart::Temporary).collect()
        } else {
            vec![i]
        };
        for j in to_start {
            if let Err(err) = self.start(j) {
                let why = format!("cannot restart child '{}': {}", self.spec.children[j].name, err);
                self.give_up(&why);
            }
        }
    }
}

// A transient child's end that needs no restart: normal, or exit code 0
// (which the VM reports as normal already).
fn normal(r: &ExitReason) -> bool {
    r.is_normal()
}
