//! The resource stage: every image the tree references, handled once.
//!
//! Input: the image table right after parsing (paths, pending). Output, in two
//! steps: [`load`] reads each file and probes its header (format, size; nothing
//! decoded) or marks it missing with a warning at the place it was referenced —
//! remote URLs are never fetched, files outside the project root, special files
//! and images over the limits are refused; [`prepare`] then makes what each
//! requested target needs, in parallel, decoding each image at most once: the
//! EPUB file (orientation applied, CMYK to sRGB, formats outside the EPUB core
//! types converted, downscaled, metadata stripped, or the original bytes when
//! nothing has to change) and the PDF image (JPEG passed through, everything
//! else lossless with alpha as a soft mask).

mod derive;
pub mod jpeg;
pub mod png;
pub mod svg;

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::doc::{Block, Document, ImageFormat, ImageReport, ImageStatus, LoadedImage, ResourceId};
use crate::parse::is_remote;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What to do with an image that cannot be used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MissingPolicy {
    /// A framed placeholder with the alt text (and a warning).
    #[default]
    Placeholder,
    /// Leave the figure out (and warn).
    Drop,
    /// Fail the build.
    Error,
}

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
    /// What to do with missing or unusable images.
    pub missing: MissingPolicy,
    /// Longest edge of an image in the EPUB, in pixels.
    pub epub_max_edge: u32,
    /// Downsample PDF images above this resolution at their placed size.
    pub pdf_max_dpi: Option<f64>,
    /// Warn about PDF images under this resolution at their placed size.
    pub pdf_min_dpi: f64,
}

impl Default for ResourceOptions {
    fn default() -> Self {
        ResourceOptions {
            root: PathBuf::from("."),
            allow_outside_root: false,
            max_file_bytes: 64 * 1024 * 1024,
            max_pixels: 50_000_000,
            missing: MissingPolicy::Placeholder,
            epub_max_edge: 2048,
            pdf_max_dpi: None,
            pdf_min_dpi: 300.0,
        }
    }
}

/// Loads and probes every pending image of `doc`.
pub fn load(doc: &mut Document, options: &ResourceOptions, diags: &mut Diagnostics) {
    let root = options
        .root
        .canonicalize()
        .unwrap_or_else(|_| options.root.clone());
    let severity = match options.missing {
        MissingPolicy::Error => Severity::Error,
        MissingPolicy::Placeholder | MissingPolicy::Drop => Severity::Warning,
    };
    let pending: Vec<usize> = doc
        .resources
        .images
        .iter()
        .enumerate()
        .filter(|(_, im)| matches!(im.status, ImageStatus::Pending))
        .map(|(i, _)| i)
        .collect();
    let places = Places::new(&root);
    let results: Vec<(usize, Result<LoadedImage, Problem>)> = {
        use rayon::prelude::*;
        let images = &doc.resources.images;
        pending
            .par_iter()
            .map(|&i| {
                (
                    i,
                    probe(&images[i].written, &images[i].path, &places, options),
                )
            })
            .collect()
    };
    for (i, result) in results {
        let image = &mut doc.resources.images[i];
        image.status = match result {
            Ok(loaded) => ImageStatus::Loaded(loaded),
            Err(problem) => {
                let mut d = Diagnostic::warning(image.span, problem.message.clone());
                d.severity = severity;
                if let Some(hint) = problem.hint {
                    d = d.with_hint(hint);
                }
                diags.push(d);
                image.report = Some(ImageReport {
                    source: image.written.clone(),
                    warnings: vec![problem.message],
                    ..ImageReport::default()
                });
                ImageStatus::Missing
            }
        };
    }
    identify(doc);
    if options.missing == MissingPolicy::Drop {
        drop_missing(doc);
    }
}

