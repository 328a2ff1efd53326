//! Every built Provenance passes the checker; each hand-broken one is reported with the code of
//! the rule it breaks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fhirsig_provenance::{
    check, Agent, AgentRole, BuildError, DateTime, Entity, Instant, Occurred, Profile,
    ProvenanceBuilder, Reference, Severity, SourceFormat,
};

fn recorded() -> Instant {
    Instant::parse("2024-05-02T10:00:00Z").unwrap()
}

fn built(profile: Profile) -> String {
    let b = ProvenanceBuilder::new(profile)
        .target(Reference::to("Condition/123"))
        .target(Reference::to("Encounter/7"))
        .recorded(recorded())
        .occurred(Occurred::DateTime(DateTime::parse("2024-05-01").unwrap()));
    let b = match profile {
        Profile::Pdex => b
            .agent(Agent::transmitter(Reference::to("Organization/payer1")))
            .agent(Agent::new(
                AgentRole::Source,
                Reference::to("Organization/hospital"),
            ))
            .entity(Entity::pdex_source(
                Reference::display_only("X12 837 claim"),
                SourceFormat::from_code("x12837").unwrap(),
            )),
        _ => b
            .agent(
                Agent::author(Reference::to("Practitioner/pr1"))
                    .on_behalf_of(Reference::to("Organization/org1")),
            )
            .agent(Agent::transmitter(Reference::to("Organization/org1"))),
    };
    b.build().unwrap().to_json()
}

fn codes(json: &str, profile: Profile) -> Vec<&'static str> {
    let doc = fhirsig_jcs::parse(json.as_bytes()).unwrap();
    check(&doc, Some(profile))
        .into_iter()
        .filter(|f| f.severity != Severity::Information)
        .map(|f| f.code)
        .collect()
}

/// The built Provenance of `profile`, edited as JSON by `edit`, then checked.
fn broken(profile: Profile, edit: impl FnOnce(&mut serde_json::Value)) -> Vec<&'static str> {
    let mut v: serde_json::Value = serde_json::from_str(&built(profile)).unwrap();
    edit(&mut v);
    codes(&serde_json::to_string(&v).unwrap(), profile)
}

#[test]
fn every_built_provenance_passes_its_own_checker() {
    for profile in Profile::ALL {
        let json = built(profile);
        assert_eq!(
            codes(&json, profile),
            Vec::<&str>::new(),
            "{profile}: {json}"
        );
        // The declared profile is found without being told.
        let doc = fhirsig_jcs::parse(json.as_bytes()).unwrap();
        assert!(check(&doc, None)
            .iter()
            .all(|f| f.severity != Severity::Error));
    }
}

#[test]
fn built_json_has_fhir_member_order() {
    let json = built(Profile::Hrex);
    let order: Vec<usize> = [
        "resourceType",
        "meta",
        "target",
        "occurredDateTime",
        "recorded",
        "agent",
    ]
    .iter()
    .map(|m| json.find(&format!("\"{m}\"")).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{json}");
    assert!(json.starts_with("{\n  \"resourceType\": \"Provenance\""));
}

#[test]
fn rule_target_missing() {
    assert!(
        broken(Profile::UsCore, |v| v["target"] = serde_json::json!([]))
            .contains(&"target-missing")
    );
}

#[test]
fn rule_hrex_target_reference() {
    let c = broken(Profile::Hrex, |v| {
        v["target"][0] = serde_json::json!({"display": "x"})
    });
    assert_eq!(c, vec!["hrex-target-reference"]);
}

#[test]
fn rule_recorded_missing_and_invalid() {
    let c = broken(Profile::UsCore, |v| {
        v.as_object_mut().unwrap().remove("recorded");
    });
    assert_eq!(c, vec!["recorded-missing"]);
    let c = broken(Profile::UsCore, |v| {
        v["recorded"] = serde_json::json!("2024-05-02")
    });
    assert_eq!(c, vec!["recorded-invalid"]);
}

#[test]
fn rule_occurred() {
    let c = broken(Profile::UsCore, |v| {
        v["occurredDateTime"] = serde_json::json!("May 1")
    });
    assert_eq!(c, vec!["occurred-invalid"]);
    let c = broken(Profile::UsCore, |v| {
        v["occurredPeriod"] = serde_json::json!({"start": "2024"})
    });
    assert_eq!(c, vec!["occurred-choice"]);
}

#[test]
fn rule_agent_missing() {
    let c = broken(Profile::UsCore, |v| {
        v.as_object_mut().unwrap().remove("agent");
    });
    assert_eq!(c, vec!["agent-missing"]);
}

#[test]
fn rule_agent_who_missing() {
    let c = broken(Profile::UsCore, |v| {
        v["agent"][1].as_object_mut().unwrap().remove("who");
    });
    assert_eq!(c, vec!["agent-who-missing"]);
}

#[test]
fn rule_agent_type_missing_is_a_warning() {
    let c = broken(Profile::UsCore, |v| {
        v["agent"][1].as_object_mut().unwrap().remove("type");
    });
    assert_eq!(c, vec!["agent-type-missing"]);
}

#[test]
fn rule_author_and_transmitter_codings() {
    let c = broken(Profile::UsCore, |v| {
        v["agent"][0]["type"]["coding"][0]["system"] =
            serde_json::json!("http://example.org/roles");
    });
    assert_eq!(c, vec!["author-type-coding"]);
    let c = broken(Profile::UsCore, |v| {
        v["agent"][1]["type"]["coding"][0]["system"] =
            serde_json::json!("http://terminology.hl7.org/CodeSystem/provenance-participant-type");
    });
    assert_eq!(c, vec!["transmitter-type-coding"]);
}

#[test]
fn rule_provenance_1() {
    let c = broken(Profile::UsCore, |v| {
        v["agent"][0].as_object_mut().unwrap().remove("onBehalfOf");
    });
    assert_eq!(c, vec!["provenance-1"]);
    let c = broken(Profile::Hrex, |v| {
        v["agent"][1]["who"] = serde_json::json!({"reference": "Device/d1"});
    });
    assert_eq!(c, vec!["provenance-1"]);
}

#[test]
fn rule_pdex_agent_who_type() {
    let c = broken(Profile::Pdex, |v| {
        v["agent"][1]["who"] = serde_json::json!({"reference": "Patient/p1"});
    });
    assert_eq!(c, vec!["pdex-agent-who-type"]);
}

#[test]
fn rule_pdex_agent_type_and_transmitter() {
    let c = broken(Profile::Pdex, |v| {
        v["agent"][0]["type"]["coding"][0] =
            serde_json::json!({"system": "http://example.org/roles", "code": "sender"});
    });
    assert_eq!(c, vec!["pdex-agent-type", "pdex-transmitter-missing"]);
}

#[test]
fn rule_pdex_source_format() {
    let c = broken(Profile::Pdex, |v| {
        v["entity"][0]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] =
            serde_json::json!("fax");
    });
    assert_eq!(c, vec!["pdex-source-format"]);
}

