//! The pipeline, end to end: discover → load → replay → check → suppress.
//! Reporting is the caller's (see `report`).

use std::path::PathBuf;

use rayon::prelude::*;

use crate::changes::ChangeSet;
use crate::config::{FileOverrides, Settings};
use crate::diagnostic::{Diagnostic, InputError, Packed};
use crate::discover;
use crate::load::{self, Project};
use crate::model::Catalog;
use crate::model::replay::{replay_facts, take_facts};
use crate::rules::{Context, FixMarks, Fixing, Reporter, Target};
use crate::suppress;

/// Everything a run found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The files read. Their statements' facts have moved into `catalogs`.
    pub project: Project,
    /// The schema each set produces, in the order of `project.sets`
    /// (`lint_keeping_catalogs`; empty otherwise).
    pub catalogs: Vec<Catalog>,
    /// Findings in reported files, in migration order then position.
    pub diagnostics: Vec<Diagnostic>,
    pub input_errors: Vec<InputError>,
    /// Findings removed by inline suppressions (for the summary line).
    pub suppressed: usize,
    /// The live database read (`schema-lint db`).
    pub database: Option<Database>,
}

/// A live database a run read (`schema-lint db`).
#[derive(Debug, Clone, Default)]
pub struct Database {
    /// Empty when the database could not be read (see `input_errors`).
    pub name: String,
    /// Tables read (bookkeeping and skipped ones left out).
    pub tables: usize,
}

impl Outcome {
    /// Files that were reported on (named by the user or found under a
    /// folder they named).
    pub fn files_checked(&self) -> usize {
        self.project.migrations().filter(|f| f.reported()).count()
    }
}

pub fn lint(paths: &[PathBuf], settings: &Settings) -> Outcome {
    lint_changes(paths, settings, None)
}

/// `lint`, keeping each set's schema in `Outcome::catalogs` (the other
/// entry points free a set's catalog once its rules have run).
pub fn lint_keeping_catalogs(paths: &[PathBuf], settings: &Settings) -> Outcome {
    run(paths, settings, None, &load::Buffers::new(), Catalogs::Keep)
}

/// What a run does with a set's catalog once the set's rules have run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Catalogs {
    /// Keeps it for the caller (`Outcome::catalogs`).
    Keep,
    /// Frees it.
    Free,
    /// Leaves it to the process's exit, which follows the report (the
    /// command line), unless the set's findings are many. Freeing a schema
    /// of thousands of tables one allocation at a time took a tenth of a
    /// warm pre-commit run; what the report allocates after the rules
    /// grows with the findings, and only when they are many is the
    /// catalog's memory worth freeing for it to reuse.
    LeaveToExit,
}

/// Below this many findings in a set, what the run allocates after its
/// rules (a sorted list of the findings, the report) is a few MiB at
/// most: its catalog is left to the exit (`Catalogs::LeaveToExit`).
const FEW_FINDINGS: usize = 10_000;

/// A set of this many files or more packs its findings while its catalog
/// is alive (`diagnostic::Packed`); a smaller one keeps them whole. The
/// synthetic set of 3,000 files has 12,000 findings, which whole took 5
/// MiB more at its peak (a set of 30,000, as much as its catalog); in the
/// corpus (sets of up to 571 files) packing and unpacking every finding's
/// texts took a twelfth of the run's instructions.
const PACK_FROM: usize = 1_024;

/// `lint_with`, for a process that exits after its report: see
/// `Catalogs::LeaveToExit`.
pub fn lint_before_exit(
    paths: &[PathBuf],
    settings: &Settings,
    changes: Option<&ChangeSet>,
    buffers: &load::Buffers,
) -> Outcome {
    run(paths, settings, changes, buffers, Catalogs::LeaveToExit)
}

/// Lints `paths` where some files are given as text (an editor's unsaved
/// buffers, stdin), keyed by their paths: the text is linted instead of
/// the disk, and a buffered file need not exist on disk yet. The rest of
/// each file's set is read from disk as context.
pub fn lint_buffers(paths: &[PathBuf], settings: &Settings, buffers: &load::Buffers) -> Outcome {
    run(paths, settings, None, buffers, Catalogs::Free)
}

/// Lints, reporting only on files `changes` names (`--diff`); the rest of
/// their sets is still loaded as context.
pub fn lint_changes(
    paths: &[PathBuf],
    settings: &Settings,
    changes: Option<&ChangeSet>,
) -> Outcome {
    run(
        paths,
        settings,
        changes,
        &load::Buffers::new(),
        Catalogs::Free,
    )
}

