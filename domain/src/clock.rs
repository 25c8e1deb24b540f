//! The one source of "now" for rows written by Confab.

use chrono::{DateTime, SubsecRound, Utc};

/// The current time, cut to whole microseconds: the precision both SQLite (as text) and
/// PostgreSQL (`timestamptz`) keep, so a value reads back exactly as it was written.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

#[cfg(test)]
mod tests {
    use chrono::Timelike;

    #[test]
    fn now_has_microsecond_precision() {
        let t = super::now();
        assert_eq!(
            t.nanosecond() % 1_000,
            0,
            "sub-microsecond digits left in {t:?}"
        );
    }
}
