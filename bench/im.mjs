// Messaging under load (run through bench/im, which raises the open-file limit and builds the
// load client): three figures for Atrium, each beside a reference measured in the same run.
//
//  1. Fan-out: 1,000 signed-in WebSockets, members of 10 groups of 100; sends POSTed through the
//     API at a fixed offered rate (open loop: each send has a due time, and latency counts from
//     it, so a send that waits for a free connection is late by that wait), stepped up until
//     p99 send-to-delivery passes 200 ms.  Every send is committed before its answer and reaches
//     all 100 members (the sender's own socket too).  Reference: mosquitto, MQTT 3.1.1 QoS 0,
//     10 topics × 100 subscribers, one publisher per topic at the same offered rates, payloads
//     padded to the size of Atrium's event; no persistence.
//  2. Idle memory: the server's VmRSS growth per signed-in, silent WebSocket at 10,000 of them
//     (each a different account), on a freshly restarted server; reference: mosquitto's growth
//     per connected, subscribed, silent MQTT client at as many.
//  3. Durable sends: many connections sending to one conversation, each as soon as its last send
//     was answered (answered = committed); reference: GET /api/v1/health over as many
//     connections, the server's bare request rate.
//
// Accounts are signed up through the API (SMS codes read from <data>/outbox/sms.jsonl, each a
// distinct number, 32 at a time), joined through invitations, and groups made by POST
// …/conversations: the real paths, which take a few seconds per thousand.  The load client
// (bench/im-load.c) drives every socket from one epoll loop; its CPU time is printed beside
// the servers', since both servers and the client share this machine's cores.
//
// Environment: BENCH_RATES (offered sends/s in steps: 100,200,300,…,10000), BENCH_STEP_SECONDS (3),
// BENCH_P99_MS (200), BENCH_IDLE_SOCKETS (10000), BENCH_SENDERS (connections sending at once
// in 3, 256), BENCH_ROUNDS (rounds of 3, 3), BENCH_ATRIUM (build/atrium).

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
if (process.env.BENCH_ATRIUM) process.env.ATRIUM_TEST_BIN = path.resolve(process.env.BENCH_ATRIUM);
const lib = await import('../tests/api/lib/server.mjs');
const { Outbox, pool, signUpMany } = await import('./lib.mjs');
const { WsClient } = await import('../tests/api/lib/ws.mjs');

const GROUPS = 10;
const PER = 100;
const int = (name, def) => {
  const v = Number(process.env[name] || def);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
};
const RATES = (process.env.BENCH_RATES || '100,200,300,400,500,600,700,850,1000,1200,1400,1700,2000,2500,3000,4000,5000,7000,10000')
  .split(',').map(Number);
if (!RATES.length || RATES.some((r) => !(r > 0))) throw new Error('BENCH_RATES must list positive sends per second');
const STEP_S = int('BENCH_STEP_SECONDS', 3);
const P99_MS = int('BENCH_P99_MS', 200);
const NOFILE = Number(process.env.BENCH_NOFILE) || 1024;
// Each side holds one descriptor a socket, and a few hundred for the rest.
const IDLE = Math.min(int('BENCH_IDLE_SOCKETS', 10000), Math.max(100, NOFILE - 500));
const SENDERS = int('BENCH_SENDERS', 256);
const FAN_CONNS = 256; // connections the fan-out's sends share: enough that none waits for one
const ROUNDS = int('BENCH_ROUNDS', 3);
const LOAD = path.join(ROOT, 'build', 'bench', 'im-load');
const MOSQUITTO = fs.existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';
const E = '/api/v1/enterprises';

const say = (msg) => process.stderr.write(`bench/im: ${msg}\n`);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const secs = (t0) => ((Date.now() - t0) / 1000).toFixed(1);
const kv = (line) => Object.fromEntries(line.split(' ').slice(1).map((p) => p.split('=')).map(([k, v]) => [k, Number.isNaN(Number(v)) ? (v === 'inf' ? Infinity : v) : Number(v)]));

function rssKiB(pid, field = 'VmRSS') {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]);
}