/// Gives each loaded image its identity key, so identical files are stored
/// once: files of a length no other image has are told apart by length
/// alone; only files of the same length are hashed (SHA-256), in parallel.
fn identify(doc: &mut Document) {
    use rayon::prelude::*;
    let mut by_len: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for image in &doc.resources.images {
        if let ImageStatus::Loaded(l) = &image.status {
            *by_len.entry(l.bytes.len()).or_default() += 1;
        }
    }
    doc.resources.images.par_iter_mut().for_each(|image| {
        let ImageStatus::Loaded(l) = &mut image.status else {
            return;
        };
        let len = l.bytes.len();
        l.hash = if by_len.get(&len).copied().unwrap_or(0) > 1 {
            use sha2::{Digest, Sha256};
            match l.bytes.read() {
                Ok(bytes) => Sha256::digest(&bytes)
                    .iter()
                    .take(16)
                    .map(|b| format!("{b:02x}"))
                    .collect(),
                // Unreadable now: unique, and the read error comes later.
                Err(_) => format!("unread-{}", image.written),
            }
        } else {
            format!("len-{len}")
        };
    });
}

/// Removes figures whose image could not be used.
fn drop_missing(doc: &mut Document) {
    let missing: Vec<bool> = doc
        .resources
        .images
        .iter()
        .map(|im| matches!(im.status, ImageStatus::Missing))
        .collect();
    let keep = |b: &Block| !matches!(b, Block::Figure { image, .. } if missing[image.0 as usize]);
    fn walk(blocks: &mut Vec<Block>, keep: &dyn Fn(&Block) -> bool) {
        blocks.retain(keep);
        for b in blocks {
            match b {
                Block::Quote { blocks, .. }
                | Block::Details { blocks, .. }
                | Block::Division { blocks, .. } => walk(blocks, keep),
                Block::List { items, .. } => {
                    for item in items {
                        walk(&mut item.blocks, keep);
                    }
                }
                Block::DefinitionList { items, .. } => {
                    for d in items.iter_mut().flat_map(|i| i.details.iter_mut()) {
                        walk(d, keep);
                    }
                }
                _ => {}
            }
        }
    }
    for chapter in &mut doc.chapters {
        walk(&mut chapter.blocks, &keep);
    }
    for note in &mut doc.notes {
        walk(&mut note.blocks, &keep);
    }
}

/// Why an image cannot be used.
pub struct Problem {
    message: String,
    hint: Option<String>,
}

fn problem(message: String) -> Problem {
    Problem {
        message,
        hint: None,
    }
}

/// Where the probe judges paths from: the working folder and the root, found
/// once, and the folders already resolved (images share a few folders, and
/// resolving a path costs a system call per component).
struct Places<'a> {
    root: &'a Path,
    root_lexical: PathBuf,
    cwd: PathBuf,
    folders: std::sync::Mutex<std::collections::HashMap<PathBuf, Option<PathBuf>>>,
}

impl<'a> Places<'a> {
    fn new(root: &'a Path) -> Places<'a> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let root_lexical = crate::parse::normalize(&cwd.join(root));
        Places {
            root,
            root_lexical,
            cwd,
            folders: Default::default(),
        }
    }

    /// Where a path really leads, symlinks resolved.
    fn real(&self, path: &Path) -> PathBuf {
        let plain_file = std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_symlink());
        if let (true, Some(folder), Some(name)) = (plain_file, path.parent(), path.file_name()) {
            let mut folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
            let real = folders
                .entry(folder.to_path_buf())
                .or_insert_with(|| folder.canonicalize().ok());
            if let Some(real) = real {
                return real.join(name);
            }
        }
        path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
    }
}

/// How much of a JPEG the probe reads first (see [`probe`]).
const JPEG_HEAD: u64 = 64 << 10;

