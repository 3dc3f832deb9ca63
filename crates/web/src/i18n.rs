//! The language of a request (a `?lang=` switch, then a cookie, then Accept-Language; bokmål by
//! default) and the lookups that templates use. All strings live in `locales/*/main.ftl`.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use fluent_templates::Loader;
use fluent_templates::fluent_bundle::FluentValue;
use tiltak_core::Language;
use unic_langid::{LanguageIdentifier, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "nb",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static NB: LanguageIdentifier = langid!("nb");
static EN: LanguageIdentifier = langid!("en");

/// Translations for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    pub language: Language,
}

impl Tr {
    pub fn new(language: Language) -> Self {
        Tr { language }
    }

    fn id(&self) -> &'static LanguageIdentifier {
        match self.language {
            Language::Nb => &NB,
            Language::En => &EN,
        }
    }

    pub fn code(&self) -> &'static str {
        self.language.code()
    }

    /// The text of `key`.
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// The text of `key` with one argument.
    pub fn t1(&self, key: &str, name: &'static str, value: impl std::fmt::Display) -> String {
        self.tn(key, &[(name, value.to_string())])
    }

    pub fn tn(&self, key: &str, args: &[(&'static str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone()))).collect();
        LOCALES.lookup_with_args(self.id(), key, &args)
    }

    /// "2. september 2025" / "2 September 2025" from `YYYY-MM-DD`; anything else as given.
    pub fn date(&self, iso: &str) -> String {
        let Ok(d) = tiltak_core::round::parse_iso_date(iso) else { return iso.to_owned() };
        let month = self.t(&format!("month-{}", u8::from(d.month())));
        match self.language {
            Language::Nb => format!("{}. {month} {}", d.day(), d.year()),
            Language::En => format!("{} {month} {}", d.day(), d.year()),
        }
    }

    pub fn opt_date(&self, iso: &Option<String>) -> String {
        iso.as_deref().map(|d| self.date(d)).unwrap_or_default()
    }
}

/// The language cookie's name.
pub const COOKIE: &str = "tiltak_lang";

/// Picks the language: `?lang=`, then the cookie, then Accept-Language, then bokmål.
pub fn negotiate(parts: &Parts) -> Language {
    if let Some(q) = parts.uri.query() {
        for pair in q.split('&') {
            if let Some(v) = pair.strip_prefix("lang=")
                && let Ok(l) = Language::parse(v)
            {
                return l;
            }
        }
    }
    let cookies = parts.headers.get_all(axum::http::header::COOKIE);
    for header in cookies.iter().filter_map(|h| h.to_str().ok()) {
        for c in header.split(';') {
            if let Some(v) = c.trim().strip_prefix(&format!("{COOKIE}="))
                && let Ok(l) = Language::parse(v)
            {
                return l;
            }
        }
    }
    if let Some(accept) = parts.headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|h| h.to_str().ok())
    {
        // The first supported language in the client's order of preference.
        let mut ranked: Vec<(f32, &str)> = accept
            .split(',')
            .map(|item| {
                let mut it = item.trim().split(";q=");
                let tag = it.next().unwrap_or("").trim();
                let q = it.next().and_then(|q| q.parse().ok()).unwrap_or(1.0);
                (q, tag)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        for (_, tag) in ranked {
            let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
            match primary.as_str() {
                "nb" | "no" | "nn" => return Language::Nb,
                "en" => return Language::En,
                _ => {}
            }
        }
    }
    Language::Nb
}

impl<S: Send + Sync> FromRequestParts<S> for Tr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Tr::new(negotiate(parts)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(uri: &str, headers: &[(&str, &str)]) -> Parts {
        let mut b = axum::http::Request::builder().uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn language_comes_from_switch_cookie_header_or_default() {
        assert_eq!(negotiate(&parts("/", &[])), Language::Nb);
        assert_eq!(negotiate(&parts("/", &[("accept-language", "de, en-GB;q=0.8, nb;q=0.5")])), Language::En);
        assert_eq!(negotiate(&parts("/", &[("cookie", "a=b; tiltak_lang=en")])), Language::En);
        assert_eq!(negotiate(&parts("/?lang=nb", &[("cookie", "tiltak_lang=en")])), Language::Nb);
    }

    #[test]
    fn dates_read_as_people_write_them() {
        assert_eq!(Tr::new(Language::Nb).date("2025-09-02"), "2. september 2025");
        assert_eq!(Tr::new(Language::En).date("2025-09-02"), "2 September 2025");
        assert_eq!(Tr::new(Language::Nb).t1("programme-year", "year", 2025), "Handlingsprogram 2025");
    }
}
