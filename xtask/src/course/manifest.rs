//! Reading the course from the workspace: each package's `[package.metadata.course]`
//! (an exercise) or `[package.metadata.lesson]` (a lesson), strictly: a misspelt field is
//! an error, not a default.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, bail};
use cargo_metadata::{Metadata, MetadataCommand, Package};
use serde::Deserialize;

use super::*;

impl Course {
    /// Reads the workspace whose root manifest is `manifest_path` (or the one around the
    /// current directory).
    pub fn load(manifest_path: Option<&Path>) -> Result<Course> {
        let mut cmd = MetadataCommand::new();
        cmd.no_deps();
        if let Some(path) = manifest_path {
            cmd.manifest_path(path);
        }
        let metadata = cmd.exec().context("`cargo metadata` failed")?;
        Course::from_metadata(&metadata)
    }

    pub fn from_metadata(metadata: &Metadata) -> Result<Course> {
        let root = metadata.workspace_root.clone().into_std_path_buf();
        let mut exercises = Vec::new();
        let mut lessons = Vec::new();
        for package in metadata.workspace_packages() {
            if let Some(lesson) = Lesson::from_package(package)
                .with_context(|| format!("in the lesson manifest of {}", package.manifest_path))?
            {
                lessons.push(lesson);
            }
            if let Some(exercise) = Exercise::from_package(package, metadata)
                .with_context(|| format!("in the course manifest of {}", package.manifest_path))?
            {
                exercises.push(exercise);
            }
        }
        exercises.sort_by(|a, b| a.name.cmp(&b.name));
        lessons.sort_by(|a, b| a.name.cmp(&b.name));
        for pair in exercises.windows(2) {
            if pair[0].name == pair[1].name {
                bail!("two exercises are named `{}`", pair[0].name);
            }
        }
        Ok(Course {
            root,
            target_dir: metadata.target_directory.clone().into_std_path_buf(),
            exercises,
            lessons,
        })
    }
}

impl Exercise {
    fn from_package(package: &Package, metadata: &Metadata) -> Result<Option<Exercise>> {
        let Some(raw) = package.metadata.get("course") else {
            return Ok(None);
        };
        let manifest: RawManifest =
            serde_json::from_value(raw.clone()).map_err(|e| anyhow::anyhow!("{e}"))?;
        let dir = package
            .manifest_path
            .parent()
            .expect("a manifest path has a parent")
            .to_path_buf()
            .into_std_path_buf();
        let name = match manifest.name {
            Some(name) => name,
            None => dir
                .file_name()
                .and_then(|n| n.to_str())
                .context("the exercise folder has no UTF-8 name")?
                .to_owned(),
        };
        let solution = match &manifest.solution {
            None => None,
            Some(solution) => {
                let found = metadata
                    .workspace_packages()
                    .into_iter()
                    .find(|p| p.name.as_str() == solution)
                    .with_context(|| {
                        format!("`solution = \"{solution}\"` is not a package of this workspace")
                    })?;
                Some(Crate::from_package(found))
            }
        };
        if manifest.tasks.is_empty() {
            bail!("the exercise has no tasks");
        }
        let mut ids = BTreeSet::new();
        let mut tasks = Vec::new();
        for (n, raw_task) in manifest.tasks.into_iter().enumerate() {
            let which = match raw_task.get("id").and_then(|id| id.as_str()) {
                Some(id) => format!("in task {} (`{id}`) of exercise {name}", n + 1),
                None => format!("in task {} of exercise {name}", n + 1),
            };
            let raw_task: RawTask = serde_json::from_value(raw_task)
                .map_err(|e| anyhow::anyhow!("{e}"))
                .context(which.clone())?;
            let task = Task::from_raw(raw_task).context(which)?;
            for id in std::iter::once(&task.id).chain(&task.formerly) {
                if !ids.insert(id.clone()) {
                    bail!("task id `{id}` is used twice");
                }
            }
            tasks.push(task);
        }
        Ok(Some(Exercise {
            name,
            title: manifest.title,
            starter: Crate::from_package(package),
            solution,
            tasks,
        }))
    }
}

