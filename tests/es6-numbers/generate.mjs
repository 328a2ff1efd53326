// Writes N doubles (edge values, then a deterministic pseudo-random mix) as a JSON array in
// several textual forms (input.json), and Node's own ECMAScript serialisation of the same
// array (expected.json). RFC 8785 numbers are exactly ECMAScript Number::toString, and for an
// array of numbers JCS output equals JSON.stringify, so Node is an independent oracle.
//
// usage: node generate.mjs OUT_DIR [COUNT]
import { writeFileSync, mkdirSync } from "node:fs";

const outDir = process.argv[2];
const count = Number(process.argv[3] ?? 1_000_000);
if (!outDir) {
  console.error("usage: node generate.mjs OUT_DIR [COUNT]");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

// splitmix64 on BigInt: deterministic across machines and Node versions.
let state = 0x2545f4914f6cdd1dn;
const MASK = (1n << 64n) - 1n;
function next64() {
  state = (state + 0x9e3779b97f4a7c15n) & MASK;
  let z = state;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  return z ^ (z >> 31n);
}
const view = new DataView(new ArrayBuffer(8));
function fromBits(bits) {
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

const edges = [
  0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
  1.7976931348623157e308, -1.7976931348623157e308, 9007199254740991, 9007199254740992,
  9007199254740993, 1e21, 999999999999999900000, 1e-7, 1e-6, 0.000001, 9.999999999999997e-7,
  1e23, 9.999999999999997e22, 295147905179352830000, 333333333.3333333, 1424953923781206.2,
  840639973365374.25, 0.1, 0.2, 0.3, 1.5, 4.35, 2.5e-6, 123456789012345680, 18446744073709552000,
];
for (let e = -325; e <= 308; e++) edges.push(Number(`1e${e}`), Number(`-5e${e}`));
for (let p = 0; p <= 1023; p++) edges.push(2 ** p, 2 ** -p);

function sample(i) {
  if (i < edges.length) return edges[i];
  const r = next64();
  switch (Number(r & 7n)) {
    case 0:
    case 1:
    case 2: {
      // Any finite bit pattern.
      let x = fromBits(next64());
      while (!Number.isFinite(x)) x = fromBits(next64());
      return x;
    }
    case 3:
      // Subnormals.
      return fromBits(next64() & 0x800fffffffffffffn);
    case 4:
      // Integers, some past 2^53.
      return Number(BigInt.asIntN(64, next64()) >> BigInt(Number(r >> 8n) % 64));
    case 5:
      // Short decimals, FHIR-like.
      return Number(BigInt.asIntN(32, next64())) / 10 ** (Number(r >> 8n) % 7);
    case 6:
      // A few ulps around a power of ten (where exponent forms switch).
      return nudge(Number(`1e${(Number(r >> 8n) % 61) - 30}`), r);
    default:
      // A few ulps around a short decimal (ties and near-ties in the last digit).
      return nudge(Number(`${Number(r >> 8n) % 100000}.${Number(r >> 30n) % 1000}`), r);
  }
}

function bitsOf(x) {
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}

// Moves x by -8..+7 units in the last place.
function nudge(x, r) {
  const y = fromBits(BigInt.asUintN(64, bitsOf(x) + (r >> 60n) - 8n));
  return Number.isFinite(y) ? y : x;
}

// Write the same value in different textual forms so the parser is exercised too.
function spell(x, i) {
  switch (i % 4) {
    case 0: return x.toPrecision(17);
    case 1: return x.toExponential();
    case 2: return String(x);
    default: return x.toExponential(20).replace("e", "E");
  }
}

const values = new Array(count);
const spelled = new Array(count);
for (let i = 0; i < count; i++) {
  let x = sample(i);
  if (!Number.isFinite(x)) x = i;
  values[i] = x;
  spelled[i] = spell(x, i);
}
writeFileSync(`${outDir}/input.json`, "[\n" + spelled.join(",\n") + "\n]\n");
writeFileSync(`${outDir}/expected.json`, JSON.stringify(values));
console.log(`es6-numbers: wrote ${count} numbers (${edges.length} edge values) to ${outDir}`);
