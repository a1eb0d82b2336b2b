//! The resource stage: loads and probes every image the tree references.
//!
//! Input: the image table right after parsing (paths, pending). Output: each
//! image either loaded (bytes, format and size read from its header, nothing
//! decoded) or missing, with a warning at the place it was referenced. Remote
//! URLs are never fetched; files outside the project root, special files and
//! images over the size limits are refused.

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::{Document, ImageFormat, ImageStatus, LoadedImage};
use crate::parse::is_remote;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Limits and policy of the resource stage.
#[derive(Debug, Clone)]
pub struct ResourceOptions {
    /// Images must be inside this folder (after resolving symlinks).
    pub root: PathBuf,
    /// Allow images outside `root`.
    pub allow_outside_root: bool,
    /// Largest image file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Largest image accepted, in pixels (width × height).
    pub max_pixels: u64,
}

impl Default for ResourceOptions {
    fn default() -> Self {
        ResourceOptions {
            root: PathBuf::from("."),
            allow_outside_root: false,
            max_file_bytes: 64 * 1024 * 1024,
            max_pixels: 50_000_000,
        }
    }
}

/// Loads every pending image of `doc`.
pub fn load(doc: &mut Document, options: &ResourceOptions, diags: &mut Diagnostics) {
    let root = options
        .root
        .canonicalize()
        .unwrap_or_else(|_| options.root.clone());
    for image in &mut doc.resources.images {
        if !matches!(image.status, ImageStatus::Pending) {
            continue;
        }
        image.status = match probe(&image.written, &image.path, &root, options) {
            Ok(loaded) => ImageStatus::Loaded(loaded),
            Err(problem) => {
                let mut d = Diagnostic::warning(image.span, problem.message);
                if let Some(hint) = problem.hint {
                    d = d.with_hint(hint);
                }
                diags.push(d);
                ImageStatus::Missing
            }
        };
    }
}

struct Problem {
    message: String,
    hint: Option<String>,
}

fn problem(message: String) -> Problem {
    Problem {
        message,
        hint: None,
    }
}

fn probe(
    written: &str,
    path: &Path,
    root: &Path,
    options: &ResourceOptions,
) -> Result<LoadedImage, Problem> {
    if is_remote(written) {
        return Err(Problem {
            message: format!("remote images are never fetched ({written})"),
            hint: Some("download the image and reference the local file".into()),
        });
    }
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(_) => return Err(problem(format!("image not found ({written})"))),
    };
    if !meta.is_file() {
        return Err(problem(format!("image is not a regular file ({written})")));
    }
    let real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if !options.allow_outside_root && !real.starts_with(root) {
        return Err(Problem {
            message: format!("image is outside the project folder ({written})"),
            hint: Some("pass --allow-outside-root to allow it".into()),
        });
    }
    if meta.len() > options.max_file_bytes {
        return Err(problem(format!(
            "image is larger than {} MB ({written})",
            options.max_file_bytes / (1024 * 1024)
        )));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(&real)
        .and_then(|f| f.take(options.max_file_bytes + 1).read_to_end(&mut bytes))
        .map_err(|e| problem(format!("cannot read image ({written}: {e})")))?;
    let format = match image::guess_format(&bytes) {
        Ok(image::ImageFormat::Jpeg) => ImageFormat::Jpeg,
        Ok(image::ImageFormat::Png) => ImageFormat::Png,
        Ok(image::ImageFormat::Gif) => ImageFormat::Gif,
        Ok(image::ImageFormat::WebP) => ImageFormat::WebP,
        _ => return Err(problem(format!("unsupported image format ({written})"))),
    };
    let reader = image::ImageReader::with_format(std::io::Cursor::new(&bytes), to_image(format));
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| problem(format!("unreadable image ({written}: {e})")))?;
    if width == 0 || height == 0 {
        return Err(problem(format!("image has no pixels ({written})")));
    }
    if u64::from(width) * u64::from(height) > options.max_pixels {
        return Err(problem(format!(
            "image is {width}×{height} pixels, over the limit of {} megapixels ({written})",
            options.max_pixels / 1_000_000
        )));
    }
    Ok(LoadedImage {
        bytes: Arc::new(bytes),
        format,
        width,
        height,
    })
}

/// The `image` crate's name for a format.
pub fn to_image(format: ImageFormat) -> image::ImageFormat {
    match format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Gif => image::ImageFormat::Gif,
        ImageFormat::WebP => image::ImageFormat::WebP,
    }
}
