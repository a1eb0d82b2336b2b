//! Per-image work of the prepare step: decide what each target needs, decode
//! at most once, convert, encode.

use super::{ResourceOptions, Targets, jpeg, png, svg};
use crate::doc::{Blob, EpubImage, ImageFormat, LoadedImage, PdfImage};
use image::{DynamicImage, ImageDecoder, metadata::Orientation};

/// What was made of one image.
#[derive(Debug, Default)]
pub struct Derived {
    pub epub: Option<EpubImage>,
    pub pdf: Option<PdfImage>,
    pub epub_action: Option<String>,
    pub pdf_action: Option<String>,
    pub pdf_bytes: Option<u64>,
    pub bytes_before: u64,
    pub warnings: Vec<String>,
    /// The image turned out to be unusable (a placeholder is drawn).
    pub unusable: bool,
}

/// The image file's bytes, read on first need (an image that needs no
/// change is not read here at all: the probe read its headers).
struct Data<'a> {
    blob: &'a Blob,
    bytes: std::cell::OnceCell<Result<std::borrow::Cow<'a, [u8]>, String>>,
}

impl<'a> Data<'a> {
    fn new(blob: &'a Blob) -> Data<'a> {
        Data {
            blob,
            bytes: std::cell::OnceCell::new(),
        }
    }

    fn get(&self) -> Result<&[u8], String> {
        match self.bytes.get_or_init(|| {
            self.blob
                .read()
                .map_err(|e| format!("cannot read the file: {e}"))
        }) {
            Ok(bytes) => Ok(bytes),
            Err(e) => Err(e.clone()),
        }
    }
}

/// Decodes the image once, on first need.
struct Pixels<'a> {
    data: &'a Data<'a>,
    format: ImageFormat,
    options: &'a ResourceOptions,
    image: Option<DynamicImage>,
    orientation: Orientation,
}

impl<'a> Pixels<'a> {
    fn new(data: &'a Data<'a>, loaded: &LoadedImage, options: &'a ResourceOptions) -> Pixels<'a> {
        Pixels {
            data,
            format: loaded.format,
            options,
            image: None,
            // From the header (EXIF), read by the probe.
            orientation: Orientation::from_exif(loaded.facts.orientation)
                .unwrap_or(Orientation::NoTransforms),
        }
    }

    fn get(&mut self) -> Result<&DynamicImage, String> {
        if self.image.is_none() {
            let data = self.data.get()?;
            let d = decoder(data, self.format, self.options).map_err(|e| e.to_string())?;
            let mut img = DynamicImage::from_decoder(d).map_err(|e| e.to_string())?;
            img.apply_orientation(self.orientation);
            self.image = Some(img);
        }
        Ok(self.image.as_ref().expect("decoded above"))
    }
}

fn decoder<'a>(
    data: &'a [u8],
    format: ImageFormat,
    options: &ResourceOptions,
) -> image::ImageResult<impl ImageDecoder + 'a> {
    let mut reader =
        image::ImageReader::with_format(std::io::Cursor::new(data), super::to_image(format));
    // Bombs: the header was checked already; these limits bound the decoder too.
    let mut limits = image::Limits::default();
    let side = (options.max_pixels as f64).sqrt().ceil() as u32 * 4;
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    limits.max_alloc = Some(options.max_pixels * 8 + (64 << 20));
    reader.limits(limits);
    reader.into_decoder()
}

