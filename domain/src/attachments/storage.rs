//! Where attachments' bytes live: a local directory (the embedded default, `data/files`) or
//! any S3-compatible bucket, behind the `object_store` crate's one API. Several instances on
//! PostgreSQL share a bucket.
//!
//! Uploads arrive in a scratch file first (never whole in memory), so nothing reaches
//! storage until an upload is complete and accepted. On a local directory the scratch file
//! is beside the files and is renamed into place; on S3 it is sent in parts, a few at a time.

use std::{
    fmt,
    io::ErrorKind,
    path::{Path as FsPath, PathBuf},
    str::FromStr,
    sync::Arc,
};

use anyhow::Context;
use bytes::Bytes;
use object_store::{
    GetOptions, GetRange, GetResult, ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart,
    aws::{AmazonS3Builder, AmazonS3ConfigKey},
    local::LocalFileSystem,
    memory::InMemory,
    path::Path,
};
use tempfile::NamedTempFile;
use tokio::io::AsyncReadExt;
use uuid::Uuid;

/// Where files go unless configured: beside the embedded database.
pub const DEFAULT_STORAGE_URL: &str = "data/files";

/// Size of the parts an upload is sent to S3 in (its minimum, except for the last part).
const PART_BYTES: usize = 5 * 1024 * 1024;

/// Parts of one upload in flight at once.
const PARTS_IN_FLIGHT: usize = 2;

/// A storage failure: logged with its cause, answered as a server error.
#[derive(Debug, thiserror::Error)]
#[error("storage: {0}")]
pub struct StorageError(String);

impl From<object_store::Error> for StorageError {
    fn from(err: object_store::Error) -> Self {
        Self(err.to_string())
    }
}

impl From<std::io::Error> for StorageError {
    fn from(err: std::io::Error) -> Self {
        Self(err.to_string())
    }
}

impl From<StorageError> for wire::error::AppError {
    fn from(err: StorageError) -> Self {
        tracing::error!(error = %err, "file storage failed");
        Self::Internal
    }
}

/// The stored form of an attachment: the file as served, or its thumbnail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The file.
    Original,
    /// An image's thumbnail (a JPEG).
    Thumbnail,
}

impl Variant {
    /// Where attachment `id`'s bytes of this variant are kept.
    pub fn key(self, id: Uuid) -> Path {
        match self {
            Self::Original => Path::from(format!("attachments/{id}")),
            Self::Thumbnail => Path::from(format!("thumbnails/{id}")),
        }
    }
}

/// Files' storage, shared by every request of the process.
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// Set for a local directory: scratch files are renamed into it.
    local: Option<Arc<LocalFileSystem>>,
    /// Where uploads are received.
    scratch: PathBuf,
    described: String,
}

impl fmt::Debug for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.described)
    }
}

impl Storage {
    /// Opens the storage `url` names: a directory path (or `file:///path`), or
    /// `s3://bucket?endpoint=…&region=…` with any of `object_store`'s S3 settings as
    /// parameters (`access_key_id`, `secret_access_key`, …; unset ones come from the
    /// standard `AWS_*` environment variables).
    ///
    /// # Errors
    /// When the URL is malformed, names an unknown setting, or the directory cannot be made.
    pub fn open(url: &str) -> anyhow::Result<Self> {
        if let Some(rest) = url.strip_prefix("s3://") {
            return Self::s3(rest);
        }
        if url.contains("://") && !url.starts_with("file://") {
            anyhow::bail!("storage URLs are a directory, file:///path or s3://bucket?…");
        }
        Self::directory(FsPath::new(url.strip_prefix("file://").unwrap_or(url)))
    }

    fn directory(root: &FsPath) -> anyhow::Result<Self> {
        let scratch = root.join(".incoming");
        std::fs::create_dir_all(&scratch)
            .with_context(|| format!("could not create {}", scratch.display()))?;
        let local = Arc::new(
            LocalFileSystem::new_with_prefix(root)
                .with_context(|| format!("could not open {}", root.display()))?
                .with_automatic_cleanup(true),
        );
        Ok(Self {
            store: local.clone(),
            local: Some(local),
            scratch,
            described: format!("directory {}", root.display()),
        })
    }

    fn s3(rest: &str) -> anyhow::Result<Self> {
        // HTTPS to the bucket needs a crypto provider for rustls; another part of the process
        // may have installed one already, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let (bucket, query) = rest.split_once('?').unwrap_or((rest, ""));
        let bucket = bucket.trim_end_matches('/');
        anyhow::ensure!(!bucket.is_empty(), "the S3 storage URL names no bucket");
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        let mut endpoint = None;
        for (name, value) in form_pairs(query) {
            let key = AmazonS3ConfigKey::from_str(&name)
                .map_err(|_| anyhow::anyhow!("unknown S3 setting `{name}` in the storage URL"))?;
            if key == AmazonS3ConfigKey::Endpoint {
                endpoint = Some(value.clone());
            }
            builder = builder.with_config(key, value);
        }
        // A plain-HTTP endpoint (a store on the same host or network) is the operator's
        // explicit choice.
        if endpoint
            .as_deref()
            .is_some_and(|e| e.starts_with("http://"))
        {
            builder = builder.with_allow_http(true);
        }
        let store = builder.build().context("invalid S3 storage settings")?;
        let scratch = std::env::temp_dir().join("confab-uploads");
        std::fs::create_dir_all(&scratch)
            .with_context(|| format!("could not create {}", scratch.display()))?;
        Ok(Self {
            store: Arc::new(store),
            local: None,
            scratch,
            described: format!(
                "S3 bucket {bucket}{}",
                endpoint.map(|e| format!(" at {e}")).unwrap_or_default()
            ),
        })
    }

