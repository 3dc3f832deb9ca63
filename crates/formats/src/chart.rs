//! The overview chart as a PNG for Word: one horizontal bar per area, split by status category in
//! the category colours. The image has no text of its own: the summary table above it carries the
//! names and numbers (and the document gives the image a description saying so).

use crate::board::{CATEGORY_KEYS, SummaryRow, category_colour};

pub const WIDTH: u32 = 1400;
const ROW: u32 = 28;
const BAR: u32 = 20;
const PAD: u32 = 8;

/// The chart's pixel height for `rows` bars.
pub fn height(rows: usize) -> u32 {
    PAD * 2 + ROW * rows.max(1) as u32
}

fn rgb(hex: &str) -> [u8; 3] {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0);
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

/// Draws the bars, scaled so the largest total fills the width. Same rows, same bytes.
pub fn png(rows: &[SummaryRow]) -> Vec<u8> {
    let (w, h) = (WIDTH, height(rows.len()));
    let mut pixels = vec![255u8; (w * h * 3) as usize];
    let max = rows.iter().map(|r| r.total).max().unwrap_or(0).max(1) as u32;
    let usable = w - PAD * 2;
    for (i, row) in rows.iter().enumerate() {
        let top = PAD + i as u32 * ROW + (ROW - BAR) / 2;
        let mut x = PAD;
        let mut done = 0u32;
        for (n, key) in row.counts.iter().zip(CATEGORY_KEYS) {
            done += *n as u32;
            // Cumulative rounding keeps the segments' sum equal to the bar's length.
            let end = PAD + usable * done / max;
            let colour = rgb(category_colour(key));
            for y in top..top + BAR {
                for px in x..end {
                    let at = ((y * w + px) * 3) as usize;
                    pixels[at..at + 3].copy_from_slice(&colour);
                }
            }
            // A white hairline between segments, so neighbouring dark colours stay apart.
            if *n > 0 && end > x + 2 {
                for y in top..top + BAR {
                    let at = ((y * w + end - 1) * 3) as usize;
                    pixels[at..at + 3].copy_from_slice(&[255, 255, 255]);
                }
            }
            x = end;
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("writing to memory");
        writer.write_image_data(&pixels).expect("writing to memory");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_as_long_as_their_totals() {
        let rows = vec![
            SummaryRow { label: "a".into(), counts: vec![0, 2, 0, 0, 0], total: 2 },
            SummaryRow { label: "b".into(), counts: vec![1, 0, 0, 0, 0], total: 1 },
        ];
        let bytes = png(&rows);
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        let pixel = |x: u32, y: u32| {
            let at = ((y * WIDTH + x) * 3) as usize;
            [buf[at], buf[at + 1], buf[at + 2]]
        };
        let mid = |i: u32| PAD + i * ROW + ROW / 2;
        // The first bar (2 of max 2) reaches near the right edge in the in-progress colour.
        assert_eq!(pixel(WIDTH - PAD - 4, mid(0)), rgb("#1d4ed8"));
        // The second (1 of 2) stops half way.
        assert_eq!(pixel(PAD + 10, mid(1)), rgb("#4b5563"));
        assert_eq!(pixel(WIDTH - PAD - 4, mid(1)), [255, 255, 255]);
    }
}
