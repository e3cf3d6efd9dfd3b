// An independent implementation of nexus-security's signed endpoint policies (nspol2) and registry
// manifests (nsman1), written from docs/server-registry.md with Node.js's own modules only (no Tink,
// no Jackson). It classifies every known-answer vector of policy-vectors.json the way the document
// says a worker must, and prints the results as JSON for PolicyVectorsCrossImplementationTest.
//
// usage: node verify-policy-vectors.mjs <policy-vectors.json> <registry keyset> <other keyset>
import { createHash, createPrivateKey, createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";

const [vectorsFile, registryKeysetFile, otherKeysetFile] = process.argv.slice(2);
const vectors = JSON.parse(readFileSync(vectorsFile, "utf8"));

// ---------------------------------------------------------------- Tink keysets (JSON, protobuf inside)

// Reads the fields of a protobuf message: field number -> list of values (varints as numbers,
// length-delimited fields as Buffers).
function protoFields(buf) {
  const fields = new Map();
  let i = 0;
  const varint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    let value;
    if (wire === 0) value = Number(varint());
    else if (wire === 2) {
      const len = Number(varint());
      value = buf.subarray(i, i + len);
      i += len;
    } else throw new Error("unexpected wire type " + wire);
    if (!fields.has(field)) fields.set(field, []);
    fields.get(field).push(value);
  }
  return fields;
}

// The enabled Ed25519 keys of a private Tink keyset: key id -> { publicKey, outputPrefixType }.
// Ed25519PrivateKey { version = 1; key_value = 2 (seed); public_key = 3 { version = 1; key_value = 2 } }.
function loadKeyset(file) {
  const keyset = JSON.parse(readFileSync(file, "utf8"));
  const keys = new Map();
  for (const k of keyset.key) {
    if (k.status !== "ENABLED") continue;
    if (k.keyData.typeUrl !== "type.googleapis.com/google.crypto.tink.Ed25519PrivateKey") {
      throw new Error("not an Ed25519 private key: " + k.keyData.typeUrl);
    }
    const priv = protoFields(Buffer.from(k.keyData.value, "base64"));
    const seed = priv.get(2)[0];
    const pub = protoFields(priv.get(3)[0]).get(2)[0];
    // the public key stored in the keyset must be the one the seed derives (RFC 8032)
    const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
    const derived = createPublicKey(createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }))
      .export({ format: "jwk" }).x;
    if (derived !== pub.toString("base64url")) {
      throw new Error("keyset " + file + ": public key does not match the private key");
    }
    keys.set(k.keyId >>> 0, {
      publicKey: createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: derived }, format: "jwk" }),
      outputPrefixType: k.outputPrefixType,
    });
  }
  return keys;
}

// ---------------------------------------------------------------- strict JSON (duplicate keys refused)

class Malformed extends Error {}

function strictJson(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i])) i++;
  };
  const fail = (what) => {
    throw new Malformed(what + " at " + i);
  };
  const value = (depth) => {
    if (depth > 32) fail("too deep");
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const obj = Object.create(null);
      ws();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a key");
        const key = string();
        if (Object.prototype.hasOwnProperty.call(obj, key)) fail("duplicate key " + key);
        ws();
        if (text[i++] !== ":") fail("expected ':'");
        obj[key] = value(depth + 1);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const arr = [];
      ws();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    const m = /^(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!m) fail("unexpected character");
    i += m[0].length;
    if (m[0] === "true") return true;
    if (m[0] === "false") return false;
    if (m[0] === "null") return null;
    if (/[.eE]/.test(m[0])) return { decimal: m[0] };
    return BigInt(m[0]);
  };
  const string = () => {
    const m = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/.exec(text.slice(i));
    if (!m) fail("bad string");
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  const v = value(1);
  ws();
  if (i !== text.length) fail("content after the document");
  return v;
}

// ---------------------------------------------------------------- the documented rules

