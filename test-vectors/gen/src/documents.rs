//! The FHIR documents the vectors sign and select payloads from. Small, but each exercises a
//! rule: entry ids and meta (signed), narrative, decimals, non-ASCII text, nested items.

/// A CDex searchset Bundle (unsigned).
pub const SEARCHSET: &str = r#"{
  "resourceType": "Bundle",
  "id": "searchset-1",
  "meta": { "lastUpdated": "2026-04-30T10:00:00Z" },
  "type": "searchset",
  "total": 2,
  "link": [ { "relation": "self", "url": "https://ehr.example.org/fhir/Observation?patient=p1" } ],
  "entry": [
    {
      "fullUrl": "https://ehr.example.org/fhir/Observation/o1",
      "resource": {
        "resourceType": "Observation",
        "id": "o1",
        "meta": { "versionId": "3" },
        "status": "final",
        "code": { "text": "Heart rate — “resting”" },
        "subject": { "reference": "Patient/p1" },
        "valueQuantity": { "value": 72.50, "unit": "/min" }
      },
      "search": { "mode": "match" }
    },
    {
      "fullUrl": "https://ehr.example.org/fhir/Condition/c1",
      "resource": {
        "resourceType": "Condition",
        "id": "c1",
        "text": { "status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">Examplitis</div>" },
        "code": { "text": "Examplitis" },
        "subject": { "reference": "Patient/p1" }
      },
      "search": { "mode": "match" }
    }
  ]
}"#;

/// The searchset with a (placeholder) signature, for the payload cases.
pub const SEARCHSET_WITH_SIGNATURE: &str = r#"{
  "resourceType": "Bundle",
  "id": "searchset-1",
  "meta": { "lastUpdated": "2026-04-30T10:00:00Z" },
  "type": "searchset",
  "total": 1,
  "entry": [
    {
      "fullUrl": "https://ehr.example.org/fhir/Observation/o1",
      "resource": {
        "resourceType": "Observation",
        "id": "o1",
        "meta": { "versionId": "3" },
        "status": "final",
        "code": { "text": "Heart rate" },
        "valueQuantity": { "value": 72, "unit": "/min" }
      },
      "search": { "mode": "match" }
    }
  ],
  "signature": {
    "type": [ { "system": "urn:iso-astm:E1762-95:2013", "code": "1.2.840.10065.1.12.1.5" } ],
    "when": "2026-05-01T00:00:00Z",
    "who": { "identifier": { "system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893" } },
    "sigFormat": "application/jose",
    "data": "cGxhY2Vob2xkZXI="
  }
}"#;

/// A document Bundle (unsigned).
pub const DOCUMENT: &str = r#"{
  "resourceType": "Bundle",
  "id": "document-1",
  "meta": { "versionId": "1" },
  "identifier": { "system": "urn:ietf:rfc:3986", "value": "urn:uuid:0c3e1a52-0000-4000-8000-000000000001" },
  "type": "document",
  "timestamp": "2026-05-01T00:00:00Z",
  "entry": [
    {
      "fullUrl": "urn:uuid:0c3e1a52-0000-4000-8000-000000000002",
      "resource": {
        "resourceType": "Composition",
        "status": "final",
        "type": { "text": "Progress note" },
        "date": "2026-04-30",
        "title": "Progress note",
        "author": [ { "reference": "urn:uuid:0c3e1a52-0000-4000-8000-000000000003" } ]
      }
    },
    {
      "fullUrl": "urn:uuid:0c3e1a52-0000-4000-8000-000000000003",
      "resource": {
        "resourceType": "Practitioner",
        "identifier": [ { "system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893" } ],
        "name": [ { "family": "Müller", "given": [ "Jürgen" ] } ]
      }
    }
  ]
}"#;

/// A collection Bundle (unsigned).
pub const COLLECTION: &str = r#"{
  "resourceType": "Bundle",
  "type": "collection",
  "entry": [
    { "resource": { "resourceType": "Patient", "id": "p1", "birthDate": "1970-01-01" } },
    { "resource": { "resourceType": "Coverage", "id": "cov1", "status": "active" } }
  ]
}"#;

