//! Pages that quote numbers measured by several lessons (the closing comparison) are written
//! as templates in `book/templates/`, with a placeholder wherever a number goes:
//!
//! | placeholder | becomes |
//! | --- | --- |
//! | `{{time LESSON BENCH}}` | the median time of a benchmark, `43.15 µs` |
//! | `{{speedup LESSON CANDIDATE BASELINE}}` | `median(baseline) / median(candidate)`, `2.01×` |
//! | `{{stamp LESSON}}` | when and where the lesson was measured |
//! | `{{python table}}` | the CPython comparison's table (`cargo xtask python-compare`) |
//! | `{{python speedup RUN CANDIDATE BASELINE}}` | a speed-up within one of its runs: RUN is `cpython`, `free-threaded` or `rust` |
//! | `{{python time RUN ID}}` | a median time of one of its runs |
//! | `{{python stamp}}` | when and where, and with which interpreters, it was measured |
//!
//! A placeholder naming a lesson or a benchmark that has no measurement is an error, so a
//! renamed benchmark cannot leave a stale number behind.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};

use crate::book::cpython::Comparison;
use crate::book::measured::Measured;
use crate::report::human;

/// Renders a template with the lessons' `records` and the CPython comparison, if made.
pub fn render(
    source: &str,
    records: &BTreeMap<String, Measured>,
    python: Option<&Comparison>,
) -> Result<String> {
    let mut out = String::from(
        "<!-- Generated from a template in book/templates/ by `cargo xtask book-pages`: edit the \
         template, not this page. -->\n\n",
    );
    let mut rest = source;
    while let Some(start) = rest.find("{{") {
        // `{{#include ...}}` and friends are mdBook's: pass them through.
        if rest[start + 2..].starts_with('#') {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            continue;
        }
        let end = rest[start..]
            .find("}}")
            .map(|e| start + e)
            .with_context(|| format!("unclosed placeholder at `{}`", &rest[start..]))?;
        out.push_str(&rest[..start]);
        out.push_str(&value(&rest[start + 2..end], records, python)?);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn value(
    placeholder: &str,
    records: &BTreeMap<String, Measured>,
    python: Option<&Comparison>,
) -> Result<String> {
    let words: Vec<&str> = placeholder.split_whitespace().collect();
    let python = || {
        python.with_context(|| {
            format!(
                "`{{{{{placeholder}}}}}`: the CPython comparison has not been made: run \
                 `cargo xtask python-compare`"
            )
        })
    };
    let no_such_figure =
        || format!("`{{{{{placeholder}}}}}`: the CPython comparison has no such run or figure");
    let record = |lesson: &str| {
        records.get(lesson).with_context(|| {
            format!("`{{{{{placeholder}}}}}`: lesson {lesson} has no measured.json")
        })
    };
    let median = |m: &Measured, id: &str| {
        m.medians_ns.get(id).copied().with_context(|| {
            format!(
                "`{{{{{placeholder}}}}}`: lesson {} has no benchmark `{id}`",
                m.lesson
            )
        })
    };
    match words.as_slice() {
        ["time", lesson, id] => Ok(human::human_ns(median(record(lesson)?, id)?)),
        ["speedup", lesson, candidate, baseline] => {
            let m = record(lesson)?;
            Ok(format!(
                "{:.2}×",
                median(m, baseline)? / median(m, candidate)?
            ))
        }
        ["stamp", lesson] => Ok(record(lesson)?.stamp()),
        ["python", "table"] => Ok(python()?.table()),
        ["python", "stamp"] => Ok(python()?.stamp()),
        ["python", "time", run, id] => python()?
            .time(run, id)
            .map(human::human_ns)
            .with_context(no_such_figure),
        ["python", "speedup", run, candidate, baseline] => python()?
            .speedup(run, candidate, baseline)
            .map(|s| format!("{s:.2}×"))
            .with_context(no_such_figure),
        _ => bail!(
            "`{{{{{placeholder}}}}}` is not a placeholder: use `time LESSON BENCH`, \
             `speedup LESSON CANDIDATE BASELINE`, `stamp LESSON`, `python table`, \
             `python speedup RUN CANDIDATE BASELINE`, `python time RUN ID` or `python stamp`"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::measured::Machine;

    fn records() -> BTreeMap<String, Measured> {
        let m = Measured {
            lesson: "01-threads".into(),
            date: "2026-11-24".into(),
            machine: Machine::example("Xeon"),
            warm_up: 1.0,
            measure: 3.0,
            medians_ns: [
                ("cpu/sequential".to_owned(), 12e6),
                ("cpu/rayon".to_owned(), 6e6),
            ]
            .into_iter()
            .collect(),
        };
        [("01-threads".to_owned(), m)].into_iter().collect()
    }

    #[test]
    fn placeholders_become_measured_numbers() {
        let page = render(
            "rayon: {{time 01-threads cpu/rayon}}, {{speedup 01-threads cpu/rayon cpu/sequential}} \
             ({{stamp 01-threads}}) {{#include x.md}}",
            &records(),
            None,
        )
        .unwrap();
        assert!(page.ends_with(
            "rayon: 6.00 ms, 2.00× (on 2026-11-24, Linux 6.1.0 x86_64, 2 cores (Xeon), rustc 1.95.0) \
             {{#include x.md}}"
        ));
    }

    #[test]
    fn a_number_that_was_not_measured_is_an_error() {
        let err = render("{{time 01-threads cpu/gone}}", &records(), None).unwrap_err();
        assert!(
            format!("{err:#}").contains("no benchmark `cpu/gone`"),
            "{err:#}"
        );
        let err = render("{{time 03-processes spawn/x}}", &records(), None).unwrap_err();
        assert!(format!("{err:#}").contains("03-processes has no measured.json"));
        assert!(render("{{median 01-threads}}", &records(), None).is_err());
        assert!(render("{{time 01-threads cpu/rayon", &records(), None).is_err());
    }

    #[test]
    fn python_placeholders_need_the_comparison() {
        let err = render("{{python table}}", &records(), None).unwrap_err();
        assert!(
            format!("{err:#}").contains("cargo xtask python-compare"),
            "{err:#}"
        );
    }
}
