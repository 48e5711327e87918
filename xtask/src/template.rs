//! Pages that quote numbers measured by several lessons (the closing comparison) are written
//! as templates in `book/templates/`, with a placeholder wherever a number goes:
//!
//! | placeholder | becomes |
//! | --- | --- |
//! | `{{time LESSON BENCH}}` | the median time of a benchmark, `43.15 µs` |
//! | `{{speedup LESSON CANDIDATE BASELINE}}` | `median(baseline) / median(candidate)`, `2.01×` |
//! | `{{stamp LESSON}}` | when and where the lesson was measured |
//!
//! A placeholder naming a lesson or a benchmark that has no measurement is an error, so a
//! renamed benchmark cannot leave a stale number behind.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};

use crate::bench;
use crate::measured::Measured;

pub fn render(source: &str, records: &BTreeMap<String, Measured>) -> Result<String> {
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
        out.push_str(&value(&rest[start + 2..end], records)?);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn value(placeholder: &str, records: &BTreeMap<String, Measured>) -> Result<String> {
    let words: Vec<&str> = placeholder.split_whitespace().collect();
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
        ["time", lesson, id] => Ok(bench::human_ns(median(record(lesson)?, id)?)),
        ["speedup", lesson, candidate, baseline] => {
            let m = record(lesson)?;
            Ok(format!(
                "{:.2}×",
                median(m, baseline)? / median(m, candidate)?
            ))
        }
        ["stamp", lesson] => Ok(record(lesson)?.stamp()),
        _ => bail!(
            "`{{{{{placeholder}}}}}` is not a placeholder: use `time LESSON BENCH`, \
             `speedup LESSON CANDIDATE BASELINE` or `stamp LESSON`"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measured::Machine;

    fn records() -> BTreeMap<String, Measured> {
        let m = Measured {
            lesson: "01-threads".into(),
            date: "2026-11-24".into(),
            machine: Machine {
                os: "Linux".into(),
                arch: "x86_64".into(),
                cores: 2,
                cpu: "Xeon".into(),
                rustc: "1.95.0".into(),
            },
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
        )
        .unwrap();
        assert!(page.ends_with(
            "rayon: 6.00 ms, 2.00× (on 2026-11-24, Linux x86_64, 2 cores (Xeon), rustc 1.95.0) \
             {{#include x.md}}"
        ));
    }

    #[test]
    fn a_number_that_was_not_measured_is_an_error() {
        let err = render("{{time 01-threads cpu/gone}}", &records()).unwrap_err();
        assert!(
            format!("{err:#}").contains("no benchmark `cpu/gone`"),
            "{err:#}"
        );
        let err = render("{{time 03-processes spawn/x}}", &records()).unwrap_err();
        assert!(format!("{err:#}").contains("03-processes has no measured.json"));
        assert!(render("{{median 01-threads}}", &records()).is_err());
        assert!(render("{{time 01-threads cpu/rayon", &records()).is_err());
    }
}
