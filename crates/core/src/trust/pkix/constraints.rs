//! Name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)-(c), §6.1.4 (g)) for the name forms
//! document-signing PKIs use: dNSName, rfc822Name, uniformResourceIdentifier, iPAddress and
//! directoryName. A constraint on any other form (otherName, registeredID, ...) cannot be
//! evaluated, so a certificate carrying a name of that form under it is refused, as §4.2.1.10
//! requires of a form the application does not process.

use const_oid::ObjectIdentifier;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::NameConstraints;
use x509_cert::name::Name;

use super::names::within_subtree;

/// The emailAddress attribute (PKCS #9), which §4.2.1.10 subjects to rfc822Name constraints.
const EMAIL_ADDRESS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");

/// Most name-against-subtree comparisons one path search may cost, over every candidate path
/// (certificates with thousands of names and constraints are a known denial of service).
pub(crate) const MAX_COMPARISONS: usize = 250_000;

/// The name forms constraints are kept per.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Dns,
    Email,
    Uri,
    Ip,
    Directory,
    /// A form this validator does not evaluate: otherName, x400Address, ediPartyName,
    /// registeredID (distinguished by the tag for the message).
    Other(&'static str),
}

fn form(name: &GeneralName) -> Form {
    match name {
        GeneralName::DnsName(_) => Form::Dns,
        GeneralName::Rfc822Name(_) => Form::Email,
        GeneralName::UniformResourceIdentifier(_) => Form::Uri,
        GeneralName::IpAddress(_) => Form::Ip,
        GeneralName::DirectoryName(_) => Form::Directory,
        GeneralName::OtherName(_) => Form::Other("otherName"),
        GeneralName::EdiPartyName(_) => Form::Other("ediPartyName"),
        GeneralName::RegisteredId(_) => Form::Other("registeredID"),
    }
}

/// One name of a certificate to test, borrowed from it.
enum Subject<'c> {
    General(&'c GeneralName),
    Directory(&'c Name),
    Email(String),
}

impl Subject<'_> {
    fn form(&self) -> Form {
        match self {
            Subject::General(name) => form(name),
            Subject::Directory(_) => Form::Directory,
            Subject::Email(_) => Form::Email,
        }
    }
}

/// The constraints in force at a point of the path: each CA's permitted subtrees (a name of a
/// form must fall in every set that constrains that form, which is the intersection of
/// §6.1.4 (g)(1)) and the union of excluded subtrees.
#[derive(Debug)]
pub(crate) struct NameConstraintState<'b> {
    permitted: Vec<Vec<GeneralName>>,
    excluded: Vec<GeneralName>,
    /// Comparisons left in the search's budget.
    comparisons_left: &'b mut usize,
}

/// Takes one comparison from the budget.
fn charge(left: &mut usize) -> Result<(), String> {
    match left.checked_sub(1) {
        Some(rest) => {
            *left = rest;
            Ok(())
        }
        None => Err(format!(
            "name constraint checking gave up after {MAX_COMPARISONS} comparisons"
        )),
    }
}

impl<'b> NameConstraintState<'b> {
    /// No constraints yet; comparisons are charged to `budget`.
    pub(crate) fn new(budget: &'b mut usize) -> Self {
        Self {
            permitted: Vec::new(),
            excluded: Vec::new(),
            comparisons_left: budget,
        }
    }

    /// Adds a CA's constraints (§6.1.4 (g)); refuses malformed ones (§4.2.1.10: minimum 0 and
    /// no maximum; well-formed bases).
    pub(crate) fn add(&mut self, nc: &NameConstraints) -> Result<(), String> {
        for subtree in nc
            .permitted_subtrees
            .iter()
            .flatten()
            .chain(nc.excluded_subtrees.iter().flatten())
        {
            if subtree.minimum != 0 || subtree.maximum.is_some() {
                return Err("a name constraint has minimum or maximum set, which RFC 5280 §4.2.1.10 forbids".into());
            }
            well_formed_base(&subtree.base)?;
        }
        if let Some(permitted) = &nc.permitted_subtrees {
            self.permitted
                .push(permitted.iter().map(|s| s.base.clone()).collect());
        }
        if let Some(excluded) = &nc.excluded_subtrees {
            self.excluded
                .extend(excluded.iter().map(|s| s.base.clone()));
        }
        Ok(())
    }

