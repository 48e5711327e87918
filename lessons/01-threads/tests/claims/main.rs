//! The lesson's claims, one module per module of the lesson. None of them measures time:
//! where a claim is that threads run *at the same time*, a test makes them meet inside the
//! section that should overlap (see `rendezvous`), which only succeeds if they really do.

mod builder;
mod cpu_bound;
mod gil;
mod io_bound;
mod pool;
mod rendezvous;
mod scoped;
mod spawn;
