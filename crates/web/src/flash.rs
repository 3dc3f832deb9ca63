//! What a form did, said once on the page it redirects to (post/redirect/get): a successful POST
//! leaves its message here under the person's CSRF token (one per session) and answers 303; the
//! next page of that session takes it. Kept in memory, for a few minutes, within a bound.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEPT_FOR: Duration = Duration::from_secs(5 * 60);
const MAX: usize = 10_000;

#[derive(Clone, Default)]
pub struct Flash {
    messages: Arc<Mutex<HashMap<String, (Instant, String)>>>,
}

impl Flash {
    /// Leaves `text` (already in the person's language) for the next page of this session.
    pub fn put(&self, key: &str, text: String) {
        let mut m = self.messages.lock().expect("not poisoned");
        if m.len() >= MAX {
            m.retain(|_, (at, _)| at.elapsed() < KEPT_FOR);
        }
        if m.len() < MAX {
            m.insert(key.to_owned(), (Instant::now(), text));
        }
    }

    /// Keeps a page that said a flash message out of the page cache (it says it once).
    pub fn said(response: &mut axum::response::Response, flashed: bool) {
        if flashed {
            response.extensions_mut().insert(crate::cache::Uncached);
        }
    }

    /// The message left for this session, once.
    pub fn take(&self, key: &str) -> Option<String> {
        let mut m = self.messages.lock().expect("not poisoned");
        m.remove(key).filter(|(at, _)| at.elapsed() < KEPT_FOR).map(|(_, text)| text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_said_once_to_its_session_only() {
        let f = Flash::default();
        f.put("a", "Lagret".into());
        assert_eq!(f.take("b"), None);
        assert_eq!(f.take("a").as_deref(), Some("Lagret"));
        assert_eq!(f.take("a"), None);
    }
}