    /// Whether any constraint is in force.
    pub(crate) fn is_empty(&self) -> bool {
        self.permitted.is_empty() && self.excluded.is_empty()
    }

    /// Checks the subject name and every subjectAltName of a certificate (§6.1.3 (b), (c)).
    pub(crate) fn check(
        &mut self,
        subject: &Name,
        alt_names: &[GeneralName],
    ) -> Result<(), String> {
        if self.is_empty() {
            return Ok(());
        }
        let mut names: Vec<Subject<'_>> = Vec::new();
        if !subject.is_empty() {
            names.push(Subject::Directory(subject));
        }
        names.extend(alt_names.iter().map(Subject::General));
        // §4.2.1.10: rfc822Name constraints also apply to emailAddress attributes of the
        // subject name (required when there is no subjectAltName; done always, as most
        // validators do).
        for atv in subject.iter().filter(|a| a.oid == EMAIL_ADDRESS) {
            let text = der::asn1::Ia5StringRef::try_from(&atv.value)
                .map(|s| s.as_str().to_owned())
                .map_err(|_| {
                    "an emailAddress attribute of the subject is not an IA5String".to_owned()
                })?;
            names.push(Subject::Email(text));
        }
        let Self {
            permitted: permitted_sets,
            excluded,
            comparisons_left,
        } = self;
        for name in &names {
            let name_form = name.form();
            for permitted in permitted_sets.iter() {
                let mut constrains = false;
                let mut inside = false;
                for base in permitted.iter().filter(|b| form(b) == name_form) {
                    constrains = true;
                    charge(comparisons_left)?;
                    if matches(name, base, false)? {
                        inside = true;
                        break;
                    }
                }
                if constrains && !inside {
                    return Err(format!(
                        "{} is outside the permitted name constraints (RFC 5280 §6.1.3 (b))",
                        describe(name)
                    ));
                }
            }
            for base in excluded.iter().filter(|b| form(b) == name_form) {
                charge(comparisons_left)?;
                if matches(name, base, true)? {
                    return Err(format!(
                        "{} is inside an excluded name constraint (RFC 5280 §6.1.3 (c))",
                        describe(name)
                    ));
                }
            }
        }
        Ok(())
    }
}

fn describe(name: &Subject<'_>) -> String {
    match name {
        Subject::Directory(dn) => format!(
            "the name {}",
            super::super::certificate::distinguished_name(dn)
        ),
        Subject::Email(mail) => format!("the emailAddress {mail:?}"),
        Subject::General(general) => match general {
            GeneralName::DnsName(d) => format!("the dNSName {:?}", d.as_str()),
            GeneralName::Rfc822Name(m) => format!("the rfc822Name {:?}", m.as_str()),
            GeneralName::UniformResourceIdentifier(u) => format!("the URI {:?}", u.as_str()),
            GeneralName::IpAddress(ip) => {
                format!("the iPAddress {}", crate::hex::hex(ip.as_bytes()))
            }
            GeneralName::DirectoryName(dn) => format!(
                "the directoryName {}",
                super::super::certificate::distinguished_name(dn)
            ),
            other => format!(
                "a {} name",
                match form(other) {
                    Form::Other(t) => t,
                    _ => "subjectAltName",
                }
            ),
        },
    }
}

