//! `regionsim cluster slurm|k8s`: the files it writes are the templates in `deploy/` with
//! the sweep's shard count, paths and resources filled in; bad arguments fail clearly.
//! (A real Slurm runs these files in CI: `deploy/slurm/test-local.sh`; the Kubernetes
//! manifests are checked against the API schemas by `deploy/k8s/validate.sh`.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_regionsim");

fn regionsim(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("regionsim runs")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn ci_sweep() -> PathBuf {
    root().join("deploy/slurm/ci-sweep.toml")
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("regionsim-cluster-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d.canonicalize().unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `out` is `template` with each `{{…}}` replaced by something: the literal pieces between
/// placeholders appear in order, the first at the start and the last at the end.
fn assert_rendered_from(template_path: &str, out: &str) {
    let template = read(&root().join(template_path));
    let mut pieces = Vec::new();
    let mut rest = template.as_str();
    while let Some(a) = rest.find("{{") {
        pieces.push(&rest[..a]);
        let b = rest[a..].find("}}").expect("closed placeholder") + a + 2;
        rest = &rest[b..];
    }
    pieces.push(rest);
    assert!(pieces.len() > 1, "{template_path} has no placeholder");
    assert!(out.starts_with(pieces[0]), "{template_path}: start differs");
    let mut at = pieces[0].len();
    for p in &pieces[1..pieces.len() - 1] {
        let i = out[at..]
            .find(p)
            .unwrap_or_else(|| panic!("{template_path}: {p:?} missing or out of order"));
        at += i + p.len();
    }
    let last = pieces[pieces.len() - 1];
    assert!(
        out[at..].ends_with(last),
        "{template_path}: end differs: {last:?}"
    );
    assert!(!out.contains("{{"), "{template_path}: unfilled placeholder");
}

fn bash_n(p: &Path) {
    let st = Command::new("bash")
        .arg("-n")
        .arg(p)
        .status()
        .expect("bash");
    assert!(st.success(), "{} is not valid bash", p.display());
}

#[test]
fn slurm_scripts_carry_the_shards_paths_and_resources() {
    let dir = temp_dir("slurm");
    let out = dir.join("job");
    let bin = Path::new(BIN).canonicalize().unwrap();
    let sweep = ci_sweep().canonicalize().unwrap();
    let o = regionsim(&[
        "cluster",
        "slurm",
        s(&ci_sweep()),
        "--shards",
        "4",
        "--out",
        s(&out),
        "--threads",
        "2",
        "--time",
        "90m",
        "--mem",
        "2G",
        "--regionsim",
        s(&bin),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("12 runs in 4 tasks (≤ 3 runs each)"),
        "{stdout}"
    );

    let array = read(&out.join("array.sbatch"));
    for want in [
        "#SBATCH --job-name=ci-sweep\n",
        "#SBATCH --array=0-3\n",
        "#SBATCH --cpus-per-task=2\n",
        "#SBATCH --mem=2048M\n",
        "#SBATCH --time=0-01:30:00\n",
        &format!("#SBATCH --output={}/logs/%x-%A_%a.out\n", s(&out)),
        "#SBATCH --requeue\n",
        &format!("REGIONSIM={}\n", s(&bin)),
        &format!("SWEEP={}\n", s(&sweep)),
        &format!("OUT={}\n", s(&out)),
        "SHARDS=4\n",
        "THREADS=2\n",
        "4 tasks of about 3 runs each (12 runs in all)",
        "sweep \"$SWEEP\" --shard \"$I/$SHARDS\" --threads \"$THREADS\" --out \"$OUT/part-$I\" --resume\n",
    ] {
        assert!(array.contains(want), "array.sbatch lacks {want:?}:\n{array}");
    }
    assert_rendered_from("deploy/slurm/array.sbatch", &array);

    let merge = read(&out.join("merge.sbatch"));
    for want in [
        "#SBATCH --job-name=ci-sweep-merge\n",
        "#SBATCH --kill-on-invalid-dep=yes\n",
        "part-0/ … part-3/",
        "SHARDS=4\n",
        "merge \"${parts[@]}\" --out \"$OUT/result\"",
    ] {
        assert!(
            merge.contains(want),
            "merge.sbatch lacks {want:?}:\n{merge}"
        );
    }
    assert_rendered_from("deploy/slurm/merge.sbatch", &merge);

    let submit = read(&out.join("submit.sh"));
    assert!(
        submit.contains("--dependency=\"afterok:$array\""),
        "{submit}"
    );
    assert!(submit.contains(&format!("OUT={}\n", s(&out))), "{submit}");
    assert_rendered_from("deploy/slurm/submit.sh", &submit);

    for f in ["array.sbatch", "merge.sbatch", "submit.sh"] {
        bash_n(&out.join(f));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(out.join(f)).unwrap().permissions().mode();
            assert_eq!(mode & 0o111, 0o111, "{f} is not executable");
        }
    }

    // The merge script lists exactly the task folders, in order.
    let listed = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -e; eval \"$(sed -n '/^OUT=/p;/^SHARDS=/p;/^parts=/,/^done/p' {})\"; printf '%s\\n' \"${{parts[@]}}\"",
            s(&out.join("merge.sbatch"))
        ))
        .output()
        .unwrap();
    let want: String = (0..4).map(|i| format!("{}/part-{i}\n", s(&out))).collect();
    assert_eq!(text(&listed.stdout), want, "{}", text(&listed.stderr));
}

#[test]
fn k8s_manifests_have_indexed_completion_shards_and_volumes() {
    let dir = temp_dir("k8s");
    let out = dir.join("k8s");
    let o = regionsim(&[
        "cluster",
        "k8s",
        s(&ci_sweep()),
        "--shards",
        "4",
        "--out",
        s(&out),
        "--threads",
        "2",
        "--time",
        "1h",
        "--mem",
        "768M",
        "--image",
        "registry.example.com/regionsim:ci",
        "--name",
        "ci",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));

    let job = read(&out.join("sweep-job.yaml"));
    for want in [
        "kind: Job\n",
        "  name: ci-sweep\n",
        "  completionMode: Indexed\n",
        "  completions: 4\n",
        "  parallelism: 4\n",
        "  backoffLimitPerIndex: 3\n",
        "      restartPolicy: Never\n",
        "      activeDeadlineSeconds: 3600\n",
        "          image: registry.example.com/regionsim:ci\n",
        "            - regionsim\n            - sweep\n            - /input/deploy/slurm/ci-sweep.toml\n            - --shard\n            - $(JOB_COMPLETION_INDEX)/4\n            - --threads\n            - \"2\"\n            - --out\n            - /data/part-$(JOB_COMPLETION_INDEX)\n            - --resume\n",
        "metadata.annotations['batch.kubernetes.io/job-completion-index']",
        "              cpu: \"2\"\n              memory: 768Mi\n",
        "            - name: data\n              mountPath: /data\n",
        "            - name: input\n              mountPath: /input\n              readOnly: true\n",
        "            claimName: ci-data\n",
        "            name: ci-input\n",
        "              - key: sweep.toml\n                path: deploy/slurm/ci-sweep.toml\n",
        "              - key: base.toml\n                path: datasets/scenarios/default.toml\n",
    ] {
        assert!(job.contains(want), "sweep-job.yaml lacks {want:?}:\n{job}");
    }
    assert_rendered_from("deploy/k8s/sweep-job.yaml", &job);

    let merge = read(&out.join("merge-job.yaml"));
    let parts: String = (0..4)
        .map(|i| format!("            - /data/part-{i}\n"))
        .collect();
    assert!(
        merge.contains(&format!(
            "            - merge\n{parts}            - --out\n            - /data/result\n"
        )),
        "{merge}"
    );
    assert!(
        merge.contains("            claimName: ci-data\n"),
        "{merge}"
    );
    assert!(merge.contains("  backoffLimit: 0\n"), "{merge}");
    assert_rendered_from("deploy/k8s/merge-job.yaml", &merge);

    let volume = read(&out.join("volume.yaml"));
    assert!(volume.contains("kind: PersistentVolumeClaim\n"), "{volume}");
    assert!(volume.contains("    - ReadWriteMany\n"), "{volume}");
    assert!(volume.contains("      storage: 1024Mi\n"), "{volume}");
    assert_rendered_from("deploy/k8s/volume.yaml", &volume);

    // The ConfigMap carries the sweep file and its base scenario byte for byte.
    let input = read(&out.join("input.yaml"));
    assert_rendered_from("deploy/k8s/input.yaml", &input);
    assert_eq!(
        block(&input, "  sweep.toml: |2"),
        read(&ci_sweep()),
        "sweep.toml in the ConfigMap"
    );
    assert_eq!(
        block(&input, "  base.toml: |2"),
        read(&root().join("datasets/scenarios/default.toml")),
        "base.toml in the ConfigMap"
    );

    let submit = out.join("submit.sh");
    assert_rendered_from("deploy/k8s/submit.sh", &read(&submit));
    bash_n(&submit);
}

/// The text of a `|2` literal block (clip chomping) whose header line is `head`, under a
/// key indented by 2 (content indented by 4).
fn block(yaml: &str, head: &str) -> String {
    let start = yaml
        .find(&format!("{head}\n"))
        .unwrap_or_else(|| panic!("no {head:?} in\n{yaml}"))
        + head.len()
        + 1;
    let mut lines: Vec<&str> = Vec::new();
    for l in yaml[start..].lines() {
        if l.is_empty() {
            lines.push("");
        } else if let Some(c) = l.strip_prefix("    ") {
            lines.push(c);
        } else {
            break;
        }
    }
    while lines.last() == Some(&"") {
        lines.pop();
    }
    lines.join("\n") + "\n"
}

fn fails(args: &[&str]) -> String {
    let o = regionsim(args);
    let err = text(&o.stderr);
    assert!(!o.status.success(), "{args:?} succeeded");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn bad_arguments_fail_with_the_reason_and_the_fix() {
    let dir = temp_dir("bad");
    let sweep = ci_sweep();
    let out = dir.join("o");
    let run = |extra: &[&str]| {
        let mut a = vec!["cluster", "slurm", s(&sweep), "--out", s(&out)];
        a.extend_from_slice(extra);
        fails(&a)
    };
    let e = run(&["--shards", "0"]);
    assert!(
        e.contains("--shards 0: a sweep needs at least one task"),
        "{e}"
    );
    let e = run(&["--shards", "13"]);
    assert!(
        e.contains("--shards 13 but") && e.contains("only 12 runs"),
        "{e}"
    );
    let e = run(&["--shards", "2", "--time", "30s"]);
    assert!(e.contains("at least one minute"), "{e}");
    let e = run(&["--shards", "2", "--mem", "lots"]);
    assert!(e.contains("not a memory size"), "{e}");
    let e = run(&["--shards", "2", "--name", "Big_Sweep"]);
    assert!(e.contains("--name `Big_Sweep`"), "{e}");
    let e = run(&["--shards", "2", "--threads", "0"]);
    assert!(e.contains("--threads 0"), "{e}");
    assert!(
        !out.join("array.sbatch").exists(),
        "files written after an error"
    );

    let missing = dir.join("nope.toml");
    let e = fails(&[
        "cluster",
        "slurm",
        s(&missing),
        "--shards",
        "2",
        "--out",
        s(&out),
    ]);
    assert!(e.contains("nope.toml") && e.contains("cannot read"), "{e}");

    // #SBATCH lines cannot quote a path.
    let spaced = dir.join("with space");
    let e = fails(&[
        "cluster",
        "slurm",
        s(&sweep),
        "--shards",
        "2",
        "--out",
        s(&spaced),
    ]);
    assert!(e.contains("--out") && e.contains("' '"), "{e}");

    // An invalid sweep is refused here, not on the cluster.
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[axes]\n\"routing.dns_tll\" = [\"10s\"]\n").unwrap();
    let e = fails(&[
        "cluster",
        "k8s",
        s(&bad),
        "--shards",
        "1",
        "--out",
        s(&out),
        "--image",
        "x:1",
    ]);
    assert!(e.contains("did you mean `routing.dns_ttl`"), "{e}");

    // The pods cannot see an absolute base path.
    let abs = dir.join("abs.toml");
    let base = root().join("datasets/scenarios/default.toml");
    std::fs::write(
        &abs,
        format!(
            "base = {:?}\n[axes]\nlayout = [\"sharded\", \"active-active\"]\n",
            s(&base)
        ),
    )
    .unwrap();
    let e = fails(&[
        "cluster",
        "k8s",
        s(&abs),
        "--shards",
        "2",
        "--out",
        s(&out),
        "--image",
        "x:1",
    ]);
    assert!(e.contains("absolute base path"), "{e}");
    let e = fails(&[
        "cluster",
        "k8s",
        s(&sweep),
        "--shards",
        "2",
        "--out",
        s(&out),
        "--image",
        "a b",
    ]);
    assert!(e.contains("--image `a b`"), "{e}");
}

#[test]
fn a_sweep_on_the_embedded_default_needs_only_its_own_file() {
    let dir = temp_dir("embedded");
    let sweep = dir.join("Tiny Sweep.toml");
    std::fs::write(&sweep, "replications = 3\n[set]\nduration = \"5s\"\n").unwrap();
    let out = dir.join("k");
    let o = regionsim(&[
        "cluster",
        "k8s",
        s(&sweep),
        "--shards",
        "3",
        "--out",
        s(&out),
        "--image",
        "r:1",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let job = read(&out.join("sweep-job.yaml"));
    // The unquotable file name is replaced; the sweep has no base to lay out.
    assert!(job.contains("            - /input/sweep.toml\n"), "{job}");
    assert!(job.contains("  name: tiny-sweep-sweep\n"), "{job}");
    assert!(!job.contains("base.toml"), "{job}");
    let input = read(&out.join("input.yaml"));
    assert_eq!(block(&input, "  sweep.toml: |2"), read(&sweep));
}