/** The load client, driven line by line. */
class Load {
  constructor(args) {
    this.proc = spawn(LOAD, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = [];
    this.waiters = [];
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => {
      this.code = code;
      for (const w of this.waiters.splice(0)) w.reject(new Error(`im-load exited (${code}) while waiting for "${w.prefix}"`));
      resolve(code);
    }));
    readline.createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const i = this.waiters.findIndex((w) => line.startsWith(w.prefix));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(line);
      else this.lines.push(line);
    });
  }

  next(prefix, timeout = 180_000) {
    const i = this.lines.findIndex((l) => l.startsWith(prefix));
    if (i >= 0) return Promise.resolve(this.lines.splice(i, 1)[0]);
    if (this.code !== undefined) return Promise.reject(new Error(`im-load exited (${this.code}) before "${prefix}"`));
    return new Promise((resolve, reject) => {
      const w = { prefix };
      const timer = setTimeout(() => reject(new Error(`no "${prefix}" from im-load in ${timeout} ms`)), timeout);
      w.resolve = (l) => { clearTimeout(timer); resolve(l); };
      w.reject = (e) => { clearTimeout(timer); reject(e); };
      this.waiters.push(w);
    });
  }

  command(line) { this.proc.stdin.write(`${line}\n`); }

  async close() {
    this.proc.stdin.end();
    const late = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(late);
  }
}

async function startMosquitto(dir) {
  const port = await lib.freePort();
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, 'mosquitto.conf');
  // Defaults but for the listener, no persistence (QoS 0 stores nothing anyway), Nagle off as
  // Atrium has it, and no line logged per connection.
  fs.writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false',
    'set_tcp_nodelay true', 'connection_messages false', 'log_dest stderr', 'log_type error', 'log_type warning', ''].join('\n'));
  const proc = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const net = await import('node:net');
  for (let i = 0; ; i++) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (proc.exitCode !== null || i > 100) throw new Error(`mosquitto did not start: ${stderr}`);
    await lib.sleep(50);
  }
  return { port, pid: proc.pid, stop: async () => { proc.kill('SIGTERM'); await exited; } };
}

/**
 * Steps the offered rate up for each load (Atrium's and mosquitto's in turn at every rate, so
 * that whatever else the machine does falls on both alike) until its p99 passes the bound.
 * Every step's result, per load.
 */
async function stepUp(loads) {
  const steps = loads.map(() => []);
  for (const [k, { load }] of loads.entries()) {
    load.command(`step 0 ${RATES[0]} 1`); // warm-up, not reported
    steps[k].warmAcked = kv(await load.next('result')).acked;
  }
  for (const [i, rate] of RATES.entries()) {
    for (const [k, { load, name }] of loads.entries()) {
      const last = steps[k].at(-1);
      if (last && !(last.p99_ms < P99_MS && !last.errors)) continue;
      load.command(`step ${i + 1} ${rate} ${STEP_S}`);
      const r = kv(await load.next('result'));
      steps[k].push(r);
      say(`${name} ${rate}/s: ${r.delivered}/${r.expected} delivered, ${Math.round(r.delivered_per_s)}/s, p50 ${r.p50_ms} ms, `
        + `p99 ${r.p99_ms} ms (cores: server ${r.server_cpu.toFixed(2)}, client ${r.client_cpu.toFixed(2)}, machine ${r.machine_cpu.toFixed(2)})`
        + `${r.waiting_max > 1 ? `; up to ${r.waiting_max} sends waited for a connection` : ''}`);
    }
    if (steps.every((st) => { const l = st.at(-1); return !(l.p99_ms < P99_MS && !l.errors); })) break;
  }
  return steps;
}

const best = (steps) => [...steps].reverse().find((s) => s.p99_ms < P99_MS && !s.errors);

