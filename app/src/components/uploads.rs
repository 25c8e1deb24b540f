//! Files attached to a message being written, in both message boxes (the widget's and the
//! dashboard's): an attach button, a pasted screenshot or files dropped on the box each start
//! an upload at once; the tray shows each one's progress, and a failed one can be retried or
//! removed. The message is sent only when every upload is done, and takes the finished ones
//! with it (a message may be files alone).

use leptos::{ev, prelude::*};
use wire::attachments::Attachment;

use crate::{
    browser::upload::{Answered, UploadHandle, upload},
    realtime::json,
};

/// The uploads' words in the reader's language.
#[derive(Debug)]
pub struct UploadWords {
    /// The attach button's label.
    pub attach: &'static str,
    /// The button that takes an upload out of the message.
    pub remove: &'static str,
    /// Beside an upload that failed.
    pub failed: &'static str,
    /// The button that sends a failed upload again.
    pub retry: &'static str,
    /// Beside an upload on its way.
    pub sending: &'static str,
}

impl UploadWords {
    /// In English (the dashboard's, and the widget's default).
    pub const ENGLISH: Self = Self {
        attach: "Attach files",
        remove: "Remove",
        failed: "Upload failed",
        retry: "Retry",
        sending: "Uploading",
    };
}

/// Files one message may carry (the server's default; it refuses more).
pub const PER_MESSAGE: usize = 5;

/// Where one upload stands.
#[derive(Clone, Debug, PartialEq)]
pub enum UploadState {
    /// On its way: the fraction sent, 0 to 1.
    Sending(f64),
    /// Stored: ready to go with the message.
    Done(Attachment),
    /// Refused or cut off, with why.
    Failed(String),
}

/// One file in the tray.
#[derive(Clone, Debug, PartialEq)]
pub struct Upload {
    /// Tells it from the others in the tray.
    pub key: u64,
    /// The file's name.
    pub name: String,
    /// Where it stands.
    pub state: UploadState,
}

/// Whether the message must wait: an upload is still on its way or failed (retry or remove
/// it first).
pub fn waiting(uploads: &[Upload]) -> bool {
    uploads
        .iter()
        .any(|u| !matches!(u.state, UploadState::Done(_)))
}

/// The uploads ready to send, in the order they were added.
pub fn done(uploads: &[Upload]) -> Vec<Attachment> {
    uploads
        .iter()
        .filter_map(|u| match &u.state {
            UploadState::Done(file) => Some(file.clone()),
            _ => None,
        })
        .collect()
}

/// What the server's answer to an upload means for it.
pub fn outcome(answer: Result<Answered, String>) -> UploadState {
    match answer {
        Ok(Answered { status: 201, text }) => json::parse(&text)
            .and_then(|value| json::attachment(&value))
            .map_or_else(
                || UploadState::Failed("the server's answer could not be read".to_owned()),
                UploadState::Done,
            ),
        Ok(Answered { status, text }) => UploadState::Failed(
            json::parse(&text)
                .and_then(|value| json::error_message(&value))
                .unwrap_or_else(|| format!("the server answered {status}")),
        ),
        Err(reason) => UploadState::Failed(reason),
    }
}

/// Where an upload goes (an attachments endpoint) and the bearer token it carries, if any:
/// asked when each upload starts, since a visitor's token may be new by then.
pub type UploadTarget = Box<dyn Fn() -> (String, Option<String>)>;

/// The uploads of one message box, and where they go.
#[derive(Clone, Copy)]
pub struct Uploads {
    items: RwSignal<Vec<Upload>>,
    target: StoredValue<UploadTarget, LocalStorage>,
    /// The files (for a retry) and the uploads under way, by key: browser objects, kept on
    /// this thread.
    files: StoredValue<Vec<(u64, web_sys::File, Option<UploadHandle>)>, LocalStorage>,
    next_key: StoredValue<u64>,
}

impl Uploads {
    /// Uploads to where `target` says.
    pub fn new(target: impl Fn() -> (String, Option<String>) + 'static) -> Self {
        Self {
            items: RwSignal::new(Vec::new()),
            target: StoredValue::new_local(Box::new(target)),
            files: StoredValue::new_local(Vec::new()),
            next_key: StoredValue::new(0),
        }
    }

    /// The tray's contents.
    pub fn items(&self) -> ReadSignal<Vec<Upload>> {
        self.items.read_only()
    }

    /// Whether the message must wait for its uploads.
    pub fn waiting(&self) -> bool {
        self.items.with(|items| waiting(items))
    }

    /// Whether a finished upload is in the tray (a message of files alone may go).
    pub fn any_done(&self) -> bool {
        self.items.with(|items| !done(items).is_empty())
    }

    /// Empties the tray; returns the finished uploads, for the message being sent.
    pub fn take_done(&self) -> Vec<Attachment> {
        let taken = self.items.with_untracked(|items| done(items));
        self.items.set(Vec::new());
        self.files.update_value(Vec::clear);
        taken
    }

    /// Starts uploading `files`, as many as the message has room for.
    pub fn add(&self, files: &web_sys::FileList) {
        let room = PER_MESSAGE.saturating_sub(self.items.with_untracked(Vec::len));
        for index in 0..files.length().min(u32::try_from(room).unwrap_or(0)) {
            let Some(file) = files.get(index) else {
                continue;
            };
            let key = self.next_key.get_value();
            self.next_key.set_value(key + 1);
            self.items.update(|items| {
                items.push(Upload {
                    key,
                    name: file.name(),
                    state: UploadState::Sending(0.0),
                });
            });
            self.files
                .update_value(|files| files.push((key, file, None)));
            self.start(key);
        }
    }

    /// Sends a failed upload again.
    pub fn retry(&self, key: u64) {
        self.set_state(key, UploadState::Sending(0.0));
        self.start(key);
    }