#[test]
fn rule_entity_role_and_what() {
    let c = broken(Profile::Pdex, |v| {
        let e = v["entity"][0].as_object_mut().unwrap();
        e.remove("role");
        e.remove("what");
    });
    assert_eq!(c, vec!["entity-role-missing", "entity-what-missing"]);
}

#[test]
fn rule_source_format_outside_pdex() {
    let pdex: serde_json::Value = serde_json::from_str(&built(Profile::Pdex)).unwrap();
    let c = broken(Profile::UsCore, |v| v["entity"] = pdex["entity"].clone());
    assert_eq!(c, vec!["source-format-outside-pdex"]);
}

#[test]
fn rule_meta_profile_missing() {
    let c = broken(Profile::UsCore, |v| {
        v.as_object_mut().unwrap().remove("meta");
    });
    assert_eq!(c, vec!["meta-profile-missing"]);
}

#[test]
fn rule_signature_required_fields() {
    let c = broken(Profile::Hrex, |v| {
        v["signature"] = serde_json::json!([{"data": "eA=="}])
    });
    assert_eq!(
        c,
        vec![
            "signature-type-missing",
            "signature-when-missing",
            "signature-who-missing"
        ]
    );
    let c = broken(Profile::Hrex, |v| {
        v["signature"] = serde_json::json!([{"type": [{"code": "x"}], "when": "yesterday", "who": {"reference": "Organization/o"}}]);
    });
    assert_eq!(c, vec!["signature-when-invalid"]);
}

#[test]
fn rule_no_provenance() {
    let doc = fhirsig_jcs::parse(br#"{"resourceType":"Patient"}"#).unwrap();
    assert_eq!(check(&doc, None)[0].code, "no-provenance");
}

#[test]
fn builder_refuses_what_the_checker_rejects() {
    let base = || {
        ProvenanceBuilder::new(Profile::Pdex)
            .target(Reference::to("Encounter/6"))
            .recorded(recorded())
    };
    let err = base()
        .agent(Agent::transmitter(Reference::to("Patient/p1")))
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::PdexWhoType { agent: 0, .. }));
    assert_eq!(err.code(), "pdex-agent-who-type");
    let err = base()
        .agent(Agent::new(AgentRole::Assembler, Reference::to("Device/d1")))
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "provenance-1");
    let err = ProvenanceBuilder::new(Profile::Hrex)
        .target(Reference::display_only("a claim"))
        .recorded(recorded())
        .agent(Agent::transmitter(Reference::to("Organization/o")))
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "hrex-target-reference");
    let err = ProvenanceBuilder::new(Profile::UsCore)
        .target(Reference::to("Encounter/6"))
        .recorded(recorded())
        .agent(Agent::transmitter(Reference::to("Organization/o")))
        .entity(Entity::pdex_source(
            Reference::display_only("x"),
            SourceFormat::from_code("hl7v2adt").unwrap(),
        ))
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "source-format-outside-pdex");
    assert!(SourceFormat::from_code("fax").is_err());
}