/// Whether `name` lies in the subtree `base` (of the same form). `excluded` widens a wildcard
/// dNSName to the names it stands for, so `*.example.com` is caught by an exclusion of
/// `host.example.com`.
fn matches(name: &Subject<'_>, base: &GeneralName, excluded: bool) -> Result<bool, String> {
    match (name, base) {
        (Subject::Directory(dn), GeneralName::DirectoryName(tree)) => Ok(within_subtree(dn, tree)),
        (Subject::General(GeneralName::DirectoryName(dn)), GeneralName::DirectoryName(tree)) => {
            Ok(within_subtree(dn, tree))
        }
        (Subject::General(GeneralName::DnsName(dns)), GeneralName::DnsName(tree)) => {
            let name = dns.as_str();
            if !valid_dns_name(name, true) {
                return Err(format!("the dNSName {name:?} is not a valid host name, so name constraints cannot be applied to it (RFC 5280 §4.2.1.6)"));
            }
            Ok(dns_within(name, tree.as_str(), excluded))
        }
        (Subject::General(GeneralName::Rfc822Name(mail)), GeneralName::Rfc822Name(tree)) => {
            email_within(mail.as_str(), tree.as_str())
        }
        (Subject::Email(mail), GeneralName::Rfc822Name(tree)) => email_within(mail, tree.as_str()),
        (Subject::General(GeneralName::UniformResourceIdentifier(uri)), GeneralName::UniformResourceIdentifier(tree)) => {
            let host = uri_host(uri.as_str()).ok_or_else(|| format!(
                "the URI {:?} has no host name, so URI name constraints cannot be applied to it (RFC 5280 §4.2.1.10)",
                uri.as_str()
            ))?;
            Ok(host_within(&host, tree.as_str()))
        }
        (Subject::General(GeneralName::IpAddress(ip)), GeneralName::IpAddress(tree)) => {
            let ip = ip.as_bytes();
            if ip.len() != 4 && ip.len() != 16 {
                return Err("an iPAddress name is neither 4 nor 16 octets (RFC 5280 §4.2.1.6)".into());
            }
            let tree = tree.as_bytes();
            // An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) is that IPv4
            // address for IPv4 constraints.
            let ip = match ip {
                [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, v4 @ ..] if tree.len() == 8 => v4,
                _ => ip,
            };
            if tree.len() != ip.len() * 2 {
                return Ok(false);
            }
            let (address, mask) = tree.split_at(ip.len());
            Ok(ip.iter().zip(address).zip(mask).all(|((i, a), m)| i & m == a & m))
        }
        (Subject::General(other), _) => Err(format!(
            "the certificate has {}, a name form whose constraints this validator cannot evaluate (RFC 5280 §4.2.1.10)",
            describe(&Subject::General(other))
        )),
        _ => Ok(false),
    }
}

/// Rejects constraint bases that cannot be meant: a dNSName with a wildcard or bad syntax, an
/// iPAddress that is not address-and-contiguous-mask, a malformed rfc822Name.
fn well_formed_base(base: &GeneralName) -> Result<(), String> {
    match base {
        GeneralName::DnsName(d) => {
            let text = d.as_str();
            let body = text.strip_prefix('.').unwrap_or(text);
            if !(text.is_empty() || valid_dns_name(body, false)) {
                return Err(format!("the dNSName name constraint {text:?} is not a domain name (RFC 5280 §4.2.1.10)"));
            }
        }
        GeneralName::IpAddress(ip) => {
            let bytes = ip.as_bytes();
            if bytes.len() != 8 && bytes.len() != 32 {
                return Err("an iPAddress name constraint is not an address and a mask (RFC 5280 §4.2.1.10)".into());
            }
            let mask = &bytes[bytes.len() / 2..];
            let bits: Vec<bool> = mask
                .iter()
                .flat_map(|b| (0..8).rev().map(move |i| b >> i & 1 == 1))
                .collect();
            if bits.windows(2).any(|w| !w[0] && w[1]) {
                return Err(
                    "an iPAddress name constraint's mask is not a contiguous prefix (RFC 4632)"
                        .into(),
                );
            }
        }
        GeneralName::Rfc822Name(m) => {
            let text = m.as_str();
            let ok = match text.rsplit_once('@') {
                Some((local, host)) => {
                    !local.is_empty() && !local.contains('@') && valid_dns_name(host, false)
                }
                None => {
                    let body = text.strip_prefix('.').unwrap_or(text);
                    valid_dns_name(body, false)
                }
            };
            if !ok {
                return Err(format!("the rfc822Name name constraint {text:?} is not a mailbox, host or domain (RFC 5280 §4.2.1.10)"));
            }
        }
        _ => {}
    }
    Ok(())
}

