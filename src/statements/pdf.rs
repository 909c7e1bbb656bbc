//! The printable A4 statement: laid out into pages first (so each page can say "第 n 页 / 共
//! N 页"), then drawn with a CJK font whose used glyphs are embedded as a subset.

use std::sync::{Arc, OnceLock};

use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};

use super::Statement;
use super::csv::local_time;
use super::labels;
use crate::domain::{Money, mask_id_number};
use crate::ledger::EntryRow;
use crate::platform::error::{Error, Result};

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;
const LINE: f32 = 16.0;
const SIZE: f32 = 9.5;
/// Lines of body text per page, below the title line and above the page number.
const LINES_PER_PAGE: usize = ((HEIGHT - 2.0 * MARGIN - 3.0 * LINE) / LINE) as usize;

/// One line of the statement: cells at column offsets.
type Row = Vec<(f32, String)>;

/// Renders the statement; blocking (call it off the async runtime).
pub fn render(statement: &Statement, entries: &[EntryRow], closing: Money, font_paths: &[String]) -> Result<Vec<u8>> {
    let font = font(font_paths)?;
    let rows = layout(statement, entries, closing);
    let pages: Vec<&[Row]> = rows.chunks(LINES_PER_PAGE.max(1)).collect();
    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(format!("对账单 {}", statement.person.person_no)));
    let total = pages.len();
    for (number, page_rows) in pages.iter().enumerate() {
        let mut page = document.start_page_with(PageSettings::from_wh(WIDTH, HEIGHT).expect("A4 is a valid size"));
        let mut surface = page.surface();
        let mut draw = |x: f32, y: f32, size: f32, text: &str| {
            surface.draw_text(Point::from_xy(x, y), font.clone(), size, text, false, TextDirection::Auto);
        };
        draw(MARGIN, MARGIN, 15.0, "郑州市医疗保障个人对账单");
        for (i, row) in page_rows.iter().enumerate() {
            let y = MARGIN + 2.0 * LINE + i as f32 * LINE;
            for (x, text) in row {
                draw(MARGIN + x, y, SIZE, text);
            }
        }
        draw(WIDTH / 2.0 - 30.0, HEIGHT - MARGIN / 2.0, 8.0, &format!("第 {} 页 / 共 {} 页", number + 1, total));
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| Error::Internal(anyhow::anyhow!("writing the PDF: {e:?}")))
}

/// Every line of the statement, in order.
fn layout(statement: &Statement, entries: &[EntryRow], closing: Money) -> Vec<Row> {
    let p = &statement.person;
    let cell = |x: f32, t: &str| (x, t.to_owned());
    let mut rows: Vec<Row> = vec![
        vec![cell(0.0, &format!("姓名：{}", p.name)), cell(250.0, &format!("人员编号：{}", p.person_no))],
        vec![
            cell(0.0, &format!("身份证号：{}", mask_id_number(&p.id_number))),
            cell(250.0, &format!("险种：{}", p.insurance_type.code())),
        ],
        vec![
            cell(0.0, &format!("对账期间：{} 至 {}", statement.period.from, statement.period.to)),
            cell(250.0, &format!("打印时间：{}", local_time(statement.generated_at))),
        ],
        vec![cell(0.0, &format!("期初余额：{}", statement.opening))],
        vec![],
        vec![cell(0.0, "缴费记录")],
        vec![
            cell(0.0, "月份"),
            cell(70.0, "缴费基数"),
            cell(150.0, "应缴金额"),
            cell(230.0, "状态"),
            cell(310.0, "缴费渠道"),
            cell(390.0, "到账时间"),
        ],
    ];
    for c in &statement.contributions {
        rows.push(vec![
            cell(0.0, &c.period),
            cell(70.0, &c.base.map(|b| b.to_string()).unwrap_or_default()),
            cell(150.0, &c.amount_due.to_string()),
            cell(230.0, labels::contribution_state(c.state)),
            cell(310.0, labels::channel(c.paid_channel)),
            cell(390.0, &c.arrived_at.map(local_time).unwrap_or_default()),
        ]);
    }
    rows.push(vec![]);
    rows.push(vec![cell(0.0, "个人账户明细")]);
    rows.push(vec![
        cell(0.0, "时间"),
        cell(100.0, "类型"),
        cell(190.0, "金额"),
        cell(270.0, "余额"),
        cell(350.0, "说明"),
    ]);
    for e in entries {
        let note: String = e.reason.clone().or_else(|| e.period.clone()).unwrap_or_default().chars().take(24).collect();
        rows.push(vec![
            cell(0.0, &local_time(e.occurred_at)),
            cell(100.0, labels::entry_kind(e.kind)),
            cell(190.0, &e.amount.to_string()),
            cell(270.0, &e.balance_after.to_string()),
            cell(350.0, &note),
        ]);
    }
    rows.push(vec![]);
    rows.push(vec![cell(0.0, &format!("期末余额：{closing}"))]);
    rows
}

/// The CJK font, read once from the first configured path that has one.
fn font(paths: &[String]) -> Result<Font> {
    static DATA: OnceLock<Option<Arc<Vec<u8>>>> = OnceLock::new();
    let data = DATA.get_or_init(|| paths.iter().find_map(|p| std::fs::read(p).ok()).map(Arc::new));
    let missing = || {
        Error::unavailable(
            "statement.font_missing",
            "no CJK font is installed for PDF statements (install fonts-wqy-microhei or set statements.font_paths)",
            60,
        )
    };
    let data = data.clone().ok_or_else(missing)?;
    Font::new(data.into(), 0).ok_or_else(missing)
}
