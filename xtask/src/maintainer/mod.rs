//! The maintainers' commands: `test` (the project's tests, as CI runs them), the lessons'
//! speed claims, `stability`, `bench-report`, `submissions`, and the scratch courses the
//! last one and the grader's tests work in.

pub mod bench_report;
pub mod claims;
pub mod project_tests;
pub mod scratch;
pub mod stability;
pub mod submissions;
