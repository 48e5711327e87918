// Never compiles: `execute` takes only jobs that can be sent to a worker thread (`Send`),
// and a job holding an `Rc` cannot be (error E0277). `Rc` counts its owners without atomic
// operations, so two threads holding clones of one `Rc` could corrupt the count.
//
// The job is built by a function returning `impl FnOnce()`, not written as a closure inside
// the `execute` call: compiler messages name a closure's type by its full source path, and
// the expected output (`pool_rejects_rc_job.stderr`) must not depend on where the case is
// compiled from (the exercise crate, the solution crate, any checkout).

use std::rc::Rc;

use threads_exercise::ThreadPool;

fn job(shared: Rc<u32>) -> impl FnOnce() {
    move || println!("{shared}")
}

fn main() {
    let pool = ThreadPool::new(1);
    pool.execute(job(Rc::new(1)));
}
