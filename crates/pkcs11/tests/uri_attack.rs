//! Attack pass on the RFC 7512 URI parser: no token needed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use fhirsig_pkcs11::{Pkcs11Error, Pkcs11Uri};

/// `pin-value` is refused so that a PIN never reaches a message, but the value is
/// percent-decoded before the attribute name is looked at, and the decoding error quotes the
/// raw value: `pin-value=1234%zz` (a typo, or a PIN with a literal `%`) puts the PIN in the
/// error that `fhirsig sign` prints to stderr and CI logs.
#[test]
fn a_badly_encoded_pin_value_is_not_echoed() {
    for uri in [
        "pkcs11:object=k?pin-value=s3cr3t-PIN%zz",
        "pkcs11:object=k?pin-value=s3cr3t-PIN%",
        "pkcs11:object=k;pin-value=s3cr3t-PIN%4",
    ] {
        let err = Pkcs11Uri::parse(uri).unwrap_err();
        assert!(matches!(err, Pkcs11Error::Uri { .. }), "{uri}: {err:?}");
        assert!(
            !err.to_string().contains("s3cr3t-PIN") && !format!("{err:?}").contains("s3cr3t-PIN"),
            "{uri}: the PIN is in the error: {err}"
        );
    }
}

/// RFC 3986 `pct-encoded = "%" HEXDIG HEXDIG`; `u8::from_str_radix` also takes a sign, so
/// `%+1` decodes as 0x01 instead of being refused.
#[test]
fn percent_sign_plus_digit_is_not_a_percent_encoding() {
    let result = Pkcs11Uri::parse("pkcs11:id=%+1");
    assert!(matches!(result, Err(Pkcs11Error::Uri { .. })), "{result:?}");
}
