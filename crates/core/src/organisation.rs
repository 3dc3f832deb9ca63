//! Organisations: the public bodies that own programmes. An organisation is addressed by its slug
//! in every URL, so the slug is validated once, at the edge, and cannot clash with the app's paths.

use serde::{Deserialize, Serialize};

use crate::ParseError;

/// Paths the web app uses for itself; an organisation may not take them as its slug.
pub const RESERVED_SLUGS: &[&str] = &[
    "admin",
    "api",
    "assets",
    "favicon.ico",
    "health",
    "login",
    "logout",
    "robots.txt",
    "search",
    "settings",
    "static",
    "account",
    "users",
    "openapi.json",
    "docs",
];

/// A lowercase URL-safe name such as `osloregionen`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrganisationSlug(String);

impl OrganisationSlug {
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let err = |expected| ParseError { what: "organisation slug", got: s.to_owned(), expected };
        if s.is_empty() || s.len() > 64 {
            return Err(err("1 to 64 characters"));
        }
        if !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(err("only a-z, 0-9 and '-'"));
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err(err("no '-' at the start or end"));
        }
        if RESERVED_SLUGS.contains(&s) {
            return Err(err("a name the app does not use for its own pages"));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrganisationSlug {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        Self::parse(&s)
    }
}

impl From<OrganisationSlug> for String {
    fn from(s: OrganisationSlug) -> String {
        s.0
    }
}

impl std::fmt::Display for OrganisationSlug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The languages the user interface and the documents speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Norwegian bokmål, the default.
    #[default]
    Nb,
    /// Norwegian nynorsk, which many public bodies must offer by law.
    Nn,
    En,
}

impl Language {
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nb" | "no" | "nb-no" => Ok(Self::Nb),
            "nn" | "nn-no" => Ok(Self::Nn),
            "en" | "en-gb" | "en-us" => Ok(Self::En),
            _ => Err(ParseError { what: "language", got: s.to_owned(), expected: "nb, nn or en" }),
        }
    }

    /// Every language, in the order the language switch offers them.
    pub const ALL: [Language; 3] = [Language::Nb, Language::Nn, Language::En];

    pub fn code(self) -> &'static str {
        match self {
            Self::Nb => "nb",
            Self::Nn => "nn",
            Self::En => "en",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub slug: OrganisationSlug,
    pub name: String,
    pub language: Language,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_checked() {
        assert!(OrganisationSlug::parse("osloregionen").is_ok());
        assert!(OrganisationSlug::parse("viken-2").is_ok());
        for bad in ["", "Oslo", "login", "api", "a b", "-x", "x-", "æøå"] {
            assert!(OrganisationSlug::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}

/// The licence an organisation publishes its open data under: the Norwegian licence for open
/// government data (the default), or Creative Commons Attribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Licence {
    #[default]
    #[serde(rename = "NLOD-2.0")]
    Nlod20,
    #[serde(rename = "CC-BY-4.0")]
    CcBy40,
}

impl Licence {
    pub const ALL: [Licence; 2] = [Licence::Nlod20, Licence::CcBy40];

    /// The licence's SPDX identifier, as stored.
    pub fn key(self) -> &'static str {
        match self {
            Self::Nlod20 => "NLOD-2.0",
            Self::CcBy40 => "CC-BY-4.0",
        }
    }

    pub fn url(self) -> &'static str {
        match self {
            Self::Nlod20 => "https://data.norge.no/nlod/no/2.0",
            Self::CcBy40 => "https://creativecommons.org/licenses/by/4.0/",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        Self::ALL.into_iter().find(|l| l.key().eq_ignore_ascii_case(s.trim())).ok_or_else(|| ParseError {
            what: "licence",
            got: s.to_owned(),
            expected: "NLOD-2.0 or CC-BY-4.0",
        })
    }
}