/// Lints with both: some files given as text, and reporting only on the
/// files `changes` names (`schema-lint fix` re-lints its edits so).
pub fn lint_with(
    paths: &[PathBuf],
    settings: &Settings,
    changes: Option<&ChangeSet>,
    buffers: &load::Buffers,
) -> Outcome {
    run(paths, settings, changes, buffers, Catalogs::Free)
}

fn run(
    paths: &[PathBuf],
    settings: &Settings,
    changes: Option<&ChangeSet>,
    buffers: &load::Buffers,
    keep: Catalogs,
) -> Outcome {
    let forget_texts = keep == Catalogs::LeaveToExit;
    let (mut project, input_errors) = read_texts(paths, settings, buffers, forget_texts);
    if let Some(changes) = changes {
        for file in &mut project.files {
            let path = file.source.path();
            file.migration.reported &= changes.is_changed(path);
            if changes.is_added(path) {
                project.added.insert(file.id);
            }
        }
    }
    let mut input_errors = input_errors;
    input_errors.sort();

    let overrides = settings.file_overrides(&project);
    let (found, catalogs) = replay_and_check(&mut project, settings, &overrides, keep);
    // Suppressions judge the findings before they are unpacked, so that
    // the suppressed ones never are.
    let mut keys = Vec::with_capacity(found.iter().map(Packed::len).sum());
    for list in &found {
        list.keys_into(&mut keys);
    }
    let judged = suppress::judge(&project, settings, &overrides, &keys);
    let many = keys.len() >= FEW_FINDINGS;
    drop(keys);
    if keep == Catalogs::LeaveToExit {
        project
            .files
            .iter_mut()
            .for_each(load::LoadedFile::keep_for_report);
        if many {
            // The findings unpacked next take as much as the catalog.
            crate::memory::give_back();
        }
    }
    let suppressed = judged.suppressed.iter().filter(|&&s| s).count();
    let mut diagnostics = unpack(found, judged.suppressed);
    diagnostics.extend(judged.unused);
    diagnostics.iter_mut().for_each(Diagnostic::bound);
    sort(&mut diagnostics);
    Outcome {
        project,
        catalogs,
        diagnostics,
        input_errors,
        suppressed,
        database: None,
    }
}

/// Replays each set (pipeline step 3) and runs every active rule on it
/// (step 4), sets in parallel (they share nothing). The facts move out of
/// the project into the catalog: each is needed once, and keeping both
/// would double the model's memory. A set's catalog is freed once its
/// rules have run unless `keep` says otherwise (`fix --new-migration`
/// writes from it; the command line leaves a small one to the exit): the
/// sets' catalogs then never all exist at once.
fn replay_and_check(
    project: &mut Project,
    settings: &Settings,
    overrides: &FileOverrides,
    keep: Catalogs,
) -> (Vec<Packed>, Vec<Catalog>) {
    let facts: Vec<_> = (0..project.sets.len())
        .map(|set| take_facts(project, set))
        .collect();
    let project = &*project;
    let marks = FixMarks::default();
    let fixing = Fixing::new(settings.fixes, &marks);
    let per_set: Vec<(Vec<Packed>, Option<Catalog>)> = project
        .sets
        .par_iter()
        .zip(facts)
        .map(|(set, facts)| {
            // The rules that judge the files alone run beside the replay,
            // on a core it leaves idle.
            let (catalog, mut findings) = rayon::join(
                || replay_facts(facts),
                || {
                    let no_schema = Catalog::default();
                    let files = |target| target == Target::Files;
                    check(
                        project,
                        set,
                        &no_schema,
                        settings,
                        (overrides, fixing),
                        files,
                    )
                },
            );
            let schema = |target| target != Target::Files;
            findings.extend(check(
                project,
                set,
                &catalog,
                settings,
                (overrides, fixing),
                schema,
            ));
            let found: usize = findings.iter().map(Packed::len).sum();
            match keep {
                Catalogs::Keep => return (findings, Some(catalog)),
                Catalogs::LeaveToExit if found < FEW_FINDINGS => std::mem::forget(catalog),
                // Given back with the files' statements (`run`): they
                // were made beside the catalog's parts, file by file, and
                // hold the pages it leaves.
                Catalogs::LeaveToExit => drop(catalog),
                Catalogs::Free => {
                    drop(catalog);
                    // The findings unpacked next take as much again.
                    if found >= FEW_FINDINGS {
                        crate::memory::give_back();
                    }
                }
            }
            (findings, None)
        })
        .collect();
    let (findings, catalogs): (Vec<_>, Vec<_>) = per_set.into_iter().unzip();
    let findings = findings.into_iter().flatten().collect();
    (findings, catalogs.into_iter().flatten().collect())
}

