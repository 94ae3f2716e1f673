#!/usr/bin/env node
// Memory of idle WebSockets: the server's RSS growth per signed-in, idle /api/v1/ws socket,
// beside the growth per idle HTTP/1.1 keep-alive connection measured in the same run (the
// reference).  The aim (issue 5) is at most 4 KB per idle socket.  A benchmark, run by
// `make bench`; never part of the test suite's pass/fail.
//
// Environment: BENCH_SOCKETS (2000), BENCH_ATRIUM (build/atrium).

import fs from 'node:fs';
import net from 'node:net';
import { sleep, startServer } from '../tests/api/lib/server.mjs';
import { WsClient } from '../tests/api/lib/ws.mjs';

const N = Number(process.env.BENCH_SOCKETS || 2000);
if (process.env.BENCH_ATRIUM) process.env.ATRIUM_TEST_BIN = process.env.BENCH_ATRIUM;

function rssKiB(srv) {
  const status = fs.readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]);
}

async function settle(srv) {
  await sleep(1500);
  return rssKiB(srv);
}

/** Growth per idle keep-alive connection that has asked for /api/v1/health once. */
async function httpIdle() {
  const srv = await startServer(null, { args: ['--idle-timeout', '600'] });
  try {
    const one = async () => new Promise((resolve, reject) => {
      const sock = net.connect(srv.port, '127.0.0.1');
      let data = '';
      sock.on('data', (d) => { data += d; if (data.includes('"database"')) resolve(sock); });
      sock.on('error', reject);
      sock.write('GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    });
    await one();
    const before = await settle(srv);
    const socks = [];
    for (let i = 0; i < N; i += 100) socks.push(...await Promise.all(Array.from({ length: Math.min(100, N - i) }, one)));
    const afterKiB = await settle(srv);
    for (const s of socks) s.destroy();
    return (afterKiB - before) * 1024 / N;
  } finally {
    await srv.dispose();
  }
}

/** Growth per signed-in WebSocket that then stays silent. */
async function wsIdle() {
  const srv = await startServer(null);
  try {
    const who = await srv.signUp();
    const open = async () => {
      const c = await WsClient.open(srv);
      c.send({ type: 'auth', token: who.token });
      await c.nextType('ready', 30_000);
      return c;
    };
    await open();
    const before = await settle(srv);
    const clients = [];
    for (let i = 0; i < N; i += 100) clients.push(...await Promise.all(Array.from({ length: Math.min(100, N - i) }, open)));
    const afterKiB = await settle(srv);
    for (const c of clients) c.close();
    return (afterKiB - before) * 1024 / N;
  } finally {
    await srv.dispose();
  }
}

const http = await httpIdle();
const ws = await wsIdle();
console.log(`bench/ws-idle: ${N} idle sockets each`);
console.log(`  HTTP/1.1 keep-alive (reference): ${http.toFixed(0)} bytes of server RSS per connection`);
console.log(`  WebSocket, signed in:           ${ws.toFixed(0)} bytes of server RSS per socket`);
console.log(`  ratio WebSocket / keep-alive:   ${(ws / http).toFixed(2)}`);
console.log(`  aim ≤ 4096 bytes per socket:    ${ws <= 4096 ? 'met' : 'NOT met'}`);
