#!/usr/bin/env node
// The load benchmark, side by side: a served hub and PostGraphile on one PostgreSQL
// database holding a generated city, the same concurrency, the same run.
//
//   node bench/serve.mjs [--people 100000] [--clients 16] [--seconds 10] [--no-alone]
//        [--postgraphile 5|4] [--json] [--keep-database]
//        [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--hub target/release/hub]
//
// It creates a scratch database, generates the city into it (`hub bench city`), creates an
// analyst token and starts `hub serve` and PostGraphile on that database. Then:
//
// 1. the dashboard mix: N concurrent keep-alive clients, each asking in turn `overview`,
//    `countsBy(NATIONALITY)`, `presentTrend` (30 days) and the 100-person page with
//    documents and affiliations (each client starts at a different place in the cycle),
//    for --seconds; requests per second and p50/p99 latency per query within the mix and
//    overall;
// 2. beside it, the same page (the same 100 people, their documents and affiliations) asked
//    of PostGraphile by the same number of clients for the same time;
// 3. the hub's page alone from N clients, right before PostGraphile's (the two compared);
// 4. each of the hub's city-wide queries alone from N clients (unless --no-alone).
//
// Each phase runs after the one before (never two servers loaded at once) and starts with
// one warm-up request per query; every answer must be a 200 without errors. The hub's page
// writes its audit entry (a personal-data read) on every request, as in production.
//
// PostGraphile 5 (npm `postgraphile@5`, preset `postgraphile/presets/amber`) is tried first.
// It needs Node 22 or later (it calls `Promise.withResolvers`; on Node 20 every connection
// query fails with "Cannot read properties of undefined (reading 'items')"), so when this
// node is older the script installs npm `node@22` beside it and runs PostGraphile with that.
// If PostGraphile 5 cannot start or answer the page, PostGraphile 4 (npm `postgraphile@4`)
// runs instead and the output says why. Both are installed under target/ on first use.
//
// Everything it started is stopped and the scratch database dropped at the end (also on
// an error, SIGINT or SIGTERM). The output is a markdown table and the figures as JSON
// (--json: the JSON only).

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) {
      const next = all[i + 1];
      pairs.push([arg.slice(2), next && !next.startsWith("--") ? next : "true"]);
    }
    return pairs;
  }, []),
);
const people = Number(args.people ?? 100000);
const clients = Number(args.clients ?? 16);
const seconds = Number(args.seconds ?? 10);
const alone = args["no-alone"] !== "true";
const wantPostGraphile = String(args.postgraphile ?? "5");
const adminUrl = args.postgres ?? "postgres://postgres@127.0.0.1:5432/postgres";
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const hubBin = path.resolve(args.hub ?? path.join(root, "target/release/hub"));
const HUB_PORT = Number(args["hub-port"] ?? 18_480);
const POSTGRAPHILE_PORT = Number(args["postgraphile-port"] ?? 18_481);
const AS_OF = "2020-02-17T12:00:00+08:00";

const log = (...m) => console.error("[bench serve]", ...m);
const database = `hub_bench_serve_${process.pid}`;
const dbUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
})();

/// The hub's dashboard mix, in the order each client asks them.
const HUB_QUERIES = [
  [
    "overview",
    `{ overview(asOf: "${AS_OF}") { knownPeople presentPeople countries managingUnits arrivals departures expiringVisas expiredVisas } }`,
  ],
  ["countsBy(NATIONALITY)", `{ countsBy(dimension: NATIONALITY, asOf: "${AS_OF}") { key label count } }`],
  ["presentTrend (30 days)", `{ presentTrend(from: "2020-01-19", to: "2020-02-17") { day present } }`],
  [
    "people page (100, 2 relations)",
    `{ people(first: 100, filter: { nationality: ["KOR"] }) { totalCount edges { node { documentNumber name present visaStatus affiliations { role organization { name } } documents { kind number validUntil } } } } }`,
  ],
];
const PAGE = HUB_QUERIES[3][0];

/// The same page of PostGraphile: the first 100 Korean nationals with their names, their
/// affiliations (role, organisation) and documents (kind, number, valid until). It cannot
/// ask the derived `present` and `visaStatus` (no SQL function computes them).
const POSTGRAPHILE_PAGE =
  "{ allPeople(first: 100, condition: { nationality: \"KOR\" }) { totalCount nodes { documentNumber latinName chineseName affiliationsByPersonId { nodes { role organizationByOrganizationId { name } } } identityDocumentsByPersonId { nodes { kind number validUntil } } } } }";

