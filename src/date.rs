//! Dates as written by people (`Mar 19th 2023`, `19 March 2023`, `2023-03-19`)
//! turned into calendar dates, and `SOURCE_DATE_EPOCH` turned into a timestamp.
//! Nothing here reads the clock: output must not depend on when it was built.

/// A calendar date and time in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime {
    /// Year (e.g. 2023).
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
    /// Hour, 0–23.
    pub hour: u32,
    /// Minute, 0–59.
    pub minute: u32,
    /// Second, 0–59.
    pub second: u32,
}

impl DateTime {
    /// Midnight of a date.
    pub fn date(year: i32, month: u32, day: u32) -> Self {
        DateTime {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
        }
    }

    /// `YYYY-MM-DD`.
    pub fn ymd(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `YYYY-MM-DDThh:mm:ssZ` (W3CDTF, as `dcterms:modified` wants).
    pub fn w3c(&self) -> String {
        format!(
            "{}T{:02}:{:02}:{:02}Z",
            self.ymd(),
            self.hour,
            self.minute,
            self.second
        )
    }

    /// Seconds since the Unix epoch.
    pub fn unix(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// The date and time of a Unix timestamp.
    pub fn from_unix(seconds: i64) -> Self {
        let days = seconds.div_euclid(86_400);
        let rest = seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        DateTime {
            year,
            month,
            day,
            hour: (rest / 3600) as u32,
            minute: (rest % 3600 / 60) as u32,
            second: (rest % 60) as u32,
        }
    }
}

/// `SOURCE_DATE_EPOCH`, when set to a valid number.
pub fn source_date_epoch() -> Option<DateTime> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse::<i64>()
        .ok()
        .map(DateTime::from_unix)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Parses the common ways of writing a date; `None` when it is not one.
pub fn parse(text: &str) -> Option<DateTime> {
    let text = text.trim();
    // ISO 8601: 2023-03-19, 2023-03-19T10:00:00Z, 2023-03, 2023.
    if let Some(dt) = parse_iso(text) {
        return Some(dt);
    }
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.' || c == '/')
        .filter(|w| !w.is_empty())
        .collect();
    let mut year = None;
    let mut month = None;
    let mut day = None;
    for w in &words {
        if let Some(m) = MONTHS.iter().position(|m| w.len() >= 3 && w.starts_with(m)) {
            month = Some(m as u32 + 1);
            continue;
        }
        let digits: String = w.chars().take_while(char::is_ascii_digit).collect();
        let suffix = &w[digits.len()..];
        if digits.is_empty() || !matches!(suffix, "" | "st" | "nd" | "rd" | "th") {
            continue;
        }
        let n: u32 = digits.parse().ok()?;
        if digits.len() == 4 {
            year = Some(n as i32);
        } else if (1..=31).contains(&n) && day.is_none() {
            day = Some(n);
        }
    }
    let (year, month) = (year?, month?);
    let day = day.unwrap_or(1);
    valid(year, month, day).then(|| DateTime::date(year, month, day))
}

fn parse_iso(text: &str) -> Option<DateTime> {
    let date = text.split(['T', ' ']).next()?;
    let parts: Vec<&str> = date.split('-').collect();
    if parts.is_empty()
        || parts[0].len() != 4
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let year: i32 = parts[0].parse().ok()?;
    let month: u32 = parts.get(1).map_or(Some(1), |m| m.parse().ok())?;
    let day: u32 = parts.get(2).map_or(Some(1), |d| d.parse().ok())?;
    if parts.len() > 3 || !valid(year, month, day) {
        return None;
    }
    let mut dt = DateTime::date(year, month, day);
    if let Some(time) = text.get(date.len() + 1..) {
        let hms: Vec<u32> = time
            .trim_end_matches('Z')
            .split(':')
            .take(3)
            .map(|p| p.get(..2).unwrap_or(p).parse().unwrap_or(0))
            .collect();
        dt.hour = hms.first().copied().unwrap_or(0).min(23);
        dt.minute = hms.get(1).copied().unwrap_or(0).min(59);
        dt.second = hms.get(2).copied().unwrap_or(0).min(59);
    }
    Some(dt)
}

fn valid(year: i32, month: u32, day: u32) -> bool {
    (1..=9999).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_dates() {
        assert_eq!(parse("Mar 19th 2023"), Some(DateTime::date(2023, 3, 19)));
        assert_eq!(parse("19 March 2023"), Some(DateTime::date(2023, 3, 19)));
        assert_eq!(parse("March 1, 2024"), Some(DateTime::date(2024, 3, 1)));
        assert_eq!(parse("2023-03-19"), Some(DateTime::date(2023, 3, 19)));
        assert_eq!(parse("2023"), Some(DateTime::date(2023, 1, 1)));
        assert_eq!(parse("Feb 30th 2023"), None);
        assert_eq!(parse("yesterday"), None);
    }

    #[test]
    fn unix_round_trip() {
        let dt = DateTime::from_unix(1_679_184_000);
        assert_eq!(dt.w3c(), "2023-03-19T00:00:00Z");
        assert_eq!(dt.unix(), 1_679_184_000);
        assert_eq!(DateTime::from_unix(0).ymd(), "1970-01-01");
    }
}
