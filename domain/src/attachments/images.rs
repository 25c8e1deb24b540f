//! Images as they are stored: decoded within limits (a small file that unpacks to gigabytes
//! is refused before anything is allocated), turned upright, re-encoded from their pixels
//! alone (EXIF, GPS positions, comments and colour profiles stay behind), and given a
//! thumbnail. This is CPU work: callers run it on a blocking thread, one image at a time.

use std::{
    fs::File,
    io::{BufReader, Cursor},
    path::Path,
};

use image::{
    AnimationDecoder, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage,
    codecs::{
        gif::{GifDecoder, GifEncoder, Repeat},
        jpeg::JpegEncoder,
        png::PngEncoder,
    },
    metadata::Orientation,
};

use super::kinds::Picture;

/// Widest and tallest image accepted, in pixels.
pub const MAX_SIDE: u32 = 12_000;

/// Most memory one decoded image (or one animation frame) may take: 32 megapixels of RGB
/// (a phone's photo is 12). A progressive JPEG's decoder holds twice as much again in
/// coefficients, and re-encoding a copy: one image at a time stays under half a gigabyte.
pub const MAX_DECODED_BYTES: u64 = 96 * 1024 * 1024;

/// Most pixels an animation may hold over all its frames (each is re-encoded).
pub const MAX_ANIMATION_PIXELS: u64 = 100_000_000;

/// A thumbnail fits in a square this many pixels wide.
pub const THUMBNAIL_SIDE: u32 = 320;

const JPEG_QUALITY: u8 = 90;
const THUMBNAIL_QUALITY: u8 = 80;

/// An image ready to store.
#[derive(Debug)]
pub struct Cleaned {
    /// The re-encoded file.
    pub bytes: Vec<u8>,
    /// Its format: the upload's, except WebP, which is stored as PNG (with transparency) or
    /// JPEG (without), the formats Confab can encode compactly.
    pub picture: Picture,
    /// Width in pixels, upright.
    pub width: u32,
    /// Height in pixels, upright.
    pub height: u32,
    /// A JPEG at most [`THUMBNAIL_SIDE`] pixels on its longer side.
    pub thumbnail: Vec<u8>,
}

/// Why an image was refused; the text is for the person who sent it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// Decodes the `picture` at `path` within the limits and re-encodes it without metadata.
///
/// # Errors
/// When the image is larger than the limits, or its bytes cannot be decoded.
pub fn clean(path: &Path, picture: Picture) -> Result<Cleaned, Refused> {
    match picture {
        Picture::Gif => clean_animation(path),
        Picture::Png | Picture::Jpeg | Picture::WebP => clean_still(path, picture),
    }
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    limits
}

fn unreadable(err: impl std::fmt::Display) -> Refused {
    tracing::debug!(error = %err, "an uploaded image could not be decoded");
    Refused("the image could not be read: it is damaged, or larger than accepted".to_owned())
}

fn open(path: &Path) -> Result<BufReader<File>, Refused> {
    File::open(path).map(BufReader::new).map_err(unreadable)
}

/// Refuses sizes over the limits before a pixel is decoded.
fn check_size(width: u32, height: u32, bytes: u64) -> Result<(), Refused> {
    if width > MAX_SIDE || height > MAX_SIDE || bytes > MAX_DECODED_BYTES {
        return Err(Refused(format!(
            "the image is {width} × {height} pixels; at most {MAX_SIDE} × {MAX_SIDE} and {} megapixels are accepted",
            MAX_DECODED_BYTES / 3 / 1_000_000
        )));
    }
    Ok(())
}

