//! The region list as text: what `regionsim regions [--provider P]` prints.
//!
//! One row per region, sorted by id: id, city, jurisdiction, the reference VM's price per
//! hour (`-` if unknown) and the three nearest regions of the same provider by RTT (a
//! cross-provider RTT is only modelled, so it would mislead here). An RTT from the fitted
//! model rather than a measurement is marked `~`.

use super::error::{closest, UnknownProvider};
use super::{Catalog, RegionIdx};
use std::fmt::Write;

/// How many neighbours each row lists.
const NEIGHBOURS: usize = 3;

/// The region table, for all providers or one (case-insensitive).
pub fn regions_table(catalog: &Catalog, provider: Option<&str>) -> Result<String, UnknownProvider> {
    let providers = catalog.providers();
    let wanted = match provider {
        None => None,
        Some(p) => {
            let p = p.trim().to_ascii_lowercase();
            if !providers.contains(&p.as_str()) {
                return Err(UnknownProvider {
                    suggestion: closest(&p, providers.iter().map(|&k| (k, None))),
                    asked: p,
                    known: providers.iter().map(|k| k.to_string()).collect(),
                });
            }
            Some(p)
        }
    };
    let header = [
        "region",
        "city",
        "jurisdiction",
        "usd/h",
        "nearest by RTT in ms (~ = model)",
    ];
    let mut rows: Vec<[String; 5]> = vec![header.map(String::from)];
    for (i, r) in catalog.regions().iter().enumerate() {
        if wanted.as_deref().is_some_and(|p| p != r.provider) {
            continue;
        }
        let price = r
            .usd_per_hour
            .map_or("-".to_string(), |p| format!("{p:.4}"));
        rows.push([
            r.id.clone(),
            r.city.clone(),
            r.jurisdiction.clone(),
            price,
            neighbours(catalog, i),
        ]);
    }
    let mut widths = [0usize; 4];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    Ok(out)
}

/// `code rtt, …` of the nearest regions of the same provider.
fn neighbours(catalog: &Catalog, a: RegionIdx) -> String {
    let regions = catalog.regions();
    let mut near: Vec<(f64, RegionIdx)> = regions
        .iter()
        .enumerate()
        .filter(|&(b, r)| b != a && r.provider == regions[a].provider)
        .map(|(b, _)| (catalog.rtt_ms(a, b), b))
        .collect();
    near.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    let parts: Vec<String> = near
        .iter()
        .take(NEIGHBOURS)
        .map(|&(ms, b)| {
            let mark = if catalog.is_measured(a, b) { "" } else { "~" };
            format!("{} {mark}{ms:.1}", regions[b].code)
        })
        .collect();
    if parts.is_empty() {
        "-".to_string()
    } else {
        parts.join(", ")
    }
}
