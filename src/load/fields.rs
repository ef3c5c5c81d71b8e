//! Field types shared by playbooks and partner profiles: dates and the enums of
//! the guide contract, parsed at the edge so that later stages never see a
//! misspelt stage or status.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// A calendar date written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub(crate) struct Date(pub chrono::NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_date(&text).map(Date).map_err(serde::de::Error::custom)
    }
}

/// Parses `YYYY-MM-DD` with a message that says what is wrong.
pub(crate) fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
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
    /// `YYYY-MM-DD`, as chrono writes a date (with a sign outside years 0 to 9999).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

macro_rules! contract_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal, $label:literal;)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub(crate) enum $name { $($(#[$vdoc])* $variant,)* }

        impl $name {
            /// Every value, in the contract's order.
            pub(crate) const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The value as written in the guide.
            pub(crate) fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            /// A label for readers.
            pub(crate) fn label(self) -> &'static str {
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
    fn dates_are_written_as_chrono_formats_them() {
        for (y, m, d) in [(2026, 3, 14), (1, 1, 1), (0, 12, 31), (9999, 12, 31), (10000, 1, 1), (-1, 6, 30)] {
            let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(Date(date).to_string(), date.format("%Y-%m-%d").to_string());
        }
    }
}
