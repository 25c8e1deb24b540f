//! Message text split into plain text and safe links: only `http(s)://` URLs become links,
//! everything else stays text (never HTML). Pure, so the rule is unit-tested on the host.

/// A run of message text: shown as text, or as a link to an http(s) URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Plain text (rendered as a text node, never as HTML).
    Text(String),
    /// An `http://` or `https://` URL.
    Link(String),
}

/// Splits message text into text and links. A URL runs from `http://` or `https://` to the
/// next whitespace, without trailing punctuation that usually ends a sentence.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = next_url_start(rest) {
        let candidate = &rest[start..];
        let end = candidate
            .find(char::is_whitespace)
            .unwrap_or(candidate.len());
        let url = candidate[..end].trim_end_matches(|c: char| ".,;:!?)]}'\"".contains(c));
        // "https://" alone is not a link.
        let scheme_len = if url.starts_with("https://") { 8 } else { 7 };
        if url.len() <= scheme_len {
            push_text(&mut out, &rest[..start + scheme_len]);
            rest = &rest[start + scheme_len..];
            continue;
        }
        push_text(&mut out, &rest[..start]);
        out.push(Segment::Link(url.to_owned()));
        rest = &rest[start + url.len()..];
    }
    push_text(&mut out, rest);
    out
}

fn next_url_start(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    match (lower.find("https://"), lower.find("http://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn push_text(out: &mut Vec<Segment>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Segment::Text(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(Segment::Text(text.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Segment {
        Segment::Text(s.to_owned())
    }
    fn link(s: &str) -> Segment {
        Segment::Link(s.to_owned())
    }

    #[test]
    fn urls_become_links_and_the_rest_stays_text() {
        assert_eq!(
            segments("See https://example.com/a?b=1, then http://x.org."),
            vec![
                text("See "),
                link("https://example.com/a?b=1"),
                text(", then "),
                link("http://x.org"),
                text("."),
            ]
        );
        assert_eq!(segments("no links here"), vec![text("no links here")]);
        assert_eq!(segments(""), vec![]);
    }

    #[test]
    fn html_and_other_schemes_stay_text() {
        let payload = "<img src=x onerror=alert(1)> javascript:alert(1) ftp://x";
        assert_eq!(segments(payload), vec![text(payload)]);
    }

    #[test]
    fn a_bare_scheme_is_not_a_link() {
        assert_eq!(
            segments("type https:// then"),
            vec![text("type https:// then")]
        );
        assert_eq!(
            segments("(HTTPS://Example.com)"),
            vec![text("("), link("HTTPS://Example.com"), text(")")]
        );
    }
}
