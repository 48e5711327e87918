//! `philosophers`: when every philosopher holds the left fork, no one can take a right
//! one (the circular wait); taking the lower fork first, they all eat, many times over.

use std::panic;

use shared_state_lesson::philosophers::Table;

#[test]
fn when_everyone_holds_the_left_fork_no_one_gets_a_right_one() {
    for seats in 2..=5 {
        let table = Table::new(seats);
        assert_eq!(table.all_hold_their_left_fork(), 0, "{seats} seats");
    }
}

#[test]
fn lower_fork_first_lets_everyone_eat() {
    const SEATS: usize = 5;
    const MEALS: u32 = 200;
    let table = Table::new(SEATS);
    table.dinner(MEALS);
    // Each fork is shared by two neighbours, and each of them ate MEALS times.
    for fork in 0..SEATS {
        assert_eq!(table.uses_of(fork), 2 * MEALS, "fork {fork}");
    }
}

#[test]
fn a_table_needs_two_seats() {
    assert!(panic::catch_unwind(|| Table::new(1)).is_err());
    assert_eq!(Table::new(2).forks_of(1), (1, 0));
}