    /// Storage in this process's memory, gone when it exits: for a process that never
    /// receives files (tools, tests of other concerns).
    pub fn in_memory() -> Self {
        Self {
            store: Arc::new(InMemory::new()),
            local: None,
            scratch: std::env::temp_dir(),
            described: "memory".to_owned(),
        }
    }

    /// A new scratch file for an upload to arrive in; it deletes itself when dropped.
    ///
    /// # Errors
    /// When the scratch directory is not writable.
    pub fn scratch_file(&self) -> Result<NamedTempFile, StorageError> {
        Ok(tempfile::Builder::new()
            .prefix("upload-")
            .tempfile_in(&self.scratch)?)
    }

    /// Stores the complete scratch `file` under `key`.
    ///
    /// # Errors
    /// When storage fails; nothing is left under `key` then.
    pub async fn put_file(&self, key: &Path, file: NamedTempFile) -> Result<(), StorageError> {
        if let Some(local) = &self.local {
            let target = local.path_to_filesystem(key)?;
            if let Some(parent) = target.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            // The scratch directory is inside the root: a rename, atomic and instant.
            let persisted = tokio::task::spawn_blocking(move || file.persist(target))
                .await
                .map_err(|err| StorageError(err.to_string()))?;
            return persisted
                .map(drop)
                .map_err(|err| StorageError(err.to_string()));
        }
        let upload = self.store.put_multipart(key).await?;
        let mut parts = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let sent = async {
            let mut reader = tokio::fs::File::open(file.path()).await?;
            let mut buffer = vec![0; 64 * 1024];
            loop {
                let read = reader.read(&mut buffer).await?;
                if read == 0 {
                    return Ok::<_, StorageError>(());
                }
                parts.wait_for_capacity(PARTS_IN_FLIGHT).await?;
                parts.write(&buffer[..read]);
            }
        }
        .await;
        match sent {
            Ok(()) => {
                parts.finish().await?;
                Ok(())
            }
            Err(err) => {
                if let Err(abort) = parts.abort().await {
                    tracing::warn!(error = %abort, "could not abort a failed upload");
                }
                Err(err)
            }
        }
    }

    /// Stores `bytes` under `key` (a re-encoded image, a thumbnail).
    ///
    /// # Errors
    /// When storage fails.
    pub async fn put_bytes(&self, key: &Path, bytes: Vec<u8>) -> Result<(), StorageError> {
        self.store
            .put(key, PutPayload::from(Bytes::from(bytes)))
            .await?;
        Ok(())
    }

    /// The bytes under `key`, all or `range` of them; `None` when nothing is stored there.
    ///
    /// # Errors
    /// When storage fails, or `range` starts past the end (answered 416 by the caller, who
    /// checks ranges against the size it knows first).
    pub async fn get(
        &self,
        key: &Path,
        range: Option<std::ops::Range<u64>>,
    ) -> Result<Option<GetResult>, StorageError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        match self.store.get_opts(key, options).await {
            Ok(found) => Ok(Some(found)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// Deletes what is under `key`; nothing there is not an error.
    ///
    /// # Errors
    /// When storage fails.
    pub async fn delete(&self, key: &Path) -> Result<(), StorageError> {
        match self.store.delete(key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// Deletes scratch files older than `age` (left by a process that stopped mid-upload).
    /// Returns how many went.
    pub async fn clear_scratch(&self, age: std::time::Duration) -> usize {
        let Ok(mut entries) = tokio::fs::read_dir(&self.scratch).await else {
            return 0;
        };
        let mut cleared = 0;
        while let Ok(Some(entry)) = entries.next_entry().await {
            let is_upload = entry.file_name().to_string_lossy().starts_with("upload-");
            let old = entry
                .metadata()
                .await
                .and_then(|meta| meta.modified())
                .ok()
                .and_then(|modified| modified.elapsed().ok())
                .is_some_and(|elapsed| elapsed > age);
            if is_upload && old {
                match tokio::fs::remove_file(entry.path()).await {
                    Ok(()) => cleared += 1,
                    Err(err) if err.kind() == ErrorKind::NotFound => {}
                    Err(err) => tracing::warn!(error = %err, "could not delete a stale upload"),
                }
            }
        }
        cleared
    }
}

/// `a=b&c=d`, percent-decoded.
fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match decoded {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_urls_name_a_directory_or_a_bucket() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("files");
        let local = Storage::open(&path.display().to_string()).expect("a directory");
        assert!(local.scratch.starts_with(&path));
        let s3 = Storage::open(
            "s3://bucket?endpoint=http%3A%2F%2F127.0.0.1%3A9000&region=us-east-1&access_key_id=a&secret_access_key=b",
        )
        .expect("a bucket");
        assert_eq!(
            format!("{s3:?}"),
            "S3 bucket bucket at http://127.0.0.1:9000"
        );
        assert!(Storage::open("s3://?region=x").is_err());
        assert!(Storage::open("s3://bucket?no_such_setting=1").is_err());
        assert!(Storage::open("ftp://host/files").is_err());
    }
}
