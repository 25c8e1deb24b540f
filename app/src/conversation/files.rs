//! The files a message carries: images as thumbnails that open the full picture, other files
//! as download links with their name and size. Links are the server's signed ones; on an
//! embedding site, links relative to the server are made absolute ([`set_file_base`]).

use std::cell::RefCell;

use leptos::prelude::*;
use wire::attachments::Attachment;

thread_local! {
    /// The Confab server's origin on another site's page (the embed); empty where pages are
    /// the server's own. A thread-local rather than a context: a context would bring a hash
    /// map's code into the embed bundle for one string.
    static FILE_BASE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Files' links relative to the server are made absolute with `origin` (the embed calls this
/// with its server; a page embedding widgets of two servers should set `CONFAB_PUBLIC_URL` on
/// both, so that every link is absolute).
pub fn set_file_base(origin: &str) {
    FILE_BASE.with(|base| origin.clone_into(&mut base.borrow_mut()));
}

/// `url` as a page here can load it.
fn resolved(url: &str) -> String {
    FILE_BASE.with(|base| {
        let base = base.borrow();
        if url.starts_with('/') && !base.is_empty() {
            format!("{base}{url}")
        } else {
            url.to_owned()
        }
    })
}

/// A message's files, in the order they were attached.
#[component]
pub fn FileList(files: Vec<Attachment>) -> impl IntoView {
    (!files.is_empty()).then(|| {
        let items = files
            .into_iter()
            .map(|file| view! { <li>{file_link(file)}</li> })
            .collect_view();
        view! { <ul class="confab-files">{items}</ul> }
    })
}

/// One file: a link that opens it (an image, over its thumbnail) or downloads it. One shape
/// for both, since each branch of a view weighs in the embed bundle: an image's name and size
/// are there for screen readers only.
fn file_link(file: Attachment) -> impl IntoView {
    let url = resolved(&file.url);
    let size = file.size_label();
    let (width, height) = thumbnail_size(file.width, file.height);
    let image = file.thumbnail_url.is_some();
    let download = (!image).then(|| file.name.clone());
    let thumbnail = file.thumbnail_url.as_deref().map(|thumbnail| {
        view! { <img src=resolved(thumbnail) alt="" width=width height=height loading="lazy" /> }
    });
    view! {
        <a
            class=if image { "confab-file-image" } else { "confab-file" }
            href=url
            target="_blank"
            rel="noopener noreferrer"
            download=download
            data-testid=if image { "file-image" } else { "file-link" }
        >
            {thumbnail}
            <span class="confab-file-name">{file.name}</span>
            " "
            <span class="confab-file-size">{size}</span>
        </a>
    }
}

/// The size a thumbnail is shown at: the image's proportions within 240 × 240 pixels (the
/// stored thumbnail is at most 320 on its longer side), so the list does not jump as it loads.
pub fn thumbnail_size(width: Option<u32>, height: Option<u32>) -> (u32, u32) {
    const SIDE: u32 = 240;
    match (width, height) {
        (Some(w), Some(h)) if w > 0 && h > 0 => {
            let scale = f64::from(SIDE) / f64::from(w.max(h));
            let fit = |n: u32| ((f64::from(n) * scale.min(1.0)).round() as u32).max(1);
            (fit(w), fit(h))
        }
        _ => (SIDE, SIDE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_keep_their_proportions_within_the_box() {
        assert_eq!(thumbnail_size(Some(1280), Some(800)), (240, 150));
        assert_eq!(thumbnail_size(Some(300), Some(1200)), (60, 240));
        assert_eq!(thumbnail_size(Some(40), Some(20)), (40, 20));
        assert_eq!(thumbnail_size(None, None), (240, 240));
    }
}
