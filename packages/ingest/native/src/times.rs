//! Times of the two shapes, as parse-timestamp.ts reads them, and isoTime.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn num(b: &[u8]) -> Option<i64> {
    let mut n = 0i64;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + (c - b'0') as i64;
    }
    Some(n)
}

fn checked(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Option<i64> {
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    Some(((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + s)
}

/// python-json-logger's asctime, `2026-02-08 12:00:00,123`, read in UTC (the default zone): epoch ms.
pub fn asctime_utc(t: &str) -> Option<f64> {
    let b = t.as_bytes();
    if b.len() != 23 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' || b[16] != b':' || b[19] != b',' {
        return None;
    }
    let secs = checked(num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?, num(&b[11..13])?, num(&b[14..16])?, num(&b[17..19])?)?;
    Some((secs * 1000 + num(&b[20..23])?) as f64)
}

const MONTHS: [&[u8]; 12] = [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];

/// nginx $time_local, `08/Feb/2026:12:00:00 +0000`: epoch ms.
pub fn nginx_local(t: &str) -> Option<f64> {
    let b = t.as_bytes();
    if b.len() != 26 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' || b[14] != b':' || b[17] != b':' || b[20] != b' ' {
        return None;
    }
    let mo = MONTHS.iter().position(|m| *m == &b[3..6])? as i64 + 1;
    let secs = checked(num(&b[7..11])?, mo, num(&b[0..2])?, num(&b[12..14])?, num(&b[15..17])?, num(&b[18..20])?)?;
    let sign = match b[21] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (oh, om) = (num(&b[22..24])?, num(&b[24..26])?);
    if oh > 23 || om > 59 {
        return None;
    }
    Some(((secs - sign * (oh * 3600 + om * 60)) * 1000) as f64)
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for 0 ≤ ms < year 10000 (the caller keeps to that range).
pub fn iso_time(ms: f64) -> String {
    let t = ms as i64;
    let day = t.div_euclid(86_400_000);
    let rest = t.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(day);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        y,
        m,
        d,
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000
    )
}
