//! Prices: the on-demand price of a reference VM per region, and the per-GB prices of
//! traffic between regions and to the internet.
//!
//! Transfer prices are *rules*, not a matrix, because that is how providers publish them
//! ("from a European region to any other region", "within one continent"). A rule is
//! `provider, kind, src, dst, usd_per_gb`:
//! - `provider`: a provider, or `*` for any;
//! - `kind`: `inter_region` (replication traffic, charged at the source) or
//!   `internet_egress` (responses to users);
//! - `src`: `any`, or `|`-separated continents and region codes of that provider;
//! - `dst`: for `inter_region` `any`, `same_continent`, `other_continent` or a list as for
//!   `src`; for `internet_egress` always `internet`.
//!
//! The first rule that matches wins (override rules before embedded ones), like a firewall
//! table: the files list specific rules first. Traffic between regions of different
//! providers leaves the source provider's network and pays its internet egress. Traffic
//! within one region is free. Prices are resolved at load, so lookups are O(1) and a region
//! no rule covers is an error at load, not a surprise in a report.
//!
//! Resolved per *class* of regions, not per pair: a rule sees a region only through its
//! provider, its continent and its code if some rule names that code, so regions alike in
//! those behave alike. A catalog of 10,000 regions has a few dozen classes; a matrix of
//! every pair would need 10⁸ cells.

use super::csvin::{records, Input, Record};
use super::error::CatalogError;
use super::geo::Continent;
use super::load::Ids;
use super::{Region, RegionIdx};
use std::collections::{BTreeMap, BTreeSet};

/// The columns of a compute-price file.
/// The highest price (USD per instance-hour or per GB) a catalog file or a scenario may
/// give: a million. Real ones are below $100; far above, a month's bill overflows to
/// `inf` in `runs.csv`.
pub const MAX_PRICE_USD: f64 = 1e6;

pub(crate) const COMPUTE_COLUMNS: &[&str] = &["region", "usd_per_hour"];
/// The columns of a transfer-price file.
pub(crate) const TRANSFER_COLUMNS: &[&str] = &["provider", "kind", "src", "dst", "usd_per_gb"];

/// Reads a compute-price file: region id → USD per hour.
pub(crate) fn parse_compute(
    input: &Input,
    ids: &Ids,
) -> Result<BTreeMap<RegionIdx, f64>, CatalogError> {
    let mut out = BTreeMap::new();
    let mut lines = BTreeMap::new();
    for r in records(input, COMPUTE_COLUMNS)? {
        let idx = ids.resolve(&r, "region")?;
        let usd = r.at_most("usd_per_hour", MAX_PRICE_USD, "a price of", "USD")?;
        if let Some(first) = lines.insert(idx, r.line()) {
            return Err(r.error(
                "region",
                format!("`{}` already has a price on line {first}", r.raw("region")),
            ));
        }
        out.insert(idx, usd);
    }
    Ok(out)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    InterRegion,
    InternetEgress,
}

/// A set of regions named by continents and codes.
#[derive(Clone, Debug, PartialEq)]
enum Place {
    Any,
    List {
        continents: Vec<Continent>,
        codes: Vec<String>,
    },
    SameContinent,
    OtherContinent,
    Internet,
}

/// One transfer-price rule; see the module docs.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Rule {
    provider: Option<String>,
    kind: Kind,
    src: Place,
    dst: Place,
    usd_per_gb: f64,
}

impl Rule {
    fn covers_provider(&self, provider: &str) -> bool {
        self.provider.as_deref().is_none_or(|p| p == provider)
    }
}

fn place_contains(place: &Place, r: &Region, from: &Region) -> bool {
    match place {
        Place::Any => true,
        Place::List { continents, codes } => {
            continents.contains(&r.continent) || codes.contains(&r.code)
        }
        Place::SameContinent => r.continent == from.continent,
        Place::OtherContinent => r.continent != from.continent,
        Place::Internet => false,
    }
}

fn parse_place(
    r: &Record<'_>,
    column: &str,
    provider: Option<&str>,
    regions: &[Region],
) -> Result<Place, CatalogError> {
    let v = r.text(column)?.to_ascii_lowercase();
    match v.as_str() {
        "any" => return Ok(Place::Any),
        "same_continent" => return Ok(Place::SameContinent),
        "other_continent" => return Ok(Place::OtherContinent),
        "internet" => return Ok(Place::Internet),
        _ => {}
    }
    let (mut continents, mut codes) = (Vec::new(), Vec::new());
    for item in v.split('|').map(str::trim) {
        if let Some(c) = Continent::from_name(item) {
            continents.push(c);
            continue;
        }
        let known =
            provider.is_some_and(|p| regions.iter().any(|g| g.provider == p && g.code == item));
        if !known {
            let whose = provider.map_or("(provider `*` takes continents only)".to_string(), |p| {
                format!("of provider `{p}`")
            });
            return Err(r.error(
                column,
                format!(
                    "`{item}` is neither a continent ({}) nor a region code {whose}; \
                     use `any`, or continents and codes joined by `|`",
                    Continent::names()
                ),
            ));
        }
        codes.push(item.to_string());
    }
    Ok(Place::List { continents, codes })
}