fn probe(
    written: &str,
    path: &Path,
    places: &Places<'_>,
    options: &ResourceOptions,
) -> Result<LoadedImage, Problem> {
    let root = places.root;
    if is_remote(written) {
        return Err(Problem {
            message: format!("remote images are never fetched ({written})"),
            hint: Some("download the image and reference the local file".into()),
        });
    }
    // Outside the root by its path alone: refused without touching the file.
    if !options.allow_outside_root {
        let lexical = crate::parse::normalize(&places.cwd.join(path));
        if !lexical.starts_with(&places.root_lexical) && !lexical.starts_with(root) {
            return Err(Problem {
                message: format!("image is outside the project folder ({written})"),
                hint: Some("pass --allow-outside-root to allow it".into()),
            });
        }
    }
    // Symlinks are judged by where they lead, below.
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(_) => return Err(problem(format!("image not found ({written})"))),
    };
    if !meta.is_file() {
        // Devices, FIFOs, sockets and folders are refused without being opened.
        return Err(problem(format!("image is not a regular file ({written})")));
    }
    let real = places.real(path);
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
    // A JPEG's headers are all the probe needs: its first 64 KB are read,
    // and the rest only when the headers run on past them. Other formats
    // are read whole (a PNG's chunks are checked against their CRCs).
    let mut bytes = Vec::with_capacity(meta.len().min(options.max_file_bytes) as usize + 1);
    let len = std::fs::File::open(&real)
        .and_then(|f| {
            let mut f = f.take(options.max_file_bytes + 1);
            (&mut f).take(JPEG_HEAD).read_to_end(&mut bytes)?;
            if bytes.len() as u64 == JPEG_HEAD && jpeg::headers_end(&bytes).is_some() {
                // The length as it is now; a later read checks it again.
                return Ok(f.get_ref().metadata()?.len());
            }
            f.read_to_end(&mut bytes)?;
            Ok(bytes.len() as u64)
        })
        .map_err(|e| problem(format!("cannot read image ({written}: {e})")))?;
    let format = match image::guess_format(&bytes) {
        Ok(image::ImageFormat::Jpeg) => ImageFormat::Jpeg,
        Ok(image::ImageFormat::Png) => ImageFormat::Png,
        Ok(image::ImageFormat::Gif) => ImageFormat::Gif,
        Ok(image::ImageFormat::WebP) => ImageFormat::WebP,
        _ if svg::looks_like_svg(&bytes) => ImageFormat::Svg,
        _ => return Err(problem(format!("unsupported image format ({written})"))),
    };
    if format == ImageFormat::Png && !png::is_complete(&bytes) {
        return Err(problem(format!(
            "unreadable image ({written}: the PNG is truncated or damaged)"
        )));
    }
    let mut facts = crate::doc::ImageFacts::default();
    let (width, height) = if format == ImageFormat::Svg {
        svg::dimensions(&bytes).unwrap_or((600, 400))
    } else {
        use image::ImageDecoder;
        let reader =
            image::ImageReader::with_format(std::io::Cursor::new(&bytes), to_image(format));
        let mut decoder = reader
            .into_decoder()
            .map_err(|e| problem(format!("unreadable image ({written}: {e})")))?;
        facts.orientation = decoder
            .orientation()
            .map_or(1, image::metadata::Orientation::to_exif);
        decoder.dimensions()
    };
    match format {
        ImageFormat::Jpeg => {
            if let Some(info) = jpeg::info(&bytes) {
                facts.jpeg_components = info.components;
                facts.jpeg_adobe = info.adobe;
                facts.has_metadata = info.has_metadata;
            }
        }
        ImageFormat::Png => (facts.has_metadata, facts.png_passthrough) = png::facts(&bytes),
        _ => {}
    }
    if width == 0 || height == 0 {
        return Err(problem(format!("image has no pixels ({written})")));
    }
    if u64::from(width) * u64::from(height) > options.max_pixels {
        return Err(problem(format!(
            "image is {width}×{height} pixels, over the limit of {} megapixels ({written})",
            options.max_pixels / 1_000_000
        )));
    }
    // The bytes are dropped here and read again when needed, so the images
    // of a large book are never all in memory together.
    Ok(LoadedImage {
        bytes: crate::doc::Blob::File { path: real, len },
        // Set by `identify` once every image is probed.
        hash: String::new(),
        facts,
        format,
        width,
        height,
    })
}

