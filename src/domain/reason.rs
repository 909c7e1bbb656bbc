//! The free-text reason staff give for a decision (a freeze, a status change, a suspension):
//! 1 to 500 characters once trimmed. Each capability reports a refusal under its own code.

/// The reason, trimmed, or `None` when it is empty or longer than 500 characters.
pub fn reason_text(raw: &str) -> Option<&str> {
    let reason = raw.trim();
    (1..=500).contains(&reason.chars().count()).then_some(reason)
}

/// What a refused reason tells the client.
pub const REASON_RULE: &str = "give a reason of 1 to 500 characters";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_trimmed_and_bounded() {
        assert_eq!(reason_text("  卡片异常  "), Some("卡片异常"));
        assert_eq!(reason_text("   "), None);
        assert_eq!(reason_text(&"因".repeat(500)), Some("因".repeat(500).as_str()));
        assert_eq!(reason_text(&"因".repeat(501)), None);
    }
}
