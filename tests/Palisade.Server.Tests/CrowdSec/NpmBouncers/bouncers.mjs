// What a Node.js site owner does with CrowdSec's two npm bouncer libraries, pointed at a Palisade LAPI:
// each library's connection check (HEAD /v1/decisions), then a decision for a banned and for a clean address.
// Input: LAPI_URL, BOUNCER_KEY, BAD_KEY, BANNED_IP, CLEAN_IP. Output: one "RESULT {json}" line per step on stdout
// (the libraries' own log lines go to stdout too and are left as they are).
import { createRequire } from 'node:module';
import { CrowdSecBouncer } from '@crowdsec/nodejs-bouncer';

const require = createRequire(import.meta.url);
const expressBouncer = require('@crowdsec/express-bouncer');

const { LAPI_URL: url, BOUNCER_KEY: key, BAD_KEY: badKey, BANNED_IP: banned, CLEAN_IP: clean } = process.env;
const result = (name, value) => console.log('RESULT ' + JSON.stringify({ name, value }));
const step = async (name, action) => {
  try {
    result(name, await action());
  } catch (error) {
    result(name, { thrown: String(error?.message ?? error) });
  }
};

// @crowdsec/nodejs-bouncer 0.2.0: live mode asks GET /v1/decisions?ip= per address; stream mode pulls /v1/decisions/stream.
const live = new CrowdSecBouncer({ url, bouncerApiToken: key });
await step('nodejs.health', () => live.lapiClient.checkConnectionHealth());
await step('nodejs.banned', () => live.getIpRemediation(banned));
await step('nodejs.clean', () => live.getIpRemediation(clean));
const wrong = new CrowdSecBouncer({ url, bouncerApiToken: badKey });
await step('nodejs.badKeyHealth', () => wrong.lapiClient.checkConnectionHealth());
const streaming = new CrowdSecBouncer({ url, bouncerApiToken: key, streamMode: true });
await step('nodejs.streamRefresh', async () => (await streaming.refreshDecisions()).new.length);
await step('nodejs.streamBanned', () => streaming.getIpRemediation(banned));
await step('nodejs.streamClean', () => streaming.getIpRemediation(clean));

// @crowdsec/express-bouncer 0.1.0: the middleware factory runs the connection check and throws when it fails; the
// middleware is then called as Express calls it (req, res, next).
await step('express.badKey', async () => {
  await expressBouncer({ url, apiKey: badKey });
  return 'accepted';
});
let middleware = null;
await step('express.connect', async () => {
  middleware = await expressBouncer({ url, apiKey: key });
  return 'connected';
});
const visit = (ip) => new Promise((resolve) => {
  const res = {
    statusCode: 200,
    status(code) { this.statusCode = code; return this; },
    send(body) { resolve({ status: this.statusCode, passed: false, body: String(body).length }); },
  };
  middleware({ connection: { remoteAddress: ip }, headers: {} }, res, () => resolve({ status: 200, passed: true }));
});
if (middleware) {
  await step('express.banned', () => visit(banned));
  await step('express.clean', () => visit(clean));
}

// Keep-alive sockets of the libraries' fetch clients would hold the process open.
process.exit(0);
