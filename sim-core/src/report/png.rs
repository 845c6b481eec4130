//! Charts as PNG: the chart's SVG ([`super::chart::Chart::svg`]) rasterised by resvg, with
//! DejaVu Sans embedded in the binary, so that a PNG has the same text on every machine
//! (no system fonts are looked up) and the same pixels as the report's inline SVG.

use super::chart::Chart;
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

/// Why a chart could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("a chart of {0} × {1} pixels cannot be drawn: width and height must be 1 to 8192")]
    Size(u32, u32),
    #[error("the chart's SVG did not parse: {0}")]
    Svg(String),
    #[error("the PNG could not be encoded: {0}")]
    Encode(String),
}

/// Fonts loaded once: DejaVu Sans regular and bold.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(dejavu::sans::regular().to_vec());
        db.load_font_data(dejavu::sans::bold().to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    })
    .clone()
}

/// Any SVG document rendered to a PNG of `width` × `height` pixels (scaled to fit).
pub fn svg_to_png(svg: &str, width: u32, height: u32) -> Result<Vec<u8>, PngError> {
    if !(1..=8192).contains(&width) || !(1..=8192).contains(&height) {
        return Err(PngError::Size(width, height));
    }
    let opt = usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| PngError::Svg(e.to_string()))?;
    let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or(PngError::Size(width, height))?;
    let size = tree.size();
    let t = tiny_skia::Transform::from_scale(
        width as f32 / size.width(),
        height as f32 / size.height(),
    );
    resvg::render(&tree, t, &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| PngError::Encode(e.to_string()))
}

impl Chart {
    /// The chart as a PNG of `width` × `height` pixels.
    pub fn png(&self, width: u32, height: u32) -> Result<Vec<u8>, PngError> {
        svg_to_png(&self.svg(width, height), width, height)
    }
}

#[cfg(test)]
mod tests {
    use super::super::chart::{Line, Window};
    use super::*;

    /// Width and height from a PNG's IHDR chunk (bytes 16..24).
    fn png_size(bytes: &[u8]) -> (u32, u32) {
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
        assert_eq!(&bytes[12..16], b"IHDR");
        let be =
            |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        (be(16), be(20))
    }

    #[test]
    fn a_chart_renders_to_a_png_of_the_asked_size_with_its_text_drawn() {
        let mut c = Chart {
            title: "p99 latency over time".into(),
            x_label: "simulated time (min)",
            y_label: "p99 latency (ms)",
            lines: vec![Line {
                name: "sharded".into(),
                color: "#3caa5a",
                points: (0..20)
                    .map(|i| (f64::from(i), Some(f64::from(i % 7))))
                    .collect(),
            }],
            windows: vec![Window {
                start_min: 4.0,
                end_min: 9.0,
                what: "outage".into(),
            }],
            x_end: 20.0,
        };
        let png = c.png(640, 240).unwrap();
        assert_eq!(png_size(&png), (640, 240));
        // Text is drawn with the embedded font: the same chart without its title has
        // different pixels.
        c.title = String::new();
        assert_ne!(c.png(640, 240).unwrap(), png);
        assert!(matches!(c.png(0, 10), Err(PngError::Size(0, 10))));
        assert!(matches!(svg_to_png("<svg", 10, 10), Err(PngError::Svg(_))));
    }
}
