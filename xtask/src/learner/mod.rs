//! The commands a learner runs besides `grade`: `list`, `hint`, `watch`, `reset`, and the
//! progress file they share.

pub mod hint;
pub mod list;
pub mod progress;
pub mod reset;
pub mod watch;