/// Reads a transfer-price file, checking every name against the catalog's regions.
pub(crate) fn parse_transfer(input: &Input, regions: &[Region]) -> Result<Vec<Rule>, CatalogError> {
    let mut out = Vec::new();
    for r in records(input, TRANSFER_COLUMNS)? {
        let provider = match r.text("provider")?.to_ascii_lowercase() {
            p if p == "*" => None,
            p if regions.iter().any(|g| g.provider == p) => Some(p),
            p => {
                let mut known: Vec<_> = regions.iter().map(|g| g.provider.as_str()).collect();
                known.dedup();
                return Err(r.error(
                    "provider",
                    format!(
                        "no region has provider `{p}`; use one of {} or `*`",
                        known.join(", ")
                    ),
                ));
            }
        };
        let kind = match r.text("kind")? {
            k if k.eq_ignore_ascii_case("inter_region") => Kind::InterRegion,
            k if k.eq_ignore_ascii_case("internet_egress") => Kind::InternetEgress,
            k => {
                return Err(r.error(
                    "kind",
                    format!("`{k}` is not a kind; use `inter_region` or `internet_egress`"),
                ))
            }
        };
        let src = parse_place(&r, "src", provider.as_deref(), regions)?;
        if matches!(
            src,
            Place::SameContinent | Place::OtherContinent | Place::Internet
        ) {
            return Err(r.error(
                "src",
                "use `any`, or continents and region codes joined by `|`",
            ));
        }
        let dst = parse_place(&r, "dst", provider.as_deref(), regions)?;
        match (kind, &dst) {
            (Kind::InternetEgress, Place::Internet) => {}
            (Kind::InternetEgress, _) => return Err(r.error("dst", "for kind `internet_egress` the destination is `internet`")),
            (Kind::InterRegion, Place::Internet) => {
                return Err(r.error("dst", "`internet` is for kind `internet_egress`; use `any`, `same_continent`, `other_continent`, or continents and codes"))
            }
            (Kind::InterRegion, _) => {}
        }
        let usd_per_gb = r.at_most("usd_per_gb", MAX_PRICE_USD, "a price of", "USD")?;
        out.push(Rule {
            provider,
            kind,
            src,
            dst,
            usd_per_gb,
        });
    }
    Ok(out)
}

/// Transfer prices resolved for every region and every pair of region classes.
#[derive(Clone, Debug)]
pub(crate) struct Transfer {
    /// Class of each region (see the module docs).
    class: Vec<usize>,
    classes: usize,
    /// `inter[class_a * classes + class_b]`, for distinct regions.
    inter: Vec<f64>,
    egress: Vec<f64>,
}

/// How rules see a region: provider, continent, and its code if a rule names it.
type ClassKey<'a> = (&'a str, Continent, Option<&'a str>);

impl Transfer {
    /// Resolves `rules` (in priority order) for every region; `name` names the file(s).
    pub fn build(regions: &[Region], rules: &[Rule], name: &str) -> Result<Transfer, CatalogError> {
        let missing = |what: String, example: &str| CatalogError::File {
            file: name.to_string(),
            problem: format!("no rule covers {what}; add one, e.g. the catch-all `{example}`"),
        };
        let mut egress = Vec::with_capacity(regions.len());
        for g in regions {
            let rule = rules.iter().find(|x| {
                x.kind == Kind::InternetEgress
                    && x.covers_provider(&g.provider)
                    && place_contains(&x.src, g, g)
            });
            let rule = rule.ok_or_else(|| {
                missing(
                    format!("internet egress from `{}`", g.id),
                    "*,internet_egress,any,internet,0.09",
                )
            })?;
            egress.push(rule.usd_per_gb);
        }
        let named: BTreeSet<&str> = rules
            .iter()
            .flat_map(|r| [&r.src, &r.dst])
            .flat_map(|p| match p {
                Place::List { codes, .. } => codes.iter().map(String::as_str).collect(),
                _ => Vec::new(),
            })
            .collect();
        // Classes in order of their first region; up to two members each (a pair of
        // distinct regions within one class needs two).
        let mut ids: BTreeMap<ClassKey<'_>, usize> = BTreeMap::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut class = Vec::with_capacity(regions.len());
        for (i, g) in regions.iter().enumerate() {
            let code = named.contains(g.code.as_str()).then_some(g.code.as_str());
            let key = (g.provider.as_str(), g.continent, code);
            let c = *ids.entry(key).or_insert_with(|| {
                members.push(Vec::new());
                members.len() - 1
            });
            if members[c].len() < 2 {
                members[c].push(i);
            }
            class.push(c);
        }
        let k = members.len();
        let mut inter = vec![0.0; k * k];
        for ca in 0..k {
            let a = members[ca][0];
            for cb in 0..k {
                // The first region of class `cb` other than `a`: none if `cb` is `a`'s
                // class and `a` is its only member (a region to itself is free).
                let Some(&b) = members[cb].iter().find(|&&b| b != a) else {
                    continue;
                };
                let (from, to) = (&regions[a], &regions[b]);
                inter[ca * k + cb] = if from.provider != to.provider {
                    egress[a]
                } else {
                    let rule = rules.iter().find(|x| {
                        x.kind == Kind::InterRegion
                            && x.covers_provider(&from.provider)
                            && place_contains(&x.src, from, from)
                            && place_contains(&x.dst, to, from)
                    });
                    let what = format!("traffic from `{}` to `{}`", from.id, to.id);
                    rule.ok_or_else(|| missing(what, "*,inter_region,any,any,0.02"))?
                        .usd_per_gb
                };
            }
        }
        Ok(Transfer {
            class,
            classes: k,
            inter,
            egress,
        })
    }

    pub fn inter(&self, a: RegionIdx, b: RegionIdx) -> f64 {
        if a == b {
            0.0
        } else {
            self.inter[self.class[a] * self.classes + self.class[b]]
        }
    }

    pub fn egress(&self, a: RegionIdx) -> f64 {
        self.egress[a]
    }
}