/// Makes the EPUB and PDF forms of one image.
pub fn derive(
    written: &str,
    loaded: &LoadedImage,
    targets: Targets,
    options: &ResourceOptions,
) -> Derived {
    let mut out = Derived {
        bytes_before: loaded.bytes.len(),
        ..Derived::default()
    };
    // Read at most once for this image's work (only when something must
    // change), dropped when it is done.
    let data = Data::new(&loaded.bytes);
    if loaded.format == ImageFormat::Svg {
        match data.get() {
            Ok(bytes) => svg_image(written, loaded, bytes, targets, &mut out),
            Err(e) => {
                out.warnings
                    .push(format!("cannot read image ({written}: {e})"));
                out.unusable = true;
            }
        }
        return out;
    }
    let mut pixels = Pixels::new(&data, loaded, options);
    if targets.epub {
        match epub_image(loaded, &data, options, &mut pixels) {
            Ok((image, action)) => {
                out.epub = Some(image);
                out.epub_action = Some(action);
            }
            Err(e) => {
                out.warnings
                    .push(format!("unreadable image ({written}: {e})"));
                out.unusable = true;
                return out;
            }
        }
    }
    if let Some(measure) = targets.pdf_measure {
        match pdf_image(loaded, options, measure, &mut pixels) {
            Ok((image, action, bytes, warnings)) => {
                out.pdf = Some(image);
                out.pdf_action = Some(action);
                out.pdf_bytes = Some(bytes);
                out.warnings
                    .extend(warnings.into_iter().map(|w| format!("{w} ({written})")));
            }
            Err(e) => {
                out.warnings
                    .push(format!("unreadable image ({written}: {e})"));
                out.unusable = true;
            }
        }
    }
    out
}

fn svg_image(
    written: &str,
    loaded: &LoadedImage,
    data: &[u8],
    targets: Targets,
    out: &mut Derived,
) {
    if targets.epub {
        match svg::sanitize(data) {
            Ok(clean) => {
                let action = if clean.len() == data.len() {
                    "svg checked"
                } else {
                    "svg sanitised"
                };
                out.epub = Some(EpubImage {
                    bytes: Blob::memory(clean),
                    format: ImageFormat::Svg,
                    width: loaded.width,
                    height: loaded.height,
                });
                out.epub_action = Some(action.into());
            }
            Err(svg::Refused(why)) => {
                out.warnings
                    .push(format!("unusable SVG image, {why} ({written})"));
                out.unusable = true;
                return;
            }
        }
    }
    if targets.pdf_measure.is_some() {
        out.pdf = Some(PdfImage::Unsupported);
        out.pdf_action = Some("placeholder (SVG is not drawn in PDF)".into());
        out.warnings.push(format!(
            "SVG images are not drawn in the PDF; a placeholder is used ({written})"
        ));
    }
}

/// The EPUB file for a raster image.
fn epub_image(
    loaded: &LoadedImage,
    data: &Data<'_>,
    options: &ResourceOptions,
    pixels: &mut Pixels<'_>,
) -> Result<(EpubImage, String), String> {
    let max = options.epub_max_edge.max(16);
    let long = loaded.width.max(loaded.height);
    let facts = &loaded.facts;
    let cmyk = loaded.format == ImageFormat::Jpeg && facts.jpeg_components == 4;
    let rotated = pixels.orientation != Orientation::NoTransforms;
    let foreign = matches!(loaded.format, ImageFormat::WebP);
    let too_big = long > max;
    let mut reasons = Vec::new();
    if cmyk {
        reasons.push("CMYK to sRGB".to_string());
    }
    if rotated {
        reasons.push("orientation applied".to_string());
    }
    if foreign {
        reasons.push(format!("{} converted", loaded.format.extension()));
    }
    if !(cmyk || rotated || foreign || too_big) {
        // Nothing to change but metadata: strip it losslessly, or copy.
        let (bytes, action) = match loaded.format {
            ImageFormat::Jpeg if facts.jpeg_components != 0 && facts.has_metadata => (
                Blob::memory(jpeg::strip_metadata(data.get()?)),
                "metadata stripped",
            ),
            ImageFormat::Png if facts.has_metadata => (
                Blob::memory(png::strip_metadata(data.get()?)),
                "metadata stripped",
            ),
            _ => (loaded.bytes.clone(), "copied"),
        };
        return Ok((
            EpubImage {
                bytes,
                format: loaded.format,
                width: loaded.width,
                height: loaded.height,
            },
            action.to_string(),
        ));
    }
    let img = pixels.get()?;
    let img = if img.width().max(img.height()) > max {
        let resized = img.resize(max, max, image::imageops::FilterType::Lanczos3);
        reasons.push(format!(
            "downscaled {}x{} -> {}x{}",
            img.width(),
            img.height(),
            resized.width(),
            resized.height()
        ));
        std::borrow::Cow::Owned(resized)
    } else {
        std::borrow::Cow::Borrowed(img)
    };
    let has_alpha = img.color().has_alpha() && img.to_rgba8().pixels().any(|p| p.0[3] != 255);
    let photo = matches!(loaded.format, ImageFormat::Jpeg | ImageFormat::WebP) && !has_alpha;
    let (bytes, format) = if photo {
        (encode_jpeg(&img)?, ImageFormat::Jpeg)
    } else {
        (encode_png(&img)?, ImageFormat::Png)
    };
    reasons.push(format!("re-encoded as {}", format.extension()));
    Ok((
        EpubImage {
            bytes: Blob::memory(bytes),
            format,
            width: img.width(),
            height: img.height(),
        },
        reasons.join(", "),
    ))
}

