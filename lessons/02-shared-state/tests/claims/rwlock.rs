//! `rwlock`: readers are inside at the same time; a writer is kept out while any reader is
//! inside, and gets in afterwards.

use std::thread;

use shared_state_lesson::rwlock::PriceList;

use crate::rendezvous::Rendezvous;

fn prices() -> PriceList {
    PriceList::new([("tea".to_owned(), 250), ("cake".to_owned(), 400)])
}

#[test]
fn lookups_and_changes() {
    let list = prices();
    assert_eq!(list.price("tea"), Some(250));
    assert_eq!(list.price("coffee"), None);
    assert_eq!(list.set_price("tea", 270), Some(250));
    assert_eq!(list.set_price("coffee", 300), None);
    assert_eq!(list.price("tea"), Some(270));
    assert_eq!(list.read(|prices| prices.len()), 3);
}

#[test]
fn readers_are_inside_at_the_same_time() {
    const READERS: usize = 4;
    let list = prices();
    let rendezvous = Rendezvous::new(READERS);
    let met: Vec<bool> = thread::scope(|s| {
        let readers: Vec<_> = (0..READERS)
            .map(|_| s.spawn(|| list.read(|_| rendezvous.arrive())))
            .collect();
        readers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(
        met, [true; READERS],
        "every reader held a read guard at once"
    );
}

#[test]
fn a_writer_waits_while_a_reader_is_inside() {
    let list = prices();
    let during = list.read(|_| {
        // Another thread tries to write while this one holds a read guard.
        thread::scope(|s| s.spawn(|| list.try_set_price("tea", 1)).join().unwrap())
    });
    assert_eq!(during, None, "the writer could not get in");
    assert_eq!(list.try_set_price("tea", 1), Some(Some(250)), "and can now");
}