const ENDPOINT_NAME = /^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const isNamespace = (s) => typeof s === "string" && s.length >= 1 && s.length <= 1000 && /^[\x21-\x7e]+$/.test(s);
const isText = (s) => typeof s === "string";
const isInstant = (s) => isText(s) && INSTANT.test(s) && !Number.isNaN(Date.parse(s));
const isEndpointName = (s) => isText(s) && s.length <= 200 && ENDPOINT_NAME.test(s);

function requireFields(obj, names) {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw new Malformed("not an object");
  const keys = Object.keys(obj).sort();
  if (JSON.stringify(keys) !== JSON.stringify([...names].sort())) throw new Malformed("fields " + keys);
}

function checkPolicy(p) {
  requireFields(p, ["audience", "endpoint", "targetNamespace", "targetTaskQueue",
    "allowedCallerNamespaces", "description", "registryVersion", "issuedAt"]);
  if (!isText(p.audience) || p.audience === "") throw new Malformed("audience");
  if (!isEndpointName(p.endpoint)) throw new Malformed("endpoint");
  if (!isNamespace(p.targetNamespace)) throw new Malformed("targetNamespace");
  if (!isText(p.targetTaskQueue) || p.targetTaskQueue === "" || p.targetTaskQueue.startsWith("/_sys/")) {
    throw new Malformed("targetTaskQueue");
  }
  if (!Array.isArray(p.allowedCallerNamespaces) || !p.allowedCallerNamespaces.every(isNamespace)) {
    throw new Malformed("allowedCallerNamespaces");
  }
  // one spelling per namespace: names that differ only in case are refused
  const spelling = new Map([[p.targetNamespace.toLowerCase(), p.targetNamespace]]);
  for (const ns of p.allowedCallerNamespaces) {
    const other = spelling.get(ns.toLowerCase());
    if (other !== undefined && other !== ns) throw new Malformed("case variant " + ns);
    spelling.set(ns.toLowerCase(), ns);
  }
  if (!isText(p.description)) throw new Malformed("description");
  if (typeof p.registryVersion !== "bigint" || p.registryVersion < 0n) throw new Malformed("registryVersion");
  if (!isInstant(p.issuedAt)) throw new Malformed("issuedAt");
}

function checkManifest(m) {
  requireFields(m, ["audience", "epoch", "issuedAt", "expiresAt", "endpoints"]);
  if (!isText(m.audience) || m.audience === "") throw new Malformed("audience");
  if (typeof m.epoch !== "bigint" || m.epoch < 1n) throw new Malformed("epoch");
  if (!isInstant(m.issuedAt) || !isInstant(m.expiresAt)) throw new Malformed("instants");
  if (!(Date.parse(m.expiresAt) > Date.parse(m.issuedAt))) throw new Malformed("expires before issued");
  if (m.endpoints === null || typeof m.endpoints !== "object" || Array.isArray(m.endpoints)) {
    throw new Malformed("endpoints");
  }
  for (const [name, digest] of Object.entries(m.endpoints)) {
    if (!isEndpointName(name)) throw new Malformed("endpoint name " + name);
    if (!isText(digest) || !/^[A-Za-z0-9_-]{43}$/.test(digest) || Buffer.from(digest, "base64url").length !== 32) {
      throw new Malformed("digest of " + name);
    }
  }
}

const registryKeys = loadKeyset(registryKeysetFile);
const otherKeys = loadKeyset(otherKeysetFile);