impl Lesson {
    fn from_package(package: &Package) -> Result<Option<Lesson>> {
        let Some(raw) = package.metadata.get("lesson") else {
            return Ok(None);
        };
        let manifest: RawLesson =
            serde_json::from_value(raw.clone()).map_err(|e| anyhow::anyhow!("{e}"))?;
        let krate = Crate::from_package(package);
        let name = krate
            .dir
            .file_name()
            .and_then(|n| n.to_str())
            .context("the lesson folder has no UTF-8 name")?
            .to_owned();
        let claims = manifest
            .claims
            .into_iter()
            .map(|raw| {
                let text = raw.claim.clone();
                let check = Check::from_raw(raw.check)?;
                if check.kind != CheckKind::Bench {
                    bail!("claim `{text}` must be a bench check");
                }
                Ok(Claim { text, check })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(Lesson {
            name,
            title: manifest.title,
            krate,
            claims,
        }))
    }
}

impl Crate {
    fn from_package(package: &Package) -> Crate {
        Crate {
            package: package.name.to_string(),
            id: package.id.repr.clone(),
            version: package.version.to_string(),
            dir: package
                .manifest_path
                .parent()
                .expect("a manifest path has a parent")
                .to_path_buf()
                .into_std_path_buf(),
        }
    }
}

impl Task {
    fn from_raw(raw: RawTask) -> Result<Task> {
        let valid_id = |id: &str| {
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        if !valid_id(&raw.id) {
            bail!("task id `{}`: use letters, digits, `-` and `_`", raw.id);
        }
        if raw.checks.is_empty() {
            bail!("task `{}` has no checks", raw.id);
        }
        let checks = raw
            .checks
            .into_iter()
            .map(Check::from_raw)
            .collect::<Result<Vec<_>>>()?;
        Ok(Task {
            id: raw.id,
            title: raw.title,
            formerly: raw.formerly,
            hints: raw.hints,
            checks,
        })
    }
}

impl Check {
    fn from_raw(raw: RawCheck) -> Result<Check> {
        let named: Vec<(CheckKind, &String)> = [
            (CheckKind::Test, &raw.test),
            (CheckKind::Trybuild, &raw.trybuild),
            (CheckKind::Loom, &raw.loom),
            (CheckKind::Bench, &raw.bench),
        ]
        .into_iter()
        .filter_map(|(kind, name)| name.as_ref().map(|n| (kind, n)))
        .collect();
        let [(kind, name)] = named[..] else {
            bail!("a check names exactly one of `test`, `trybuild`, `loom` or `bench`");
        };
        let points = raw.points.unwrap_or(1);
        let spec = if kind == CheckKind::Bench {
            let (Some(candidate), Some(baseline), Some(min_speedup)) =
                (&raw.candidate, &raw.baseline, &raw.min_speedup)
            else {
                bail!("bench check `{name}` needs `candidate`, `baseline` and `min_speedup`");
            };
            let rule = match *min_speedup {
                RawSpeedup::Fixed(ratio) => SpeedupRule::Fixed(ratio),
                RawSpeedup::PerCore {
                    per_core,
                    max_cores,
                } => SpeedupRule::PerCore {
                    per_core,
                    // Speedups flatten with more cores (memory bandwidth, all-core clock
                    // speeds); the course is measured on 2, so it asks no more than it can
                    // vouch for beyond 4.
                    max_cores: max_cores.unwrap_or(4),
                },
            };
            let default_min_cores = match rule {
                SpeedupRule::Fixed(_) => 1,
                SpeedupRule::PerCore { .. } => 2,
            };
            CheckSpec::Bench(BenchSpec {
                target: name.clone(),
                candidate: candidate.clone(),
                baseline: baseline.clone(),
                rule,
                max_speedup: raw.max_speedup,
                min_cores: raw.min_cores.unwrap_or(default_min_cores),
                warm_up: raw.warm_up.unwrap_or(0.5),
                measure: raw.measure.unwrap_or(1.0),
            })
        } else {
            if raw.candidate.is_some()
                || raw.baseline.is_some()
                || raw.min_speedup.is_some()
                || raw.max_speedup.is_some()
            {
                bail!(
                    "`candidate`, `baseline`, `min_speedup` and `max_speedup` belong to bench checks"
                );
            }
            if raw.max_preemptions.is_some() && kind != CheckKind::Loom {
                bail!("`max_preemptions` belongs to loom checks");
            }
            CheckSpec::Test {
                target: raw.target.clone(),
                max_preemptions: raw.max_preemptions,
            }
        };
        let name = match &spec {
            CheckSpec::Bench(b) => format!("{} vs {}", b.candidate, b.baseline),
            CheckSpec::Test { .. } => name.clone(),
        };
        Ok(Check {
            kind,
            name,
            points,
            timeout: raw.timeout,
            spec,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    name: Option<String>,
    title: String,
    solution: Option<String>,
    /// Read one by one (`RawTask`), so that an error can name its task.
    #[serde(default)]
    tasks: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    title: String,
    #[serde(default)]
    claims: Vec<RawClaim>,
}

/// A claim is a bench check plus its sentence. (serde's `flatten` would silently accept
/// misspelt fields, so the sentence is split off by hand and the rest read strictly.)
struct RawClaim {
    claim: String,
    check: RawCheck,
}

impl<'de> Deserialize<'de> for RawClaim {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut fields = serde_json::Map::deserialize(deserializer)?;
        let claim = match fields.remove("claim") {
            Some(serde_json::Value::String(text)) => text,
            _ => return Err(D::Error::custom("a claim needs `claim = \"the sentence\"`")),
        };
        let check =
            serde_json::from_value(serde_json::Value::Object(fields)).map_err(D::Error::custom)?;
        Ok(RawClaim { claim, check })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    id: String,
    title: String,
    #[serde(default)]
    formerly: Vec<String>,
    #[serde(default)]
    hints: Vec<String>,
    #[serde(default)]
    checks: Vec<RawCheck>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    test: Option<String>,
    trybuild: Option<String>,
    loom: Option<String>,
    bench: Option<String>,
    target: Option<String>,
    points: Option<u32>,
    timeout: Option<u64>,
    max_preemptions: Option<u32>,
    candidate: Option<String>,
    baseline: Option<String>,
    min_speedup: Option<RawSpeedup>,
    max_speedup: Option<f64>,
    min_cores: Option<usize>,
    warm_up: Option<f64>,
    measure: Option<f64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawSpeedup {
    Fixed(f64),
    PerCore {
        per_core: f64,
        max_cores: Option<usize>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(toml_like: serde_json::Value) -> Result<Check> {
        Check::from_raw(serde_json::from_value(toml_like)?)
    }

    #[test]
    fn a_check_names_exactly_one_kind() {
        let err = check(serde_json::json!({"test": "a", "loom": "b"})).unwrap_err();
        assert!(err.to_string().contains("exactly one"), "{err}");
        let err = check(serde_json::json!({"points": 2})).unwrap_err();
        assert!(err.to_string().contains("exactly one"), "{err}");
    }

    #[test]
    fn bench_checks_need_their_fields_and_get_defaults() {
        let err = check(serde_json::json!({"bench": "speed", "candidate": "a/b"})).unwrap_err();
        assert!(err.to_string().contains("needs"), "{err}");
        let c = check(serde_json::json!({
            "bench": "speed", "candidate": "sum/parallel", "baseline": "sum/sequential",
            "min_speedup": {"per_core": 0.7}
        }))
        .unwrap();
        assert_eq!(c.name, "sum/parallel vs sum/sequential");
        let CheckSpec::Bench(b) = c.spec else {
            panic!("not a bench spec")
        };
        assert_eq!(b.min_cores, 2);
        assert_eq!(b.rule.threshold(2), 1.4);
        assert_eq!(b.rule.threshold(64), 0.7 * 4.0);
    }

    #[test]
    fn a_speedup_holds_between_the_threshold_and_the_ceiling() {
        let c = check(serde_json::json!({
            "bench": "b", "candidate": "g/gil", "baseline": "g/seq",
            "min_speedup": 0.5, "max_speedup": 1.2
        }))
        .unwrap();
        let CheckSpec::Bench(b) = c.spec else {
            panic!("not a bench spec")
        };
        assert!(b.holds(0.92, 2) && b.holds(0.5, 2) && b.holds(1.2, 2));
        assert!(!b.holds(0.49, 2) && !b.holds(1.9, 2));
    }

    #[test]
    fn fixed_ratios_do_not_depend_on_cores() {
        let c = check(serde_json::json!({
            "bench": "ipc", "candidate": "x/ring", "baseline": "x/pipe", "min_speedup": 3.0
        }))
        .unwrap();
        let CheckSpec::Bench(b) = c.spec else {
            panic!("not a bench spec")
        };
        assert_eq!((b.rule.threshold(1), b.rule.threshold(16)), (3.0, 3.0));
        assert_eq!(b.min_cores, 1);
    }

    #[test]
    fn lesson_claims_are_bench_checks_with_a_sentence() {
        let raw: RawLesson = serde_json::from_value(serde_json::json!({
            "title": "Threads",
            "claims": [{
                "claim": "No speedup under a global lock",
                "bench": "threads", "candidate": "gil/threads", "baseline": "gil/sequential",
                "min_speedup": 0.5, "max_speedup": 1.2, "min_cores": 2
            }]
        }))
        .unwrap();
        let claim = raw.claims.into_iter().next().unwrap();
        assert_eq!(claim.claim, "No speedup under a global lock");
        let check = Check::from_raw(claim.check).unwrap();
        let CheckSpec::Bench(b) = check.spec else {
            panic!("not a bench spec")
        };
        assert_eq!((b.max_speedup, b.min_cores), (Some(1.2), 2));
        let typo: Result<RawLesson, _> = serde_json::from_value(serde_json::json!({
            "title": "T", "claims": [{ "claim": "c", "bench": "b", "candidat": "x" }]
        }));
        assert!(typo.is_err(), "a misspelt field in a claim is an error");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let err = check(serde_json::json!({"test": "a", "pionts": 2})).unwrap_err();
        assert!(err.to_string().contains("pionts"), "{err}");
    }
}
