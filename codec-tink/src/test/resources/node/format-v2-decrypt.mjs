// Independent decryption of nexus-security format-2 payloads (schemes tink-aead with AES-GCM keys
// and pairwise-aes256gcm), written from codec-tink/README.md alone, with node:crypto only.
//
// usage: node format-v2-decrypt.mjs input.json
// input:  { "vectors": [ { "name", "decoder", "encoded": [ { "metadata": {k: base64}, "data": base64 } ] } ],
//           "shared_keys": { "<key id>": { "key": base64, "tink_prefix": bool } },
//           "namespaces": { "<ns>": { "key_id": n, "public": base64, "private": base64 (decoder only) } } }
// output: { "<vector name>": [ { "plaintext": base64 } | { "error": text } ] }
import { readFileSync } from 'node:fs';
import crypto from 'node:crypto';
import zlib from 'node:zlib';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));

// README, "Context entry": nexus-security-context holds these 14 fields, in this order, each as
// u32 big-endian length ‖ bytes, and nothing else; the entry's bytes are the associated data.
const FIELDS = [
  'encoding', 'format', 'scheme', 'keyset', 'key-id', 'compression', 'direction', 'position',
  'endpoint', 'service', 'operation', 'caller', 'handler', 'binding',
];

const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };

function parseContext(entry) {
  const fields = {};
  let at = 0;
  for (const name of FIELDS) {
    if (entry.length - at < 4) throw new Error('context entry too short');
    const n = entry.readUInt32BE(at);
    at += 4;
    if (n > entry.length - at) throw new Error('context field past the end');
    fields[name] = entry.subarray(at, at + n).toString('utf8');
    at += n;
  }
  if (at !== entry.length) throw new Error('trailing bytes after the 14 context fields');
  return fields;
}

function aesGcmOpen(key, body, aad) {
  // body = IV (12) ‖ ciphertext ‖ tag (16)
  const iv = body.subarray(0, 12);
  const tag = body.subarray(body.length - 16);
  const ct = body.subarray(12, body.length - 16);
  const d = crypto.createDecipheriv(`aes-${key.length * 8}-gcm`, key, iv);
  d.setAAD(aad);
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ct), d.final()]);
}

function x25519(ownPrivate, ownPublic, peerPublic) {
  const privateKey = crypto.createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', d: ownPrivate.toString('base64url'), x: ownPublic.toString('base64url') },
    format: 'jwk',
  });
  const publicKey = crypto.createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: peerPublic.toString('base64url') },
    format: 'jwk',
  });
  return crypto.diffieHellman({ privateKey, publicKey });
}

// README, "Pairwise payload key": info = label ‖ 0x00 ‖ purpose 0x02 ‖ sender party ‖ recipient party,
// party = u32 len ‖ namespace UTF-8 ‖ u32 key id ‖ X25519 public key (32 bytes).
function party(ns, keyId, pub) {
  const name = Buffer.from(ns, 'utf8');
  return Buffer.concat([u32(name.length), name, u32(keyId), pub]);
}

function pairwiseKey(decoder, sender, senderKeyId, recipient, recipientKeyId) {
  const own = input.namespaces[decoder];
  const peerName = decoder === sender ? recipient : sender;
  const peer = input.namespaces[peerName];
  if (!own || !own.private || !peer) throw new Error(`no keys for ${decoder} / ${peerName}`);
  const ownPub = Buffer.from(own.public, 'base64');
  const peerPub = Buffer.from(peer.public, 'base64');
  const ownId = decoder === sender ? senderKeyId : recipientKeyId;
  const peerId = decoder === sender ? recipientKeyId : senderKeyId;
  if (own.key_id !== ownId || peer.key_id !== peerId) throw new Error('key id mismatch');
  const shared = x25519(Buffer.from(own.private, 'base64'), ownPub, peerPub);
  const senderPub = decoder === sender ? ownPub : peerPub;
  const recipientPub = decoder === sender ? peerPub : ownPub;
  const info = Buffer.concat([
    Buffer.from('nexus-security pairwise v1', 'ascii'), Buffer.from([0x00, 0x02]),
    party(sender, senderKeyId, senderPub), party(recipient, recipientKeyId, recipientPub),
  ]);
  return Buffer.from(crypto.hkdfSync('sha256', shared, Buffer.alloc(0), info, 32));
}

function open(decoder, payload) {
  const meta = payload.metadata;
  const entry = (k) => Buffer.from(meta[k] ?? '', 'base64');
  if (entry('nexus-security-format').toString('utf8') !== '2') throw new Error('not format 2');
  if (!('nexus-security-context' in meta)) throw new Error('missing nexus-security-context');
  const aad = entry('nexus-security-context');
  const f = parseContext(aad);
  // README: encoding, format and key id are also separate entries and must equal their copies.
  if (f.encoding !== entry('encoding').toString('utf8')
      || f.format !== '2'
      || f['key-id'] !== entry('nexus-security-key-id').toString('utf8')) {
    throw new Error('metadata entry differs from its copy in the context entry');
  }
  const data = Buffer.from(payload.data ?? '', 'base64');
  let plaintext;
  if (f.scheme === 'tink-aead') {
    const keyId = f['key-id'];
    const k = input.shared_keys[keyId];
    if (!k) throw new Error(`no shared key ${keyId}`);
    let body = data;
    if (k.tink_prefix) {
      // Tink output prefix: 0x01 ‖ key id (u32 big-endian)
      if (data[0] !== 0x01 || data.readUInt32BE(1) !== Number(keyId)) throw new Error('bad Tink prefix');
      body = data.subarray(5);
    }
    plaintext = aesGcmOpen(Buffer.from(k.key, 'base64'), body, aad);
  } else if (f.scheme === 'pairwise-aes256gcm') {
    const toHandler = f.direction === 'INPUT' || f.direction === 'NONE';
    const sender = toHandler ? f.caller : f.handler;
    const recipient = toHandler ? f.handler : f.caller;
    const [sid, rid] = f['key-id'].split(':').map(Number);
    plaintext = aesGcmOpen(pairwiseKey(decoder, sender, sid, recipient, rid), data, aad);
  } else {
    throw new Error(`scheme ${f.scheme} not implemented here`);
  }
  if (f.compression === 'zlib') plaintext = zlib.inflateSync(plaintext);
  return plaintext;
}

const out = {};
for (const v of input.vectors) {
  out[v.name] = v.encoded.map((p) => {
    try {
      return { plaintext: open(v.decoder, p).toString('base64') };
    } catch (e) {
      return { error: String(e.message || e) };
    }
  });
}
process.stdout.write(JSON.stringify(out));
