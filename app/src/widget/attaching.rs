//! The widget's file tools: the attach button, pasting and dropping files, and the tray of
//! uploads (`components::uploads`), in the hosted widget. The embed bundle leaves them out for
//! now: its weight budget (156 KB compressed) has no room for them until they load on first
//! use, so a widget on another site shows the files staff send but sends none itself. Every
//! method here is then a no-op, and the tools' code is not compiled into that bundle at all.

use leptos::{ev, prelude::*};
use wire::attachments::Attachment;

use crate::components::UploadWords;
#[cfg(not(feature = "embed"))]
use crate::components::{AttachButton, UploadTray, Uploads};

use super::model::WidgetModel;

/// The file tools of one message box.
#[derive(Clone, Copy)]
pub struct Attaching {
    #[cfg(not(feature = "embed"))]
    uploads: Uploads,
}

impl Attaching {
    /// Tools that upload to `model`'s chat.
    #[cfg_attr(feature = "embed", allow(unused_variables))]
    pub fn new(model: WidgetModel) -> Self {
        Self {
            #[cfg(not(feature = "embed"))]
            uploads: Uploads::new(move || model.upload_target()),
        }
    }

    /// Whether the message must wait for an upload.
    pub fn waiting(&self) -> bool {
        #[cfg(not(feature = "embed"))]
        return self.uploads.waiting();
        #[cfg(feature = "embed")]
        false
    }

    /// Whether a finished upload can go (a message of files alone).
    pub fn any_done(&self) -> bool {
        #[cfg(not(feature = "embed"))]
        return self.uploads.any_done();
        #[cfg(feature = "embed")]
        false
    }

    /// The finished uploads, for the message being sent; the tray empties.
    pub fn take_done(&self) -> Vec<Attachment> {
        #[cfg(not(feature = "embed"))]
        return self.uploads.take_done();
        #[cfg(feature = "embed")]
        Vec::new()
    }

    /// A paste into the message box.
    #[cfg_attr(feature = "embed", allow(unused_variables))]
    pub fn on_paste(&self, ev: &ev::ClipboardEvent) {
        #[cfg(not(feature = "embed"))]
        self.uploads.on_paste(ev);
    }

    /// Files dropped on the message box (in the embed, only kept from making the browser
    /// leave the page to show them).
    pub fn on_drop(&self, ev: &ev::DragEvent) {
        #[cfg(not(feature = "embed"))]
        self.uploads.on_drop(ev);
        #[cfg(feature = "embed")]
        ev.prevent_default();
    }

    /// The tray of uploads.
    #[cfg_attr(feature = "embed", allow(unused_variables))]
    pub fn tray(&self, words: &'static UploadWords) -> impl IntoView + use<> {
        #[cfg(not(feature = "embed"))]
        return view! { <UploadTray uploads=self.uploads words /> };
    }

    /// The attach button.
    #[cfg_attr(feature = "embed", allow(unused_variables))]
    pub fn button(&self, words: &'static UploadWords) -> impl IntoView + use<> {
        #[cfg(not(feature = "embed"))]
        return view! { <AttachButton uploads=self.uploads words /> };
    }
}