async function main() {
  if (!fs.existsSync(LOAD)) throw new Error(`${LOAD} is missing: run bench/im, which builds it`);
  const t00 = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-bench-im-'));
  const srv = await lib.startServer(null);
  const mqttStops = [];
  const out = [];
  const print = (line = '') => { out.push(line); };
  try {
    const outbox = new Outbox(path.join(srv.dataDir, 'outbox', 'sms.jsonl'));
    let t0 = Date.now();
    const [owner] = await signUpMany(lib, srv, outbox, 0, 1);
    const eid = await lib.createEnterprise(srv, owner, '基准科技');
    const people = await signUpMany(lib, srv, outbox, 1, GROUPS * PER);
    say(`signed up ${people.length + 1} people in ${secs(t0)} s`);
    t0 = Date.now();
    await pool(people.length, 32, (i) => lib.addMember(srv, owner, eid, people[i], `成员${i + 1}`));
    say(`invited and joined them in ${secs(t0)} s`);
    const groups = [];
    for (let gi = 0; gi < GROUPS; gi++) {
      const members = people.slice(gi * PER, (gi + 1) * PER);
      const r = await srv.req('POST', `${E}/${eid}/conversations`, { token: members[0].token,
        body: { kind: 'group', name: `群${gi + 1}`, member_ids: members.slice(1).map((m) => m.user.id) } });
      if (r.status !== 201) throw new Error(`group: ${lib.show(r)}`);
      groups.push({ id: r.json.id, members });
    }
    const fanFile = path.join(tmp, 'fanout.txt');
    fs.writeFileSync(fanFile, groups.flatMap((g) => g.members.map((m) => `${eid} ${g.id} ${m.token}`)).join('\n') + '\n');

    // The size of the event a member gets for one send: MQTT payloads are padded to it.
    const sampleText = `bench 1 1234 ${process.hrtime.bigint()}`; // what bench/im-load.c sends
    const ws = await WsClient.open(srv);
    ws.send({ type: 'auth', token: people[0].token });
    await ws.nextType('ready');
    const sample = await srv.req('POST', `${E}/${eid}/conversations/${groups[0].id}/messages`, { token: people[1].token,
      body: { client_id: 'sample', kind: 'text', text: sampleText } });
    if (sample.status !== 201) throw new Error(`send: ${lib.show(sample)}`);
    const event = await ws.nextType('message');
    ws.close();
    const eventBytes = Buffer.byteLength(JSON.stringify(event));

    // ---- 1. fan-out ----
    say(`fan-out: ${GROUPS} groups of ${PER}, Atrium and mosquitto in turn, steps of ${STEP_S} s`);
    const atrLoad = new Load(['ws-fanout', `port=${srv.port}`, `file=${fanFile}`, `pid=${srv.proc.pid}`, `per=${PER}`, `conns=${FAN_CONNS}`]);
    await atrLoad.next('ready');
    const mq = await startMosquitto(path.join(tmp, 'mqtt-fanout'));
    mqttStops.push(mq.stop);
    const mqLoad = new Load(['mqtt-fanout', `port=${mq.port}`, `groups=${GROUPS}`, `per=${PER}`, `pid=${mq.pid}`, `payload=${eventBytes}`]);
    await mqLoad.next('ready');
    const [atr, mqs] = await stepUp([{ load: atrLoad, name: 'atrium' }, { load: mqLoad, name: 'mosquitto' }]);
    await atrLoad.close();
    await mqLoad.close();
    await mq.stop();
    mqttStops.pop();
    const fanStored = atr.reduce((a, r) => a + r.acked, atr.warmAcked);

    // ---- 3. durable sends (before the idle part adds 9,000 accounts) ----
    say(`durable sends: ${SENDERS} connections, ${ROUNDS} rounds of 3 s`);
    const oneFile = path.join(tmp, 'one.txt');
    fs.writeFileSync(oneFile, groups[0].members.map((m) => `${eid} ${groups[0].id} ${m.token}`).join('\n') + '\n');
    const closed = async (mode, extra) => {
      const l = new Load([mode, `port=${srv.port}`, `pid=${srv.proc.pid}`, `conns=${SENDERS}`, 'seconds=3', 'rounds=1', ...extra]);
      const r = kv(await l.next('round'));
      await l.exited;
      return r;
    };
    // Interleaved: health, sends, health, sends…, one round each, so drift falls on both alike.
    const dur = [], hl = [];
    for (let i = 0; i < ROUNDS; i++) {
      hl.push(await closed('health', []));
      dur.push(await closed('durable', [`file=${oneFile}`]));
    }
    // Every answered send is a row: the fan-out's, the sample, and these (warm-ups included).
    const durAnswered = dur.reduce((a, r) => a + r.total, 0);
    const stored = Number(lib.sql(srv, `SELECT count(*) FROM messages WHERE enterprise_id = ${eid} AND kind = 'text'`)[0]);
    for (const r of dur) say(`durable: ${r.per_s}/s, ack p50 ${r.ack_p50_ms} ms, p99 ${r.ack_p99_ms} ms, ${r.errors} errors`);
    for (const r of hl) say(`health: ${r.per_s}/s`);

    // ---- 2. idle memory ----
    t0 = Date.now();
    const more = await signUpMany(lib, srv, outbox, 1 + people.length, Math.max(0, IDLE - people.length));
    say(`signed up ${more.length} more people in ${secs(t0)} s`);
    const idleFile = path.join(tmp, 'idle.txt');
    fs.writeFileSync(idleFile, [...people, ...more].slice(0, IDLE).map((p) => `0 0 ${p.token}`).join('\n') + '\n');
    const warmFile = path.join(tmp, 'warm.txt');
    fs.writeFileSync(warmFile, [owner].map((p) => `0 0 ${p.token}`).join('\n') + '\n');
    await srv.stop();
    await srv.start({ timeout: 60_000 });
    const idleOf = async (pid, warmArgs, args) => {
      // A few sockets first, so what every loop sets up once is in the "before".
      const warm = new Load(warmArgs);
      await warm.next('ready');
      await lib.sleep(1500);
      const mem = () => ({ rss: rssKiB(pid), anon: rssKiB(pid, 'RssAnon'), file: rssKiB(pid, 'RssFile'), shmem: rssKiB(pid, 'RssShmem') });
      const before = mem();
      const l = new Load(args);
      const t = Date.now();
      const ready = Number((await l.next('ready')).split(' ')[1]);
      const connectS = (Date.now() - t) / 1000;
      await lib.sleep(1500);
      const after = mem();
      await l.close();
      await warm.close();
      const per = (k) => (after[k] - before[k]) * 1024 / ready;
      return { n: ready, connectS, rss: per('rss'), anon: per('anon'), file: per('file'), shmem: per('shmem') };
    };
    say(`idle: ${IDLE} WebSockets`);
    const atrIdle = await idleOf(srv.proc.pid, ['ws-idle', `port=${srv.port}`, `file=${warmFile}`, 'n=20'],
      ['ws-idle', `port=${srv.port}`, `file=${idleFile}`, `n=${IDLE}`]);
    const mqi = await startMosquitto(path.join(tmp, 'mqtt-idle'));
    mqttStops.push(mqi.stop);
    say(`idle: ${IDLE} MQTT clients`);
    const mqIdle = await idleOf(mqi.pid, ['mqtt-idle', `port=${mqi.port}`, 'n=20'], ['mqtt-idle', `port=${mqi.port}`, `n=${IDLE}`]);
    await mqi.stop();
    mqttStops.pop();

    // ---- the report ----
    const fsType = execFileSync('df', ['--output=fstype', srv.dataDir], { encoding: 'utf8' }).trim().split('\n').pop();
    const mqVersion = (spawnSync(MOSQUITTO, ['-h'], { encoding: 'utf8' }).stdout.match(/version (\S+)/) || [])[1] || '?';
    const f0 = (x) => (x === Infinity ? 'inf' : Math.round(x).toLocaleString('en-US'));
    const f1 = (x) => (x === Infinity ? 'inf' : x.toFixed(1));
    const cores = os.cpus().length;
    print(`bench/im: ${cores} cores shared by the server under test and the load client (one C process, epoll); loopback;`);
    print(`data folder on ${fsType}, SQLite synchronous=FULL; mosquitto ${mqVersion}; ${STEP_S} s per step`);
    print('');
    print(`1. fan-out: ${GROUPS} groups × ${PER} online members; each send reaches all ${PER} (${eventBytes}-byte event)`);
    print(`   Atrium: POST …/messages (${FAN_CONNS} keep-alive connections), committed, pushed over WebSocket; texts of ${sampleText.length} characters`);
    print(`   mosquitto: MQTT QoS 0 publish, ${GROUPS} topics × ${PER} subscribers, payload padded to ${eventBytes} bytes`);
    print(`   offered   ${'Atrium delivered/s'.padStart(18)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} srv/cli/all cores | ${'mosquitto deliv/s'.padStart(17)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} srv/cli/all cores`);
    for (let i = 0; i < Math.max(atr.length, mqs.length); i++) {
      const a = atr[i], m = mqs[i];
      const col = (s) => (s ? `${f0(s.delivered_per_s).padStart(18)} ${f1(s.p50_ms).padStart(7)} ${f1(s.p99_ms).padStart(7)} ${s.server_cpu.toFixed(2)}/${s.client_cpu.toFixed(2)}/${s.machine_cpu.toFixed(2)}${s.errors ? ` (${s.errors} errors)` : ''}`.padEnd(51) : ' '.repeat(47));
      const rate = (a || m).rate;
      print(`   ${`${f0(rate)}/s`.padStart(8)}  ${col(a)}  | ${col(m)}`);
    }
    const ba = best(atr), bm = best(mqs);
    const topped = (steps) => steps.length === RATES.length && best(steps) === steps.at(-1);
    const line = (name, b, steps) => (b
      ? `   ${name}: highest offered rate with p99 < ${P99_MS} ms: ${f0(b.rate)} sends/s${topped(steps) ? ' (the top step: its ceiling is higher)' : ''} → ${f0(b.delivered_per_s)} delivered/s, p50 ${f1(b.p50_ms)} ms, p99 ${f1(b.p99_ms)} ms${b.ack_p50_ms ? ` (answer to the sender: p50 ${f1(b.ack_p50_ms)} ms)` : ''}`
      : `   ${name}: p99 ≥ ${P99_MS} ms already at ${f0(RATES[0])} sends/s`);
    print(line('Atrium   ', ba, atr));
    print(line('mosquitto', bm, mqs));
    if (ba && bm) {
      const ratio = ba.delivered_per_s / bm.delivered_per_s;
      print(`   ratio Atrium / mosquitto: delivered/s ${ratio.toFixed(2)}${topped(mqs) ? ' (or less: mosquitto was not pushed to its limit)' : ''}, p50 ${(ba.p50_ms / bm.p50_ms).toFixed(2)}, p99 ${(ba.p99_ms / bm.p99_ms).toFixed(2)}`);
      print(`   aim ≥ 1.0× mosquitto's delivered/s, persisting every message: ${ratio >= 1 && !topped(mqs) ? 'met' : 'not met'}`);
    }
    const others = median([...atr, ...mqs].map((r) => r.machine_cpu - r.server_cpu - r.client_cpu));
    print(`   busy beyond server and client (kernel network work, other processes), median over the steps: ${others.toFixed(2)} cores`);
    print(`   (srv/cli/all: CPU time over the step, in cores, of the server, of the load client, and of the whole machine`);
    print(`    of ${os.cpus().length} cores: what all spends beyond srv + cli is the kernel's softirq work and any other process)`);
    print('');
    const ms = (x) => x === Infinity ? 'inf' : `${x.toFixed(0)} B`;
    print(`2. idle memory: ${atrIdle.n} signed-in silent WebSockets (one account each), growth of the server's VmRSS`);
    const parts = (x) => `anonymous ${ms(x.anon)}, file-backed ${ms(x.file)}, shared ${ms(x.shmem)}`;
    print(`   Atrium:    ${ms(atrIdle.rss)} per socket (${parts(atrIdle)}); all connected and signed in in ${atrIdle.connectS.toFixed(1)} s`);
    print(`   mosquitto: ${ms(mqIdle.rss)} per MQTT client, connected and subscribed (${parts(mqIdle)})`);
    print('   (file-backed: pages of the database file the server maps, read when each socket signs in)');
    print(`   ratio Atrium / mosquitto: ${(atrIdle.rss / mqIdle.rss).toFixed(2)}`);
    print(`   aim ≤ 4 KB (4096 B) per idle connection: ${atrIdle.rss <= 4096 ? 'met' : 'not met'}`);
    print('');
    const dm = median(dur.map((r) => r.per_s)), hm = median(hl.map((r) => r.per_s));
    print(`3. durable sends to one conversation (${PER} members, none online): ${SENDERS} connections, each sending again once answered;`);
    print(`   ${ROUNDS} rounds of 3 s, interleaved with the reference, medians`);
    print(`   Atrium sends:       ${f0(dm)}/s, answer p50 ${f1(median(dur.map((r) => r.ack_p50_ms)))} ms, p99 ${f1(median(dur.map((r) => r.ack_p99_ms)))} ms; server ${median(dur.map((r) => r.server_cpu)).toFixed(2)} cores, client ${median(dur.map((r) => r.client_cpu)).toFixed(2)}`);
    print(`   ref: GET /health:   ${f0(hm)}/s; server ${median(hl.map((r) => r.server_cpu)).toFixed(2)} cores, client ${median(hl.map((r) => r.client_cpu)).toFixed(2)}`);
    print(`   ratio sends / health: ${(dm / hm).toFixed(2)}; ${dur.reduce((a, r) => a + r.errors, 0)} errors`);
    print(`   stored: ${stored} text messages in the database; answered 201 in this run: ${fanStored + 1 + durAnswered} (fan-out, sample, sends with warm-ups)`);
    print(`   aim ≥ 20,000 durable sends/s: ${dm >= 20000 ? 'met' : 'not met'}`);
    print('');
    print(`bench/im took ${secs(t00)} s`);
    console.log(out.join('\n'));
  } finally {
    for (const stop of mqttStops) await stop().catch(() => {});
    await srv.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => { say(err.stack || String(err)); process.exit(1); });