/// Which outputs the prepare step makes images for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Targets {
    /// Make EPUB files.
    pub epub: bool,
    /// Make PDF images; the value is the widest an image can be placed, in points.
    pub pdf_measure: Option<f64>,
}

/// Makes the EPUB and PDF forms of every loaded image, in parallel.
pub fn prepare(
    doc: &mut Document,
    targets: Targets,
    options: &ResourceOptions,
    diags: &mut Diagnostics,
) {
    use rayon::prelude::*;
    let work: Vec<usize> = doc
        .resources
        .images
        .iter()
        .enumerate()
        .filter(|(_, im)| {
            matches!(im.status, ImageStatus::Loaded(_))
                && (targets.epub && im.epub.is_none()
                    || targets.pdf_measure.is_some() && im.pdf.is_none())
        })
        .map(|(i, _)| i)
        .collect();
    let results: Vec<(usize, derive::Derived)> = {
        let images = &doc.resources.images;
        work.par_iter()
            .map(|&i| {
                let ImageStatus::Loaded(loaded) = &images[i].status else {
                    unreachable!("filtered above")
                };
                (
                    i,
                    derive::derive(&images[i].written, loaded, targets, options),
                )
            })
            .collect()
    };
    for (i, derived) in results {
        let image = &mut doc.resources.images[i];
        for warning in &derived.warnings {
            diags.push(Diagnostic::warning(image.span, warning.clone()));
        }
        if derived.unusable {
            image.status = ImageStatus::Missing;
        }
        if derived.epub.is_some() {
            image.epub = derived.epub;
        }
        if derived.pdf.is_some() {
            image.pdf = derived.pdf;
        }
        let report = image.report.get_or_insert_with(ImageReport::default);
        report.source.clone_from(&image.written);
        report.bytes_before = derived.bytes_before;
        if derived.epub_action.is_some() {
            report.epub = derived.epub_action;
            report.epub_bytes = image.epub.as_ref().map(|e| e.bytes.len());
        }
        if derived.pdf_action.is_some() {
            report.pdf = derived.pdf_action;
            report.pdf_bytes = derived.pdf_bytes;
        }
        report.warnings.extend(derived.warnings);
    }
}

/// The images' reports, in table order.
pub fn reports(doc: &Document) -> Vec<(ResourceId, ImageReport)> {
    doc.resources
        .images
        .iter()
        .enumerate()
        .filter_map(|(i, im)| im.report.clone().map(|r| (ResourceId(i as u32), r)))
        .collect()
}

/// The `image` crate's name for a raster format.
pub fn to_image(format: ImageFormat) -> image::ImageFormat {
    match format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png | ImageFormat::Svg => image::ImageFormat::Png,
        ImageFormat::Gif => image::ImageFormat::Gif,
        ImageFormat::WebP => image::ImageFormat::WebP,
    }
}

/// Size at which the PDF places an image with no size asked for, in a
/// measure `measure` points wide and at most `max_height` tall: a photo (an
/// image at least half the measure wide at 96 pixels per inch) fills the
/// measure; a small graphic keeps its size at 96 pixels per inch, as on
/// screen. Never taller than `max_height`. Shared by layout and prepare.
pub fn placed_size(width_px: u32, height_px: u32, measure: f64, max_height: f64) -> (f64, f64) {
    let (w, h) = (f64::from(width_px).max(1.0), f64::from(height_px).max(1.0));
    let natural = w * 0.75;
    let width = if natural >= measure / 2.0 {
        measure
    } else {
        natural
    };
    let scale = (width / w).min(max_height / h);
    (w * scale, h * scale)
}
