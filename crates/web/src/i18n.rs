//! The language of a request (a `?lang=` switch, then a cookie, then Accept-Language; bokmål by
//! default). The words themselves live in the `tiltak-i18n` crate's `locales/*/main.ftl`.

use axum::http::request::Parts;
use tiltak_core::Language;

pub use tiltak_i18n::{Message, Tr};

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
                "nb" | "no" => return Language::Nb,
                "nn" => return Language::Nn,
                "en" => return Language::En,
                _ => {}
            }
        }
    }
    Language::Nb
}

/// Why a value does not fit one of the organisation's own fields, as a message.
pub fn field_error(name: &str, e: &tiltak_core::fields::FieldError) -> Message {
    use tiltak_core::fields::FieldError;
    match e {
        FieldError::Date(v) => Message::new("field-date-invalid").arg("field", name).arg("value", v),
        FieldError::Percent(v) => Message::new("field-percent-invalid").arg("field", name).arg("value", v),
        FieldError::Choice { value, choices } => Message::new("field-choice-invalid")
            .arg("field", name)
            .arg("value", value)
            .arg("choices", choices),
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
        assert_eq!(negotiate(&parts("/", &[("accept-language", "nn-NO, nb;q=0.9")])), Language::Nn);
        assert_eq!(negotiate(&parts("/?lang=nn", &[])), Language::Nn);
    }
}
