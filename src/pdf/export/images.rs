//! Images: each image placed on a page becomes an image XObject, written
//! when it is first placed and streamed from its file: JPEG bytes pass
//! through as `DCTDecode` (CMYK included), PNG data keeps its predictors
//! (`/DecodeParms`), other pixels are Flate-compressed with their alpha as
//! a soft mask. Images with the same content are written once.

use super::objects::{Objects, chunk};
use crate::diag::{Error, Result};
use crate::doc::{ImageStatus, PdfImage, ResourceId, Resources};
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

    /// Writes image `image` unless it was written before.
    pub fn place<W: Write>(
        &mut self,
        objects: &mut Objects<W>,
        resources: &Resources,
        image: ResourceId,
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
        let written = write(objects, form, &loaded.hash)
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
) -> std::io::Result<Result<Option<Ref>>> {
    Ok(match form {
        PdfImage::Jpeg {
            bytes,
            components,
            inverted,
            width,
            height,
        } => {
            let data = bytes.read()?;
            let id = objects.reserve();
            let mut c = chunk();
            let mut x = c.image_xobject(id, &data);
            x.width(*width as i32)
                .height(*height as i32)
                .bits_per_component(8)
                .filter(Filter::DctDecode);
            x.color_space_name(Name(match components {
                1 => b"DeviceGray".as_slice(),
                4 => b"DeviceCMYK",
                _ => b"DeviceRGB",
            }));
            if *inverted {
                // Adobe CMYK JPEGs store inverted samples.
                x.decode([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
            }
            x.finish();
            objects
                .stream_unhashed(id, &c, data.len(), hash)
                .map(|()| Some(id))
        }
        PdfImage::Flate {
            rgb,
            alpha,
            width,
            height,
        } => {
            let mask = match alpha {
                Some(alpha) => {
                    let mask = objects.reserve();
                    let mut c = chunk();
                    let mut x = c.image_xobject(mask, alpha);
                    x.width(*width as i32)
                        .height(*height as i32)
                        .color_space_name(Name(b"DeviceGray"))
                        .bits_per_component(8)
                        .filter(Filter::FlateDecode);
                    png_predictors(&mut x, 1, *width);
                    x.finish();
                    if let Err(e) =
                        objects.stream_unhashed(mask, &c, alpha.len(), &format!("{hash} mask"))
                    {
                        return Ok(Err(e));
                    }
                    Some(mask)
                }
                None => None,
            };
            let id = objects.reserve();
            let mut c = chunk();
            let mut x = c.image_xobject(id, rgb);
            x.width(*width as i32)
                .height(*height as i32)
                .color_space_name(Name(b"DeviceRGB"))
                .bits_per_component(8)
                .filter(Filter::FlateDecode);
            png_predictors(&mut x, 3, *width);
            if let Some(mask) = mask {
                x.s_mask(mask);
            }
            x.finish();
            objects
                .stream_unhashed(id, &c, rgb.len(), hash)
                .map(|()| Some(id))
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
            let id = objects.reserve();
            let mut c = chunk();
            let mut x = c.image_xobject(id, &data);
            x.width(*width as i32)
                .height(*height as i32)
                .color_space_name(Name(if *colors == 1 {
                    b"DeviceGray".as_slice()
                } else {
                    b"DeviceRGB"
                }))
                .bits_per_component(8)
                .filter(Filter::FlateDecode);
            png_predictors(&mut x, *colors, *width);
            x.finish();
            objects
                .stream_unhashed(id, &c, data.len(), hash)
                .map(|()| Some(id))
        }
        PdfImage::Unsupported => Ok(None),
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
