//! The coarse context every record carries, as the manifest's `project.context`
//! lists it: the program's `major.minor` version, the OS family and architecture it
//! was built for, the hour (UTC, rounded down) and a random session id.
//!
//! The session id is 128 bits from the operating system's random source
//! (`getrandom`), drawn when telemetry starts and again when the UTC day changes;
//! nothing of the machine or the user goes into it. The hour is computed from the
//! system clock with a civil-from-days conversion, so no time zone database is read.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::{Arch, OsFamily, Version};

use super::project::ContextField;

/// Whole hours since 1970-01-01T00:00:00Z, now (0 when the clock is before 1970).
pub(crate) fn current_hour() -> u64 {
    hour_of(SystemTime::now())
}

/// Whole hours since 1970-01-01T00:00:00Z at `time` (0 before 1970).
pub(crate) fn hour_of(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() / 3600)
}

/// The hour `time` falls in, UTC, as a record's `context.hour` sends it:
/// `"YYYY-MM-DDTHH:00:00Z"`, minutes and seconds always zero.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use telemetry_core::runtime::utc_hour;
///
/// let time = UNIX_EPOCH + Duration::from_secs(1_795_271_999); // 2026-11-21T14:39:59Z
/// assert_eq!(utc_hour(time), "2026-11-21T14:00:00Z");
/// ```
pub fn utc_hour(time: SystemTime) -> String {
    format_hour(hour_of(time))
}

/// `hours` since the epoch as `"YYYY-MM-DDTHH:00:00Z"`.
pub(crate) fn format_hour(hours: u64) -> String {
    let days = hours / 24;
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}T{:02}:00:00Z", hours % 24)
}

/// The proleptic Gregorian date `days` after 1970-01-01, as (year, month 1..=12,
/// day 1..=31). Works in 400-year eras of 146,097 days, the period after which the
/// calendar repeats.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Shift the epoch to 0000-03-01, so that the leap day ends a year.
    let days = days + 719_468;
    let era = days / 146_097;
    let day_of_era = days % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// A session id: 128 random bits as 32 lowercase hex digits, with the UTC day it was
/// drawn for.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    day: u64,
    hex: String,
}

impl Session {
    /// Draws a session id for the day of `hour`.
    ///
    /// # Errors
    /// When the operating system's random source fails; no id is made up instead.
    pub(crate) fn draw(hour: u64) -> Result<Self, String> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)
            .map_err(|error| format!("no random session id could be drawn: {error}"))?;
        let mut hex = String::with_capacity(32);
        for byte in bytes {
            hex.push(char::from(HEX[usize::from(byte >> 4)]));
            hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        Ok(Session {
            day: hour / 24,
            hex,
        })
    }

    /// The id for a record of `hour`: drawn anew when the day changed since.
    pub(crate) fn for_hour(&mut self, hour: u64) -> Result<&str, String> {
        if hour / 24 != self.day {
            *self = Session::draw(hour)?;
        }
        Ok(&self.hex)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The context of one record, each value already formatted.
pub(crate) struct ContextValues<'a> {
    /// The keys to write, in order.
    pub(crate) keys: &'static [ContextField],
    /// `major.minor`, or `None` when the program version does not parse.
    pub(crate) version: Option<Version>,
    /// The hour, `"YYYY-MM-DDTHH:00:00Z"`.
    pub(crate) hour: &'a str,
    /// The session id.
    pub(crate) session: &'a str,
}

impl ContextValues<'_> {
    /// The value of `key`, as JSON text.
    pub(crate) fn write_value(&self, key: ContextField, out: &mut String) {
        match key {
            ContextField::ProgramVersion => match self.version {
                Some(version) => {
                    out.push('"');
                    out.push_str(&version.to_string());
                    out.push('"');
                }
                None => out.push_str("null"),
            },
            ContextField::OsFamily => push_str_json(out, OsFamily::current().as_str()),
            ContextField::Arch => push_str_json(out, Arch::current().as_str()),
            ContextField::Hour => push_str_json(out, self.hour),
            ContextField::SessionId => push_str_json(out, self.session),
        }
    }
}

/// Appends `text` as a JSON string.
pub(crate) fn push_str_json(out: &mut String, text: &str) {
    out.push_str(&serde_json::Value::from(text).to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_format_as_utc_dates() {
        assert_eq!(format_hour(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_hour(23), "1970-01-01T23:00:00Z");
        assert_eq!(format_hour(24), "1970-01-02T00:00:00Z");
        // 2000-02-29, a leap day in a year divisible by 400.
        assert_eq!(format_hour(951_782_400 / 3600), "2000-02-29T00:00:00Z");
        // 2100-03-01 follows 2100-02-28: 2100 is not a leap year.
        assert_eq!(format_hour(4_107_542_400 / 3600), "2100-03-01T00:00:00Z");
        assert_eq!(format_hour(1_795_271_999 / 3600), "2026-11-21T14:00:00Z");
    }

    #[test]
    fn every_day_for_800_years_matches_a_calendar_walked_day_by_day() {
        let leap =
            |y: u64| (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
        let days_in = |y: u64, m: u64| match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            _ if leap(y) => 29,
            _ => 28,
        };
        let (mut y, mut m, mut d) = (1970, 1, 1);
        for days in 0..(800 * 366) {
            assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
            d += 1;
            if d > days_in(y, m) {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }

    #[test]
    fn session_ids_are_random_hex_and_renew_with_the_day() {
        let mut session = Session::draw(48).expect("random");
        let first = session.for_hour(50).expect("random").to_owned();
        assert_eq!(first.len(), 32);
        assert!(first.bytes().all(|b| HEX.contains(&b)));
        assert_eq!(session.for_hour(71).expect("random"), first);
        assert_ne!(session.for_hour(72).expect("random"), first);
        assert_ne!(Session::draw(48).expect("random").hex, first);
    }
}
