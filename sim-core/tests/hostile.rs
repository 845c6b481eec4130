//! A hostile corpus for the zone, dependency, autoscaling and follow-the-sun inputs
//! (issue #20), each run through the real `regionsim` binary under a time and memory
//! limit: the command must not panic, hang or allocate without bound, and every wrong
//! input must get an error (or, for legal input that is surely a mistake, a warning) that
//! names the file, the line and column, the field, and the fix.
//!
//! Why a second corpus beside `broken.rs`: that one asks for a place and a fragment of
//! the message; this one also pins the field path printed after the place and the fix,
//! and catches hangs (a case that runs past [`TIME_LIMIT`] fails) and runaway allocation
//! (the binary runs under `ulimit -v`, so an allocation past [`MEMORY_LIMIT_KB`] aborts it,
//! which counts as a crash).
//!
//! The cases are listed in `tests/data/hostile/cases.txt`, one a line:
//!
//! ```text
//! ARGS | KIND | AT | FIELD | FIX
//! validate @zones-17.toml | error | 9:9 | regions[0].zones | from 1 to 16
//! ```
//!
//! `ARGS` are split at spaces; `@x` is the file `tests/data/hostile/x` and `@out` a fresh
//! folder. `KIND` is `error` (exit status 1, or 2 for a command-line usage error) or `warning` (exit status 0, the message
//! printed as `warning: …`), or `ok` for legal input that once crashed, hung or gave a
//! wrong answer at run time (exit status 0; `AT`, `FIELD` and `FIX` are `-`). For a file, the message must contain
//! `FILE:AT: FIELD: ` (`AT` is `LINE:COL`) and `FIX` further on the same line. For a
//! command-line flag (`AT` is `-`), `FIELD` names the flag and must appear on the line
//! that holds `FIX`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Wall time one case may take (the slowest run in the corpus takes about a second).
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Virtual memory one case may map, in KiB: 4 GiB, far above what any of them needs.
const MEMORY_LIMIT_KB: u64 = 4 << 20;

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile")
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("regionsim-hostile-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

/// What one run of the binary did.
struct Outcome {
    /// `None` when killed by a signal (an abort on a failed allocation, or the timeout).
    code: Option<i32>,
    stderr: String,
    timed_out: bool,
}

/// Runs `regionsim ARGS` under the memory limit, killing it after [`TIME_LIMIT`].
fn regionsim(args: &[String], scratch: &Path) -> Outcome {
    let out = scratch.join("stdout");
    let err = scratch.join("stderr");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_LIMIT_KB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_regionsim"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out).unwrap())
        .stderr(fs::File::create(&err).unwrap())
        .spawn()
        .expect("sh runs");
    let started = Instant::now();
    let (status, timed_out) = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break (s, false);
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            break (child.wait().unwrap(), true);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Outcome {
        code: status.code(),
        stderr: String::from_utf8_lossy(&fs::read(&err).unwrap()).into_owned(),
        timed_out,
    }
}

/// What a case expects.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Exit status 1 and a located error.
    Error,
    /// Exit status 0 and a located `warning: …`.
    Warning,
    /// Legal input that once went wrong at run time: exit status 0, nothing printed.
    Ok,
}

/// One line of `cases.txt`.
struct Case<'a> {
    args: &'a str,
    kind: Kind,
    at: &'a str,
    field: &'a str,
    fix: &'a str,
}

fn parse(line: &str) -> Result<Case<'_>, String> {
    let p: Vec<&str> = line.splitn(5, " | ").map(str::trim).collect();
    if p.len() != 5 {
        return Err("want `ARGS | KIND | AT | FIELD | FIX`".into());
    }
    let kind = match p[1] {
        "error" => Kind::Error,
        "warning" => Kind::Warning,
        "ok" => Kind::Ok,
        k => return Err(format!("KIND is `error`, `warning` or `ok`, not `{k}`")),
    };
    let blank = p[3].is_empty() || p[3] == "-" || p[4].is_empty() || p[4] == "-";
    if blank != (kind == Kind::Ok) {
        return Err("an error or a warning names its field and its fix; `ok` has `-`".into());
    }
    Ok(Case {
        args: p[0],
        kind,
        at: p[2],
        field: p[3],
        fix: p[4],
    })
}

