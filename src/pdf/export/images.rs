//! Images: each image placed on a page becomes an image XObject, written
//! when it is first placed and streamed from its file: JPEG bytes pass
//! through as `DCTDecode` (CMYK included), PNG data keeps its predictors
//! (`/DecodeParms`), other pixels are Flate-compressed with their alpha as
//! a soft mask. Images with the same content are written once.

use super::objects::{Objects, chunk};
use super::standards::{self, Colors, Profiles};
use crate::diag::{Error, Result};
use crate::doc::{ImageStatus, LoadedImage, PdfImage, ResourceId, Resources};
use crate::pdf::Standard;
use pdf_writer::{Filter, Finish, Name, Ref};
use std::collections::BTreeMap;
use std::io::Write;

/// The image XObjects written so far.
#[derive(Default)]
pub struct Images {
    /// XObject of each placed image (`None`: cannot be drawn).
    placed: BTreeMap<ResourceId, Option<usize>>,
    /// XObjects by content identity, so identical files are embedded once.
    by_hash: BTreeMap<String, usize>,
    /// Written XObjects: resource name and object.
    pub xobjects: Vec<(String, Ref)>,
}

impl Images {
    /// The resource name of an image, if it is written and can be drawn.
    pub fn name(&self, image: ResourceId) -> Option<&str> {
        let x = (*self.placed.get(&image)?)?;
        self.xobjects.get(x).map(|(name, _)| name.as_str())
    }

    /// Writes image `image` unless it was written before, in the colour
    /// spaces `standard` allows.
    pub fn place<W: Write>(
        &mut self,
        objects: &mut Objects<W>,
        resources: &Resources,
        image: ResourceId,
        (standard, profiles): (Standard, &mut Profiles),
    ) -> Result<()> {
        if self.placed.contains_key(&image) {
            return Ok(());
        }
        let resource = resources.get(image);
        let (ImageStatus::Loaded(loaded), Some(form)) = (&resource.status, &resource.pdf) else {
            self.placed.insert(image, None);
            return Ok(());
        };
        if let Some(&x) = self.by_hash.get(&loaded.hash) {
            self.placed.insert(image, Some(x));
            return Ok(());
        }
        let converted = match convert(loaded, form, standard) {
            Some(target) => Some(converted(loaded, form, target).map_err(|e| {
                Error::Backend(format!("cannot convert image {} ({e})", resource.written))
            })?),
            None => None,
        };
        let form = converted.as_ref().unwrap_or(form);
        // PDF/X-4: RGB samples in the ICC-based sRGB space.
        let rgb_space = match standards::colors(standard) {
            Colors::CmykManagedImages => Some(profiles.srgb(objects)?),
            Colors::Rgb | Colors::CmykOnly => None,
        };
        let written = write(objects, form, &loaded.hash, rgb_space)
            .map_err(|e| Error::Backend(format!("cannot read image {} ({e})", resource.written)))?;
        let Some(id) = written? else {
            self.placed.insert(image, None);
            return Ok(());
        };
        let x = self.xobjects.len();
        self.xobjects.push((format!("Im{}", x + 1), id));
        self.by_hash.insert(loaded.hash.clone(), x);
        self.placed.insert(image, Some(x));
        Ok(())
    }
}

/// Writes the XObject of a prepared image (and its soft mask); `None` for
/// one that cannot be drawn. The outer error is reading the file.
fn write<W: Write>(
    objects: &mut Objects<W>,
    form: &PdfImage,
    hash: &str,
    rgb_space: Option<Ref>,
) -> std::io::Result<Result<Option<Ref>>> {
    let rgb = Space::Rgb(rgb_space);
    Ok(match form {
        PdfImage::Jpeg {
            bytes,
            components,
            inverted,
            width,
            height,
        } => {
            let data = bytes.read()?;
            let space = match components {
                1 => Space::Gray,
                4 => Space::Cmyk,
                _ => rgb,
            };
            let sampled = Sampled {
                size: (*width, *height),
                space,
                filter: Filter::DctDecode,
                predictors: None,
                mask: None,
                // Adobe CMYK JPEGs store inverted samples.
                inverted: *inverted,
            };
            sampled.write(objects, &data, hash).map(Some)
        }
        PdfImage::Flate {
            rgb: samples,
            alpha,
            width,
            height,
        } => {
            let mut sampled = Sampled::flate((*width, *height), Space::Gray, Some(1));
            let mask = match alpha {
                Some(alpha) => match sampled.write(objects, alpha, &format!("{hash} mask")) {
                    Ok(mask) => Some(mask),
                    Err(e) => return Ok(Err(e)),
                },
                None => None,
            };
            sampled.space = rgb;
            sampled.predictors = Some(3);
            sampled.mask = mask;
            sampled.write(objects, samples, hash).map(Some)
        }
        PdfImage::Png {
            file,
            colors,
            width,
            height,
        } => {
            let bytes = file.read()?;
            let (data, _) = crate::resource::png::passthrough(&bytes).ok_or_else(|| {
                std::io::Error::other("the PNG changed while the book was being built")
            })?;
            let space = if *colors == 1 { Space::Gray } else { rgb };
            Sampled::flate((*width, *height), space, Some(*colors))
                .write(objects, &data, hash)
                .map(Some)
        }
        PdfImage::Cmyk {
            data,
            width,
            height,
        } => Sampled::flate((*width, *height), Space::Cmyk, None)
            .write(objects, data, hash)
            .map(Some),
        PdfImage::Unsupported => Ok(None),
    })
}

