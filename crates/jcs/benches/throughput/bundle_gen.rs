//! Deterministic synthetic FHIR searchset Bundles for benchmarks: Observations with decimals,
//! Patients with non-ASCII names and escapes, XHTML narrative. Pretty-printed like a server's
//! output (two-space indent).
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// splitmix64: small, deterministic, good enough to vary content.
pub struct Rng(u64);

impl Rng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

const GIVEN: &[&str] = &[
    "Amy",
    "José",
    "Zoë",
    "Łukasz",
    "Søren",
    "明",
    "Ngọc",
    "Chloé",
    "O\\\"Brien",
    "Ana\\u00efs",
];
const FAMILY: &[&str] = &[
    "Shaw",
    "Müller",
    "García",
    "Nguyễn",
    "王",
    "Dvořák",
    "Ó Briain",
    "Smith\\tJr",
    "Ωmega 😀",
];

fn observation(rng: &mut Rng, i: u64) -> String {
    let value = format!("{}.{:02}", rng.below(300), rng.below(100));
    let low = format!("{}.{}0", rng.below(50), rng.below(10));
    format!(
        r#"{{
      "fullUrl": "https://example.org/fhir/Observation/obs-{i}",
      "resource": {{
        "resourceType": "Observation",
        "id": "obs-{i}",
        "meta": {{ "versionId": "{v}", "lastUpdated": "2024-05-0{d}T10:{m:02}:00.000+00:00" }},
        "text": {{ "status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Heart rate {value} /min &amp; note: \"stable\"</p></div>" }},
        "status": "final",
        "category": [ {{ "coding": [ {{ "system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs", "display": "Vital Signs" }} ] }} ],
        "code": {{ "coding": [ {{ "system": "http://loinc.org", "code": "8867-4", "display": "Heart rate" }} ], "text": "Heart rate" }},
        "subject": {{ "reference": "Patient/pat-{p}" }},
        "effectiveDateTime": "2024-05-0{d}T09:{m:02}:00Z",
        "valueQuantity": {{ "value": {value}, "unit": "beats/minute", "system": "http://unitsofmeasure.org", "code": "/min" }},
        "referenceRange": [ {{ "low": {{ "value": {low}, "unit": "/min" }}, "high": {{ "value": 1.0e2, "unit": "/min" }} }} ]
      }},
      "search": {{ "mode": "match", "score": 0.{s} }}
    }}"#,
        v = rng.below(9) + 1,
        d = rng.below(9) + 1,
        m = rng.below(60),
        p = rng.below(1000),
        s = rng.below(1000),
    )
}

fn patient(rng: &mut Rng, i: u64) -> String {
    let given = GIVEN[rng.below(GIVEN.len() as u64) as usize];
    let family = FAMILY[rng.below(FAMILY.len() as u64) as usize];
    format!(
        r#"{{
      "fullUrl": "https://example.org/fhir/Patient/pat-{i}",
      "resource": {{
        "resourceType": "Patient",
        "id": "pat-{i}",
        "text": {{ "status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">{given} {family}\n</div>" }},
        "identifier": [ {{ "system": "http://example.org/mrn", "value": "MRN\/{n}" }} ],
        "name": [ {{ "family": "{family}", "given": [ "{given}" ] }} ],
        "gender": "unknown",
        "birthDate": "19{y:02}-0{mo}-1{d}",
        "multipleBirthInteger": {b}
      }},
      "search": {{ "mode": "include" }}
    }}"#,
        n = rng.below(10_000_000),
        y = rng.below(100),
        mo = rng.below(9) + 1,
        d = rng.below(10),
        b = rng.below(3),
    )
}

/// A searchset Bundle of about `target_bytes` bytes.
pub fn bundle(target_bytes: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(target_bytes + 4096);
    out.push_str(
        "{\n  \"resourceType\": \"Bundle\",\n  \"id\": \"bench\",\n  \"meta\": { \"lastUpdated\": \"2024-05-02T10:00:00Z\" },\n  \"type\": \"searchset\",\n  \"entry\": [\n    ",
    );
    let mut i = 0;
    while out.len() < target_bytes {
        if i > 0 {
            out.push_str(",\n    ");
        }
        let entry = if rng.below(4) == 0 {
            patient(&mut rng, i)
        } else {
            observation(&mut rng, i)
        };
        out.push_str(&entry);
        i += 1;
    }
    out.push_str(&format!("\n  ],\n  \"total\": {i}\n}}\n"));
    out
}
