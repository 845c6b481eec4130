//! A scenario's catalog files on top of the embedded catalog: overrides are used, and bad
//! files get errors that name the file, line and field — never a panic.

use sim_core::catalog::{Catalog, CatalogError, CatalogFiles, RegionIdx};
use std::path::{Path, PathBuf};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("sim-core-catalog-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn write(&self, file: &str, text: &[u8]) -> PathBuf {
        std::fs::write(self.0.join(file), text).expect("write temp file");
        PathBuf::from(file)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn idx(c: &Catalog, id: &str) -> RegionIdx {
    c.region(id).unwrap_or_else(|e| panic!("{e}"))
}

const REGION_HEADER: &str =
    "provider,code,city,country,country_iso2,jurisdiction,continent,lat_deg,lon_deg\n";
const ONPREM: &str = "onprem,fra1,Frankfurt,Germany,DE,EU,europe,50.1,8.7\n";

#[test]
fn no_files_is_the_embedded_catalog() {
    let c = Catalog::load(&CatalogFiles::default(), Path::new("/nonexistent")).expect("embedded");
    assert_eq!(c.regions(), Catalog::embedded().regions());
    assert_eq!(c.fit(), Catalog::embedded().fit());
}

#[test]
fn overridden_rtt_and_prices_are_used_and_the_rest_kept() {
    let dir = TempDir::new("override");
    let files = CatalogFiles {
        rtt: Some(dir.write(
            "rtt.csv",
            b"src,dst,rtt_ms\nAWS:us-east-1,aws:eu-west-1,55.5\n",
        )),
        prices: Some(dir.write(
            "prices.csv",
            b"region,usd_per_hour\naws:us-east-1,0.05\naws:sa-east-1,0.2\n",
        )),
        ..CatalogFiles::default()
    };
    let c = Catalog::load(&files, &dir.0).expect("valid overrides");
    let e = Catalog::embedded();
    let (use1, euw1, use2) = (
        idx(&c, "aws:us-east-1"),
        idx(&c, "aws:eu-west-1"),
        idx(&c, "aws:us-east-2"),
    );
    // One direction given: used both ways, replacing both embedded directions.
    assert_eq!((c.rtt_ms(use1, euw1), c.rtt_ms(euw1, use1)), (55.5, 55.5));
    assert!(c.is_measured(use1, euw1));
    assert_eq!(c.rtt_ms(use1, use2), e.rtt_ms(use1, use2));
    assert_eq!(c.fit().pairs, e.fit().pairs);
    assert_ne!(
        c.fit().intercept_ms,
        e.fit().intercept_ms,
        "the fit sees the override"
    );

    assert_eq!(c.regions()[use1].usd_per_hour, Some(0.05));
    assert_eq!(
        c.regions()[idx(&c, "aws:sa-east-1")].usd_per_hour,
        Some(0.2)
    );
    assert_eq!(c.regions()[euw1].usd_per_hour, Some(0.107));
}

#[test]
fn a_scenario_region_joins_the_catalog() {
    let dir = TempDir::new("onprem");
    let mut files = CatalogFiles {
        regions: Some(dir.write("regions.csv", format!("{REGION_HEADER}{ONPREM}").as_bytes())),
        rtt: Some(dir.write(
            "rtt.csv",
            b"src,dst,rtt_ms\nonprem:fra1,aws:eu-central-1,2.5\n",
        )),
        prices: Some(dir.write("prices.csv", b"region,usd_per_hour\nonprem:fra1,0.03\n")),
        ..CatalogFiles::default()
    };
    let c = Catalog::load(&files, &dir.0).expect("valid");
    assert_eq!(c.regions().len(), Catalog::embedded().regions().len() + 1);
    let (fra1, fra) = (idx(&c, "onprem:fra1"), idx(&c, "aws:eu-central-1"));
    assert_eq!(c.rtt_ms(fra, fra1), 2.5);
    let gcp = idx(&c, "gcp:europe-west3");
    assert!(!c.is_measured(fra1, gcp) && c.rtt_ms(fra1, gcp) > c.fit().intercept_ms);
    // No rule names `onprem`: the catch-all rules price it.
    assert_eq!(c.egress_usd_per_gb(fra1), 0.09);
    assert_eq!(
        c.transfer_usd_per_gb(fra1, fra),
        0.09,
        "across providers: egress"
    );

    files.transfer_prices = Some(dir.write(
        "transfer.csv",
        b"provider,kind,src,dst,usd_per_gb\nonprem,internet_egress,any,internet,0.01\naws,inter_region,europe,same_continent,0.001\n",
    ));
    let c = Catalog::load(&files, &dir.0).expect("valid");
    assert_eq!(c.egress_usd_per_gb(fra1), 0.01);
    assert_eq!(
        c.transfer_usd_per_gb(fra, idx(&c, "aws:eu-west-1")),
        0.001,
        "override rules first"
    );
    assert_eq!(
        c.transfer_usd_per_gb(fra, idx(&c, "aws:us-east-1")),
        0.02,
        "embedded rules next"
    );
}

#[test]
fn catalog_files_deserialize_strictly() {
    let f: CatalogFiles =
        toml_edit::de::from_str("regions = \"r.csv\"\nrtt = \"/abs/rtt.csv\"").expect("valid");
    assert_eq!(f.regions.as_deref(), Some(Path::new("r.csv")));
    assert!(toml_edit::de::from_str::<CatalogFiles>("region = \"r.csv\"").is_err());
}

/// Loads one bad file of the given kind and returns the error.
fn error_for(kind: &str, text: &[u8]) -> (CatalogError, String) {
    let dir = TempDir::new(&format!(
        "bad-{kind}-{:x}",
        text.iter()
            .fold(0u64, |h, &b| h.wrapping_mul(31).wrapping_add(b as u64))
    ));
    let path = dir.write(&format!("{kind}.csv"), text);
    let mut files = CatalogFiles::default();
    match kind {
        "regions" => files.regions = Some(path),
        "rtt" => files.rtt = Some(path),
        "prices" => files.prices = Some(path),
        _ => files.transfer_prices = Some(path),
    }
    let full = dir.0.join(format!("{kind}.csv")).display().to_string();
    match Catalog::load(&files, &dir.0) {
        Ok(_) => panic!(
            "{kind}: {} should be rejected",
            String::from_utf8_lossy(text)
        ),
        Err(e) => (e, full),
    }
}

/// A bad file: kind, text, the line and field the error must name, what it must say.
type Case = (
    &'static str,
    Vec<u8>,
    Option<u64>,
    Option<&'static str>,
    &'static str,
);

#[rustfmt::skip] // a table reads best one case per line
fn bad_files() -> Vec<Case> {
    let region = |row: &str| format!("{REGION_HEADER}{ONPREM}{row}").into_bytes();
    vec![
        ("regions", region("x,a,C,D,DE,EU,europe,95,8\n"), Some(3), Some("lat_deg"), "latitude 95 is outside [-90, 90]"),
        ("regions", region("x,a,C,D,DE,EU,europe,45,-200\n"), Some(3), Some("lon_deg"), "outside [-180, 180]"),
        ("regions", region(ONPREM), Some(3), Some("code"), "duplicate region `onprem:fra1`: already on line 2"),
        ("regions", region("x,a,C,D,DE,EU,atlantis,1,2\n"), Some(3), Some("continent"), "use one of africa"),
        ("regions", region("x,a,C,D,DE,EU,europe,1\n"), Some(3), None, "8 fields where the header has 9"),
        ("regions", region("x,a b,C,D,DE,EU,europe,1,2\n"), Some(3), Some("code"), "use letters, digits"),
        ("regions", region("x,a,C,D,DEU,EU,europe,1,2\n"), Some(3), Some("country_iso2"), "two-letter"),
        ("regions", b"provider,code,city\naws,x,y\n".to_vec(), None, Some("country"), "missing column `country`"),
        ("regions", Vec::new(), None, Some("provider"), "missing column `provider`"),
        ("rtt", b"src,dst,rtt_ms\naws:us-east-1,aws:eu-west-1,-3\n".to_vec(), Some(2), Some("rtt_ms"), "must be \u{2265} 0"),
        ("rtt", b"src,dst,rtt_ms\naws:us-east-1,aws:eu-west-1,inf\n".to_vec(), Some(2), Some("rtt_ms"), "not finite"),
        ("rtt", b"src,dst,rtt_ms\naws:us-east-1,aws:eu-west-1,NaN\n".to_vec(), Some(2), Some("rtt_ms"), "not finite"),
        ("rtt", b"src,dst,rtt_ms\naws:us-east-1,aws:eu-west-1,fast\n".to_vec(), Some(2), Some("rtt_ms"), "`fast` is not a number"),
        ("rtt", b"src,dst,rtt_ms\n\naws:us-east1,aws:eu-west-1,70\n".to_vec(), Some(3), Some("src"), "did you mean `aws:us-east-1`?"),
        ("rtt", b"src,dst,rtt_ms\naws:us-east-1,aws:eu-west-1,70\naws:us-east-1,aws:eu-west-1,71\n".to_vec(), Some(3), Some("dst"), "already given on line 2"),
        ("rtt", b"src,dst,rtt_ms\n\"aws:us-east-1,aws:eu-west-1,70\n".to_vec(), Some(2), None, "malformed CSV"),
        ("rtt", b"src,dst,rtt_ms\naws:us-east-1,aws:eu-west-1,\xff\n".to_vec(), None, None, "cannot read"),
        ("prices", b"region,usd_per_hour\naws:us-east-1,cheap\n".to_vec(), Some(2), Some("usd_per_hour"), "not a number"),
        ("prices", b"region,usd_per_hour\naws:us-east-1,0.1\naws:us-east-1,0.2\n".to_vec(), Some(3), Some("region"), "already has a price on line 2"),
        ("transfer", b"provider,kind,src,dst,usd_per_gb\naws,egress,any,internet,0.1\n".to_vec(), Some(2), Some("kind"), "use `inter_region` or `internet_egress`"),
        ("transfer", b"provider,kind,src,dst,usd_per_gb\namazon,inter_region,any,any,0.1\n".to_vec(), Some(2), Some("provider"), "no region has provider `amazon`"),
        ("transfer", b"provider,kind,src,dst,usd_per_gb\naws,internet_egress,any,any,0.1\n".to_vec(), Some(2), Some("dst"), "the destination is `internet`"),
        ("transfer", b"provider,kind,src,dst,usd_per_gb\naws,inter_region,us-east-9|europe,any,0.1\n".to_vec(), Some(2), Some("src"), "`us-east-9` is neither a continent"),
    ]
}

#[test]
fn malformed_files_name_file_line_and_field() {
    for (kind, text, line, field, says) in bad_files() {
        let (e, file) = error_for(kind, &text);
        let msg = e.to_string();
        assert_eq!(e.file(), file, "{msg}");
        assert!(
            msg.starts_with(&file) || msg.starts_with(&format!("cannot read {file}")),
            "{msg}"
        );
        assert_eq!((e.line(), e.field()), (line, field), "{msg}");
        assert!(msg.contains(says), "`{msg}` should say `{says}`");
    }
}

#[test]
fn a_missing_file_is_named() {
    let files = CatalogFiles {
        prices: Some(PathBuf::from("nope.csv")),
        ..CatalogFiles::default()
    };
    let e = Catalog::load(&files, Path::new("/nonexistent-dir")).expect_err("missing");
    assert!(matches!(e, CatalogError::Read { .. }));
    assert!(
        e.to_string()
            .starts_with("cannot read /nonexistent-dir/nope.csv"),
        "{e}"
    );
}