function run(cmd, argv, options = {}) {
  const result = spawnSync(cmd, argv, {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    ...options,
    env: { ...process.env, ...(options.env ?? {}) },
  });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${argv.join(" ")} failed: ${result.error ?? ""}${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

const psql = (sql) => run("psql", [adminUrl, "-v", "ON_ERROR_STOP=1", "-qAtc", sql]);

const agent = new http.Agent({ keepAlive: true, maxSockets: clients * 2 });

function post(port, headers, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: "127.0.0.1", port, path: "/graphql", method: "POST", agent, headers },
      (response) => {
        const chunks = [];
        response.on("data", (c) => chunks.push(c));
        response.on("end", () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/// Waits until the server on `port` answers GraphQL, or `child` has exited.
async function waitFor(port, what, child) {
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it answered`);
    }
    try {
      const r = await post(port, { "content-type": "application/json" }, JSON.stringify({ query: "{ __typename }" }));
      if (r.status < 500) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`${what} did not start within 120 s`);
}

/// One answer checked: a 200 without errors, else the error (the first 400 characters).
async function check(port, headers, query) {
  const r = await post(port, headers, JSON.stringify({ query }));
  let parsed = null;
  try {
    parsed = JSON.parse(r.body);
  } catch {}
  if (r.status !== 200 || !parsed || parsed.errors) {
    return `${r.status} ${r.body.slice(0, 400)}`;
  }
  return null;
}

function figures(name, latencies, failures, elapsed) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.round((sorted.length - 1) * p))] : 0);
  return {
    query: name,
    requests: sorted.length,
    failures,
    req_per_s: sorted.length / elapsed,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
  };
}

/// Runs `queries` from `clients` loops for `seconds`, each client asking them in turn (client
/// i starts at query i); the figures per query and overall.
async function load(port, headers, queries) {
  for (const [name, query] of queries) {
    const error = await check(port, headers, query);
    if (error) throw new Error(`${name}: ${error}`);
  }
  const bodies = queries.map(([, query]) => JSON.stringify({ query }));
  const latencies = queries.map(() => []);
  const failures = queries.map(() => 0);
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      let next = client % queries.length;
      while (performance.now() < end) {
        const q = next;
        next = (next + 1) % queries.length;
        const t = performance.now();
        try {
          const r = await post(port, headers, bodies[q]);
          if (r.status !== 200 || r.body.includes('"errors"')) failures[q]++;
        } catch {
          failures[q]++;
        }
        latencies[q].push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const rows = queries.map(([name], i) => figures(name, latencies[i], failures[i], elapsed));
  const overall =
    queries.length > 1
      ? figures("all (the mix)", latencies.flat(), failures.reduce((a, b) => a + b, 0), elapsed)
      : null;
  return { rows, overall, seconds: elapsed };
}

const children = new Set();

/// Starts a server; its stderr goes to ours (prefixed), its stdout is dropped.
function start(what, cmd, argv, options = {}) {
  const child = spawn(cmd, argv, { stdio: ["ignore", "ignore", "pipe"], ...options });
  child.stderr.on("data", (chunk) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) log(`${what}: ${line}`);
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

/// Stops a child: SIGTERM, then SIGKILL after 5 s.
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((ok) => child.once("exit", ok));
  child.kill("SIGTERM");
  const killed = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!killed) {
    child.kill("SIGKILL");
    await exited;
  }
}

function npmInstall(dir, packages) {
  log(`installing ${packages.join(" ")} into ${dir}`);
  run("npm", ["install", "--no-audit", "--no-fund", "--prefix", dir, ...packages]);
}

const versionOf = (dir, pkg) => JSON.parse(readFileSync(path.join(dir, "node_modules", pkg, "package.json"), "utf8")).version;

/// PostGraphile 5 with the amber preset, run by a Node 22 or later (npm `node@22` beside it
/// when this one is older).
async function startPostGraphile5() {
  const dir = path.join(root, "target/bench-postgraphile5");
  const major = Number(process.versions.node.split(".")[0]);
  const packages = ["postgraphile@5"];
  if (major < 22) packages.push("node@22");
  if (!existsSync(path.join(dir, "node_modules/postgraphile/package.json")) || (major < 22 && !existsSync(path.join(dir, "node_modules/.bin/node")))) {
    npmInstall(dir, packages);
  }
  const nodeBin = major < 22 ? path.join(dir, "node_modules/.bin/node") : process.execPath;
  const nodeVersion = run(nodeBin, ["--version"]).trim();
  const child = start(
    "PostGraphile 5",
    nodeBin,
    [
      path.join(dir, "node_modules/postgraphile/dist/cli-run.js"),
      "-P",
      "postgraphile/presets/amber",
      "-c",
      dbUrl,
      "-s",
      "public",
      "-n",
      "127.0.0.1",
      "-p",
      String(POSTGRAPHILE_PORT),
    ],
    { cwd: dir, env: { ...process.env, GRAPHILE_ENV: "production" } },
  );
  return { child, version: versionOf(dir, "postgraphile"), node: nodeVersion };
}

/// PostGraphile 4 (its own query log off).
async function startPostGraphile4() {
  const dir = path.join(root, "target/bench-postgraphile");
  if (!existsSync(path.join(dir, "node_modules/.bin/postgraphile"))) npmInstall(dir, ["postgraphile@4"]);
  const child = start("PostGraphile 4", path.join(dir, "node_modules/.bin/postgraphile"), [
    "-c",
    dbUrl,
    "--host",
    "127.0.0.1",
    "--port",
    String(POSTGRAPHILE_PORT),
    "--disable-query-log",
    "--schema",
    "public",
  ]);
  return { child, version: versionOf(dir, "postgraphile"), node: process.version };
}

/// The PostGraphile that runs the page: 5 unless it fails (or --postgraphile 4); the reason
/// when 4 runs instead of 5.
async function postGraphile() {
  let fallback = null;
  if (wantPostGraphile !== "4") {
    let started = null;
    try {
      started = await startPostGraphile5();
      await waitFor(POSTGRAPHILE_PORT, "PostGraphile 5", started.child);
      const error = await check(POSTGRAPHILE_PORT, { "content-type": "application/json" }, POSTGRAPHILE_PAGE);
      if (!error) return { ...started, fallback };
      fallback = `PostGraphile ${started.version} failed the page: ${error}`;
    } catch (e) {
      fallback = `PostGraphile 5 did not run: ${e.message}`;
    }
    if (started) await stop(started.child);
    log(`${fallback}; PostGraphile 4 instead`);
  }
  const started = await startPostGraphile4();
  await waitFor(POSTGRAPHILE_PORT, "PostGraphile 4", started.child);
  return { ...started, fallback };
}

let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  await Promise.all([...children].map(stop));
  agent.destroy();
  if (args["keep-database"] === "true") {
    log(`kept ${dbUrl}`);
    return;
  }
  try {
    psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } catch (e) {
    log(`could not drop ${database}: ${e.message}`);
  }
}

const fmt = (n, digits = 1) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function markdown(report) {
  const lines = [];
  lines.push(
    `bench/serve.mjs: ${report.people.toLocaleString("en-US")} people on PostgreSQL, ${report.clients} concurrent clients, ${report.seconds} s per phase, ${report.cpus} CPUs`,
  );
  lines.push(`PostGraphile: ${report.postgraphile.name} on Node ${report.postgraphile.node}${report.postgraphile.fallback ? ` (instead of 5: ${report.postgraphile.fallback})` : ""}`);
  lines.push("");
  lines.push("| phase | server | query | requests | req/s | p50 ms | p99 ms | failed |");
  lines.push("|---|---|---|---|---|---|---|---|");
  for (const r of report.results) {
    lines.push(
      `| ${r.phase} | ${r.server} | ${r.query} | ${r.requests} | ${fmt(r.req_per_s, 0)} | ${fmt(r.p50_ms, 2)} | ${fmt(r.p99_ms, 2)} | ${r.failures} |`,
    );
  }
  lines.push("");
  const t = report.targets;
  lines.push(
    `The page alone: the hub ${fmt(t.page_over_postgraphile, 2)}× PostGraphile's requests per second at the same concurrency (target 2×: ${t.page_over_postgraphile >= 2 ? "met" : "missed"}).`,
  );
  for (const c of t.city_wide) {
    lines.push(
      `${c.query} alone: ${fmt(c.over_postgraphile_page, 1)}× PostGraphile's page (target 10×: ${c.over_postgraphile_page >= 10 ? "met" : "missed"}).`,
    );
  }
  lines.push(
    `In the mix each client asks the four queries in turn (a dashboard's refresh and an analyst's page), so each query's req/s there is its share of the mix's; "alone" is one query from all ${report.clients} clients.`,
  );
  lines.push(`Load average before ${report.load_before.map((l) => l.toFixed(2)).join(" ")}, after ${report.load_after.map((l) => l.toFixed(2)).join(" ")}.`);
  return lines.join("\n");
}

async function main() {
  if (!existsSync(hubBin)) throw new Error(`no hub binary at ${hubBin}: cargo build --release -p hub`);
  const loadBefore = os.loadavg();
  psql(`CREATE DATABASE ${database}`);
  log(`generating ${people} people into ${database}`);
  const generated = run(hubBin, ["--database-url", dbUrl, "bench", "city", "--people", String(people)]);
  log(generated.trim());
  const token = JSON.parse(
    run(hubBin, ["--database-url", dbUrl, "token", "create", "--unit", "fao", "--role", "analyst", "--name", "bench", "--json"]),
  ).token;

  const hub = start("hub", hubBin, ["--database-url", dbUrl, "serve", "--bind", `127.0.0.1:${HUB_PORT}`], {
    env: { ...process.env, HUB_HTTP__RATE_LIMIT_PER_MINUTE: "0", RUST_LOG: "warn" },
  });
  await waitFor(HUB_PORT, "hub serve", hub);
  const pg = await postGraphile();
  const pgName = `PostGraphile ${pg.version}`;

  const hubHeaders = { "content-type": "application/json", authorization: `Bearer ${token}` };
  const plain = { "content-type": "application/json" };
  const results = [];
  log(`hub: the dashboard mix, ${clients} clients, ${seconds} s`);
  const mix = await load(HUB_PORT, hubHeaders, HUB_QUERIES);
  for (const r of [...mix.rows, mix.overall]) results.push({ phase: "mix", server: "hub", ...r });
  // The page alone, then PostGraphile's: the two compared, one right after the other.
  log(`hub: the page alone, ${clients} clients, ${seconds} s`);
  const hubPage = await load(HUB_PORT, hubHeaders, [HUB_QUERIES[3]]);
  results.push({ phase: "alone", server: "hub", ...hubPage.rows[0] });
  log(`${pgName}: the page, ${clients} clients, ${seconds} s`);
  const pgPage = await load(POSTGRAPHILE_PORT, plain, [[PAGE, POSTGRAPHILE_PAGE]]);
  results.push({ phase: "alone", server: pgName, ...pgPage.rows[0] });
  if (alone) {
    for (const query of HUB_QUERIES.slice(0, 3)) {
      log(`hub: ${query[0]} alone`);
      const one = await load(HUB_PORT, hubHeaders, [query]);
      results.push({ phase: "alone", server: "hub", ...one.rows[0] });
    }
  }
  const pgRate = pgPage.rows[0].req_per_s;
  const cityWide = [];
  for (const [name] of HUB_QUERIES.slice(0, 3)) {
    const r = results.find((r) => r.phase === "alone" && r.server === "hub" && r.query === name);
    if (r) cityWide.push({ query: name, over_postgraphile_page: r.req_per_s / pgRate });
  }
  const report = {
    people,
    clients,
    seconds,
    cpus: os.cpus().length,
    load_before: loadBefore,
    load_after: os.loadavg(),
    postgraphile: { name: pgName, version: pg.version, node: pg.node, fallback: pg.fallback },
    results,
    targets: {
      page_over_postgraphile: hubPage.rows[0].req_per_s / pgRate,
      city_wide: cityWide,
    },
  };
  if (args.json === "true") {
    console.log(JSON.stringify(report));
  } else {
    console.log(markdown(report));
    console.log("");
    console.log(JSON.stringify(report));
  }
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    cleanup().finally(() => process.exit(130));
  });
}
let status = 0;
try {
  await main();
} catch (error) {
  log(error.message);
  status = 1;
}
await cleanup();
process.exit(status);