fn encode_jpeg(img: &DynamicImage) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88)
        .encode_image(&img.to_rgb8())
        .map_err(|e| e.to_string())?;
    Ok(out)
}

fn encode_png(img: &DynamicImage) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::Adaptive,
    );
    if img.color().has_alpha() {
        let rgba = img.to_rgba8();
        encoder
            .write_image(
                &rgba,
                rgba.width(),
                rgba.height(),
                image::ExtendedColorType::Rgba8,
            )
            .map_err(|e| e.to_string())?;
    } else {
        let rgb = img.to_rgb8();
        encoder
            .write_image(
                &rgb,
                rgb.width(),
                rgb.height(),
                image::ExtendedColorType::Rgb8,
            )
            .map_err(|e| e.to_string())?;
    }
    Ok(out)
}

type PdfResult = (PdfImage, String, u64, Vec<String>);

/// The PDF form of a raster image.
fn pdf_image(
    loaded: &LoadedImage,
    options: &ResourceOptions,
    measure: f64,
    pixels: &mut Pixels<'_>,
) -> Result<PdfResult, String> {
    let warnings = Vec::new();
    // The largest the image is placed at by default (layout warns about a
    // low resolution where it knows the page and the size asked for).
    let (w_pt, _) = super::placed_size(loaded.width, loaded.height, measure, measure * 1.5);
    let dpi = f64::from(loaded.width) / (w_pt / 72.0);
    let downsample = options.pdf_max_dpi.filter(|max| dpi > *max + 0.5);
    let facts = &loaded.facts;
    if loaded.format == ImageFormat::Jpeg
        && downsample.is_none()
        && pixels.orientation == Orientation::NoTransforms
        && matches!(facts.jpeg_components, 1 | 3 | 4)
    {
        let image = PdfImage::Jpeg {
            bytes: loaded.bytes.clone(),
            components: facts.jpeg_components,
            inverted: facts.jpeg_components == 4 && facts.jpeg_adobe,
            width: loaded.width,
            height: loaded.height,
        };
        let action = match facts.jpeg_components {
            4 => "jpeg passed through (CMYK)",
            1 => "jpeg passed through (grey)",
            _ => "jpeg passed through",
        };
        return Ok((image, action.into(), loaded.bytes.len(), warnings));
    }
    if loaded.format == ImageFormat::Png
        && downsample.is_none()
        && pixels.orientation == Orientation::NoTransforms
        && let Some((colors, bytes)) = facts.png_passthrough
    {
        let image = PdfImage::Png {
            file: loaded.bytes.clone(),
            colors,
            width: loaded.width,
            height: loaded.height,
        };
        return Ok((image, "png data passed through".into(), bytes, warnings));
    }
    let img = pixels.get()?;
    let mut action = String::from("lossless flate");
    let img = match downsample {
        Some(max) => {
            let target_w = ((w_pt / 72.0) * max).round().max(1.0) as u32;
            let target_h = (f64::from(img.height()) * f64::from(target_w) / f64::from(img.width()))
                .round()
                .max(1.0) as u32;
            action = format!(
                "downsampled {}x{} -> {target_w}x{target_h} ({max:.0} dpi), lossless flate",
                img.width(),
                img.height()
            );
            std::borrow::Cow::Owned(img.resize_exact(
                target_w,
                target_h,
                image::imageops::FilterType::Lanczos3,
            ))
        }
        None => std::borrow::Cow::Borrowed(img),
    };
    let (rgb, alpha) = split_channels(&img);
    let (w, h) = (img.width(), img.height());
    // Both planes as PNG image data: rows filtered by the PNG predictors
    // and compressed fast, so the PDF carries them with `/DecodeParms`
    // (compressing raw samples at a high level took a third of the time
    // of a PDF whose images are PNGs with transparency).
    let (rgb, alpha) = rayon::join(
        || png_data(&rgb, w, h, image::ExtendedColorType::Rgb8),
        || {
            alpha
                .as_ref()
                .map(|a| png_data(a, w, h, image::ExtendedColorType::L8))
        },
    );
    let rgb = rgb?;
    let alpha = alpha.transpose()?;
    if alpha.is_some() {
        action.push_str(", alpha as soft mask");
    }
    let bytes = (rgb.len() + alpha.as_ref().map_or(0, Vec::len)) as u64;
    Ok((
        PdfImage::Flate {
            rgb,
            alpha,
            width: w,
            height: h,
        },
        action,
        bytes,
        warnings,
    ))
}

