//! A fixed set of worker threads for the whole of a run, fed through a queue.
//!
//! Threads live as long as the run: the regex engine keeps a cache per thread and per pattern, and
//! a thread started per batch would start cold and leave one more cache behind. Jobs are numbered;
//! the run waits for them by number, so results are used in order whatever order they finish in.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Mutex, mpsc};

/// Submits jobs and waits for their results.
pub struct Pool<J, R> {
    jobs: Option<mpsc::Sender<(u64, J)>>,
    results: mpsc::Receiver<(u64, std::thread::Result<R>)>,
    next: u64,
    /// Results that arrived before they were waited for.
    early: HashMap<u64, std::thread::Result<R>>,
}

/// A job's number, to wait for its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

impl<J, R> Pool<J, R> {
    pub fn submit(&mut self, job: J) -> Ticket {
        let id = self.next;
        self.next += 1;
        self.jobs
            .as_ref()
            .expect("the pool takes jobs until it ends")
            .send((id, job))
            .expect("the workers run until the pool ends");
        Ticket(id)
    }

    /// The result of a job; a panic in the job is raised here.
    pub fn wait(&mut self, ticket: Ticket) -> R {
        let result = match self.early.remove(&ticket.0) {
            Some(r) => r,
            None => loop {
                let (id, r) = self
                    .results
                    .recv()
                    .expect("a worker answers every job it takes");
                if id == ticket.0 {
                    break r;
                }
                self.early.insert(id, r);
            },
        };
        result.unwrap_or_else(|panic| resume_unwind(panic))
    }
}

/// Runs `body` with a pool of `threads` workers, each running `work` on the jobs it takes.
pub fn with_pool<J: Send, R: Send, T>(
    threads: usize,
    work: &(dyn Fn(J) -> R + Sync),
    body: impl FnOnce(&mut Pool<J, R>) -> T,
) -> T {
    let (job_tx, job_rx) = mpsc::channel::<(u64, J)>();
    let job_rx = Mutex::new(job_rx);
    std::thread::scope(|s| {
        let (result_tx, result_rx) = mpsc::channel();
        for _ in 0..threads.max(1) {
            let (job_rx, result_tx) = (&job_rx, result_tx.clone());
            s.spawn(move || {
                loop {
                    let next = job_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((id, job)) = next else {
                        return; // the pool ended
                    };
                    let r = catch_unwind(AssertUnwindSafe(|| work(job)));
                    if result_tx.send((id, r)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(result_tx);
        let mut pool = Pool {
            jobs: Some(job_tx),
            results: result_rx,
            next: 0,
            early: HashMap::new(),
        };
        let out = body(&mut pool);
        pool.jobs = None; // the workers see the queue close and end
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_by_ticket_in_any_order() {
        let square = |n: u64| n * n;
        let got = with_pool(3, &square, |pool| {
            let tickets: Vec<Ticket> = (0..50).map(|n| pool.submit(n)).collect();
            tickets
                .into_iter()
                .rev()
                .map(|t| pool.wait(t))
                .collect::<Vec<_>>()
        });
        let want: Vec<u64> = (0..50).rev().map(|n| n * n).collect();
        assert_eq!(got, want);
    }

    #[test]
    #[should_panic(expected = "boom")]
    fn a_panic_in_a_job_is_raised_where_it_is_waited_for() {
        let work = |n: u32| {
            if n == 2 {
                panic!("boom");
            }
            n
        };
        with_pool(2, &work, |pool| {
            let t: Vec<Ticket> = (0..4).map(|n| pool.submit(n)).collect();
            for t in t {
                pool.wait(t);
            }
        });
    }
}
