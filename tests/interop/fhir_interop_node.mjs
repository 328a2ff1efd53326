// FHIR signature interoperability with Node peers (npm `canonicalize`, the RFC 8785 reference
// implementation, and `jose`), pinned in package.json.
//
//   node fhir_interop_node.mjs verify-ours DIR   verify every DIR/*.signed.json (IG receiver steps)
//   node fhir_interop_node.mjs produce DIR       sign DIR/theirs-input.json with DIR/p256.key.pem and
//                                                DIR/p256.cert.pem into DIR/node.signed.json.out
//   node fhir_interop_node.mjs canon DIR         write DIR/canon/*.node for every DIR/canon/*.json
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import canonicalizeModule from "canonicalize";
import * as jose from "jose";

const canonicalize = canonicalizeModule.default ?? canonicalizeModule;
const QR_SIG = "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature";
const CDEX_TARGET_FORMAT =
  "application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json#document";
const b64u = (buf) => Buffer.from(buf).toString("base64url");

function payloadAndSignature(resource) {
  const copy = structuredClone(resource);
  let signature;
  if (copy.resourceType === "Bundle") {
    signature = copy.signature;
    delete copy.signature;
  } else {
    const ext = copy.extension ?? [];
    signature = ext.find((e) => e.url === QR_SIG).valueSignature;
    const rest = ext.filter((e) => e.url !== QR_SIG);
    if (rest.length) copy.extension = rest; else delete copy.extension;
  }
  delete copy.id;
  delete copy.meta;
  return [copy, signature];
}

async function verifyOurs(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith(".signed.json")).sort();
  if (!files.length) throw new Error(`verify-ours: no *.signed.json in ${dir}`);
  for (const name of files) {
    const resource = JSON.parse(readFileSync(`${dir}/${name}`, "utf8"));
    const [payload, signature] = payloadAndSignature(resource);
    const compact = Buffer.from(signature.data, "base64").toString("ascii");
    const [h, middle, s] = compact.split(".");
    if (middle !== "") throw new Error(`${name}: payload not detached`);
    const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    const pem = new X509Certificate(Buffer.from(header.x5c[0], "base64")).toString();
    const key = await jose.importX509(pem, header.alg);
    const canonical = canonicalize(payload);
    await jose.compactVerify(`${h}.${b64u(Buffer.from(canonical, "utf8"))}.${s}`, key, { algorithms: [header.alg] });
    if (signature.when !== header.sigT) throw new Error(`${name}: when != sigT`);
    console.log(`ok    ${name}: ${header.alg} verifies with jose over canonicalize() bytes`);
  }
}

async function produce(dir) {
  const resource = JSON.parse(readFileSync(`${dir}/theirs-input.json`, "utf8"));
  const key = await jose.importPKCS8(readFileSync(`${dir}/p256.key.pem`, "utf8"), "ES256");
  const cert = new X509Certificate(readFileSync(`${dir}/p256.cert.pem`));
  const payload = { ...resource };
  delete payload.id;
  delete payload.meta;
  delete payload.signature;
  const sigT = "2026-05-02T10:00:00Z";
  const header = {
    alg: "ES256",
    x5c: [cert.raw.toString("base64")],
    sigT,
    srCms: [{ commId: { id: "urn:oid:1.2.840.10065.1.12.1.5", desc: "Verification Signature" } }],
  };
  const jws = await new jose.CompactSign(Buffer.from(canonicalize(payload), "utf8"))
    .setProtectedHeader(header)
    .sign(key);
  const [h, , s] = jws.split(".");
  resource.signature = {
    type: [{ system: "urn:iso-astm:E1762-95:2013", code: "1.2.840.10065.1.12.1.5" }],
    when: sigT,
    who: { identifier: { system: "http://hl7.org/fhir/sid/us-npi", value: "1234567893" } },
    targetFormat: CDEX_TARGET_FORMAT,
    sigFormat: "application/jose",
    data: Buffer.from(`${h}..${s}`, "ascii").toString("base64"),
  };
  writeFileSync(`${dir}/node.signed.json.out`, JSON.stringify(resource, null, 2));
  console.log("ok    jose signed theirs-input.json");
}

function canon(dir) {
  const files = readdirSync(`${dir}/canon`).filter((f) => f.endsWith(".json"));
  for (const name of files) {
    const text = readFileSync(`${dir}/canon/${name}`, "utf8");
    writeFileSync(`${dir}/canon/${name}.node`, canonicalize(JSON.parse(text)), "utf8");
  }
  console.log(`ok    canonicalize() wrote ${files.length} canonical forms`);
}

const [mode, dir] = process.argv.slice(2);
const modes = { "verify-ours": verifyOurs, produce, canon };
if (!modes[mode]) {
  console.error("usage: node fhir_interop_node.mjs verify-ours|produce|canon DIR");
  process.exit(2);
}
await modes[mode](dir);
