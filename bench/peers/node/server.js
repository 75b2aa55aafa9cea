// nv-peer-node: the Number Verification service as a team would write
// it in Node instead of nv-fcgi, for bench/peers/run: fastify and jose
// (versions pinned in package-lock.json), two worker processes under
// node:cluster.  Same contract and same checks as nv-fcgi with its
// defaults (leeway 30 s, phone_number claim, network amr nba or mnba):
// path (404), method (405), x-correlator under v2 (400), Accept (406),
// token (401, then 403 for scope, amr, number), Content-Type (415),
// body (400); every answer with Cache-Control: no-store.
//
// usage: node server.js --port PORT --jwks FILE --iss ISS --aud AUD
//        [--workers 2]
import cluster from 'node:cluster';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

import Fastify from 'fastify';
import { createLocalJWKSet, jwtVerify } from 'jose';

import { errorTable } from './errors.js';

const { values: opt } = parseArgs({
  options: {
    port: { type: 'string', default: '8082' },
    jwks: { type: 'string' },
    iss: { type: 'string' },
    aud: { type: 'string' },
    workers: { type: 'string', default: '2' },
  },
});
if (!opt.jwks || !opt.iss || !opt.aud) {
  console.error('usage: node server.js --port PORT --jwks FILE --iss ISS --aud AUD');
  process.exit(64);
}

const BODY_MAX = 4096;
const LEEWAY = 30;
const NETWORK_AMR = ['nba', 'mnba'];
const ACCEPTED_TYPS = ['at+jwt', 'application/at+jwt', 'jwt'];
const SCOPE_VERIFY = 'number-verification:verify';
const SCOPE_SHARE = 'number-verification:device-phone-number:read';
const PHONE_RE = /^\+[1-9][0-9]{4,14}$/;
const HASH_RE = /^[a-fA-F0-9]{64}$/;
const BEARER_RE = /^bearer[ \t]+([A-Za-z0-9\-_.]+)[ \t]*$/i;
const CORRELATOR_RE = /^[a-zA-Z0-9\-_:;./<>{}]{0,256}$/;
const CORRELATOR_SAFE_RE = /^[\x20-\x7e]{0,256}$/;

class Refusal extends Error {
  constructor(kind, message, wwwAuthenticate) {
    super(message || kind);
    this.kind = kind;
    this.detail = message;
    this.wwwAuthenticate = wwwAuthenticate;
  }
}

function send(reply, status, body) {
  return reply.code(status)
    .header('Content-Type', 'application/json')
    .header('Cache-Control', 'no-store')
    // A Buffer: a string would have fastify add "; charset=utf-8".
    .send(Buffer.from(body));
}

function fail(reply, v, kind, message) {
  const e = errorTable[v][kind];
  return send(reply, e.status, JSON.stringify({
    status: e.status, code: e.code, message: message || e.message,
  }));
}

function mediaType(s) {
  return s.replace(/^[ \t]+/, '').split(/[; \t]/)[0].toLowerCase();
}

function acceptsJSON(v) {
  if (v === undefined || v.replace(/[ \t,]/g, '') === '') return true;
  return v.split(',').some((r) => {
    const t = mediaType(r);
    if (t !== 'application/json' && t !== 'application/*' && t !== '*/*') return false;
    const q = r.split(';').slice(1).map((p) => p.trimStart())
      .find((p) => /^q=/i.test(p));
    return q === undefined || parseFloat(q.slice(2)) > 0;
  });
}

const invalid = () => new Refusal('UNAUTHENTICATED', null, 'Bearer error="invalid_token"');

async function authorize(jwks, header, scope) {
  if (header === undefined) throw new Refusal('UNAUTHENTICATED', null, 'Bearer');
  const m = BEARER_RE.exec(header);
  if (m === null) throw invalid();
  let payload;
  let protectedHeader;
  try {
    ({ payload, protectedHeader } = await jwtVerify(m[1], jwks, {
      algorithms: ['EdDSA'], issuer: opt.iss, audience: opt.aud,
      clockTolerance: LEEWAY, requiredClaims: ['exp'],
    }));
  } catch {
    throw invalid();
  }
  const now = Date.now() / 1000;
  if (('typ' in protectedHeader && (typeof protectedHeader.typ !== 'string' ||
      !ACCEPTED_TYPS.includes(protectedHeader.typ.toLowerCase()))) ||
      ('iat' in payload && (typeof payload.iat !== 'number' || payload.iat > now + LEEWAY)) ||
      ('scope' in payload && typeof payload.scope !== 'string') ||
      ('amr' in payload && (!Array.isArray(payload.amr) ||
        payload.amr.some((a) => typeof a !== 'string')))) {
    throw invalid();
  }
  if (!(payload.scope || '').split(' ').includes(scope)) {
    throw new Refusal('PERMISSION_DENIED', null,
      `Bearer error="insufficient_scope", scope="${scope}"`);
  }
  if (!(payload.amr || []).some((a) => NETWORK_AMR.includes(a))) {
    throw new Refusal('NOT_MOBILE_NETWORK');
  }
  let phone = typeof payload.phone_number === 'string' ? payload.phone_number : '';
  if (phone.startsWith('tel:')) phone = phone.slice(4);
  if (!PHONE_RE.test(phone)) throw new Refusal('INVALID_TOKEN_CONTEXT');
  return phone;
}