fn clean_still(path: &Path, picture: Picture) -> Result<Cleaned, Refused> {
    let format = match picture {
        Picture::Png => ImageFormat::Png,
        Picture::Jpeg => ImageFormat::Jpeg,
        Picture::Gif => ImageFormat::Gif,
        Picture::WebP => ImageFormat::WebP,
    };
    let mut reader = ImageReader::with_format(open(path)?, format);
    reader.limits(limits());
    // `into_decoder` checks the dimensions against the limits; the allocation is checked
    // here, since `from_decoder` would not.
    let mut decoder = reader.into_decoder().map_err(|err| match err {
        image::ImageError::Limits(_) => Refused(format!(
            "the image is larger than accepted: at most {MAX_SIDE} × {MAX_SIDE} pixels"
        )),
        other => unreadable(other),
    })?;
    let (width, height) = decoder.dimensions();
    check_size(width, height, decoder.total_bytes())?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    let stored = match picture {
        Picture::WebP if image.color().has_alpha() => Picture::Png,
        Picture::WebP => Picture::Jpeg,
        other => other,
    };
    let bytes = match stored {
        Picture::Jpeg => jpeg(&image, JPEG_QUALITY)?,
        _ => png(&image)?,
    };
    Ok(Cleaned {
        bytes,
        picture: stored,
        width: image.width(),
        height: image.height(),
        thumbnail: thumbnail(&image)?,
    })
}

/// GIFs keep their frames and timing: each frame is re-encoded, one at a time.
fn clean_animation(path: &Path) -> Result<Cleaned, Refused> {
    let mut decoder = GifDecoder::new(open(path)?).map_err(unreadable)?;
    let (width, height) = decoder.dimensions();
    let frame_bytes = u64::from(width) * u64::from(height) * 4;
    check_size(width, height, frame_bytes)?;
    decoder.set_limits(limits()).map_err(unreadable)?;
    let mut bytes = Vec::new();
    let mut first = None;
    let mut pixels = 0u64;
    {
        // Speed 10 of 30: each frame's palette is found from a sample of its pixels, not all
        // of them, which bounds the time a long animation takes.
        let mut encoder = GifEncoder::new_with_speed(&mut bytes, 10);
        encoder.set_repeat(Repeat::Infinite).map_err(unreadable)?;
        for frame in decoder.into_frames() {
            let frame = frame.map_err(unreadable)?;
            pixels += u64::from(width) * u64::from(height);
            if pixels > MAX_ANIMATION_PIXELS {
                return Err(Refused(format!(
                    "the animation is too long: at most {} megapixels over all its frames",
                    MAX_ANIMATION_PIXELS / 1_000_000
                )));
            }
            if first.is_none() {
                first = Some(DynamicImage::ImageRgba8(frame.buffer().clone()));
            }
            encoder.encode_frame(frame).map_err(unreadable)?;
        }
    }
    let first = first.ok_or_else(|| unreadable("no frames"))?;
    Ok(Cleaned {
        bytes,
        picture: Picture::Gif,
        width: first.width(),
        height: first.height(),
        thumbnail: thumbnail(&first)?,
    })
}

fn png(image: &DynamicImage) -> Result<Vec<u8>, Refused> {
    let mut bytes = Vec::new();
    image
        .write_with_encoder(PngEncoder::new(&mut bytes))
        .map_err(unreadable)?;
    Ok(bytes)
}

fn jpeg(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, Refused> {
    let mut bytes = Cursor::new(Vec::new());
    let opaque = if image.color().has_color() {
        DynamicImage::ImageRgb8(on_white(image))
    } else {
        DynamicImage::ImageLuma8(image.to_luma8())
    };
    opaque
        .write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, quality))
        .map_err(unreadable)?;
    Ok(bytes.into_inner())
}

/// The image over a white background: transparent parts of a screenshot stay light.
fn on_white(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| {
            let alpha = u16::from(a);
            // c·a + 255·(255 − a), over 255: at most 255.
            u8::try_from((u16::from(c) * alpha + 255 * (255 - alpha)) / 255).unwrap_or(u8::MAX)
        };
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

fn thumbnail(image: &DynamicImage) -> Result<Vec<u8>, Refused> {
    let small = if image.width() > THUMBNAIL_SIDE || image.height() > THUMBNAIL_SIDE {
        image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    } else {
        image.clone()
    };
    let mut bytes = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(on_white(&small))
        .write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, THUMBNAIL_QUALITY))
        .map_err(unreadable)?;
    Ok(bytes.into_inner())
}