/// Why the outcome of `case` (whose first `@` file is `file`) falls short; empty if not.
fn judge(case: &Case<'_>, file: Option<&Path>, o: &Outcome) -> Vec<String> {
    let mut why = Vec::new();
    let err = &o.stderr;
    if o.timed_out {
        why.push(format!("still running after {TIME_LIMIT:?}"));
    } else if o.code.is_none() || o.code == Some(101) || err.contains("panicked") {
        why.push(format!(
            "crashed ({:?}: a panic, or an allocation past the limit)",
            o.code
        ));
    } else if case.kind != Kind::Error && o.code != Some(0) {
        why.push(format!("failed ({:?}) where it should succeed", o.code));
    } else if case.kind == Kind::Error && !matches!(o.code, Some(1 | 2)) {
        why.push(format!(
            "exit status {:?}, want 1 (2 for a command-line usage error)",
            o.code
        ));
    }
    if case.kind == Kind::Ok {
        return why;
    }
    let head = match (case.at, file) {
        ("-", _) => case.field.to_string(),
        (at, Some(f)) => format!("{}:{at}: {}: ", f.display(), case.field),
        (_, None) => return vec!["AT needs an @ file".into()],
    };
    let line = err.lines().find(|l| {
        let tail = l.split_once(head.as_str()).map(|x| x.1);
        tail.is_some_and(|t| t.contains(case.fix) || (case.at == "-" && l.contains(case.fix)))
    });
    match line {
        None => why.push(format!("no line with `{head}` … `{}`", case.fix)),
        Some(l) if case.kind == Kind::Warning && !l.starts_with("warning: ") => {
            why.push("the message is not a warning".into())
        }
        Some(_) => {}
    }
    why
}

#[test]
fn hostile_inputs_get_located_errors_with_a_fix_and_never_crash() {
    let dir = hostile_dir();
    let list = fs::read_to_string(dir.join("cases.txt")).unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    for (i, line) in list.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        n += 1;
        let case = parse(line).unwrap_or_else(|e| panic!("cases.txt:{}: {e}", i + 1));
        let scratch = temp(&format!("case-{i}"));
        let mut first: Option<PathBuf> = None;
        let mut argv = Vec::new();
        for a in case.args.split_whitespace() {
            if a == "@out" {
                argv.push(scratch.join("out").display().to_string());
            } else if let Some(f) = a.strip_prefix('@') {
                let p = dir.join(f);
                assert!(p.exists(), "cases.txt:{}: no file {f}", i + 1);
                first.get_or_insert(p.clone());
                argv.push(p.display().to_string());
            } else {
                argv.push(a.to_string());
            }
        }
        let o = regionsim(&argv, &scratch);
        let why = judge(&case, first.as_deref(), &o);
        if !why.is_empty() {
            failures.push(format!(
                "cases.txt:{}: `{}`: {}\n    stderr: {}",
                i + 1,
                case.args,
                why.join(", "),
                o.stderr.trim().replace('\n', "\n            ")
            ));
        }
        let _ = fs::remove_dir_all(&scratch);
    }
    assert!(n >= 120, "the corpus has {n} cases, want at least 120");
    assert!(
        failures.is_empty(),
        "{} of {n} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every file in the corpus folder is used by a case, so none rots unseen.
#[test]
fn every_corpus_file_has_a_case() {
    let dir = hostile_dir();
    let list = fs::read_to_string(dir.join("cases.txt")).unwrap();
    let mut unused = Vec::new();
    for e in fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") && !list.contains(&format!("@{name}")) {
            unused.push(name);
        }
    }
    unused.sort();
    assert!(unused.is_empty(), "files without a case: {unused:?}");
}

/// Lists of any length validate in time linear in their length: 20,000 dependencies and
/// as many `dependency-outage` failures naming them (each name used to be looked up by a
/// scan of the list: quadratic, minutes for a few megabytes of TOML).
#[test]
fn enormous_lists_validate_in_bounded_time() {
    let n = 20_000;
    let mut text = String::from(
        "duration = \"2m\"\n[workload]\npeak_rps = 100.0\n[[regions]]\nid = \"aws:us-east-1\"\n\
         [[regions]]\nid = \"aws:us-west-2\"\n",
    );
    for i in 0..n {
        text += &format!("[[dependencies]]\nname = \"d{i}\"\nprovider = \"aws\"\n");
    }
    for i in (0..n).rev() {
        text += &format!(
            "[[failures]]\nkind = \"dependency-outage\"\ndependency = \"d{i}\"\nstart = \"30s\"\n\
             duration = \"1s\"\n"
        );
    }
    let scratch = temp("enormous");
    let file = scratch.join("enormous.toml");
    fs::write(&file, text).unwrap();
    let started = Instant::now();
    let o = regionsim(&["validate".into(), file.display().to_string()], &scratch);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    // About a second on a loaded 2-core machine; a scan per name took over 20.
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    let _ = fs::remove_dir_all(&scratch);
}
