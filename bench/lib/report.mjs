// The tables `npm run bench` prints (the JSON it writes holds the same figures and more).

export const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const triple = (s) => (s && s.count ? `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)}` : 'n/a');
const signed = (value) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(1)}` : 'n/a');

export function table(title, header, rows) {
  const widths = header.map((_, column) => Math.max(header[column].length, ...rows.map((row) => String(row[column] ?? '').length)));
  const line = (row) => row.map((cell, column) => String(cell ?? '').padEnd(widths[column])).join('  ').trimEnd();
  console.log(`\n${title}\n${line(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}

const statusText = (phase) =>
  Object.entries(phase.statuses)
    .filter(([status]) => status !== '201')
    .map(([status, count]) => `${status}×${count}`)
    .join(' ') || '-';

const guarantees = (phase) => `lost ${phase.lost}, missed ${phase.missed}, dup ${phase.duplicates}, disorder ${phase.outOfOrder}`;

/** A phase's CPU per unit of work, per process (the bench client left out), and the apps' sum. */
function cpuPerUnit(cpu) {
  const perProcess = Object.entries(cpu.msPerDelivered)
    .filter(([name]) => name !== 'bench client')
    .map(([name, ms]) => `${name} ${fmt(ms, 2)}`)
    .join(', ');
  return `${perProcess}; Parley apps ${fmt(cpu.appsMsPerDelivered, 2)}`;
}

export function printResults(results) {
  const { baseline, settings } = results;
  const inFlight = settings.inFlight;
  if (baseline) {
    table(
      'Raw MongoDB (w:majority, j:true), the baseline',
      ['what', 'rate', 'p50 / p95 / p99 ms'],
      [
        ['insertOne, 1 in flight', `${fmt(baseline.insertsPerSecondOneAtATime, 0)}/s`, triple(baseline.insertMsOneAtATime)],
        [`insertOne, ${inFlight} in flight`, `${fmt(baseline.insertsPerSecondInFlight, 0)}/s`, triple(baseline.insertMsInFlight)],
        ['txn message+outbox, 1 in flight', `${fmt(baseline.transactionsPerSecondOneAtATime, 0)}/s`, triple(baseline.transactionMsOneAtATime)],
        [`txn message+outbox, ${inFlight} in flight`, `${fmt(baseline.transactionsPerSecondInFlight, 0)}/s`, triple(baseline.transactionMsInFlight)],
        ...(baseline.kafkaRoundTrip
          ? [['Kafka request-reply (kafkajs), 1 in flight', `${fmt(1000 / baseline.kafkaRoundTrip.roundTripMs.p50, 0)}/s`, triple(baseline.kafkaRoundTrip.roundTripMs)]]
          : []),
      ],
    );
  }

  const txP50 = baseline?.transactionMsOneAtATime.p50;
  const txRate = baseline?.transactionsPerSecondInFlight;
  const rows = [];
  const add = (name, phase, rate, ratio) => {
    if (!phase) return;
    rows.push([name, rate, `${phase.accepted}/${phase.sent}`, triple(phase.sendMs), triple(phase.deliveryMs), statusText(phase), guarantees(phase), ratio]);
  };
  const { sequential, concurrent, sustained, openLoop, overload } = results;
  add('1 in flight (wait for delivery)', sequential, `${fmt(sequential?.messagesPerSecond, 0)}/s`, '');
  add(`${inFlight} in flight (wait for delivery), ${settings.concurrent} msgs`, concurrent, `${fmt(concurrent?.messagesPerSecond, 0)}/s`, fmt(concurrent?.messagesPerSecond / txRate, 3));
  add(`sustained: ${inFlight} in flight for ${settings.sustainedSeconds} s`, sustained, `${fmt(sustained?.messagesPerSecond, 0)}/s`, fmt(sustained?.ratioToTransactionRate, 3));
  add(`open loop: ${settings.openRate}/s offered for ${settings.openSeconds} s`, openLoop, `${fmt(openLoop?.acceptedPerSecond, 0)}/s`, fmt(openLoop?.acceptedPerSecond / txRate, 3));
  add(`overload: ${fmt(overload?.offeredRate, 0)}/s offered for ${settings.overloadSeconds} s`, overload, `${fmt(overload?.acceptedPerSecond, 0)}/s`, fmt(overload?.acceptedPerSecond / txRate, 3));
  if (rows.length) {
    table(
      `Parley sends over ${settings.rooms} rooms from ${settings.senders} senders, bob on ${settings.sockets} sockets (send = HTTP 201, delivery = first socket; ms p50 / p95 / p99)`,
      ['phase', 'rate', '201/sent', 'send', 'delivery', 'other answers', 'guarantees (socket-message pairs)', `÷ txn ${inFlight}-in-flight rate`],
      rows,
    );
    const deltas = [];
    if (sequential) deltas.push(['1 in flight', signed(sequential.sendMs.p50 - txP50), signed(sequential.deliveryMs.p50 - txP50), signed(sequential.deliveryMs.p50 - sequential.sendMs.p50)]);
    if (openLoop) deltas.push([`open loop ${settings.openRate}/s`, signed(openLoop.sendP50MinusTransactionP50), signed(openLoop.deliveryMs.p50 - txP50), signed(openLoop.deliveryP50MinusSendP50)]);
    if (deltas.length) table(`Overhead above a raw transaction (p50 ${fmt(txP50)} ms), ms`, ['phase', 'send p50 − txn p50', 'delivery p50 − txn p50', 'delivery p50 − send p50'], deltas);
    // A send is at least one transaction and one Kafka round trip (command and reply): what is left is Parley's own.
    const kafkaP50 = baseline?.kafkaRoundTrip?.roundTripMs.p50;
    if (sequential && Number.isFinite(kafkaP50)) {
      console.log(`1 in flight: send p50 − (txn p50 + Kafka round trip p50 ${fmt(kafkaP50)} ms) = ${signed(sequential.sendMs.p50 - txP50 - kafkaP50)} ms`);
    }
    if (sequential?.traced) {
      const { traced, total, hops } = sequential.traced;
      table(
        `Where a send's time went, 1 in flight (BENCH_TRACE: ${traced} traced sends, gateway HTTP span ${triple(total)} ms; tracing adds its own cost)`,
        ['hop', 'p50 / p95 / p99 ms'],
        hops.map(({ hop, ms }) => [hop, triple(ms)]),
      );
    }
  }
  for (const [name, phase] of [['open loop', openLoop], ['overload', overload]]) {
    if (!phase) continue;
    console.log(
      `${name}: the bench fired late by p50 / p99 ${fmt(phase.scheduleLagMs.p50)} / ${fmt(phase.scheduleLagMs.p99)} ms (latencies count from the schedule; ` +
        `send from firing p50 / p99 ${fmt(phase.sendFromFireMs.p50)} / ${fmt(phase.sendFromFireMs.p99)} ms), last answer ${fmt(phase.elapsedSeconds)} s after the start`,
    );
  }
  if (overload) {
    const a503 = overload.answerMs['503'];
    const f503 = overload.answerFromFireMs['503'];
    table(
      `Overload: ${fmt(overload.offeredRate, 0)}/s offered (${settings.overloadFactor}× sustained) for ${settings.overloadSeconds} s`,
      ['accepted', 'send p99', 'delivery p99', '503', '503 with Retry-After', '503 answer p50 / p99 (from fired)', 'other statuses', 'lost of accepted', 'last answer after'],
      [[
        `${overload.accepted}/${overload.sent}`,
        fmt(overload.sendMs.p99),
        fmt(overload.deliveryMs.p99),
        overload.statuses['503'] ?? 0,
        overload.retryAfterOn503,
        a503 ? `${fmt(a503.p50)} / ${fmt(a503.p99)} (${fmt(f503.p50)} / ${fmt(f503.p99)})` : 'n/a',
        Object.entries(overload.statuses).filter(([s]) => s !== '201' && s !== '503').map(([s, n]) => `${s}×${n}`).join(' ') || '-',
        overload.lost,
        `${fmt(overload.elapsedSeconds)} s`,
      ]],
    );
  }

  const cpuPhases = [['concurrent', concurrent], ['sustained', sustained], ['open loop', openLoop], ['overload', overload]].filter(([, phase]) => phase?.cpu);
  if (cpuPhases.length) {
    const names = Object.keys(cpuPhases[0][1].cpu.msPerDelivered);
    // An app's figure carries the part its garbage collector took, from the app's own metrics: `1.30 (gc 0.20)`.
    const withGc = (phase, name) => {
      const gc = phase.cpu.gcMsPerDelivered?.[name]?.total;
      return Number.isFinite(gc) ? `${fmt(phase.cpu.msPerDelivered[name], 2)} (gc ${fmt(gc, 2)})` : fmt(phase.cpu.msPerDelivered[name], 2);
    };
    const cpuRows = names.map((name) => [name, ...cpuPhases.flatMap(([, phase]) => [withGc(phase, name), fmt(phase.cpu.cores[name], 2)])]);
    cpuRows.push(['Parley apps (sum)', ...cpuPhases.flatMap(([, phase]) => [fmt(phase.cpu.appsMsPerDelivered, 2), fmt(phase.cpu.appsCores, 2)])]);
    cpuRows.push(['servers (sum)', ...cpuPhases.flatMap(([, phase]) => [fmt(phase.cpu.serversMsPerDelivered, 2), fmt(phase.cpu.serversCores, 2)])]);
    cpuRows.push(['machine (all processes)', ...cpuPhases.flatMap(([, phase]) => [fmt(phase.cpu.machineMsPerDelivered, 2), fmt(phase.cpu.machineCores, 2)])]);
    table(
      "CPU per delivered message (ms) and cores used, per process (with its descendants), from /proc/<pid>/stat; an app's garbage collection in brackets, from its /metrics",
      ['process', ...cpuPhases.flatMap(([name, phase]) => [`${name} ms/msg (${phase.delivered})`, 'cores'])],
      cpuRows,
    );
  }

  const { idle, memory } = results;
  if (idle || memory) {
    const names = Object.keys(memory?.idle ?? idle?.cores ?? {});
    const peakPhases = Object.keys(memory?.peak ?? {});
    const memRows = names.map((name) => [
      name,
      idle ? fmt(idle.cores[name], 3) : '',
      fmt(memory?.idle[name], 0),
      fmt(memory?.idlePss?.[name], 0),
      fmt(memory?.idleUss?.[name], 0),
      ...peakPhases.map((phase) => fmt(memory.peak[phase][name], 0)),
    ]);
    if (idle) {
      memRows.push(['Parley apps (sum)', fmt(idle.appsCores, 3), fmt(memory?.idleAppsSum, 0), '', '', ...peakPhases.map(() => '')]);
      memRows.push(['system under test (sum)', fmt(idle.systemCores, 3), '', '', '', ...peakPhases.map(() => '')]);
      memRows.push(['machine (all processes)', fmt(idle.machineCores, 3), '', '', '', ...peakPhases.map(() => '')]);
    }
    table(
      `Idle ${idle ? `(nothing sent for ${settings.idleSeconds} s, bob's sockets connected)` : '(idle phase skipped)'} and memory (MB: VmRSS; Pss, which shares the Node binary's pages among the apps; private, which counts none of them; RSS peaks sampled every 250 ms)`,
      ['process', 'idle cores', 'idle RSS', 'idle PSS', 'idle private', ...peakPhases.map((phase) => `peak ${phase}`)],
      memRows,
    );
  }

  const { fanout, paging, support, omnichannel, m2m } = results;
  if (fanout) {
    console.log(`\nfan-out to ${fanout.members} sockets of one channel, ${fanout.messages} messages at ${fanout.ratePerSecond}/s (ms from send, p50 / p95 / p99):`);
    if (fanout.sendMs) console.log(`  send (201)    ${triple(fanout.sendMs)}`);
    console.log(`  each socket   ${triple(fanout.perSocketMs)}`);
    console.log(`  last socket   ${triple(fanout.lastSocketMs)}`);
  }
  if (support) {
    console.log(`\nsupport routing, an inbox of ${support.agents} online agents (ms, p50 / p95 / p99):`);
    if (support.opens > 0) {
      console.log(`  open (HTTP 201)             ${triple(support.openMs)}`);
      console.log(`  open → support_assigned     ${triple(support.openToAssignedMs)}   (${support.opens} rooms one at a time)`);
    }
    if (support.burst) {
      const { burst } = support;
      const ratio = burst.ratioToTransactionRate !== undefined ? ` = ${fmt(burst.ratioToTransactionRate, 3)}× the raw transaction rate (${results.settings.inFlight} in flight)` : '';
      console.log(`  ${burst.rooms} opened at once (${burst.inFlight} in flight): all assigned in ${fmt(burst.seconds, 2)} s, ${fmt(burst.assignmentsPerSecond, 0)} assignments/s${ratio}`);
      console.log(`  CPU ms per assignment (open with a first message, routing, mirror, pushes): ${cpuPerUnit(burst.cpu)}`);
    }
  }
  if (omnichannel) {
    console.log(`\nSMS through the Twilio stand-in (ms, p50 / p95 / p99):`);
    if (omnichannel.inbound > 0) {
      console.log(`  inbound webhook answered (200)        ${triple(omnichannel.webhookMs)}`);
      console.log(`  inbound webhook → agent's socket      ${triple(omnichannel.webhookToSocketMs)}   (${omnichannel.inbound} one at a time)`);
    }
    if (omnichannel.outbound) {
      const out = omnichannel.outbound;
      console.log(`  outbound: ${out.messages} SMS to ${out.rooms} contacts (${out.inFlight} in flight) all at the stand-in in ${fmt(out.seconds, 2)} s = ${fmt(out.sendsPerSecond, 0)}/s; the stand-in alone through the SDK ${fmt(out.standInPerSecond, 0)}/s (ratio ${fmt(out.ratioToStandIn, 3)})`);
      console.log(`  CPU ms per outbound SMS (store, request, provider call, status): ${cpuPerUnit(out.cpu)}`);
    }
  }
  if (m2m) {
    console.log(`\nm2m bulk create, ${m2m.batches} batches of ${m2m.batchSize} listing messages (ms per batch, p50 / p95 / p99):`);
    console.log(`  POST /m2m/conversationmessage/bulk-create   ${triple(m2m.batchMs)}   ${fmt(m2m.messagesPerSecond, 0)} messages/s`);
    console.log(`  MongoDB insertMany of as many documents    ${triple(m2m.rawBatchMs)}   ${fmt(m2m.rawPerSecond, 0)} documents/s   (ratio ${fmt(m2m.ratioToInsertMany, 3)})`);
    if (m2m.unreadCaughtUpMs !== undefined) {
      console.log(`  after the last answer: every message pushed to the seller's socket in ${fmt(m2m.pushedAllMs, 0)} ms, counted in their unread count in ${fmt(m2m.unreadCaughtUpMs, 0)} ms`);
    }
  }
  if (paging) {
    console.log(`\npaging with ${paging.rooms} rooms and ${paging.messages} messages (ms, p50 / p95 / p99; API vs the same MongoDB query):`);
    for (const name of ['roomsFirstPage', 'roomsDeepPage', 'messagesFirstPage', 'messagesDeepPage']) {
      const { api, mongo } = paging[name];
      console.log(`  ${name.padEnd(18)} API ${triple(api)}   MongoDB ${triple(mongo)}   p50 ratio ${fmt(api.p50 / mongo.p50, 1)}`);
    }
  }
}
