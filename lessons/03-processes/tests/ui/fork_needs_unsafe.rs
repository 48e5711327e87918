// `fork` copies the process with only the calling thread: in the child, locks held by the
// other threads are never released. nix makes it an `unsafe fn`, so that calling it is a
// promise about what the child will do.
use nix::unistd::fork;

fn main() {
    let _ = fork();
}