/// Discovers and loads the migration sets of `paths` (pipeline steps 1
/// and 2).
pub fn read(paths: &[PathBuf], settings: &Settings) -> (Project, Vec<InputError>) {
    read_with(paths, settings, &load::Buffers::new())
}

/// `read`, with some files given as text (see `lint_buffers`).
pub fn read_with(
    paths: &[PathBuf],
    settings: &Settings,
    buffers: &load::Buffers,
) -> (Project, Vec<InputError>) {
    read_texts(paths, settings, buffers, false)
}

/// `read_with`; the files read from disk let go of their texts once
/// loaded when `forget_texts` says so (`load::ReadOptions::forget_texts`).
fn read_texts(
    paths: &[PathBuf],
    settings: &Settings,
    buffers: &load::Buffers,
    forget_texts: bool,
) -> (Project, Vec<InputError>) {
    let exclude = |path: &std::path::Path| settings.is_excluded(path);
    // Buffers are found and read by their resolved paths.
    let buffers: load::Buffers = buffers
        .iter()
        .map(|(path, text)| (discover::located(path), text.clone()))
        .collect();
    let options = discover::Options {
        layout: settings.layout,
        sets: &settings.sets,
        exclude: &exclude,
        buffers: &buffers,
    };
    // The likely sets' cache files are read while discovery runs.
    let ahead = settings.cache.clone().map(|folder| {
        let configured = settings.sets.iter().map(|set| set.root.clone()).collect();
        load::cache::Ahead::new(load::cache::Cache::new(folder), paths, configured)
    });
    // Their files' `stat` too, until discovery is done.
    let discovered = std::sync::atomic::AtomicBool::new(false);
    let (discovery, ahead) = rayon::join(
        || {
            let discovery = discover::discover(paths, &options);
            discovered.store(true, std::sync::atomic::Ordering::Relaxed);
            discovery
        },
        || {
            let read = ahead.as_ref().map(|ahead| ahead.read(&discovered));
            read.unwrap_or_default()
        },
    );
    let read = load::ReadOptions {
        max_file_size: settings.max_file_size,
        buffers: std::sync::Arc::new(buffers.clone()),
        cache: settings.cache.clone(),
        forget_texts,
    };
    let (project, mut errors) = load::load_ahead(discovery, read, ahead);
    errors.sort();
    (project, errors)
}

/// Runs the active rules whose target `runs` takes on one set: each
/// rule's findings, in the order of the rules (their order in the output
/// is the sorted one, see `sort`). Each rule reports through its own
/// `Reporter`, which decides what is reported and at which severity.
/// Rules run in parallel: they only read the catalog, and a run with one
/// set (a pre-commit hook, an editor) would otherwise check it on one
/// core.
fn check(
    project: &Project,
    set: &crate::load::LoadedSet,
    catalog: &Catalog,
    settings: &Settings,
    (overrides, fixing): (&FileOverrides, Fixing<'_>),
    runs: impl Fn(Target) -> bool + Sync,
) -> Vec<Packed> {
    let cx = Context::new(project, set, catalog, &settings.lookups);
    let active = settings
        .rules
        .par_iter()
        .filter(|active| runs(active.def.target));
    let whole = set.files.len() < PACK_FROM;
    let per_rule = active.map(|active| {
        let mut reporter = Reporter::new(active, project, overrides).with_fixes(fixing);
        if whole {
            reporter = reporter.keeping_whole();
        }
        active.check(&cx, &mut reporter);
        let mut found = reporter.into_packed();
        found.shrink_to_fit();
        found
    });
    per_rule.collect()
}

/// The findings of several packed lists that `suppressed` does not flag
/// (one flag for each finding of the lists, in order; none when empty), in
/// one list of exactly their number (a list grown by doubling holds up to
/// twice its findings, and a set of thousands of files has a hundred
/// thousand of them), each list freed as soon as it is unpacked.
fn unpack(lists: Vec<Packed>, suppressed: Vec<bool>) -> Vec<Diagnostic> {
    let all = lists.iter().map(Packed::len).sum::<usize>();
    let dropped = suppressed.iter().filter(|&&s| s).count();
    let mut kept = suppressed.into_iter().map(|s| !s);
    let mut out = Vec::with_capacity(all.saturating_sub(dropped));
    for list in lists {
        list.unpack_kept_into(&mut out, &mut kept);
    }
    out
}

/// Migration order (file ids follow it), then position, then rule name; exact
/// duplicates (two rules never report the same finding, but one rule may
/// reach the same place twice) are dropped.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    fn key(d: &Diagnostic) -> (crate::source::FileId, usize, usize, &str, &str) {
        (d.file, d.span.start, d.span.end, d.rule.name(), &d.message)
    }
    // A stable sort of the positions, applied by swapping: sorting the
    // findings themselves needs scratch room for half of them.
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    order.sort_by(|&a, &b| key(&diagnostics[a]).cmp(&key(&diagnostics[b])));
    permute(diagnostics, &mut order);
    diagnostics.dedup();
}

