//! Files the attachment tests upload, made here byte by byte: images, a JPEG carrying GPS
//! positions and a rotation in its EXIF, a PNG that unpacks to 400 megapixels, a PDF, pages
//! and an SVG with scripts.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage};

/// A `width` × `height` PNG of a gradient.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut bytes = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut bytes, ImageFormat::Png)
        .expect("encode PNG");
    bytes.into_inner()
}

/// Latitude 51° 30′ 26.64″ as the EXIF stores it: three rationals, big-endian.
pub const GPS_LATITUDE: [u8; 24] = [
    0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0, 30, 0, 0, 0, 1, 0, 0, 0x0a, 0x68, 0, 0, 0, 100,
];

/// A 64 × 48 JPEG whose EXIF holds a GPS position ([`GPS_LATITUDE`], north) and orientation
/// 6 (shown turned 90° clockwise: 48 × 64 upright).
pub fn jpeg_with_gps() -> Vec<u8> {
    let image = RgbImage::from_fn(64, 48, |x, _| image::Rgb([(x * 4) as u8, 20, 200]));
    let mut plain = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut plain, ImageFormat::Jpeg)
        .expect("encode JPEG");
    let plain = plain.into_inner();
    // TIFF, big-endian: IFD0 (orientation, GPS pointer), the GPS IFD, its latitude.
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    let gps_ifd = 8 + 2 + 2 * 12 + 4;
    let latitude_at = gps_ifd + 2 + 2 * 12 + 4;
    tiff.extend([0, 2]);
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1]);
    tiff.extend((gps_ifd as u32).to_be_bytes());
    tiff.extend([0, 0, 0, 0]);
    tiff.extend([0, 2]);
    tiff.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend([0, 2, 0, 5, 0, 0, 0, 3]);
    tiff.extend((latitude_at as u32).to_be_bytes());
    tiff.extend([0, 0, 0, 0]);
    tiff.extend(GPS_LATITUDE);
    let mut app1 = b"Exif\x00\x00".to_vec();
    app1.extend(tiff);
    let mut jpeg = plain[..2].to_vec();
    jpeg.extend([0xff, 0xe1]);
    jpeg.extend(u16::try_from(app1.len() + 2).expect("small").to_be_bytes());
    jpeg.extend(app1);
    jpeg.extend(&plain[2..]);
    jpeg
}

/// A grey PNG of `side` × `side` pixels, all black: a few megabytes that unpack to `side`²
/// bytes. The deflate stream is written by hand (one literal, then matches of 258 bytes), so
/// making it takes no memory and no time.
pub fn png_bomb(side: u32) -> Vec<u8> {
    let raw = u64::from(side) * (u64::from(side) + 1);
    let mut bits = Bits::default();
    bits.value(1, 1);
    bits.value(1, 2);
    let literals = 1 + (raw - 1) % 258;
    for _ in 0..literals {
        bits.code(0b0011_0000, 8);
    }
    for _ in 0..(raw - literals) / 258 {
        bits.code(0b1100_0101, 8);
        bits.code(0, 5);
    }
    bits.code(0, 7);
    let mut zlib = vec![0x78, 0x01];
    zlib.extend(bits.finish());
    let adler = ((raw % 65_521) << 16 | 1) as u32;
    zlib.extend(adler.to_be_bytes());
    let mut header = side.to_be_bytes().to_vec();
    header.extend(side.to_be_bytes());
    header.extend([8, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &zlib);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend(u32::try_from(data.len()).expect("small").to_be_bytes());
    png.extend(kind);
    png.extend(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    png.extend(crc.finalize().to_be_bytes());
}

/// A deflate bit stream: values least significant bit first, Huffman codes most first.
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    current: u8,
    used: u8,
}

impl Bits {
    fn bit(&mut self, bit: u8) {
        self.current |= bit << self.used;
        self.used += 1;
        if self.used == 8 {
            self.bytes.push(self.current);
            self.current = 0;
            self.used = 0;
        }
    }

    fn value(&mut self, value: u32, count: u8) {
        for i in 0..count {
            self.bit(((value >> i) & 1) as u8);
        }
    }

    fn code(&mut self, code: u32, count: u8) {
        for i in (0..count).rev() {
            self.bit(((code >> i) & 1) as u8);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.used > 0 {
            self.bytes.push(self.current);
        }
        self.bytes
    }
}

/// A PDF of about `size` bytes (a real header, then filler).
pub fn pdf(size: usize) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut seed = 0x2545_f491_u32;
    while pdf.len() < size {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        pdf.push((seed & 0xff) as u8);
    }
    pdf.truncate(size);
    pdf
}

/// A page that runs a script, as a careless server would serve it.
pub const HTML: &[u8] = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script>";

/// An SVG that runs a script when shown as a document.
pub const SVG: &[u8] =
    b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(document.cookie)\"><rect/></svg>";

#[test]
fn the_bomb_is_a_png_of_the_size_it_claims() {
    let bomb = png_bomb(300);
    let image = image::load_from_memory(&bomb).expect("a valid PNG");
    assert_eq!((image.width(), image.height()), (300, 300));
    assert!(image.to_luma8().pixels().all(|p| p.0 == [0]));
    assert!(png_bomb(20_000).len() < 4_000_000);
}

#[test]
fn the_gps_jpeg_carries_its_exif() {
    let jpeg = jpeg_with_gps();
    assert!(jpeg.windows(6).any(|w| w == b"Exif\0\0"));
    assert!(jpeg.windows(GPS_LATITUDE.len()).any(|w| w == GPS_LATITUDE));
    image::load_from_memory(&jpeg).expect("still a valid JPEG");
}
