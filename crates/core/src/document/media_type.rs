//! Media types guessed from file names, for JAdES `ctys` and FHIR `Signature.targetFormat`.
//!
//! | Name ends with | Media type |
//! |---|---|
//! | `.cda.xml`, `.ccda.xml`, `.cda`, `.ccda` | `application/hl7-cda+xml` (HL7's name for CDA; not IANA-registered) |
//! | `.xml` | `application/xml` (a C-CDA named `*.xml` cannot be told apart: pass the type yourself) |
//! | `.pdf` | `application/pdf` |
//! | `.json` | `application/json` |
//! | `.txt` | `text/plain` |
//! | `.html`, `.htm` | `text/html` |
//! | `.rtf` | `application/rtf` |
//! | `.jpg`, `.jpeg` | `image/jpeg` |
//! | `.png` | `image/png` |
//! | `.tif`, `.tiff` | `image/tiff` |
//! | `.dcm` | `application/dicom` |
//! | `.zip` | `application/zip` |
//! | anything else | `application/octet-stream` |

/// The media type for a file name (case-insensitive), per the table above.
pub fn media_type_for(file_name: &str) -> &'static str {
    let name = file_name.to_ascii_lowercase();
    const TABLE: [(&str, &str); 16] = [
        (".cda.xml", "application/hl7-cda+xml"),
        (".ccda.xml", "application/hl7-cda+xml"),
        (".cda", "application/hl7-cda+xml"),
        (".ccda", "application/hl7-cda+xml"),
        (".xml", "application/xml"),
        (".pdf", "application/pdf"),
        (".json", "application/json"),
        (".txt", "text/plain"),
        (".html", "text/html"),
        (".htm", "text/html"),
        (".rtf", "application/rtf"),
        (".jpg", "image/jpeg"),
        (".jpeg", "image/jpeg"),
        (".png", "image/png"),
        (".tif", "image/tiff"),
        (".tiff", "image/tiff"),
    ];
    const MORE: [(&str, &str); 2] = [(".dcm", "application/dicom"), (".zip", "application/zip")];
    TABLE
        .iter()
        .chain(MORE.iter())
        .find(|(suffix, _)| name.ends_with(suffix))
        .map_or("application/octet-stream", |(_, media_type)| media_type)
}

#[cfg(test)]
mod tests {
    use super::media_type_for;

    #[test]
    fn table() {
        assert_eq!(media_type_for("x.CCDA.xml"), "application/hl7-cda+xml");
        assert_eq!(media_type_for("x.xml"), "application/xml");
        assert_eq!(media_type_for("scan.PDF"), "application/pdf");
        assert_eq!(media_type_for("blob"), "application/octet-stream");
    }
}
