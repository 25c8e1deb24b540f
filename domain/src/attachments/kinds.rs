//! What a file is, decided from its first bytes (magic numbers), never from its name or the
//! type its sender declared; and which kinds are accepted.
//!
//! Binary formats are recognised by the `infer` crate. Text has no magic number: a head that
//! is UTF-8 without control characters is text, and text that opens like markup (`<html`,
//! `<svg`, `<?xml`, …) is markup, whatever its name says, so that a page or an SVG renamed
//! `.txt` or `.png` is still known for what a browser would make of it.

/// How many bytes of a file decide its kind.
pub const HEAD_BYTES: usize = 8 * 1024;

/// Types accepted unless the operator lists others (`CONFAB_ATTACHMENT_TYPES`): images,
/// PDF, plain text and CSV, ZIP and the common office formats.
pub const DEFAULT_ACCEPTED: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/zip",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/rtf",
];

/// The raster image formats Confab decodes, cleans and shows inline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picture {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// GIF, animated or not.
    Gif,
    /// WebP.
    WebP,
}

impl Picture {
    /// Its MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::WebP => "image/webp",
        }
    }

    /// The usual file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Gif => "gif",
            Self::WebP => "webp",
        }
    }

    fn of_mime(mime: &str) -> Option<Self> {
        match mime {
            "image/png" => Some(Self::Png),
            "image/jpeg" => Some(Self::Jpeg),
            "image/gif" => Some(Self::Gif),
            "image/webp" => Some(Self::WebP),
            _ => None,
        }
    }
}

/// What a file's bytes were found to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kind {
    /// The MIME type, e.g. `application/pdf`.
    pub mime: String,
    /// Set for the images Confab decodes and re-encodes.
    pub picture: Option<Picture>,
}

impl Kind {
    fn of(mime: &str) -> Self {
        Self {
            mime: mime.to_owned(),
            picture: Picture::of_mime(mime),
        }
    }
}

/// Whether files of type `mime` may be shown in a page (`Content-Disposition: inline`): the
/// raster images Confab re-encoded itself, and nothing else (never SVG, HTML, PDF or text).
pub fn shown_inline(mime: &str) -> bool {
    Picture::of_mime(mime).is_some()
}

/// What `head` (a file's first [`HEAD_BYTES`], or all of a shorter file) is. `name` only
/// tells CSV from other plain text, both being text by their bytes. `None` for bytes no rule
/// recognises (binary data of an unknown format).
pub fn sniff(head: &[u8], name: &str) -> Option<Kind> {
    let text = text_of(head);
    if let Some(found) = infer::get(head) {
        // infer knows pages and XML; an SVG is either, to it.
        let refined = text
            .and_then(markup)
            .filter(|_| found.mime_type().starts_with("text/"));
        return Some(Kind::of(refined.unwrap_or(found.mime_type())));
    }
    let text = text?;
    if let Some(markup) = markup(text) {
        return Some(Kind::of(markup));
    }
    let csv = name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("csv"));
    Some(Kind::of(if csv { "text/csv" } else { "text/plain" }))
}

/// `head` as text: UTF-8 (a character cut at the end of the head is fine) with no control
/// characters other than tab, line feed, form feed and carriage return.
fn text_of(head: &[u8]) -> Option<&str> {
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // Only a sequence cut off by the head's end (no `error_len`) is forgiven.
        Err(err) if err.error_len().is_none() && head.len() - err.valid_up_to() < 4 => {
            std::str::from_utf8(&head[..err.valid_up_to()]).ok()?
        }
        Err(_) => return None,
    };
    let binary = text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\u{c}' | '\r'));
    (!binary).then_some(text)
}

/// The markup type of text a browser would render as a page or an image: its first
/// character past white space and a byte-order mark opens a tag, a declaration or a
/// processing instruction.
fn markup(text: &str) -> Option<&'static str> {
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\n', '\r', '\u{c}']);
    let mut chars = start.chars();
    if chars.next() != Some('<') {
        return None;
    }
    if !chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '!' | '?'))
    {
        return None;
    }
    let lower = start.to_ascii_lowercase();
    Some(if lower.contains("<svg") {
        "image/svg+xml"
    } else if lower.starts_with("<?xml") {
        "text/xml"
    } else {
        "text/html"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

    #[test]
    fn binary_formats_are_known_by_their_bytes_not_their_names() {
        let png = sniff(PNG, "invoice.pdf").expect("a PNG");
        assert_eq!(png.mime, "image/png");
        assert_eq!(png.picture, Some(Picture::Png));
        let pdf = sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "photo.png").expect("a PDF");
        assert_eq!(pdf.mime, "application/pdf");
        assert_eq!(pdf.picture, None);
    }

    #[test]
    fn markup_is_markup_whatever_its_name() {
        let html = sniff(b"<!DOCTYPE html><script>alert(1)</script>", "cat.png");
        assert_eq!(html.map(|k| k.mime), Some("text/html".to_owned()));
        let svg = sniff(
            b"\xef\xbb\xbf  <svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            "logo.txt",
        );
        assert_eq!(svg.map(|k| k.mime), Some("image/svg+xml".to_owned()));
        let xml_svg = sniff(b"<?xml version=\"1.0\"?>\n<svg/>", "a.csv");
        assert_eq!(xml_svg.map(|k| k.mime), Some("image/svg+xml".to_owned()));
    }

    #[test]
    fn text_is_plain_or_csv_by_name_and_binary_is_unknown() {
        let text = sniff("héllo\r\n<3 you\tall".as_bytes(), "notes.csv.txt");
        assert_eq!(text.map(|k| k.mime), Some("text/plain".to_owned()));
        let csv = sniff(b"a,b\n1,2\n", "Export.CSV");
        assert_eq!(csv.map(|k| k.mime), Some("text/csv".to_owned()));
        // A character cut by the head's end is still text.
        let cut = &"ééé".as_bytes()[..5];
        assert_eq!(
            sniff(cut, "a").map(|k| k.mime),
            Some("text/plain".to_owned())
        );
        assert_eq!(sniff(b"\x00\x01\x02garbage", "a.txt"), None);
        assert_eq!(sniff(b"\xff\xfe\xfa", "a.txt"), None);
    }

    #[test]
    fn only_raster_images_are_shown_inline() {
        assert!(shown_inline("image/png"));
        assert!(shown_inline("image/webp"));
        for mime in [
            "image/svg+xml",
            "text/html",
            "application/pdf",
            "text/plain",
        ] {
            assert!(!shown_inline(mime), "{mime}");
        }
    }
}
