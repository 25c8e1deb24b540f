//! The one source of "now" for rows written by Confab, and the workers' wait for their next
//! due job.

use chrono::{DateTime, SubsecRound, Utc};

/// The current time, cut to whole microseconds: the precision both SQLite (as text) and
/// PostgreSQL (`timestamptz`) keep, so a value reads back exactly as it was written.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Sleeps until `due` (now if it passed, at most `longest`; `longest` when nothing is due) or
/// until `woken` is notified: how the workers wait for their next job.
pub async fn wait_until(
    due: Option<DateTime<Utc>>,
    longest: std::time::Duration,
    woken: &tokio::sync::Notify,
) {
    let sleep = due.map_or(longest, |due| {
        (due - now())
            .to_std()
            .unwrap_or(std::time::Duration::ZERO)
            .min(longest)
    });
    tokio::select! {
        () = tokio::time::sleep(sleep) => {}
        () = woken.notified() => {}
    }
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
