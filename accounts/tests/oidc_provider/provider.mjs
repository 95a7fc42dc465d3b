// A real OpenID Connect provider for Pult's sign-on tests (node oidc-provider), started by the test suite.
//
// Configured by one JSON document in OIDC_TEST_CONFIG:
//   {"port": 0, "client_id": "...", "client_secret": "...", "redirect_uris": ["http://.../callback/"],
//    "users_file": "/tmp/.../users.json"}
// The users file ({"anna": {"password": "...", "claims": {"email": "...", "groups": ["..."], ...}}}) is read at
// every sign-in, so a test changes a person's groups as a directory administrator would.
// It listens on 127.0.0.1, prints "READY <issuer>" on its first line once it accepts connections, and runs
// until it is killed. Its login page asks for a user name and a password and checks them; the consent is
// given with the login (a company's own application needs none).
import fs from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG);
const users = () => JSON.parse(fs.readFileSync(config.users_file, 'utf8'));

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>`
    + `<body><h1>${title}</h1>${body}</body></html>`;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginForm(uid, error) {
  return page('Company sign-in', `${error ? `<p role="alert">${escape(error)}</p>` : ''}
    <form method="post" action="/interaction/${uid}/login" autocomplete="off">
      <label for="login">Company user name</label><input id="login" name="login" autofocus>
      <label for="password">Company password</label><input id="password" name="password" type="password">
      <button type="submit">Sign in</button>
    </form>`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const server = http.createServer();
server.listen(config.port || 0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: config.client_id,
      client_secret: config.client_secret,
      redirect_uris: config.redirect_uris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      groups: ['groups'],
    },
    // Entra ID puts the groups into the ID token: so does this provider (and the userinfo endpoint too).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ['pult-test-cookie-key'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, id) {
      const user = users()[id];
      if (!user) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...user.claims }) };
    },
  });
  const callback = provider.callback();

  server.on('request', async (req, res) => {
    const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(req.url.split('?')[0]);
    if (!match) {
      callback(req, res);
      return;
    }
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(loginForm(details.uid));
        return;
      }
      const form = await readForm(req);
      const login = form.get('login') || '';
      const user = users()[login];
      if (!user || user.password !== form.get('password')) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(loginForm(details.uid, 'Wrong user name or password.'));
        return;
      }
      const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } }, {
        mergeWithLastSubmission: false,
      });
    } catch (error) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(String(error));
    }
  });
  process.stdout.write(`READY ${issuer}\n`);
});
