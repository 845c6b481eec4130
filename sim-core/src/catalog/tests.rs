//! Tests of the embedded catalog: the data is what `datasets/README.md` says it is.

use super::*;
use crate::catalog::csvin::Input;

const README: &str = include_str!("../../../datasets/README.md");

fn cat() -> &'static Catalog {
    Catalog::embedded()
}

fn idx(id: &str) -> RegionIdx {
    match cat().region(id) {
        Ok(i) => i,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn embedded_data_loads_with_the_expected_regions() {
    let count = |p: &str| cat().regions().iter().filter(|r| r.provider == p).count();
    assert_eq!((count("aws"), count("gcp"), count("azure")), (32, 40, 54));
    assert_eq!(cat().providers(), ["aws", "azure", "gcp"]);
    let ids: Vec<&str> = cat().regions().iter().map(|r| r.id.as_str()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "sorted by id, no duplicates"
    );
    let r = &cat().regions()[idx("aws:eu-central-1")];
    assert_eq!(
        (r.city.as_str(), r.jurisdiction.as_str(), r.continent),
        ("Frankfurt", "EU", Continent::Europe)
    );
    assert_eq!(cat().regions()[idx("azure:uksouth")].jurisdiction, "UK");
    assert_eq!(cat().regions()[idx("gcp:europe-west6")].jurisdiction, "CH");
    assert_eq!(
        cat().regions()[idx("azure:norwayeast")].jurisdiction,
        "EU",
        "EEA counts as EU"
    );
    assert_eq!(
        cat().regions()[idx("aws:me-central-1")].continent,
        Continent::MiddleEast
    );
    // The corrected sign of Azure Spain Central's longitude (see the README).
    assert!(cat().regions()[idx("azure:spaincentral")].lon < 0.0);
}

#[test]
fn region_ids_are_case_insensitive_and_typos_get_a_suggestion() {
    assert_eq!(cat().region("AWS:US-East-1"), Ok(idx("aws:us-east-1")));
    let e = cat().region("aws:us-east1").expect_err("typo");
    assert_eq!(
        e.to_string(),
        "unknown region `aws:us-east1`; did you mean `aws:us-east-1`?"
    );
    let e = cat().region("europe-west1").expect_err("no provider");
    assert_eq!(e.suggestion.as_deref(), Some("gcp:europe-west1"));
    let e = cat().region("xyz:nowhere").expect_err("far");
    assert_eq!(e.suggestion, None);
    assert!(e.to_string().contains("`provider:code`"), "{e}");
}

#[test]
fn measured_matrix_is_nearly_symmetric() {
    let input = Input::embedded("rtt_ms.csv", load::EMBEDDED_RTT);
    let directed = match latency::parse(&input, &cat().ids) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let mut rel = Vec::new();
    let mut max_abs: f64 = 0.0;
    for (&(a, b), &(ab, _)) in &directed {
        if a < b {
            let (ba, _) = directed[&(b, a)]; // every pair is measured both ways
            max_abs = max_abs.max((ab - ba).abs());
            rel.push((ab - ba).abs() / ((ab + ba) / 2.0));
        }
    }
    rel.sort_by(f64::total_cmp);
    assert_eq!(rel.len(), 2707);
    assert!(latency::quantile(&rel, 0.5) < 0.01);
    assert!(latency::quantile(&rel, 0.99) < 0.15);
    assert!(max_abs <= 25.0, "{max_abs}");
}

#[test]
fn spot_values_match_the_sources() {
    let (use1, euw1) = (idx("aws:us-east-1"), idx("aws:eu-west-1"));
    assert!(
        (cat().rtt_ms(use1, euw1) - 69.6).abs() < 3.0,
        "{}",
        cat().rtt_ms(use1, euw1)
    );
    assert!(cat().is_measured(use1, euw1) && cat().is_measured(euw1, use1));
    assert!((cat().rtt_ms(idx("gcp:us-east4"), idx("gcp:europe-west1")) - 80.0).abs() < 3.0);
    assert!((cat().rtt_ms(idx("azure:eastus"), idx("azure:westeurope")) - 83.0).abs() < 3.0);
    // Diagonals: measured for AWS, the default for Azure.
    assert!(cat().is_measured(use1, use1) && cat().rtt_ms(use1, use1) < 10.0);
    let eastus = idx("azure:eastus");
    assert!(!cat().is_measured(eastus, eastus));
    assert_eq!(cat().rtt_ms(eastus, eastus), INTRA_REGION_RTT_MS);
}

#[test]
fn no_measured_pair_is_faster_than_light_in_fibre() {
    let rs = cat().regions();
    for a in 0..rs.len() {
        for b in 0..rs.len() {
            if a != b && cat().is_measured(a, b) {
                let km = great_circle_km(rs[a].lat, rs[a].lon, rs[b].lat, rs[b].lon);
                let ms = cat().rtt_ms(a, b);
                assert!(
                    ms >= km / FIBRE_KM_PER_MS_RTT,
                    "{} – {}: {ms} ms over {km} km",
                    rs[a].id,
                    rs[b].id
                );
            }
        }
    }
}

#[test]
fn unmeasured_pairs_use_the_fit_symmetrically() {
    let (a, b) = (idx("aws:us-east-1"), idx("gcp:europe-west1"));
    assert!(!cat().is_measured(a, b));
    let rs = cat().regions();
    let km = great_circle_km(rs[a].lat, rs[a].lon, rs[b].lat, rs[b].lon);
    let f = cat().fit();
    assert_eq!(cat().rtt_ms(a, b), f.intercept_ms + f.ms_per_km * km);
    assert_eq!(cat().rtt_ms(a, b), cat().rtt_ms(b, a));
    assert_eq!(
        cat().rtt_to_point_ms(b, rs[a].lat, rs[a].lon),
        cat().rtt_ms(a, b)
    );
    // A point at the region itself: the fitted intercept.
    assert_eq!(
        cat().rtt_to_point_ms(a, rs[a].lat, rs[a].lon),
        f.intercept_ms
    );
}

#[test]
fn latency_fit_matches_the_readme() {
    let f = cat().fit();
    // Light in fibre: at least 1 ms of RTT per 100 km.
    assert!(f.ms_per_km >= 1.0 / FIBRE_KM_PER_MS_RTT);
    // Pinned values (tolerances allow for data refreshes that move them a little).
    assert_eq!(f.pairs, 2707);
    assert!((f.intercept_ms - 8.82).abs() < 0.05, "{f:?}");
    assert!((f.ms_per_km - 0.015208).abs() < 5e-5, "{f:?}");
    assert!((f.median_rel_err - 0.128).abs() < 0.005, "{f:?}");
    assert!((f.p90_rel_err - 0.355).abs() < 0.01, "{f:?}");
    // The README quotes exactly what the code computes.
    for quoted in [
        format!("a = {:.2} ms", f.intercept_ms),
        format!("b = {:.6} ms/km", f.ms_per_km),
        format!("median relative error {:.1} %", f.median_rel_err * 100.0),
        format!("p90 {:.1} %", f.p90_rel_err * 100.0),
        format!("{} pairs", f.pairs),
    ] {
        assert!(
            README.contains(&quoted),
            "datasets/README.md should say `{quoted}`"
        );
    }
}

#[test]
fn prices_and_transfer_rules_resolve() {
    let rs = cat().regions();
    assert_eq!(rs[idx("aws:us-east-1")].usd_per_hour, Some(0.096));
    assert_eq!(rs[idx("aws:eu-west-1")].usd_per_hour, Some(0.107));
    assert_eq!(
        rs[idx("aws:sa-east-1")].usd_per_hour,
        None,
        "absent from the source"
    );
    assert_eq!(rs[idx("azure:belgiumcentral")].usd_per_hour, None);
    let priced = |p: &str| {
        rs.iter()
            .filter(|r| r.provider == p && r.usd_per_hour.is_some())
            .count()
    };
    assert_eq!(
        (priced("aws"), priced("gcp"), priced("azure")),
        (22, 40, 52)
    );

    let t = |a: &str, b: &str| cat().transfer_usd_per_gb(idx(a), idx(b));
    assert_eq!(t("aws:us-east-1", "aws:us-east-2"), 0.01);
    assert_eq!(t("aws:us-east-1", "aws:eu-west-1"), 0.02);
    assert_eq!(t("aws:sa-east-1", "aws:us-east-1"), 0.138);
    assert_eq!(
        t("aws:ap-southeast-4", "aws:us-east-1"),
        0.098,
        "assumed as Sydney"
    );
    assert_eq!(t("gcp:europe-west1", "gcp:europe-west4"), 0.02);
    assert_eq!(t("gcp:europe-west1", "gcp:us-east1"), 0.05);
    assert_eq!(t("gcp:asia-east1", "gcp:us-east1"), 0.08);
    assert_eq!(t("azure:eastus", "azure:westeurope"), 0.05);
    assert_eq!(t("azure:brazilsouth", "azure:eastus"), 0.16);
    assert_eq!(t("aws:us-east-1", "aws:us-east-1"), 0.0);
    // Across providers: the source's internet egress.
    assert_eq!(
        t("aws:us-east-1", "gcp:us-east4"),
        cat().egress_usd_per_gb(idx("aws:us-east-1"))
    );
    assert_eq!(cat().egress_usd_per_gb(idx("aws:us-east-1")), 0.09);
    assert_eq!(cat().egress_usd_per_gb(idx("azure:brazilsouth")), 0.181);
    // GCP: 0.12 USD/GiB in GB.
    assert!(
        (cat().egress_usd_per_gb(idx("gcp:us-central1")) - 0.12 * 1e9 / 2f64.powi(30)).abs() < 1e-6
    );
    for (a, r) in rs.iter().enumerate() {
        assert!(cat().egress_usd_per_gb(a) > 0.0, "{}", r.id);
    }
}

#[test]
fn default_areas_cover_the_world_and_sum_to_one() {
    let areas = cat().default_areas();
    assert!((20..=45).contains(&areas.len()), "{}", areas.len());
    assert!((areas.iter().map(|a| a.share).sum::<f64>() - 1.0).abs() < 1e-12);
    let find = |n: &str| {
        areas
            .iter()
            .find(|a| a.name == n)
            .unwrap_or_else(|| panic!("no area {n}"))
    };
    let us: Vec<_> = areas.iter().filter(|a| a.country_iso2 == "US").collect();
    assert_eq!(us.len(), 3, "the US is split by time zone");
    assert_eq!(find("United States (East)").utc_offset_hours, -5.0);
    assert_eq!(find("United States (West)").utc_offset_hours, -8.0);
    assert_eq!(find("India").utc_offset_hours, 5.5);
    assert_eq!(find("Germany").jurisdiction, "EU");
    assert_eq!(find("United Kingdom").jurisdiction, "UK");
    assert!(find("China").share > find("India").share);
}

#[test]
fn failure_defaults_per_provider() {
    let aws = cat().failure_defaults("AWS").expect("aws");
    let gcp = cat().failure_defaults("gcp").expect("gcp");
    for d in [aws, gcp] {
        // Between a failure a month and one a decade; repairs of hours.
        assert!((720.0..87_660.0).contains(&d.mtbf_hours), "{d:?}");
        assert!((0.5..48.0).contains(&d.mttr_hours), "{d:?}");
    }
    assert_eq!(cat().failure_defaults("azure"), None);
}

#[test]
fn regions_table_lists_rows_and_rejects_unknown_providers() {
    let all = regions_table(cat(), None).expect("all");
    assert_eq!(all.lines().count(), 1 + 126);
    assert!(all.lines().next().is_some_and(|h| h.starts_with("region")));
    let aws = regions_table(cat(), Some("AWS")).expect("aws");
    assert_eq!(aws.lines().count(), 1 + 32);
    let row = aws
        .lines()
        .find(|l| l.starts_with("aws:us-east-1 "))
        .expect("us-east-1 row");
    assert!(
        row.contains("Ashburn") && row.contains("0.0960") && row.contains("us-east-2"),
        "{row}"
    );
    let sa = aws
        .lines()
        .find(|l| l.starts_with("aws:sa-east-1 "))
        .expect("sa-east-1 row");
    assert!(sa.contains(" - "), "no price: {sa}");
    // Aligned: the city column starts at the same place on every line.
    let col = |l: &str| l.find("Ashburn").or(l.find("city"));
    assert_eq!(col(aws.lines().next().unwrap_or_default()), col(row));
    let e = regions_table(cat(), Some("awz")).expect_err("typo");
    assert_eq!(e.suggestion.as_deref(), Some("aws"));
    assert!(e.to_string().contains("aws, azure, gcp"), "{e}");
}

#[test]
fn user_rtt_is_anchored_on_the_nearest_measured_region_else_the_fit() {
    use super::latency::UserRoute;
    let c = cat();
    let use1 = c.region("aws:us-east-1").unwrap();
    let euw1 = c.region("aws:eu-west-1").unwrap();
    let b = c.fit().ms_per_km;
    // Next to the serving region: its measured diagonal plus the slope-only last mile.
    let u = &c.regions()[use1];
    match c.user_route(u.lat + 0.1, u.lon, use1) {
        UserRoute::Intra { km, ms } => {
            assert!((ms - (c.rtt_ms(use1, use1) + b * km)).abs() < 1e-12)
        }
        other => panic!("{other:?}"),
    }
    // In Dublin: eu-west-1 is the anchor, its measured RTT to us-east-1 is used.
    match c.user_route(53.35, -6.26, use1) {
        UserRoute::Anchored { anchor, ms, .. } => {
            assert_eq!(anchor, euw1);
            assert!((ms - c.rtt_ms(euw1, use1)).abs() < 0.01, "{ms}");
        }
        other => panic!("{other:?}"),
    }
    // Mid-Atlantic: the nearest measured region is too far off the path: the fit.
    let (lat, lon) = (45.0, -40.0);
    match c.user_route(lat, lon, use1) {
        UserRoute::Fit { km, ms } => {
            assert_eq!(ms, c.fit().predict_ms(km));
            assert_eq!(km, great_circle_km(lat, lon, u.lat, u.lon));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        c.user_rtt_ms(lat, lon, use1),
        c.user_route(lat, lon, use1).ms()
    );
}