/// Reorders `items` so that the item at `order[i]` ends at `i`, in place
/// (`order` is spent: each cycle of the permutation is followed once).
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut current = start;
        while order[current] != current {
            let source = order[current];
            order[current] = current;
            if source == start {
                break;
            }
            items.swap(current, source);
            current = source;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleId;
    use crate::source::{FileId, Origin};

    /// Findings at one place are ordered by rule name, not by the order of
    /// the registry (`unused-suppression` comes before `prefer-text` there).
    #[test]
    fn findings_at_one_place_are_ordered_by_rule_name() {
        let at = Origin::new(FileId(0), 0..1);
        let mut diagnostics = vec![
            Diagnostic::new(RuleId::UnusedSuppression, &at, "m"),
            Diagnostic::new(RuleId::PreferText, &at, "m"),
        ];
        assert!(RuleId::UnusedSuppression < RuleId::PreferText);
        sort(&mut diagnostics);
        let rules: Vec<&str> = diagnostics.iter().map(|d| d.rule.name()).collect();
        assert_eq!(rules, ["prefer-text", "unused-suppression"]);
    }

    /// The rules that run beside the replay (`Target::Files`) judge the
    /// files alone: on every fixture they find with an empty catalog what
    /// they find with the set's.
    #[test]
    fn file_rules_find_the_same_without_the_schema() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let cases = walkdir::WalkDir::new(&fixtures).min_depth(2).max_depth(2);
        let cli = crate::config::CommandLine {
            select: Some(vec!["all".to_string()]),
            ..Default::default()
        };
        let mut judged = 0;
        for case in cases.into_iter().filter_map(Result::ok) {
            if !case.file_type().is_dir() {
                continue;
            }
            let config = case.path().join("schema-lint.toml");
            let Ok(settings) = crate::config::load(config.is_file().then_some(&*config), &cli)
            else {
                continue;
            };
            let (mut project, _) = read(&[case.path().to_path_buf()], &settings);
            let facts: Vec<_> = (0..project.sets.len())
                .map(|set| take_facts(&mut project, set))
                .collect();
            let overrides = settings.file_overrides(&project);
            let marks = FixMarks::default();
            let fixing = Fixing::new(settings.fixes, &marks);
            for (set, facts) in project.sets.iter().zip(facts) {
                let catalog = replay_facts(facts);
                let files = |target| target == Target::Files;
                let found = |catalog: &Catalog| {
                    let packed = check(
                        &project,
                        set,
                        catalog,
                        &settings,
                        (&overrides, fixing),
                        files,
                    );
                    unpack(packed, Vec::new())
                };
                let with_schema = found(&catalog);
                judged += with_schema.len();
                assert_eq!(
                    with_schema,
                    found(&Catalog::default()),
                    "{}",
                    case.path().display()
                );
            }
        }
        assert!(
            judged > 20,
            "the fixtures give the file rules findings ({judged})"
        );
    }

    #[test]
    fn permutations_are_applied_in_place() {
        for order in [
            vec![2, 0, 1],
            vec![1, 0, 3, 2],
            vec![0, 1, 2],
            vec![3, 2, 1, 0, 4],
        ] {
            let mut items: Vec<char> = "abcde"[..order.len()].chars().collect();
            let wanted: Vec<char> = order.iter().map(|&i| items[i]).collect();
            permute(&mut items, &mut order.clone());
            assert_eq!(items, wanted, "{order:?}");
        }
    }
}