/// A QuestionnaireResponse with another extension and a nested answer item (unsigned).
pub const QUESTIONNAIRE_RESPONSE: &str = r#"{
  "resourceType": "QuestionnaireResponse",
  "id": "qr-1",
  "meta": { "profile": [ "http://hl7.org/fhir/us/davinci-cdex/StructureDefinition/cdex-sdc-questionnaireresponse" ] },
  "extension": [
    { "url": "http://example.org/fhir/StructureDefinition/workflow-note", "valueString": "kept in the payload" }
  ],
  "questionnaire": "http://example.org/Questionnaire/q1",
  "status": "completed",
  "item": [
    { "linkId": "1", "text": "Diagnosis", "answer": [ { "valueString": "Examplitis" } ] },
    {
      "linkId": "2",
      "id": "item-2",
      "text": "Weight (kg)",
      "answer": [ { "valueDecimal": 70.0, "item": [ { "linkId": "2.1", "answer": [ { "valueBoolean": true } ] } ] } ]
    }
  ]
}"#;

/// The QuestionnaireResponse with signature extensions (placeholders) on the root, on item 2 and
/// on the item nested under item 2's answer.
pub const QR_WITH_EXTENSIONS: &str = r#"{
  "resourceType": "QuestionnaireResponse",
  "id": "qr-1",
  "meta": { "profile": [ "http://hl7.org/fhir/us/davinci-cdex/StructureDefinition/cdex-sdc-questionnaireresponse" ] },
  "extension": [
    { "url": "http://example.org/fhir/StructureDefinition/workflow-note", "valueString": "kept in the payload" },
    {
      "url": "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature",
      "valueSignature": { "sigFormat": "application/jose", "data": "cGxhY2Vob2xkZXI=" }
    }
  ],
  "status": "completed",
  "item": [
    { "linkId": "1", "text": "Diagnosis", "answer": [ { "valueString": "Examplitis" } ] },
    {
      "linkId": "2",
      "id": "item-2",
      "extension": [
        {
          "url": "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature",
          "valueSignature": { "sigFormat": "application/jose", "data": "cGxhY2Vob2xkZXI=" }
        }
      ],
      "text": "Weight (kg)",
      "answer": [
        {
          "valueDecimal": 70.0,
          "item": [
            {
              "linkId": "2.1",
              "id": "item-2-1",
              "extension": [
                {
                  "url": "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature",
                  "valueSignature": { "sigFormat": "application/jose", "data": "bmVzdGVk" }
                }
              ],
              "answer": [ { "valueBoolean": true } ]
            }
          ]
        }
      ]
    }
  ]
}"#;

/// A QuestionnaireResponse whose only extension is its signature (placeholder).
pub const QR_ONLY_SIGNATURE_EXTENSION: &str = r#"{
  "resourceType": "QuestionnaireResponse",
  "id": "qr-2",
  "extension": [
    {
      "url": "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature",
      "valueSignature": { "sigFormat": "application/jose", "data": "cGxhY2Vob2xkZXI=" }
    }
  ],
  "status": "completed",
  "item": [ { "linkId": "1", "answer": [ { "valueInteger": 3 } ] } ]
}"#;

/// A `$submit-attachment` Parameters carrying a searchset Bundle (unsigned).
pub const PARAMETERS: &str = r#"{
  "resourceType": "Parameters",
  "parameter": [
    { "name": "TrackingId", "valueIdentifier": { "system": "http://example.org/payer/claim", "value": "claim-42" } },
    {
      "name": "Attachment",
      "part": [
        { "name": "LineItem", "valueString": "1" },
        {
          "name": "Content",
          "resource": {
            "resourceType": "Bundle",
            "id": "attached-1",
            "type": "searchset",
            "total": 1,
            "entry": [
              {
                "fullUrl": "https://ehr.example.org/fhir/DocumentReference/d1",
                "resource": { "resourceType": "DocumentReference", "id": "d1", "status": "current" },
                "search": { "mode": "match" }
              }
            ]
          }
        }
      ]
    }
  ]
}"#;

/// A collection with decimals whose canonical form differs from their spelling.
pub const DECIMALS: &str = r#"{
  "resourceType": "Bundle",
  "type": "collection",
  "entry": [
    {
      "resource": {
        "resourceType": "Observation",
        "status": "final",
        "valueQuantity": { "value": 72.50, "unit": "/min" },
        "referenceRange": [ { "low": { "value": 1.0 }, "high": { "value": 1e2 } } ]
      }
    }
  ]
}"#;
