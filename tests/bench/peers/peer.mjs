// Node peer for tests/bench/peers.sh: npm `canonicalize` (RFC 8785) and `jose` (JWS), pinned by
// the script and installed into target/bench-node/, where the script copies this file to run it.
//
//   canon FILE                       canonical form of FILE to stdout (whole-process timing)
//   canon-bench FILE RUNS OUT        in-process: best and median of RUNS x (JSON.parse +
//                                    canonicalize + UTF-8 encode); canonical bytes to OUT
//   sign IN.ndjson KEY CHAIN ALG OUT CDex-sign each unsigned Bundle of IN (payload = Bundle minus
//                                    id/meta/signature, RFC 8785, detached JWS with x5c, sigT,
//                                    srCms), one at a time; signed Bundles to OUT
//   verify IN.ndjson ALG             verify each Bundle's detached JWS over its RFC 8785 payload
//                                    with the key of x5c[0], one at a time. Signature only: no
//                                    chain, validity or CDex checks.
//   verify-file FILE ALG             the same for one (large, pretty-printed) signed Bundle; exits
//                                    1 unless it verifies (whole-process timing)
// Timing results are printed as one JSON line on stdout (wall and CPU seconds, CPU including
// every thread of the process).
import fs from 'node:fs';
import canonicalize from 'canonicalize';
import * as jose from 'jose';

const CDEX_TARGET_FORMAT =
  'application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json#document';

function clock() {
  const c = process.cpuUsage();
  return { wall: performance.now() / 1e3, cpu: (c.user + c.system) / 1e6 };
}
function since(start) {
  const now = clock();
  return { wall: now.wall - start.wall, cpu: now.cpu - start.cpu };
}

function payloadOf(bundle) {
  const { id, meta, signature, ...payload } = bundle; // eslint-disable-line no-unused-vars
  return { payload, signature };
}

function pemBlocks(pem) {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g)]
    .map((m) => m[1].replace(/\s+/g, ''));
}

function lines(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
}

// Verifies a CDex Bundle's detached JWS over its RFC 8785 payload with the key of x5c[0].
async function verifyBundle(bundle, alg) {
  const { payload, signature } = payloadOf(bundle);
  const [h, middle, s] = Buffer.from(signature.data, 'base64').toString().split('.');
  if (middle !== '') throw new Error('payload not detached');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  const pem = `-----BEGIN CERTIFICATE-----\n${header.x5c[0]}\n-----END CERTIFICATE-----`;
  const key = await jose.importX509(pem, header.alg);
  const body = Buffer.from(canonicalize(payload), 'utf8').toString('base64url');
  try {
    await jose.compactVerify(`${h}.${body}.${s}`, key, { algorithms: [alg] });
    return true;
  } catch {
    return false;
  }
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'canon') {
    const text = fs.readFileSync(args[0], 'utf8');
    fs.writeSync(1, Buffer.from(canonicalize(JSON.parse(text)), 'utf8'));
  } else if (mode === 'canon-bench') {
    const [file, runs, out] = [args[0], Number(args[1]), args[2]];
    const text = fs.readFileSync(file, 'utf8');
    const walls = [];
    const cpus = [];
    let bytes;
    for (let i = 0; i < runs; i++) {
      const start = clock();
      bytes = Buffer.from(canonicalize(JSON.parse(text)), 'utf8');
      const t = since(start);
      walls.push(t.wall);
      cpus.push(t.cpu);
    }
    fs.writeFileSync(out, bytes);
    walls.sort((a, b) => a - b);
    cpus.sort((a, b) => a - b);
    console.log(JSON.stringify({ runs, best_wall: walls[0], median_wall: walls[walls.length >> 1], best_cpu: cpus[0] }));
  } else if (mode === 'sign') {
    const [input, keyFile, chainFile, alg, out] = args;
    const key = await jose.importPKCS8(fs.readFileSync(keyFile, 'utf8'), alg);
    const x5c = pemBlocks(fs.readFileSync(chainFile, 'utf8'));
    const records = lines(input);
    const start = clock();
    const signed = [];
    for (const line of records) {
      const bundle = JSON.parse(line);
      const { payload } = payloadOf(bundle);
      const sigT = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const header = {
        alg, x5c, sigT,
        srCms: [{ commId: { id: 'urn:oid:1.2.840.10065.1.12.1.5', desc: 'Verification Signature' } }],
      };
      const compact = await new jose.CompactSign(new TextEncoder().encode(canonicalize(payload)))
        .setProtectedHeader(header).sign(key);
      const [h, , s] = compact.split('.');
      bundle.signature = {
        type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.5', display: 'Verification Signature' }],
        when: sigT,
        who: { identifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' } },
        targetFormat: CDEX_TARGET_FORMAT,
        sigFormat: 'application/jose',
        data: Buffer.from(`${h}..${s}`).toString('base64'),
      };
      signed.push(JSON.stringify(bundle));
    }
    fs.writeFileSync(out, signed.join('\n') + '\n');
    const t = since(start);
    console.log(JSON.stringify({ records: records.length, wall: t.wall, cpu: t.cpu }));
  } else if (mode === 'verify') {
    const [input, alg] = args;
    const records = lines(input);
    const start = clock();
    let verified = 0;
    for (const line of records) {
      if (await verifyBundle(JSON.parse(line), alg)) verified++;
    }
    const t = since(start);
    console.log(JSON.stringify({ records: records.length, verified, wall: t.wall, cpu: t.cpu }));
  } else if (mode === 'verify-file') {
    const [file, alg] = args;
    const ok = await verifyBundle(JSON.parse(fs.readFileSync(file, 'utf8')), alg);
    console.log(JSON.stringify({ verified: ok ? 1 : 0 }));
    if (!ok) process.exit(1);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

await main();
