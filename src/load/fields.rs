//! Field types shared by playbooks and partner profiles: dates and the enums of
//! the guide contract, parsed at the edge so that later stages never see a
//! misspelt stage or status.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// A calendar date written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Date(pub chrono::NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_date(&text).map(Date).map_err(serde::de::Error::custom)
    }
}

/// Parses `YYYY-MM-DD` with a message that says what is wrong.
pub fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    // The usual shape, `dddd-dd-dd`, read directly; anything else (and a
    // date not in the calendar) goes through chrono, which says what is wrong.
    if let [y @ .., b'-', m1, m2, b'-', d1, d2] = text.trim().as_bytes()
        && let [y1, y2, y3, y4] = y
        && [y1, y2, y3, y4, m1, m2, d1, d2].iter().all(|b| b.is_ascii_digit())
    {
        let n = |digits: &[&u8]| digits.iter().fold(0u32, |n, &&b| n * 10 + u32::from(b - b'0'));
        let year = i32::try_from(n(&[y1, y2, y3, y4])).expect("four digits");
        if let Some(date) = chrono::NaiveDate::from_ymd_opt(year, n(&[m1, m2]), n(&[d1, d2])) {
            return Ok(date);
        }
    }
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|e| {
        let shape = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
        if shape {
            format!("`{text}` is not a date in the calendar ({e}); expected YYYY-MM-DD")
        } else {
            format!("`{text}` is not a date; expected YYYY-MM-DD, for example 2026-03-14")
        }
    })
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ymd(self.0, "-").fmt(f)
    }
}

/// A date written as year, month and day, with `.1` between them: as chrono's
/// `%Y{sep}%m{sep}%d` writes it, without parsing that format every time.
pub struct Ymd(pub chrono::NaiveDate, pub &'static str);

impl fmt::Display for Ymd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use chrono::Datelike;
        let (d, sep) = (self.0, self.1);
        // chrono's `%Y` writes a sign outside years 0 to 9999: left to it.
        if (0..=9999).contains(&d.year()) {
            write!(f, "{:04}{sep}{:02}{sep}{:02}", d.year(), d.month(), d.day())
        } else {
            write!(f, "{}", d.format(&format!("%Y{sep}%m{sep}%d")))
        }
    }
}

macro_rules! contract_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal, $label:literal;)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($(#[$vdoc])* $variant,)* }

        impl $name {
            /// Every value, in the contract's order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The value as written in the guide.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            /// A label for readers.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)* }
            }
        }
    };
}

contract_enum!(
    /// Where a playbook sits in the outreach cycle.
    Stage {
        /// Groundwork before any contact.
        Prepare => "prepare", "Prepare";
        /// Getting an answer.
        ReachOut => "reach-out", "Reach out";
        /// The meeting itself.
        Meet => "meet", "Meet";
        /// After the meeting.
        FollowUp => "follow-up", "Follow up";
        /// Keeping the partnership going.
        Sustain => "sustain", "Sustain";
    }
);

contract_enum!(
    /// The two kinds of partnership, or either.
    Partnership {
        /// The library joins a program that already exists.
        JoinExisting => "join-existing", "Join an existing program";
        /// The library proposes something new.
        ProposeNew => "propose-new", "Propose something new";
        /// Either kind.
        Any => "any", "Any partnership";
    }
);

contract_enum!(
    /// What kind of campus unit a partner is.
    Kind {
        /// Central IT.
        It => "it", "Campus IT";
        /// Instructional or learning technology.
        InstructionalTechnology => "instructional-technology", "Instructional technology";
        /// Research computing, HPC.
        ResearchComputing => "research-computing", "Research computing";
        /// A teaching department.
        AcademicDepartment => "academic-department", "Academic department";
        /// An administrative office.
        Administrative => "administrative", "Administrative office";
        /// Anything else.
        Other => "other", "Other";
    }
);

contract_enum!(
    /// Where the relationship with a partner stands.
    Status {
        /// Not yet contacted.
        Prospect => "prospect", "Prospect";
        /// Contacted, no meeting yet.
        Contacted => "contacted", "Contacted";
        /// Meeting planned or under way.
        Meeting => "meeting", "Meeting";
        /// Working together.
        Active => "active", "Active";
        /// On hold.
        Paused => "paused", "Paused";
        /// Over.
        Ended => "ended", "Ended";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_explain_failures() {
        assert_eq!(parse_date("2026-02-28").unwrap().to_string(), "2026-02-28");
        assert!(parse_date("2026-02-30").unwrap_err().contains("not a date in the calendar"));
        assert!(parse_date("28/02/2026").unwrap_err().contains("expected YYYY-MM-DD"));
    }

    #[test]
    fn dates_read_directly_are_read_as_chrono_reads_them() {
        let texts = [
            "2026-02-28",
            " 2024-02-29 ",
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "0000-01-01",
            "9999-12-31",
            "2026-3-14",
            "2026-03-4",
            "+2026-03-14",
            "12026-03-14",
            "2026-03-14x",
            "2026/03/14",
            "20260314",
            "2026-0a-14",
            "",
            "٢٠٢٦-03-14",
        ];
        for text in texts {
            let chrono = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
            assert_eq!(parse_date(text).ok(), chrono, "{text:?}");
        }
        for (y, m, d) in [(2026, 3, 14), (1, 1, 1), (0, 12, 31), (9999, 12, 31), (10000, 1, 1), (-1, 6, 30)] {
            let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(Date(date).to_string(), date.format("%Y-%m-%d").to_string());
        }
    }
}
