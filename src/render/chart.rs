//! A trend as a picture: one line per topic, articles per week or month, drawn with
//! `plotters` into an RGB buffer and encoded as PNG. Text is set in an embedded subset of
//! WenQuanYi Micro Hei (GB2312 and ASCII; see `assets/fonts/`), so no system font is needed;
//! a topic with a character outside the subset is labelled by its number in the legend (the
//! caption names it).

use std::sync::Once;

use plotters::prelude::*;
use plotters::style::{FontStyle, RGBColor, register_font};

use crate::answer::{Period, Trend};
use crate::render::words::{self, Lang};

/// The embedded font (Apache-2.0; `assets/fonts/LICENSE-wqy-microhei.txt`).
const FONT: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei-gb2312.ttf");
/// The family name the font is registered under for plotters.
const FAMILY: &str = "sans-serif";

pub(crate) const WIDTH: u32 = 960;
pub(crate) const HEIGHT: u32 = 540;

/// Line colours, in series order; the caption marks each topic with the same colour
/// ([`SERIES_MARKS`]).
pub(crate) const SERIES_COLORS: [RGBColor; 3] = [
    RGBColor(214, 39, 40),
    RGBColor(31, 119, 180),
    RGBColor(44, 160, 44),
];
/// The coloured square that stands for each series in a caption or terminal line.
pub(crate) const SERIES_MARKS: [&str; 3] = ["🟥", "🟦", "🟩"];

/// Why a chart could not be drawn (a bug or a broken font, never the reader's input).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ChartError {
    #[error("drawing the chart: {0}")]
    Draw(String),
    #[error("encoding the chart as PNG: {0}")]
    Png(#[from] png::EncodingError),
}

fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if register_font(FAMILY, FontStyle::Normal, FONT).is_err() {
            tracing::error!("the embedded chart font is invalid; charts will have no text");
        }
    });
}

/// True when the embedded font has a glyph for every character of `text`.
pub(crate) fn font_covers(text: &str) -> bool {
    use ab_glyph::Font;
    match ab_glyph::FontRef::try_from_slice(FONT) {
        Ok(font) => text
            .chars()
            .all(|c| c.is_whitespace() || font.glyph_id(c).0 != 0),
        Err(_) => false,
    }
}

/// The label of a period on the axis: `06-17` for a week, `2024-06` for a month.
fn period_label(period: Period, start: chrono::NaiveDate) -> String {
    match period {
        Period::Week => start.format("%m-%d").to_string(),
        Period::Month => start.format("%Y-%m").to_string(),
    }
}

/// The chart of `trend` as PNG bytes.
pub(crate) fn trend_png(trend: &Trend, lang: Lang) -> Result<Vec<u8>, ChartError> {
    register();
    let mut rgb = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    draw(trend, lang, &mut rgb).map_err(|e| ChartError::Draw(e.to_string()))?;
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn draw(trend: &Trend, lang: Lang, rgb: &mut [u8]) -> DrawResult {
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let periods = trend.series.first().map_or(0, |s| s.counts.len());
    let top = trend
        .series
        .iter()
        .flat_map(|s| s.counts.iter().map(|c| c.articles))
        .max()
        .unwrap_or(0);
    let mut title = words::chart_title(lang, trend.period);
    if let Some((from, to)) = trend.range {
        title.push_str(&format!("  {from} ~ {to}"));
    }
    let x_max = periods.saturating_sub(1).max(1) as i32;
    let y_max = (top + top / 10 + 1) as i32;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FAMILY, 24))
        .margin(18)
        .x_label_area_size(36)
        .y_label_area_size(52)
        .build_cartesian_2d(0i32..x_max, 0i32..y_max)?;
    let starts: Vec<chrono::NaiveDate> = trend
        .series
        .first()
        .map(|s| s.counts.iter().map(|c| c.start).collect())
        .unwrap_or_default();
    let label = |i: &i32| {
        usize::try_from(*i)
            .ok()
            .and_then(|i| starts.get(i))
            .map(|d| period_label(trend.period, *d))
            .unwrap_or_default()
    };
    chart
        .configure_mesh()
        .x_labels(periods.clamp(2, 12))
        .y_labels(8)
        .x_label_formatter(&label)
        .y_label_formatter(&|y| y.to_string())
        .y_desc(words::chart_axis(lang))
        .label_style((FAMILY, 14))
        .axis_desc_style((FAMILY, 16))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    for (i, s) in trend.series.iter().enumerate() {
        let color = SERIES_COLORS[i % SERIES_COLORS.len()];
        let points: Vec<(i32, i32)> = s
            .counts
            .iter()
            .enumerate()
            .map(|(x, c)| (x as i32, c.articles as i32))
            .collect();
        let name = if font_covers(&s.word) {
            format!("{}  ({})", s.word, s.total)
        } else {
            format!("#{}  ({})", i + 1, s.total)
        };
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(3)))?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3))
            });
        chart.draw_series(
            points
                .into_iter()
                .map(move |p| Circle::new(p, 3, color.filled())),
        )?;
    }
    if !trend.series.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .label_font((FAMILY, 16))
            .draw()?;
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_covers_gb2312_and_ascii_only() {
        assert!(font_covers("黄河 Yellow River 2024"));
        assert!(font_covers("长江经济带"));
        assert!(
            !font_covers("𠀀"),
            "a character outside GB2312 is not in the subset"
        );
    }
}