/// Host-name syntax (RFC 1034 §3.5 as RFC 5280 §4.2.1.6 asks, underscores refused); `wildcard`
/// admits a leading `*` label.
pub(crate) fn valid_dns_name(name: &str, wildcard: bool) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    let body = match name.strip_prefix("*.") {
        Some(rest) if wildcard => rest,
        _ => name,
    };
    !body.is_empty()
        && body.len() <= 253
        && body.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// dNSName within a dNSName subtree: the base itself or any name made by adding labels to its
/// left (§4.2.1.10); a base with a leading period covers only the names below it.
fn dns_within(name: &str, base: &str, excluded: bool) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let base = base.trim_end_matches('.').to_ascii_lowercase();
    if base.is_empty() {
        return true;
    }
    let suffix_match = |n: &str| match base.strip_prefix('.') {
        Some(_) => n.ends_with(&base),
        None => n == base || n.ends_with(&format!(".{base}")),
    };
    if suffix_match(&name) {
        return true;
    }
    // `*.S` stands for every `L.S`: it meets an exclusion of `L.S` as well.
    if excluded {
        if let Some(parent) = name.strip_prefix("*.") {
            let base_body = base.trim_start_matches('.');
            return base_body
                .split_once('.')
                .is_some_and(|(_, rest)| rest == parent);
        }
    }
    false
}

/// An rfc822Name (mailbox) within an rfc822Name constraint: a mailbox exactly, every mailbox
/// on a host, or (leading period) every mailbox on hosts within a domain (§4.2.1.10).
fn email_within(mailbox: &str, base: &str) -> Result<bool, String> {
    let (local, host) = split_mailbox(mailbox)
        .ok_or_else(|| format!("the mailbox {mailbox:?} is not local-part@domain, so rfc822Name constraints cannot be applied to it (RFC 5280 §4.2.1.6)"))?;
    // A quoted local part that needs no quoting is the same mailbox unquoted (RFC 5321 §4.1.2).
    let unquote = |l: &str| -> String {
        match l.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(inner)
                if !inner.is_empty()
                    && inner.bytes().all(|b| {
                        b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b)
                    }) =>
            {
                inner.to_owned()
            }
            _ => l.to_owned(),
        }
    };
    Ok(match base.rsplit_once('@') {
        Some((base_local, base_host)) => {
            unquote(local) == unquote(base_local)
                && host
                    .trim_end_matches('.')
                    .eq_ignore_ascii_case(base_host.trim_end_matches('.'))
        }
        None => host_within(host, base),
    })
}

/// `local-part@domain` (RFC 5321 §4.1.2): one `@` outside a quoted local part, a non-empty
/// local part without spaces, a host name.
fn split_mailbox(mailbox: &str) -> Option<(&str, &str)> {
    let (local, host) = mailbox.rsplit_once('@')?;
    let quoted = local.len() >= 2 && local.starts_with('"') && local.ends_with('"');
    let local_ok = !local.is_empty()
        && (quoted
            || !local.bytes().any(|b| {
                b == b'@' || b == b'"' || b.is_ascii_whitespace() || b.is_ascii_control()
            }));
    (local_ok && valid_dns_name(host, false)).then_some((local, host))
}

