import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrl } from './log-redaction.js';

test('secrets in query strings are redacted from request logs; the rest stays', () => {
  assert.equal(redactUrl('/account/set-password?token=abc123'), '/account/set-password?token=[redacted]');
  assert.equal(redactUrl('/sign-in/oidc/staff/callback?code=xyz&state=s1&iss=https%3A%2F%2Fid'), '/sign-in/oidc/staff/callback?code=[redacted]&state=[redacted]&iss=https%3A%2F%2Fid');
  assert.equal(redactUrl('/open311/v2/requests.json?API_KEY=th_secret&service_code=pothole'), '/open311/v2/requests.json?API_KEY=[redacted]&service_code=pothole');
  assert.equal(redactUrl('/open311/v2/services.json?jurisdiction_id=x'), '/open311/v2/services.json?jurisdiction_id=x');
  assert.equal(redactUrl('/requests/7/feedback?key=f00d&lang=es'), '/requests/7/feedback?key=[redacted]&lang=es');
  assert.equal(redactUrl('/tokens?mytoken=1'), '/tokens?mytoken=1', 'only whole parameter names');
});
