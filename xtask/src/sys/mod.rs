//! What the grader asks of the operating system: running a process with a deadline and
//! sweeping up what it leaves (processes, shared-memory segments), the CPU's load and
//! cores, the clock, and the external tools it installs.

pub mod clock;
pub mod cores;
pub mod cpu_load;
pub mod process;
pub mod process_tree;
pub mod shm;
pub mod tools;