// Returns VALID or the problem the document names, checking in its order: marker and encoding,
// data, envelope, key, signature, signed JSON, audience, binding to the server endpoint.
function classify(c) {
  const kind = c.kind;
  const marker = kind === "policy" ? ["nexus-security-policy", "2"] : ["nexus-security-manifest", "1"];
  const type = kind === "policy" ? "nspol2" : "nsman1";
  const md = c.metadata;
  if (!(marker[0] in md)) return "MALFORMED";
  if (md[marker[0]] !== marker[1]) return "UNSUPPORTED_VERSION";
  if (md.encoding !== "json/plain") return "MALFORMED";
  let envelope;
  try {
    envelope = strictJson(c.data);
  } catch (e) {
    if (e instanceof Malformed) return "MALFORMED";
    throw e;
  }
  if (typeof envelope !== "string") return "MALFORMED";
  const parts = envelope.split(".");
  if (parts.length !== 3 || parts[0] !== type) return "MALFORMED";
  if (!/^[A-Za-z0-9_-]*$/.test(parts[1]) || !/^[A-Za-z0-9_-]+$/.test(parts[2])) return "MALFORMED";
  if (parts[1].length % 4 === 1 || parts[2].length % 4 === 1) return "MALFORMED";
  const tag = Buffer.from(parts[2], "base64url");
  // Tink TINK output prefix: 0x01 and the 4-byte big-endian key id, then the Ed25519 signature
  if (tag.length < 5 || tag[0] !== 0x01) return "BAD_SIGNATURE";
  const keyId = tag.readUInt32BE(1);
  const key = registryKeys.get(keyId);
  if (key === undefined) {
    c.signedByOtherKeyset = otherKeys.has(keyId) &&
      verify(null, Buffer.from(parts[0] + "." + parts[1], "ascii"), otherKeys.get(keyId).publicKey, tag.subarray(5));
    return "UNKNOWN_KEY";
  }
  if (!verify(null, Buffer.from(parts[0] + "." + parts[1], "ascii"), key.publicKey, tag.subarray(5))) {
    return "BAD_SIGNATURE";
  }
  let doc;
  try {
    doc = strictJson(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(parts[1], "base64url")));
    if (kind === "policy") checkPolicy(doc);
    else checkManifest(doc);
  } catch (e) {
    if (e instanceof Malformed || e instanceof TypeError) return "MALFORMED";
    throw e;
  }
  if (doc.audience !== vectors.audience) return "WRONG_AUDIENCE";
  if (kind === "policy") {
    if (doc.endpoint !== c.serverName) return "NAME_MISMATCH";
    if (doc.targetNamespace !== c.serverNamespace || doc.targetTaskQueue !== c.serverTaskQueue) {
      return "TARGET_MISMATCH";
    }
  }
  c.document = doc;
  return "VALID";
}

const results = vectors.cases.map((c) => {
  const copy = { ...c };
  const result = classify(copy);
  return { name: c.name, result, signedByOtherKeyset: copy.signedByOtherKeyset === true };
});

// The valid policy: its fields are what the vector lists, and the manifest lists its digest
const v = vectors.valid;
const validCase = { kind: "policy", metadata: v.metadata, data: v.data, serverName: v.endpoint,
  serverNamespace: v.targetNamespace, serverTaskQueue: v.targetTaskQueue };
const validResult = classify(validCase);
const p = validCase.document;
const digest = createHash("sha256").update(Buffer.from(v.data, "utf8")).digest("base64url");
const manifestCase = { kind: "manifest", metadata: vectors.manifest.metadata, data: vectors.manifest.data };
const manifestResult = classify(manifestCase);
const checks = {
  validPolicy: validResult,
  validPolicyFields:
    validResult === "VALID" &&
    p.endpoint === v.endpoint &&
    p.targetNamespace === v.targetNamespace &&
    p.targetTaskQueue === v.targetTaskQueue &&
    JSON.stringify(p.allowedCallerNamespaces) === JSON.stringify(v.allowedCallerNamespaces) &&
    p.description === v.description &&
    p.registryVersion === BigInt(v.registryVersion) &&
    p.issuedAt === v.issuedAt,
  policyDigest: digest === v.digest,
  manifest: manifestResult,
  manifestListsPolicyDigest: manifestResult === "VALID" && manifestCase.document.endpoints[v.endpoint] === digest,
  manifestFields: manifestResult === "VALID" && manifestCase.document.epoch === BigInt(vectors.manifest.epoch) &&
    manifestCase.document.issuedAt === vectors.manifest.issuedAt &&
    manifestCase.document.expiresAt === vectors.manifest.expiresAt,
};
process.stdout.write(JSON.stringify({ implementation: "node " + process.version, results, checks }) + "\n");
