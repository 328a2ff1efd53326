//! Attack pass on validation policies written in TOML.

use fhirsig_core::policy::{Policy, BUILTIN_NAMES};
use fhirsig_core::report::{CheckCode, Level};

/// A TOML policy may take the name of a built-in policy while changing its levels: a file named
/// `cdex-strict` that ignores the signer identity (CONF-053) and the certificate profile is
/// accepted, and every report then says `"policy": "cdex-strict"` — the auditor's policy —
/// for a verdict reached under far weaker rules. Reports name the policy so a reader knows the
/// rules the verdict was reached by (docs/policy.md); a custom policy must not be able to pass
/// itself off as a built-in one (refuse the name, or report it as distinct from the built-in).
#[test]
fn a_custom_policy_cannot_pose_as_a_builtin_one() {
    for name in BUILTIN_NAMES {
        let text = format!(
            "name = \"{name}\"\nextends = \"r6\"\n[checks]\nsigner-identity = \"ignore\"\ncertificate-profile = \"ignore\"\n"
        );
        let Ok(policy) = Policy::from_toml(&text) else {
            continue; // refused: fixed
        };
        let builtin = Policy::builtin(name).unwrap();
        assert_eq!(policy.level(CheckCode::SignerIdentity), Level::Ignore);
        assert_ne!(
            policy.name(),
            builtin.name(),
            "a custom policy that ignores signer-identity reports itself as the built-in {name}"
        );
    }
}
