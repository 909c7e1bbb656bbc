//! The CSV statement: UTF-8 with a byte-order mark and CRLF line ends, so Excel opens it with
//! the Chinese intact; the head, then the entries page by page, then the closing balance.

use std::fmt::Write;

use super::Statement;
use super::labels;
use crate::domain::{Money, mask_id_number};
use crate::ledger::EntryRow;
use crate::platform::clock::china_offset;

/// One CSV field, quoted when it needs to be; a leading `=`, `+` or `@` is defused so a
/// spreadsheet never runs it as a formula (`-` stays: amounts are negative numbers).
fn field(raw: &str) -> String {
    let defused = if raw.starts_with(['=', '+', '@']) { format!("'{raw}") } else { raw.to_owned() };
    if defused.contains([',', '"', '\r', '\n']) { format!("\"{}\"", defused.replace('"', "\"\"")) } else { defused }
}

/// Free text (an entry's note): anything a spreadsheet could read as a formula or a control
/// (a leading `-`, tab or CR too) is defused.
fn text(raw: &str) -> String {
    if raw.starts_with(['-', '\t', '\r']) { format!("'{raw}") } else { raw.to_owned() }
}

fn line(out: &mut String, fields: &[&str]) {
    let joined: Vec<String> = fields.iter().map(|f| field(f)).collect();
    let _ = write!(out, "{}\r\n", joined.join(","));
}

/// The BOM, the person, the period, the contributions and the entries' header.
pub fn head(statement: &Statement) -> String {
    let p = &statement.person;
    let mut out = String::from("\u{feff}");
    line(&mut out, &["郑州市医疗保障个人对账单"]);
    line(&mut out, &["姓名", &p.name, "人员编号", p.person_no.as_str()]);
    line(&mut out, &["身份证号", &mask_id_number(&p.id_number), "险种", p.insurance_type.code()]);
    let period = format!("{} 至 {}", statement.period.from, statement.period.to);
    line(&mut out, &["对账期间", &period, "期初余额", &statement.opening.to_string()]);
    out.push_str("\r\n");
    line(&mut out, &["缴费记录"]);
    line(&mut out, &["月份", "缴费基数", "应缴金额", "状态", "缴费渠道", "到账时间", "到账方式"]);
    for c in &statement.contributions {
        let base = c.base.map(|b| b.to_string()).unwrap_or_default();
        let arrived = c.arrived_at.map(local_time).unwrap_or_default();
        line(
            &mut out,
            &[
                &c.period,
                &base,
                &c.amount_due.to_string(),
                labels::contribution_state(c.state),
                labels::channel(c.paid_channel),
                &arrived,
                labels::arrival(c.arrival_kind),
            ],
        );
    }
    out.push_str("\r\n");
    line(&mut out, &["个人账户明细"]);
    line(&mut out, &["时间", "类型", "金额", "余额", "说明"]);
    out
}

/// A page of entries.
pub fn entries(page: &[EntryRow]) -> String {
    let mut out = String::new();
    for e in page {
        let note = text(&e.reason.clone().or_else(|| e.period.clone()).unwrap_or_default());
        let when = local_time(e.occurred_at);
        line(
            &mut out,
            &[&when, labels::entry_kind(e.kind), &e.amount.to_string(), &e.balance_after.to_string(), &note],
        );
    }
    out
}

/// The closing balance.
pub fn foot(closing: Money) -> String {
    let mut out = String::from("\r\n");
    line(&mut out, &["期末余额", &closing.to_string()]);
    out
}

/// An instant as Zhengzhou wall-clock time.
pub fn local_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&china_offset()).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn csv_fields_are_quoted_when_needed_and_never_run_as_formulas() {
        assert_eq!(field("王芳"), "王芳");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(field("-3.50"), "-3.50");
        assert_eq!(super::text("-2+3"), "'-2+3");
        assert_eq!(super::text("退费"), "退费");
    }
}
