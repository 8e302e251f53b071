//! Image content parts (`{"type": "image_url", "image_url": {"url", "detail"?}}`):
//! where they may appear, and whether the provider can read the image.

use super::LineCheck;
use crate::locate::{Seg, Target};
use crate::record::Json;
use crate::registry::Rule;

fn with(at: &[Seg], k: &str) -> Vec<Seg> {
    let mut v = at.to_vec();
    v.push(super::key(k));
    v
}

/// Checks image part `n` (1-based) at `at` of a message from `role`.
pub fn check_image_part(at: &[Seg], n: usize, role: &str, part: &Json, c: &mut LineCheck) {
    if role != "user" {
        c.at(
            Rule::InvalidImage,
            at,
            Target::Value,
            format!(
                "content part {n} is an image in {} {role} message: only user messages can contain images",
                super::chat::article(role)
            ),
            "move the image into the user message that shows it to the model".to_string(),
        );
        return;
    }
    let image_url = match part.get("image_url") {
        Some(v @ Json::Object(_)) => v,
        Some(Json::Str(_)) => {
            c.at(
                Rule::InvalidImage,
                &with(at, "image_url"),
                Target::Value,
                format!("`image_url` of part {n} is a string: it must be an object"),
                "write \"image_url\": {\"url\": \"https://…\"} (with an optional \"detail\")"
                    .to_string(),
            );
            return;
        }
        other => {
            c.at(
                Rule::InvalidImage,
                at,
                Target::Value,
                match other {
                    None => format!("image part {n} has no `image_url`"),
                    Some(v) => format!(
                        "`image_url` of part {n} is {}, not an object",
                        v.type_name()
                    ),
                },
                "add \"image_url\": {\"url\": \"https://…\"}".to_string(),
            );
            return;
        }
    };
    let at_url = || with(&with(at, "image_url"), "url");
    if let Some(d) = image_url.get("detail")
        && !matches!(d.as_str(), Some("low" | "high" | "auto"))
    {
        c.at(
            Rule::InvalidImage,
            &with(&with(at, "image_url"), "detail"),
            Target::Value,
            format!(
                "`detail` of image part {n} is {}: it must be \"low\", \"high\" or \"auto\"",
                super::chat::describe(d)
            ),
            "use \"low\" (a flat token cost), \"high\" or \"auto\", or leave it out".to_string(),
        );
    }
    let url = match image_url.get("url") {
        Some(Json::Str(u)) => u.as_ref(),
        other => {
            c.at(
                Rule::InvalidImage,
                &with(at, "image_url"),
                Target::Value,
                match other {
                    None => format!("image part {n} has no `image_url.url`"),
                    Some(v) => format!(
                        "`image_url.url` of part {n} is {}, not a string",
                        v.type_name()
                    ),
                },
                "give the image as \"url\": \"https://…\" or \"data:image/png;base64,…\""
                    .to_string(),
            );
            return;
        }
    };
    let Some(rules) = c.settings.provider.images.clone() else {
        return;
    };
    let provider = c.settings.provider.name.clone();
    match crate::image::inspect_image_url(url, rules.max_bytes.unwrap_or(u64::MAX)) {
        Ok(crate::image::ImageSource::Remote { .. }) => {
            if !rules.remote {
                c.at(
                    Rule::InvalidImage,
                    &at_url(),
                    Target::Value,
                    format!("image part {n} is a web URL; {provider} takes images only as base64 data URLs"),
                    "embed the image: \"data:image/jpeg;base64,…\"".to_string(),
                );
            }
        }
        Ok(crate::image::ImageSource::Data(info)) => {
            let kind = info.kind.name();
            if !rules.types.iter().any(|t| t.eq_ignore_ascii_case(kind)) {
                c.at(
                    Rule::InvalidImage,
                    &at_url(),
                    Target::Value,
                    format!(
                        "image part {n} is a {} image; {provider} takes {}",
                        kind.to_uppercase(),
                        rules
                            .types
                            .iter()
                            .map(|t| t.to_uppercase())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    "convert the image to JPEG or PNG".to_string(),
                );
            } else if info.animated {
                c.at(
                    Rule::InvalidImage,
                    &at_url(),
                    Target::Value,
                    format!("image part {n} is animated; {provider} takes still images only"),
                    "keep one frame: convert it to a still PNG or JPEG".to_string(),
                );
            }
        }
        Err(fault) => {
            use crate::image::ImageFault as F;
            let help = match &fault {
                F::TooLarge { .. } => {
                    "scale the image down or compress it (JPEG), or link it by URL"
                }
                F::TypeMismatch { .. } => {
                    "declare the type the bytes really are (`data:image/png;base64,…` for PNG)"
                }
                F::Base64Char { .. }
                | F::Base64Length { .. }
                | F::EmptyData
                | F::Truncated { .. } => {
                    "re-encode the image (e.g. `base64 -w0 image.png`): the data URL looks cut or corrupted"
                }
                _ => "give an `https://` URL, or `data:image/jpeg;base64,…` (JPEG, PNG or WEBP)",
            };
            c.at(
                Rule::InvalidImage,
                &at_url(),
                Target::Value,
                format!("image part {n}: {fault}"),
                help.to_string(),
            );
        }
    }
}