/// A host within a host constraint: equal, or (leading period) below the domain.
fn host_within(host: &str, base: &str) -> bool {
    // A fully qualified name's trailing dot names the same host (RFC 1034 §3.1).
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let base = base.trim_end_matches('.').to_ascii_lowercase();
    match base.strip_prefix('.') {
        Some(_) => host.ends_with(&base),
        None => host == base,
    }
}

/// The host of a URI with an authority (`scheme://[userinfo@]host[:port]...`); `None` when it
/// has none or the host is an IP literal (§4.2.1.10 then asks the certificate be rejected).
fn uri_host(uri: &str) -> Option<String> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.starts_with('[') {
        return None;
    }
    let host = host_port.split(':').next()?;
    if host.is_empty() || host.parse::<std::net::Ipv4Addr>().is_ok() || !valid_dns_name(host, false)
    {
        return None;
    }
    Some(host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_subtrees() {
        assert!(dns_within("example.com", "example.com", false));
        assert!(dns_within("a.example.com", "example.com", false));
        assert!(!dns_within("aexample.com", "example.com", false));
        assert!(!dns_within("example.com", ".example.com", false));
        assert!(dns_within("a.example.com", ".example.com", false));
        assert!(dns_within("*.example.com", "example.com", false));
        assert!(!dns_within("*.example.com", "a.example.com", false));
        assert!(dns_within("*.example.com", "a.example.com", true));
        assert!(dns_within("anything", "", false));
    }

    #[test]
    fn email_subtrees() {
        assert_eq!(email_within("a@example.org", "example.org"), Ok(true));
        assert_eq!(email_within("a@EXAMPLE.org", "example.org"), Ok(true));
        assert_eq!(email_within("a@mail.example.org", "example.org"), Ok(false));
        assert_eq!(email_within("a@mail.example.org", ".example.org"), Ok(true));
        assert_eq!(email_within("a@example.org", ".example.org"), Ok(false));
        assert_eq!(email_within("a@example.org", "a@example.org"), Ok(true));
        assert_eq!(email_within("b@example.org", "a@example.org"), Ok(false));
        assert_eq!(email_within("*@example.org", "*@example.org"), Ok(true));
        assert_eq!(email_within("user@example.org", "*@example.org"), Ok(false));
        assert!(email_within("no-at-sign", "example.org").is_err());
        assert!(email_within("invalid@address@example.org", "example.org").is_err());
        assert_eq!(email_within("\"a\"@example.org", "a@example.org"), Ok(true));
        assert_eq!(
            email_within("\"odd@local\"@example.org", "example.org"),
            Ok(true)
        );
    }

    #[test]
    fn ipv4_mapped_ipv6_names_meet_ipv4_constraints() {
        let ip = |bytes: &[u8]| GeneralName::IpAddress(der::asn1::OctetString::new(bytes).unwrap());
        let excluded_net = ip(&[10, 0, 0, 0, 255, 0, 0, 0]);
        let mapped = ip(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1]);
        let plain_v6 = ip(&[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1]);
        assert_eq!(
            matches(&Subject::General(&mapped), &excluded_net, true),
            Ok(true)
        );
        assert_eq!(
            matches(&Subject::General(&plain_v6), &excluded_net, true),
            Ok(false)
        );
    }

    #[test]
    fn uri_hosts() {
        assert_eq!(
            uri_host("https://user@Example.org:8443/x").as_deref(),
            Some("Example.org")
        );
        assert_eq!(uri_host("urn:oid:1.2.3"), None);
        assert_eq!(uri_host("https://10.0.0.1/"), None);
        assert_eq!(uri_host("https://[::1]/"), None);
        assert!(host_within("fhir.example.org", ".example.org"));
        assert!(host_within("evil.example.", "evil.example"));
        assert!(host_within("www.evil.example.", ".evil.example"));
        assert!(!host_within("example.org", ".example.org"));
    }
}
