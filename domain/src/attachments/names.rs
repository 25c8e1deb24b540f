//! File names as people's devices send them, made safe to store, show and put in a header.

/// Longest name kept, in characters; a longer one keeps its extension.
pub const MAX_NAME_CHARS: usize = 200;

/// `raw` without any directory part, control characters or surrounding white space, cut to
/// [`MAX_NAME_CHARS`] (keeping the extension); `file` when nothing is left.
pub fn clean(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = base.chars().filter(|c| !c.is_control()).collect();
    let kept = kept.trim().trim_start_matches('.').trim();
    if kept.is_empty() {
        return "file".to_owned();
    }
    if kept.chars().count() <= MAX_NAME_CHARS {
        return kept.to_owned();
    }
    let (stem, ext) = match kept.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 16 => (stem, ext),
        _ => (kept, ""),
    };
    let room = MAX_NAME_CHARS - ext.chars().count() - usize::from(!ext.is_empty());
    let stem: String = stem.chars().take(room).collect();
    if ext.is_empty() {
        stem
    } else {
        format!("{stem}.{ext}")
    }
}

/// `name` with its extension replaced by `extension` (added when it had none): an image
/// re-encoded to another format is named for what it now is.
pub fn with_extension(name: &str, extension: &str) -> String {
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    };
    format!("{stem}.{extension}")
}

/// A `Content-Disposition` value naming the file: `inline` or `attachment`, an ASCII
/// fallback and the exact name in RFC 5987 form.
pub fn content_disposition(name: &str, inline: bool) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_controls_and_leading_dots() {
        assert_eq!(clean("C:\\Users\\ada\\Desktop\\bill.pdf"), "bill.pdf");
        assert_eq!(clean("../../etc/passwd"), "passwd");
        assert_eq!(clean("  re\u{0}port\n.txt "), "report.txt");
        assert_eq!(clean(".htaccess"), "htaccess");
        assert_eq!(clean("/"), "file");
        assert_eq!(clean(""), "file");
    }

    #[test]
    fn long_names_keep_their_extension() {
        let long = format!("{}.pdf", "ä".repeat(500));
        let kept = clean(&long);
        assert_eq!(kept.chars().count(), MAX_NAME_CHARS);
        assert!(kept.ends_with(".pdf"));
    }

    #[test]
    fn extensions_are_replaced_or_added() {
        assert_eq!(with_extension("photo.webp", "jpg"), "photo.jpg");
        assert_eq!(with_extension("photo", "png"), "photo.png");
    }

    #[test]
    fn dispositions_quote_nothing_a_header_could_break_on() {
        assert_eq!(
            content_disposition("a \"b\"\r\n.pdf", false),
            "attachment; filename=\"a _b___.pdf\"; filename*=UTF-8''a%20%22b%22%0D%0A.pdf"
        );
        assert_eq!(
            content_disposition("çà.png", true),
            "inline; filename=\"__.png\"; filename*=UTF-8''%C3%A7%C3%A0.png"
        );
    }
}