function verifyBody(body, phone) {
  if (body === undefined || body.length === 0) throw new Refusal('INVALID_ARGUMENT', 'request body is missing');
  if (body.length > BODY_MAX) {
    throw new Refusal('INVALID_ARGUMENT', 'request body is larger than 4096 bytes');
  }
  let o;
  try {
    o = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Refusal('INVALID_ARGUMENT', 'request body is not valid JSON');
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    throw new Refusal('INVALID_ARGUMENT', 'request body is not a JSON object');
  }
  const names = Object.keys(o);
  if (names.some((k) => k !== 'phoneNumber' && k !== 'hashedPhoneNumber')) {
    throw new Refusal('INVALID_ARGUMENT', 'request body has an unknown member: only phoneNumber or hashedPhoneNumber is allowed');
  }
  if (names.length === 0) {
    throw new Refusal('INVALID_ARGUMENT', 'request body must contain phoneNumber or hashedPhoneNumber');
  }
  if (names.length > 1) {
    throw new Refusal('INVALID_ARGUMENT', 'request body must contain only one of phoneNumber and hashedPhoneNumber');
  }
  const name = names[0];
  const value = o[name];
  if (typeof value !== 'string') throw new Refusal('INVALID_ARGUMENT', `${name} must be a string`);
  if (name === 'phoneNumber') {
    if (!PHONE_RE.test(value)) throw new Refusal('INVALID_ARGUMENT', 'phoneNumber must match ^\\+[1-9][0-9]{4,14}$');
    const a = Buffer.from(value);
    const b = Buffer.from(phone);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  }
  if (!HASH_RE.test(value)) throw new Refusal('INVALID_ARGUMENT', 'hashedPhoneNumber must match ^[a-fA-F0-9]{64}$');
  const want = crypto.createHash('sha256').update(phone).digest();
  return crypto.timingSafeEqual(Buffer.from(value, 'hex'), want);
}

const routes = {
  '/verify': { method: 'POST', allow: 'POST', scope: SCOPE_VERIFY },
  '/device-phone-number': { method: 'GET', allow: 'GET, HEAD', scope: SCOPE_SHARE },
};

function worker() {
  const jwks = createLocalJWKSet(JSON.parse(fs.readFileSync(opt.jwks, 'utf8')));
  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
  // The body is read as it came: its 400s are this service's own.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => done(null, body));

  function handler(op, v) {
    const route = routes[op];
    return async (req, reply) => {
      const corr = req.headers['x-correlator'];
      if (typeof corr === 'string' && (v === 2 ? CORRELATOR_RE : CORRELATOR_SAFE_RE).test(corr)) {
        reply.header('x-correlator', corr);
      }
      if (req.method !== route.method && !(route.method === 'GET' && req.method === 'HEAD')) {
        reply.header('Allow', route.allow);
        return fail(reply, v, 'METHOD_NOT_ALLOWED');
      }
      if (v === 2 && corr !== undefined && !reply.hasHeader('x-correlator')) {
        return fail(reply, v, 'INVALID_ARGUMENT', 'x-correlator must match ^[a-zA-Z0-9-_:;.\\/<>{}]{0,256}$');
      }
      if (!acceptsJSON(req.headers.accept)) return fail(reply, v, 'NOT_ACCEPTABLE');
      try {
        const phone = await authorize(jwks, req.headers.authorization, route.scope);
        if (op === '/device-phone-number') {
          return send(reply, 200, JSON.stringify({ devicePhoneNumber: phone }));
        }
        const ct = req.headers['content-type'];
        if (ct === undefined || mediaType(ct) !== 'application/json') {
          return fail(reply, v, 'UNSUPPORTED_MEDIA_TYPE');
        }
        const match = verifyBody(req.body, phone);
        return send(reply, 200, `{"devicePhoneNumberVerified":${match}}`);
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        if (e.wwwAuthenticate) reply.header('WWW-Authenticate', e.wwwAuthenticate);
        return fail(reply, v, e.kind, e.detail);
      }
    };
  }

  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
  for (const op of Object.keys(routes)) {
    app.route({ method: methods, url: op, handler: handler(op, 0), exposeHeadRoute: false });
    for (const v of [0, 1, 2]) {
      app.route({
        method: methods, url: `/number-verification/v${v}${op}`, handler: handler(op, v), exposeHeadRoute: false,
      });
    }
  }
  app.setNotFoundHandler((req, reply) => {
    const m = /^\/number-verification\/v([0-2])\//.exec(req.url);
    fail(reply, m ? Number(m[1]) : 0, 'NOT_FOUND');
  });
  app.listen({ host: '127.0.0.1', port: Number(opt.port) }).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}

if (cluster.isPrimary && Number(opt.workers) > 1) {
  for (let i = 0; i < Number(opt.workers); i++) cluster.fork();
  cluster.on('exit', () => process.exit(1));
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  worker();
}
