//! The chart of a lesson's measurements (`book/src/LESSON/measured.svg`): one block of
//! horizontal bars per benchmark group, each bar the median time of one benchmark, scaled
//! within its group (groups differ by orders of magnitude), labelled with the time and the
//! speedup over the group's `sequential` run. Plain SVG written by hand: no plotting
//! dependency, and text in `currentColor` so the chart follows the book's theme.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::book::measured::Measured;
use crate::report::human;
use crate::xml::escape;

const WIDTH: f64 = 720.0;
const LABEL_X: f64 = 12.0;
const BAR_X: f64 = 230.0;
const BAR_MAX: f64 = 320.0;
const ROW: f64 = 20.0;
const GROUP_GAP: f64 = 26.0;

/// The SVG document. Its first line is the whole opening tag and it has no blank line, so
/// that Markdown passes it through as one HTML block when a page includes it.
pub fn render(title: &str, measured: &Measured) -> String {
    let mut groups: BTreeMap<&str, Vec<(&str, f64)>> = BTreeMap::new();
    for (id, ns) in &measured.medians_ns {
        let (group, name) = id.split_once('/').unwrap_or((id.as_str(), ""));
        groups.entry(group).or_default().push((name, *ns));
    }
    let mut body = String::new();
    let mut y = 44.0;
    for (group, runs) in &groups {
        y += GROUP_GAP - ROW;
        let _ = writeln!(
            body,
            r#"<text x="{LABEL_X}" y="{y}" font-weight="bold">{}</text>"#,
            escape(group)
        );
        let longest = runs.iter().map(|(_, ns)| *ns).fold(0.0, f64::max);
        for (name, ns) in runs {
            y += ROW;
            let id = format!("{group}/{name}");
            let width = (ns / longest * BAR_MAX).max(1.0);
            let colour = if *name == "sequential" {
                "#9a9a9a"
            } else {
                "#3f7cc0"
            };
            let speedup = measured
                .baseline_of(&id)
                .filter(|b| b != &id)
                .and_then(|b| measured.speedup(&id, &b))
                .map(|s| format!(" · {s:.2}× as fast"))
                .unwrap_or_default();
            let _ = writeln!(
                body,
                "<text x=\"{}\" y=\"{y}\" font-family=\"monospace\">{}</text>\n\
                 <rect x=\"{BAR_X}\" y=\"{}\" width=\"{width:.1}\" height=\"14\" fill=\"{colour}\"><title>{}: {}</title></rect>\n\
                 <text x=\"{:.1}\" y=\"{y}\">{}{speedup}</text>",
                LABEL_X + 12.0,
                escape(name),
                y - 11.0,
                escape(&id),
                human::human_ns(*ns),
                BAR_X + width + 6.0,
                human::human_ns(*ns),
            );
        }
        y += 8.0;
    }
    let m = &measured.machine;
    let caption = [
        format!(
            "Median time per run (criterion); shorter is faster; bars are scaled within each group. Measured on {},",
            measured.date
        ),
        format!(
            "{} {}, {} cores ({}), rustc {}.",
            m.os, m.arch, m.cores, m.cpu, m.rustc
        ),
    ];
    y += 14.0;
    for line in &caption {
        let _ = writeln!(
            body,
            r#"<text x="{LABEL_X}" y="{y}" font-size="11" opacity="0.8">{}</text>"#,
            escape(line)
        );
        y += 15.0;
    }
    let height = y;
    format!(
        "<svg class=\"course-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-labelledby=\"chart-title\" font-family=\"sans-serif\" font-size=\"12\" fill=\"currentColor\" style=\"max-width: 100%; height: auto;\">\n\
         <title id=\"chart-title\">{0}</title>\n\
         <text x=\"{LABEL_X}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{0}</text>\n\
         {body}</svg>\n",
        escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::measured::Machine;

    fn measured() -> Measured {
        Measured {
            lesson: "01-demo".into(),
            date: "2026-11-24".into(),
            machine: Machine::example("Xeon <fast> & co"),
            warm_up: 1.0,
            measure: 3.0,
            medians_ns: [
                ("cpu/sequential".to_owned(), 10e6),
                ("cpu/threads".to_owned(), 5e6),
                ("spawn/thread".to_owned(), 40e3),
            ]
            .into_iter()
            .collect(),
        }
    }

    #[test]
    fn bars_are_scaled_within_their_group_and_labelled_with_the_speedup() {
        let svg = render("Lesson 01: Threads", &measured());
        // The slowest of each group spans the whole bar width; the rest in proportion.
        assert!(svg.contains(&format!(
            r##"width="{BAR_MAX:.1}" height="14" fill="#9a9a9a""##
        )));
        assert!(svg.contains(&format!(r#"width="{:.1}" height="14""#, BAR_MAX / 2.0)));
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("5.00 ms · 2.00× as fast"));
        // A group without a `sequential` run shows times only.
        assert!(svg.contains(">40.00 µs</text>"));
    }

    #[test]
    fn the_chart_is_stamped_with_the_machine_and_escaped() {
        let svg = render("A & B", &measured());
        assert!(svg.contains("Measured on 2026-11-24"));
        assert!(svg.contains("2 cores (Xeon &lt;fast&gt; &amp; co), rustc 1.95.0"));
        assert!(svg.contains("<title id=\"chart-title\">A &amp; B</title>"));
        // One HTML block for Markdown: the opening tag alone on the first line, no blank line.
        assert!(svg.lines().next().unwrap().ends_with('>'));
        assert!(!svg.contains("\n\n"));
    }
}
