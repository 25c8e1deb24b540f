//! Files attached to a message being written, in the widget's message box (hosted and
//! embedded) and the dashboard's composer: an attach button, a pasted screenshot or files
//! dropped on the box each start an upload at once; the tray shows each one's progress, and a
//! failed one can be retried or removed. The message is sent only when every upload is done, and takes the finished ones
//! with it (a message may be files alone).

use leptos::{ev, prelude::*};
use wire::attachments::Attachment;

use crate::{
    browser::{
        Local,
        upload::{Answered, UploadHandle, upload},
    },
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

/// One file in the tray. Its state is a signal of its own, so progress redraws its row
/// only: the row's buttons and focus survive every progress event.
#[derive(Clone, Copy, Debug)]
pub struct Upload {
    /// Tells it from the others in the tray.
    pub key: u64,
    /// The file's name.
    pub name: StoredValue<String>,
    /// Where it stands.
    pub state: RwSignal<UploadState>,
}

/// Whether the message must wait: an upload is still on its way or failed (retry or remove
/// it first).
pub fn waiting<'a>(states: impl IntoIterator<Item = &'a UploadState>) -> bool {
    states
        .into_iter()
        .any(|state| !matches!(state, UploadState::Done(_)))
}

/// The uploads ready to send, in the order they were added.
pub fn done<'a>(states: impl IntoIterator<Item = &'a UploadState>) -> Vec<Attachment> {
    states
        .into_iter()
        .filter_map(|state| match state {
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
pub type UploadTarget = std::sync::Arc<dyn Fn() -> (String, Option<String>) + Send + Sync>;

/// A file being uploaded, kept in the browser for a retry, with its request while it runs.
struct Sending {
    key: u64,
    file: web_sys::File,
    /// Dropping it stops the request.
    request: Option<UploadHandle>,
}

/// The uploads of one message box, and where they go.
#[derive(Clone, Copy)]
pub struct Uploads {
    items: RwSignal<Vec<Upload>>,
    target: StoredValue<UploadTarget>,
    /// The files and their requests: browser objects, which the server never keeps.
    files: Local<Vec<Sending>>,
    next_key: StoredValue<u64>,
}

impl Uploads {
    /// Uploads to where `target` says.
    pub fn new(target: impl Fn() -> (String, Option<String>) + Send + Sync + 'static) -> Self {
        Self {
            items: RwSignal::new(Vec::new()),
            target: StoredValue::new(std::sync::Arc::new(target)),
            files: Local::new(),
            next_key: StoredValue::new(0),
        }
    }

    /// The tray's rows.
    pub fn items(&self) -> ReadSignal<Vec<Upload>> {
        self.items.read_only()
    }

    /// Whether the message must wait for its uploads.
    pub fn waiting(&self) -> bool {
        self.items
            .with(|items| items.iter().any(|u| u.state.with(|s| waiting([s]))))
    }

    /// Whether a finished upload is in the tray (a message of files alone may go).
    pub fn any_done(&self) -> bool {
        self.items.with(|items| {
            items
                .iter()
                .any(|u| u.state.with(|s| matches!(s, UploadState::Done(_))))
        })
    }

    /// Empties the tray; returns the finished uploads, for the message being sent.
    pub fn take_done(&self) -> Vec<Attachment> {
        let taken = self.items.with_untracked(|items| {
            items
                .iter()
                .filter_map(|u| u.state.with_untracked(|s| done([s]).pop()))
                .collect()
        });
        self.items.set(Vec::new());
        self.files.update(Vec::clear);
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
            let upload = Upload {
                key,
                name: StoredValue::new(file.name()),
                state: RwSignal::new(UploadState::Sending(0.0)),
            };
            self.items.update(|items| items.push(upload));
            self.files.update(|files| {
                files.push(Sending {
                    key,
                    file,
                    request: None,
                });
            });
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
        self.files.update(|files| files.retain(|f| f.key != key));
    }

    fn set_state(&self, key: u64, state: UploadState) {
        let row = self
            .items
            .with_untracked(|items| items.iter().find(|u| u.key == key).copied());
        if let Some(row) = row {
            row.state.set(state);
        }
    }

    fn start(&self, key: u64) {
        let Some(file) = self
            .files
            .with(|files| files.iter().find(|f| f.key == key).map(|f| f.file.clone()))
        else {
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
            Ok(handle) => self.files.update(|files| {
                if let Some(entry) = files.iter_mut().find(|f| f.key == key) {
                    entry.request = Some(handle);
                }
            }),
            Err(reason) => self.set_state(key, UploadState::Failed(reason)),
        }
    }

    /// A paste into the message box: files on the clipboard (a screenshot) are uploaded
    /// instead of pasted; a paste that carries text too (a copy from a document) stays text.
    pub fn on_paste(&self, ev: &ev::ClipboardEvent) {
        let Some(data) = ev.clipboard_data() else {
            return;
        };
        let text = data.get_data("text/plain").unwrap_or_default();
        if let Some(files) = data.files()
            && files.length() > 0
            && text.is_empty()
        {
            ev.prevent_default();
            self.add(&files);
        }
    }

    /// Files dropped on the message box.
    pub fn on_drop(&self, ev: &ev::DragEvent) {
        // A file dropped anywhere else would make the browser leave the page to show it.
        ev.prevent_default();
        if let Some(files) = ev.data_transfer().and_then(|data| data.files())
            && files.length() > 0
        {
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
/// failed, and its buttons. Rows are keyed: progress redraws a row's status alone.
#[component]
pub fn UploadTray(uploads: Uploads, words: &'static UploadWords) -> impl IntoView {
    let row = move |upload: Upload| {
        let key = upload.key;
        let name = upload.name.get_value();
        let status_name = name.clone();
        let status = move || match upload.state.get() {
            UploadState::Sending(sent) => view! {
                <progress
                    max="100"
                    // Whole percents: formatting a float would weigh kilobytes of wasm.
                    value=((sent * 100.0) as u32).to_string()
                    aria-label=format!("{} {status_name}", words.sending)
                ></progress>
            }
            .into_any(),
            UploadState::Done(file) => {
                view! { <span class="confab-file-size">{file.size_label()}</span> }.into_any()
            }
            UploadState::Failed(reason) => view! {
                <span class="confab-failed" role="alert">
                    {format!("{}: {reason}", words.failed)}
                </span>
                <button
                    type="button"
                    class="confab-link-button"
                    aria-label=format!("{} {status_name}", words.retry)
                    on:click=move |_| uploads.retry(key)
                >
                    {words.retry}
                </button>
            }
            .into_any(),
        };
        let state = move || match upload.state.get() {
            UploadState::Sending(_) => "sending",
            UploadState::Done(_) => "done",
            UploadState::Failed(_) => "failed",
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
    view! {
        <ul
            class="confab-uploads"
            data-testid="uploads"
            aria-label=words.attach
            hidden=move || uploads.items().with(Vec::is_empty)
        >
            <For each=move || uploads.items().get() key=|upload| upload.key children=row />
        </ul>
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

    #[test]
    fn a_message_waits_for_uploads_on_their_way_or_failed() {
        let a = file("a.png");
        let ready = [UploadState::Done(a.clone())];
        assert!(!waiting(&ready));
        assert_eq!(done(&ready), std::slice::from_ref(&a));
        let sending = [UploadState::Done(a.clone()), UploadState::Sending(0.5)];
        assert!(waiting(&sending));
        let failed = [UploadState::Failed("no".into())];
        assert!(waiting(&failed));
        assert!(done(&failed).is_empty());
        assert!(!waiting(&[] as &[UploadState]));
    }
}
