//! `ledger`: the rules of exactly-once delivery, without processes. A job is held by the
//! worker it was sent to until that worker reports it; a lost worker's unreported jobs go
//! back to the front of the queue; the first result of a job is delivered and any later
//! one discarded.

use hybrid_lesson::ledger::Ledger;
use hybrid_lesson::work::{Job, Work};

fn jobs(ids: impl IntoIterator<Item = u64>) -> Vec<Job> {
    ids.into_iter()
        .map(|id| Job {
            id,
            work: Work::Wait { millis: id },
        })
        .collect()
}

const A: u32 = 100;
const B: u32 = 200;

#[test]
fn jobs_go_out_in_order_and_each_is_held_by_its_worker() {
    let mut ledger = Ledger::new(jobs(0..4)).unwrap();
    assert_eq!(ledger.next_for(A).unwrap().id, 0);
    assert_eq!(ledger.next_for(B).unwrap().id, 1);
    assert_eq!(ledger.next_for(A).unwrap().id, 2);
    assert_eq!((ledger.held_by(A), ledger.held_by(B)), (2, 1));
    assert!(ledger.finished(A, 0, 10));
    assert_eq!(ledger.held_by(A), 1);
    assert!(!ledger.is_complete());
}

#[test]
fn a_lost_worker_s_unreported_jobs_go_back_to_the_front_of_the_queue() {
    let mut ledger = Ledger::new(jobs(0..6)).unwrap();
    for _ in 0..3 {
        ledger.next_for(A);
    }
    assert!(ledger.finished(A, 1, 11));
    assert_eq!(
        ledger.lost(A),
        [0, 2],
        "job 1 was reported, so it is not sent again"
    );
    assert_eq!(ledger.held_by(A), 0);
    let order: Vec<u64> = std::iter::from_fn(|| ledger.next_for(B).map(|j| j.id)).collect();
    assert_eq!(order, [0, 2, 3, 4, 5]);
    assert_eq!(ledger.requeued(), 2);
}

#[test]
fn a_late_result_from_a_lost_worker_is_delivered_once_and_the_rerun_s_is_discarded() {
    let mut ledger = Ledger::new(jobs(0..1)).unwrap();
    ledger.next_for(A);
    // A is given up for dead (it hung), and its job goes to B...
    assert_eq!(ledger.lost(A), [0]);
    assert_eq!(ledger.next_for(B).unwrap().id, 0);
    // ... then A's report arrives after all: the job's first result, delivered.
    assert!(ledger.finished(A, 0, 42));
    // B's report of the same job is a duplicate, discarded.
    assert!(!ledger.finished(B, 0, 42));
    assert_eq!(ledger.duplicates(), 1);
    assert!(ledger.is_complete());
    assert_eq!(ledger.results().get(&0), Some(&42));
    assert_eq!(ledger.held_by(B), 0);
}

#[test]
fn a_requeued_job_whose_result_arrived_meanwhile_is_not_sent_again() {
    let mut ledger = Ledger::new(jobs(0..2)).unwrap();
    ledger.next_for(A);
    ledger.lost(A);
    assert!(ledger.finished(A, 0, 7), "the late report of job 0");
    assert_eq!(ledger.next_for(B).unwrap().id, 1, "job 0 is skipped");
    assert!(ledger.next_for(B).is_none());
}

#[test]
fn results_for_unknown_jobs_are_discarded() {
    let mut ledger = Ledger::new(jobs(0..1)).unwrap();
    assert!(!ledger.finished(A, 99, 1));
    assert!(ledger.results().is_empty());
}

#[test]
fn two_jobs_with_one_id_are_refused() {
    assert_eq!(Ledger::new(jobs([1, 2, 1])).unwrap_err(), 1);
    assert!(Ledger::new(Vec::new()).unwrap().is_complete());
}
