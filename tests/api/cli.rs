//! The built `hub` binary, run as a user would.

use std::path::Path;
use std::process::Output;

use tempfile::TempDir;

use crate::helpers::{TestDatabase, texts_of};

/// Run the `hub` binary in `dir` with `args`, without any `HUB_*` variable from the test
/// environment.
pub async fn hub(dir: &Path, args: &[&str]) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_hub"));
    command.args(args).current_dir(dir);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("HUB_") {
            command.env_remove(key);
        }
    }
    command.output().await.expect("run the hub binary")
}

/// Runs the `hub` binary in `dir` against the store at `url`: `hub --database-url URL ARGS…`.
pub async fn hub_on(dir: &Path, url: &str, args: &[&str]) -> Output {
    let mut all = vec!["--database-url", url];
    all.extend_from_slice(args);
    hub(dir, &all).await
}

/// A fresh store and a working directory to run the `hub` binary in against it.
pub struct CliStore {
    /// The store.
    pub database: TestDatabase,
    /// The working directory.
    pub dir: TempDir,
}

impl CliStore {
    /// A fresh (unmigrated) store on the configured backend and an empty directory.
    pub async fn new() -> Self {
        Self {
            database: TestDatabase::new().await,
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// The working directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `hub --database-url URL ARGS…` in the working directory.
    pub async fn hub(&self, args: &[&str]) -> Output {
        hub_on(self.path(), &self.database.url, args).await
    }
}

/// Asserts that `out` succeeded (naming `what` and its stderr otherwise).
pub fn assert_success(out: &Output, what: &str) {
    assert!(out.status.success(), "{what}: {}", text(&out.stderr));
}

/// The stdout of `out` parsed as JSON.
pub fn stdout_json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON on stdout ({e}): {}", text(&out.stdout)))
}

/// Output bytes as text (lossy).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn migrate_twice_then_query_lists_31_member_units() {
    let cli = CliStore::new().await;
    for round in 1..=2 {
        // The option also works after the command.
        let url = cli.database.url.as_str();
        let out = hub(cli.path(), &["migrate", "--database-url", url]).await;
        assert_success(&out, &format!("migrate #{round}"));
    }
    let out = cli.hub(&["query", "{ memberUnits { code } }"]).await;
    assert_success(&out, "query");
    let json = stdout_json(&out);
    let codes = texts_of(&json["data"]["memberUnits"], "code");
    assert_eq!(codes, crate::storage::UNIT_CODES);
}

#[tokio::test]
async fn query_with_variables_and_a_failing_query() {
    let cli = CliStore::new().await;
    let out = cli
        .hub(&[
            "query",
            "query($q: String) { organizations(search: $q) { name } }",
            "--variables",
            r#"{"q": "八一农垦"}"#,
        ])
        .await;
    assert_success(&out, "query");
    assert_eq!(
        stdout_json(&out)["data"]["organizations"][0]["name"],
        "黑龙江八一农垦大学"
    );

    let out = cli.hub(&["query", "{ nope }"]).await;
    assert!(!out.status.success(), "an invalid query must fail");
    assert_eq!(
        stdout_json(&out)["errors"][0]["extensions"]["code"],
        "BAD_INPUT"
    );

    let query = "{ memberUnits { code } }";
    let out = cli.hub(&["query", query, "--variables", "[1]"]).await;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--variables"));
}

#[tokio::test]
async fn units_prints_the_registry_as_a_table() {
    let cli = CliStore::new().await;
    let out = cli.hub(&["units"]).await;
    assert_success(&out, "units");
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2 + 31, "{stdout}");
    assert!(lines[0].starts_with("code"));
    assert!(
        lines.iter().any(|l| l.starts_with("hmu_daqing")
            && l.contains("哈尔滨医科大学大庆校区")
            && l.ends_with("university")),
        "{stdout}"
    );
}

#[tokio::test]
async fn the_default_store_is_created_under_hub_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = hub(dir.path(), &["migrate"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("hub-data/hub.db").is_file());
}

#[tokio::test]
async fn help_explains_every_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = hub(dir.path(), &["--help"]).await;
    assert!(out.status.success());
    let help = text(&out.stdout);
    for command in ["migrate", "serve", "query", "units"] {
        assert!(help.contains(command), "--help lacks {command}: {help}");
    }
    let out = hub(dir.path(), &["serve", "--help"]).await;
    assert!(text(&out.stdout).contains("--bind"));
}

#[tokio::test]
async fn a_bad_setting_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = hub(dir.path(), &["--config", "missing.toml", "units"]).await;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("missing.toml"));
}

#[tokio::test]
async fn the_import_benchmark_reports_the_median_of_its_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = hub(
        dir.path(),
        &["bench", "import", "--rows", "400", "--runs", "3", "--json"],
    )
    .await;
    assert!(out.status.success(), "bench: {}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(report["runs"], 3);
    for phase in ["parse", "sqlite"] {
        assert_eq!(report[phase]["rows"], 400, "{report}");
        let mut seconds: Vec<f64> = report[&format!("{phase}_seconds")]
            .as_array()
            .expect("seconds of every run")
            .iter()
            .filter_map(serde_json::Value::as_f64)
            .collect();
        assert_eq!(seconds.len(), 3);
        seconds.sort_by(f64::total_cmp);
        assert_eq!(report[phase]["seconds"].as_f64(), Some(seconds[1]));
    }
    assert_eq!(report["sqlite"]["accepted"], 400);
    assert!(report["peak_rss_bytes"].as_u64().is_some_and(|b| b > 0));
}