/// The colour space of an image's samples.
#[derive(Debug, Clone, Copy)]
enum Space {
    Gray,
    /// Device RGB, or ICC-based sRGB (this profile) where the standard asks.
    Rgb(Option<Ref>),
    Cmyk,
}

/// How one image XObject's samples are described.
#[derive(Debug, Clone, Copy)]
struct Sampled {
    size: (u32, u32),
    space: Space,
    filter: Filter,
    /// PNG predictors kept in the data, with this many colours per pixel.
    predictors: Option<u8>,
    /// The soft mask (alpha) object.
    mask: Option<Ref>,
    /// Samples stored inverted (Adobe CMYK JPEGs).
    inverted: bool,
}

impl Sampled {
    /// Flate-compressed samples.
    fn flate(size: (u32, u32), space: Space, predictors: Option<u8>) -> Sampled {
        Sampled {
            size,
            space,
            filter: Filter::FlateDecode,
            predictors,
            mask: None,
            inverted: false,
        }
    }

    /// Writes the XObject with `data` as its stream, identified by `hash`.
    fn write<W: Write>(&self, objects: &mut Objects<W>, data: &[u8], hash: &str) -> Result<Ref> {
        let id = objects.reserve();
        let mut c = chunk();
        let mut x = c.image_xobject(id, data);
        let (width, height) = self.size;
        x.width(width as i32)
            .height(height as i32)
            .bits_per_component(8)
            .filter(self.filter);
        match self.space {
            Space::Gray => {
                x.color_space_name(Name(b"DeviceGray"));
            }
            Space::Cmyk => {
                x.color_space_name(Name(b"DeviceCMYK"));
            }
            Space::Rgb(Some(profile)) => {
                x.color_space().icc_based(profile);
            }
            Space::Rgb(None) => {
                x.color_space_name(Name(b"DeviceRGB"));
            }
        }
        if let Some(colors) = self.predictors {
            png_predictors(&mut x, colors, width);
        }
        if self.inverted {
            x.decode([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
        }
        if let Some(mask) = self.mask {
            x.s_mask(mask);
        }
        x.finish();
        objects.stream_unhashed(id, &c, data.len(), hash)?;
        Ok(id)
    }
}

/// What an image must become for a standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// CMYK samples, transparency flattened on white (PDF/X-1a: ISO
    /// 15930-4, 6.2 and 6.5).
    Cmyk,
    /// RGB samples (PDF/A-2b with its sRGB output intent has no place for
    /// device CMYK: ISO 19005-2, 6.2.4.3).
    Rgb,
}

/// Whether an image must be converted for `standard`, and to what.
fn convert(loaded: &LoadedImage, form: &PdfImage, standard: Standard) -> Option<Target> {
    let _ = loaded;
    match (standard, form) {
        (Standard::X1a, PdfImage::Jpeg { components: 3, .. })
        | (Standard::X1a, PdfImage::Png { colors: 3, .. })
        | (Standard::X1a, PdfImage::Flate { .. }) => Some(Target::Cmyk),
        (Standard::A2b, PdfImage::Jpeg { components: 4, .. }) => Some(Target::Rgb),
        _ => None,
    }
}

/// The image decoded from its file (at the size of its PDF form) and
/// converted: CMYK (alpha flattened on white) or RGB.
fn converted(loaded: &LoadedImage, form: &PdfImage, target: Target) -> Result<PdfImage, String> {
    let bytes = loaded.bytes.read().map_err(|e| e.to_string())?;
    let mut img = image::load_from_memory(&bytes).map_err(|e| e.to_string())?;
    let (w, h) = match form {
        PdfImage::Jpeg { width, height, .. }
        | PdfImage::Flate { width, height, .. }
        | PdfImage::Png { width, height, .. }
        | PdfImage::Cmyk { width, height, .. } => (*width, *height),
        PdfImage::Unsupported => (img.width(), img.height()),
    };
    if (img.width(), img.height()) != (w, h) {
        img = img.resize_exact(w, h, image::imageops::FilterType::Lanczos3);
    }
    // Flattened on white paper.
    let rgba = img.to_rgba8();
    let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
    for px in rgba.pixels() {
        let a = u32::from(px[3]);
        for v in &px.0[..3] {
            rgb.push(((u32::from(*v) * a + 255 * (255 - a)) / 255) as u8);
        }
    }
    let deflate = |data: &[u8]| super::objects::deflate(data, 6).map_err(|e| e.to_string());
    Ok(match target {
        Target::Cmyk => PdfImage::Cmyk {
            data: deflate(&standards::rgb_to_cmyk(&rgb))?,
            width: w,
            height: h,
        },
        Target::Rgb => {
            // As PNG image data with the "none" filter on every row.
            let mut rows = Vec::with_capacity(rgb.len() + h as usize);
            for row in rgb.chunks_exact(w as usize * 3) {
                rows.push(0);
                rows.extend_from_slice(row);
            }
            PdfImage::Flate {
                rgb: deflate(&rows)?,
                alpha: None,
                width: w,
                height: h,
            }
        }
    })
}

/// Says that the image data is PNG image data: rows of 8-bit samples, each
/// with its PNG filter byte.
fn png_predictors(x: &mut pdf_writer::writers::ImageXObject<'_>, colors: u8, width: u32) {
    x.decode_parms()
        .predictor(pdf_writer::types::Predictor::PngOptimum)
        .colors(i32::from(colors))
        .bits_per_component(8)
        .columns(width as i32);
}
