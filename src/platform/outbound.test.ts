import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { isPublicAddress, outboundRequest, OutboundRefused, outboundUrlProblem, publicOnly, type OutboundPolicy } from './outbound.js';

const allowed: OutboundPolicy = { allowPrivateAddresses: true };
/** A resolver that answers what it is told, as a DNS server whose answer changes. */
const resolver = (answers: Record<string, string>) => (hostname: string) => {
  const address = answers[hostname];
  return address ? Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]) : Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
};

test('private, loopback, link-local, unique-local, multicast, reserved and metadata addresses are not public, in every form', () => {
  const refused = [
    '127.0.0.1', '127.8.9.10', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.100.100.200', '100.64.0.1',
    '0.0.0.0', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255', '198.18.0.1', '192.0.2.1',
    '::', '::1', 'fe80::1', 'fc00::1', 'fd00:ec2::254', 'ff02::1', 'fec0::1', '2001:db8::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe', '::127.0.0.1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::1', '2002:c0a8:101::1',
    'not an address',
  ];
  for (const address of refused) assert.equal(isPublicAddress(address), false, `${address} was taken as public`);
  for (const address of ['8.8.8.8', '93.184.215.14', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2002:808:808::1']) {
    assert.equal(isPublicAddress(address), true, `${address} was refused`);
  }
});

test('an address is refused when saved: plain http, and every written form of a private host', async () => {
  const problem = (url: string) => outboundUrlProblem(url, publicOnly, 'The webhook address');
  assert.match(await problem('http://hooks.contractor.example/in') ?? '', /must start with https:\/\//);
  assert.match(await problem('ftp://hooks.contractor.example/in') ?? '', /must start with https:\/\//);
  assert.match(await problem('not a url') ?? '', /is not a web address/);
  for (const [url, shown] of [
    ['https://127.0.0.1/hooks', '127.0.0.1'], ['https://2130706433/hooks', '127.0.0.1'], ['https://0177.0.0.1/hooks', '127.0.0.1'], ['https://0x7f.0.0.1/', '127.0.0.1'],
    ['https://017700000001/', '127.0.0.1'], ['https://169.254.169.254/latest/meta-data/', '169.254.169.254'], ['https://10.1.2.3:8443/', '10.1.2.3'],
    ['https://[::1]/', '::1'], ['https://[::ffff:127.0.0.1]/', '::ffff:7f00:1'], ['https://[::ffff:a9fe:a9fe]/', '::ffff:a9fe:a9fe'], ['https://[fe80::1]/', 'fe80::1'],
    ['https://[fd12:3456::1]/', 'fd12:3456::1'], ['https://[ff02::1]/', 'ff02::1'], ['https://224.0.0.251/', '224.0.0.251'],
  ] as const) {
    assert.equal(await problem(url), `The webhook address ${shown} is a private, local or reserved address; give a public https address.`, url);
  }
  for (const url of ['https://localhost:8443/', 'https://metadata.google.internal/computeMetadata/v1/', 'https://printer.local/', 'https://LOCALHOST./']) {
    assert.match(await problem(url) ?? '', /names this machine or a local network/, url);
  }
  // A name is resolved: one that leads to a private address is refused, with the address it leads to.
  const dns: OutboundPolicy = { allowPrivateAddresses: false, resolve: resolver({ 'hooks.contractor.example': '93.184.215.14', 'sneaky.example': '192.168.0.5', 'sneaky6.example': '::ffff:c0a8:5' }) };
  assert.equal(await outboundUrlProblem('https://hooks.contractor.example/in', dns), null);
  assert.equal(await outboundUrlProblem('https://sneaky.example/in', dns, 'The endpoint'), 'The endpoint sneaky.example leads to 192.168.0.5, which is a private, local or reserved address; give a public https address.');
  assert.match(await outboundUrlProblem('https://sneaky6.example/in', dns) ?? '', /leads to ::ffff:c0a8:5/);
  // No DNS answer yet: kept (every request checks the address it connects to).
  assert.equal(await outboundUrlProblem('https://not-yet.example/in', dns), null);
  assert.equal(await problem('https://93.184.215.14/hooks'), null);
});

test('the allowance (TOWNHALL_ALLOW_PRIVATE_WEBHOOKS) lets plain http and private addresses through, and only then', async () => {
  assert.equal(await outboundUrlProblem('http://127.0.0.1:8080/hooks', allowed), null);
  assert.equal(await outboundUrlProblem('http://localhost/hooks', allowed), null);
  assert.match(await outboundUrlProblem('ftp://127.0.0.1/', allowed) ?? '', /must start with https:\/\//);
  const server = createHttpServer((request, response) => response.writeHead(201, { 'content-type': 'text/plain' }).end(`got ${request.method}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  try {
    const answer = await outboundRequest(url, { method: 'POST', body: '{}', timeoutMs: 2000 }, allowed);
    assert.deepEqual([answer.status, answer.text], [201, 'got POST']);
    await assert.rejects(outboundRequest(url, { method: 'POST', body: '{}', timeoutMs: 2000 }, publicOnly), OutboundRefused);
  } finally {
    server.close();
  }
});

/** A TCP listener that counts the connections it is offered: a refused request must make none. */
async function listener(): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => { count++; socket.destroy(); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connections: () => count };
}

test('every request checks the address it connects to: a name whose DNS answer changed to a private one after saving is not connected to', async () => {
  const target = await listener();
  try {
    const answers: Record<string, string> = { 'hooks.contractor.example': '93.184.215.14' };
    const policy: OutboundPolicy = { allowPrivateAddresses: false, resolve: resolver(answers) };
    const url = `https://hooks.contractor.example:${target.port}/in`;
    assert.equal(await outboundUrlProblem(url, policy), null, 'public when saved');
    answers['hooks.contractor.example'] = '127.0.0.1';
    const refused = await outboundRequest(url, { method: 'POST', body: '{}', timeoutMs: 2000 }, policy).then(() => null, (error: unknown) => error);
    assert.ok(refused instanceof OutboundRefused, `not refused: ${String(refused)}`);
    assert.match(refused.message, /hooks\.contractor\.example leads to 127\.0\.0\.1/);
    // Literal addresses and names of this machine are refused before any connection too.
    for (const literal of [`https://127.0.0.1:${target.port}/`, `https://[::ffff:127.0.0.1]:${target.port}/`, `https://2130706433:${target.port}/`, `https://localhost:${target.port}/`, `http://hooks.contractor.example:${target.port}/`]) {
      await assert.rejects(outboundRequest(literal, { method: 'GET', timeoutMs: 2000 }, literal.includes('localhost') ? publicOnly : policy), OutboundRefused, literal);
    }
    assert.equal(target.connections(), 0, 'a refused address was connected to');
    // The same listener is reached when the answer is allowed: the count above could have moved.
    await outboundRequest(`http://127.0.0.1:${target.port}/`, { method: 'GET', timeoutMs: 2000 }, allowed).catch(() => {});
    assert.equal(target.connections(), 1);
  } finally {
    target.server.close();
  }
});
