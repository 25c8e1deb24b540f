//! Brotli copies of static files, made once at build time so the server sends them without
//! compressing per request: `FILE.br` beside `FILE`, at quality 11 (the slowest and smallest;
//! it runs once per build, on files of a few hundred kilobytes).

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::Context;

/// Brotli's best quality.
const QUALITY: u32 = 11;
/// The window: 2^22 bytes (4 MiB), larger than any file compressed here, so the whole file is
/// one window.
const WINDOW_BITS: u32 = 22;

/// Writes `FILE.br` for each file; fails on the first that cannot be read or written.
pub fn files(paths: impl Iterator<Item = PathBuf>) -> ExitCode {
    let mut count = 0;
    for path in paths {
        if let Err(err) = one(&path) {
            eprintln!("compress: {err:#}");
            return ExitCode::FAILURE;
        }
        count += 1;
    }
    if count == 0 {
        eprintln!("usage: cargo xtask compress FILE…");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn one(path: &Path) -> anyhow::Result<()> {
    let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = path.as_os_str().to_owned();
    out.push(".br");
    let packed = brotli_of(&bytes)?;
    fs::write(&out, packed).with_context(|| format!("writing {}", out.display()))
}

fn brotli_of(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut packed = Vec::with_capacity(bytes.len() / 3);
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut packed, 64 * 1024, QUALITY, WINDOW_BITS);
        writer.write_all(bytes).context("compressing")?;
        writer.flush().context("compressing")?;
    }
    Ok(packed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brotli_copies_decompress_to_the_original() {
        let text = "the widget's bundle, many times over; ".repeat(2000);
        let packed = brotli_of(text.as_bytes()).unwrap();
        assert!(packed.len() < text.len() / 20, "{} bytes", packed.len());
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut packed.as_slice(), &mut unpacked).unwrap();
        assert_eq!(unpacked, text.as_bytes());
    }
}
