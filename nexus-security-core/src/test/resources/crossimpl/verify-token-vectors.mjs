// Independent verifier of identity tokens version 2, written from docs/identity-tokens.md with
// Node.js's node:crypto only. Usage:
//   node verify-token-vectors.mjs <vectors.json> <callerNs> <callerX25519Hex> <callerAgreementId>
//        <handlerNs> <handlerX25519Hex> <handlerAgreementId> <callerEd25519SeedHex>
// Prints {"pairwiseIdentityKey": hex, "verdicts": {name: reason}}; reason is ALLOWED,
// MALFORMED_TOKEN or BAD_SIGNATURE.
import { readFileSync } from 'node:fs';
import crypto from 'node:crypto';

const [vectorsFile, callerNs, callerX, callerId, handlerNs, handlerX, handlerId, callerSeed] =
  process.argv.slice(2);
const vectors = JSON.parse(readFileSync(vectorsFile, 'utf8'));

const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const priv = (prefix, hex) =>
  crypto.createPrivateKey({ key: Buffer.concat([prefix, Buffer.from(hex, 'hex')]), format: 'der', type: 'pkcs8' });
const rawPublic = (key) => Buffer.from(crypto.createPublicKey(key).export({ format: 'jwk' }).x, 'base64url');

const uint32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };
const party = (ns, id, pub) => Buffer.concat([uint32(Buffer.byteLength(ns, 'utf8')), Buffer.from(ns, 'utf8'), uint32(id), pub]);

function pairwiseKey(ck, hk) {
  const cPriv = priv(X25519_PKCS8, callerX);
  const hPriv = priv(X25519_PKCS8, handlerX);
  const cPub = rawPublic(cPriv);
  const hPub = rawPublic(hPriv);
  const shared = crypto.diffieHellman({ privateKey: cPriv, publicKey: crypto.createPublicKey(hPriv) });
  if (shared.every((b) => b === 0)) throw new Error('all-zero shared secret');
  const info = Buffer.concat([
    Buffer.from('nexus-security pairwise v1', 'ascii'), Buffer.from([0x00, 0x01]),
    party(callerNs, ck, cPub), party(handlerNs, hk, hPub),
  ]);
  return Buffer.from(crypto.hkdfSync('sha256', shared, Buffer.alloc(0), info, 32));
}

const B64URL = /^[A-Za-z0-9_-]+$/;
function decode64(text) {
  if (!B64URL.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null; // canonical only
}

const FIELDS = ['m', 'ns', 'hns', 'htq', 'ep', 'svc', 'op', 'wf', 'run', 'iat', 'exp', 'jti', 'ck', 'hk'];
function claimsOf(bytes) {
  let c;
  try { c = JSON.parse(bytes.toString('utf8')); } catch { return null; }
  if (c === null || typeof c !== 'object' || Array.isArray(c)) return null;
  const expected = c.m === 'p' ? FIELDS : c.m === 's' ? FIELDS.slice(0, -1) : null;
  if (!expected || Object.keys(c).length !== expected.length) return null;
  for (const f of expected) {
    if (!(f in c)) return null;
    const numeric = ['iat', 'exp', 'ck', 'hk'].includes(f);
    if (numeric ? !Number.isInteger(c[f]) : typeof c[f] !== 'string' || c[f].length === 0) return null;
  }
  return c;
}

function verdict(token) {
  if (token.length > 4096) return 'MALFORMED_TOKEN';
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v2') return 'MALFORMED_TOKEN';
  const claimBytes = decode64(parts[1]);
  const tag = decode64(parts[2]);
  if (!claimBytes || !tag) return 'MALFORMED_TOKEN';
  const c = claimsOf(claimBytes);
  if (!c) return 'MALFORMED_TOKEN';
  const signed = Buffer.from(parts[0] + '.' + parts[1], 'ascii');
  if (c.m === 'p') {
    const mac = crypto.createHmac('sha256', pairwiseKey(c.ck, c.hk)).update(signed).digest();
    return tag.length === 32 && crypto.timingSafeEqual(mac, tag) ? 'ALLOWED' : 'BAD_SIGNATURE';
  }
  // signature mode: Tink prefix 0x01 || uint32be(key id) then the 64-byte Ed25519 signature
  if (tag.length !== 69 || tag[0] !== 0x01 || tag.readUInt32BE(1) !== c.ck >>> 0) return 'BAD_SIGNATURE';
  const pub = crypto.createPublicKey(priv(ED25519_PKCS8, callerSeed));
  return crypto.verify(null, signed, pub, tag.subarray(5)) ? 'ALLOWED' : 'BAD_SIGNATURE';
}

const verdicts = {};
for (const v of [...vectors.valid, ...vectors.invalid]) verdicts[v.name] = verdict(v.token);
const key = pairwiseKey(Number(callerId), Number(handlerId)).toString('hex');
process.stdout.write(JSON.stringify({ pairwiseIdentityKey: key, verdicts }));