    /// Takes an upload out of the message (stopping it if it is on its way).
    pub fn remove(&self, key: u64) {
        self.items.update(|items| items.retain(|u| u.key != key));
        self.files.update_value(|files| {
            if let Some(at) = files.iter().position(|(k, _, _)| *k == key) {
                let (_, _, handle) = files.remove(at);
                if let Some(handle) = handle {
                    handle.abort();
                }
            }
        });
    }

    fn set_state(&self, key: u64, state: UploadState) {
        self.items.update(|items| {
            if let Some(upload) = items.iter_mut().find(|u| u.key == key) {
                upload.state = state;
            }
        });
    }

    fn start(&self, key: u64) {
        let Some(file) = self.files.with_value(|files| {
            files
                .iter()
                .find(|(k, _, _)| *k == key)
                .map(|(_, file, _)| file.clone())
        }) else {
            return;
        };
        let this = *self;
        let (url, token) = self.target.with_value(|target| target());
        let started = upload(
            &url,
            token.as_deref(),
            &file,
            move |sent| this.set_state(key, UploadState::Sending(sent)),
            move |answer| this.set_state(key, outcome(answer)),
        );
        match started {
            Ok(handle) => self.files.update_value(|files| {
                if let Some(entry) = files.iter_mut().find(|(k, _, _)| *k == key) {
                    entry.2 = Some(handle);
                }
            }),
            Err(reason) => self.set_state(key, UploadState::Failed(reason)),
        }
    }

    /// A paste into the message box: files on the clipboard (a screenshot) are uploaded
    /// instead of pasted as text.
    pub fn on_paste(&self, ev: &ev::ClipboardEvent) {
        if let Some(files) = ev.clipboard_data().and_then(|data| data.files())
            && files.length() > 0
        {
            ev.prevent_default();
            self.add(&files);
        }
    }

    /// Files dropped on the message box.
    pub fn on_drop(&self, ev: &ev::DragEvent) {
        if let Some(files) = ev.data_transfer().and_then(|data| data.files())
            && files.length() > 0
        {
            ev.prevent_default();
            self.add(&files);
        }
    }
}

/// The attach button: opens the file picker (several files at once).
#[component]
pub fn AttachButton(uploads: Uploads, words: &'static UploadWords) -> impl IntoView {
    view! {
        <label class="confab-attach" title=words.attach>
            <span class="confab-sr">{words.attach}</span>
            <span aria-hidden="true">"+"</span>
            <input
                type="file"
                multiple
                class="confab-sr"
                data-testid="attach-input"
                on:change=move |ev: ev::Event| {
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    if let Some(files) = input.files() {
                        uploads.add(&files);
                    }
                    input.set_value("");
                }
            />
        </label>
    }
}

/// The tray of uploads above the message box: each file's name, its progress or why it
/// failed, and its buttons.
#[component]
pub fn UploadTray(uploads: Uploads, words: &'static UploadWords) -> impl IntoView {
    let row = move |upload: Upload| {
        let key = upload.key;
        let name = upload.name.clone();
        let (state, status) = match &upload.state {
            UploadState::Sending(sent) => (
                "sending",
                view! {
                    <progress
                        max="100"
                        // Whole percents: formatting a float would weigh kilobytes of wasm.
                        value=((sent * 100.0) as u32).to_string()
                        aria-label=format!("{} {}", words.sending, upload.name)
                    ></progress>
                }
                .into_any(),
            ),
            UploadState::Done(file) => (
                "done",
                view! { <span class="confab-file-size">{file.size_label()}</span> }.into_any(),
            ),
            UploadState::Failed(reason) => (
                "failed",
                view! {
                    <span class="confab-failed" role="alert">
                        {format!("{}: {reason}", words.failed)}
                    </span>
                    <button
                        type="button"
                        class="confab-link-button"
                        on:click=move |_| uploads.retry(key)
                    >
                        {words.retry}
                    </button>
                }
                .into_any(),
            ),
        };
        view! {
            <li data-testid="upload" data-state=state>
                <span class="confab-file-name">{name.clone()}</span>
                {status}
                <button
                    type="button"
                    class="confab-link-button"
                    aria-label=format!("{} {name}", words.remove)
                    on:click=move |_| uploads.remove(key)
                >
                    "×"
                </button>
            </li>
        }
    };
    move || {
        let items = uploads.items().get();
        (!items.is_empty()).then(|| {
            view! {
                <ul class="confab-uploads" data-testid="uploads">
                    {items.into_iter().map(row).collect_view()}
                </ul>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> Attachment {
        Attachment {
            id: uuid::Uuid::now_v7(),
            name: name.to_owned(),
            size: 10,
            content_type: "image/png".to_owned(),
            width: Some(1),
            height: Some(1),
            url: "/files/x".to_owned(),
            thumbnail_url: Some("/files/x/thumbnail".to_owned()),
        }
    }

    fn upload(key: u64, state: UploadState) -> Upload {
        Upload {
            key,
            name: format!("{key}"),
            state,
        }
    }

    #[test]
    fn a_message_waits_for_uploads_on_their_way_or_failed() {
        let a = file("a.png");
        let ready = [upload(0, UploadState::Done(a.clone()))];
        assert!(!waiting(&ready));
        assert_eq!(done(&ready), std::slice::from_ref(&a));
        let sending = [
            upload(0, UploadState::Done(a.clone())),
            upload(1, UploadState::Sending(0.5)),
        ];
        assert!(waiting(&sending));
        let failed = [upload(0, UploadState::Failed("no".into()))];
        assert!(waiting(&failed));
        assert!(done(&failed).is_empty());
        assert!(!waiting(&[]));
    }
}