/// The RGB samples of an image and, when some pixel is not opaque, its
/// alpha samples (8 bits each), without copying an RGB image.
fn split_channels(img: &DynamicImage) -> (std::borrow::Cow<'_, [u8]>, Option<Vec<u8>>) {
    if let Some(rgb) = img.as_rgb8() {
        return (std::borrow::Cow::Borrowed(rgb.as_raw()), None);
    }
    if !img.color().has_alpha() {
        return (std::borrow::Cow::Owned(img.to_rgb8().into_raw()), None);
    }
    let rgba = match img.as_rgba8() {
        Some(rgba) => std::borrow::Cow::Borrowed(rgba),
        None => std::borrow::Cow::Owned(img.to_rgba8()),
    };
    let pixels = rgba.as_raw().chunks_exact(4);
    if pixels.clone().all(|p| p[3] == 255) {
        let rgb = pixels.flat_map(|p| [p[0], p[1], p[2]]).collect();
        return (std::borrow::Cow::Owned(rgb), None);
    }
    let mut rgb = Vec::with_capacity(rgba.as_raw().len() / 4 * 3);
    let mut alpha = Vec::with_capacity(rgba.as_raw().len() / 4);
    for p in pixels {
        rgb.extend_from_slice(&p[..3]);
        alpha.push(p[3]);
    }
    (std::borrow::Cow::Owned(rgb), Some(alpha))
}

/// Samples as the image data of a PNG (the zlib stream of its IDAT chunks:
/// rows filtered by the PNG predictors, compressed fast), which a PDF reads
/// with `/FlateDecode` and `/DecodeParms << /Predictor 15 >>`.
fn png_data(
    samples: &[u8],
    width: u32,
    height: u32,
    color: image::ExtendedColorType,
) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        // Paeth rows at zlib level 1: measured on the corpus's alpha PNGs,
        // as fast as fdeflate's "fast" mode and less than half its size,
        // and about twice as fast as adaptive filtering for the same size.
        image::codecs::png::CompressionType::Level(1),
        image::codecs::png::FilterType::Paeth,
    )
    .write_image(samples, width, height, color)
    .map_err(|e| e.to_string())?;
    super::png::image_data(&png).ok_or_else(|| "cannot encode the image data".to_string())
}
