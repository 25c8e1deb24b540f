//! Sending one file as `multipart/form-data` with `XMLHttpRequest`, the one browser API that
//! reports an upload's progress (`fetch` does not). On the server it never starts.

/// The server's answer to an upload: its status and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answered {
    /// The HTTP status.
    pub status: u16,
    /// The body's text.
    pub text: String,
}

/// An upload under way. It holds the callbacks the browser calls; dropping it stops the
/// upload and unhooks them first, so the browser never calls a freed callback.
pub struct UploadHandle {
    #[cfg(feature = "browser")]
    request: web_sys::XmlHttpRequest,
    #[cfg(feature = "browser")]
    _progress: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::ProgressEvent)>,
    #[cfg(feature = "browser")]
    _ended: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl Drop for UploadHandle {
    fn drop(&mut self) {
        #[cfg(feature = "browser")]
        {
            self.request.set_onloadend(None);
            if let Ok(target) = self.request.upload() {
                target.set_onprogress(None);
            }
            let _ = self.request.abort();
        }
    }
}

/// POSTs `file` to `url` as the part `file`, with a bearer `token` when given (cookies go
/// along on the same origin). `progress` hears the fraction sent, `ended` the answer, or why
/// none came.
///
/// # Errors
/// When the browser refuses to start the request.
#[cfg(feature = "browser")]
pub fn upload(
    url: &str,
    token: Option<&str>,
    file: &web_sys::File,
    progress: impl Fn(f64) + 'static,
    ended: impl FnOnce(Result<Answered, String>) + 'static,
) -> Result<UploadHandle, String> {
    use std::{cell::RefCell, rc::Rc};
    use wasm_bindgen::{JsCast, closure::Closure};
    use web_sys::{FormData, ProgressEvent, XmlHttpRequest};

    let refused = |_| "the browser could not start the upload".to_owned();
    let request = XmlHttpRequest::new().map_err(refused)?;
    request.open("POST", url).map_err(refused)?;
    if let Some(token) = token {
        request
            .set_request_header("Authorization", &format!("Bearer {token}"))
            .map_err(refused)?;
    }
    let form = FormData::new().map_err(refused)?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(refused)?;
    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
        if ev.length_computable() && ev.total() > 0.0 {
            progress(ev.loaded() / ev.total());
        }
    });
    request
        .upload()
        .map_err(refused)?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    let ended = Rc::new(RefCell::new(Some(ended)));
    let finished = request.clone();
    let on_end = Closure::<dyn FnMut()>::new(move || {
        let Some(ended) = ended.borrow_mut().take() else {
            return;
        };
        let status = finished.status().unwrap_or(0);
        ended(if status == 0 {
            Err("the server could not be reached".to_owned())
        } else {
            Ok(Answered {
                status,
                text: finished.response_text().ok().flatten().unwrap_or_default(),
            })
        });
    });
    request.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    request
        .send_with_opt_form_data(Some(&form))
        .map_err(refused)?;
    Ok(UploadHandle {
        request,
        _progress: on_progress,
        _ended: on_end,
    })
}

/// Uploads only happen in a browser.
#[cfg(not(feature = "browser"))]
pub fn upload(
    _url: &str,
    _token: Option<&str>,
    _file: &web_sys::File,
    _progress: impl Fn(f64) + 'static,
    _ended: impl FnOnce(Result<Answered, String>) + 'static,
) -> Result<UploadHandle, String> {
    Err("no browser here".to_owned())
}
