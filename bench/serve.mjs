#!/usr/bin/env node
// The load benchmark, side by side: a served hub and PostGraphile on one PostgreSQL
// database holding a generated city, the same concurrency, the same run.
//
//   node bench/serve.mjs [--people 100000] [--clients 16] [--seconds 10] [--json]
//        [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--hub target/release/hub]
//
// It creates a scratch database, generates the city into it (`hub bench city`), creates an
// analyst token, starts `hub serve` and PostGraphile 4 (npm `postgraphile`, installed under
// target/bench-postgraphile on first use) on that database, then runs each query alone from
// N concurrent clients for the given seconds (after one warm-up request) and reports
// requests per second and p50/p99 latency per query. The hub's people page writes its audit
// entry (a personal-data read) on every request, as in production. Everything it started
// is stopped and the scratch database dropped at the end.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
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
const adminUrl = args.postgres ?? "postgres://postgres@127.0.0.1:5432/postgres";
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const hubBin = path.resolve(args.hub ?? path.join(root, "target/release/hub"));
const postgraphileDir = path.join(root, "target/bench-postgraphile");
const HUB_PORT = 18_480;
const POSTGRAPHILE_PORT = 18_481;
const AS_OF = "2020-02-17T12:00:00+08:00";

const log = (...m) => console.error("[bench serve]", ...m);
const database = `hub_bench_serve_${process.pid}`;
const dbUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
})();

function run(cmd, argv, env = {}) {
  const result = spawnSync(cmd, argv, { encoding: "utf8", env: { ...process.env, ...env } });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${argv.join(" ")} failed: ${result.stderr || result.stdout}`);
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
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

async function waitFor(port, what) {
  for (let i = 0; i < 600; i++) {
    try {
      const r = await post(port, { "content-type": "application/json" }, JSON.stringify({ query: "{ __typename }" }));
      if (r.status < 500) return;
    } catch {}
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`${what} did not start`);
}

/// Runs one query from `clients` loops for `seconds`; every answer must be a 200 without errors.
async function load(name, port, headers, query) {
  const body = JSON.stringify({ query });
  const first = await post(port, headers, body);
  const parsed = JSON.parse(first.body);
  if (first.status !== 200 || parsed.errors) {
    throw new Error(`${name}: ${first.status} ${first.body.slice(0, 400)}`);
  }
  const latencies = [];
  let failures = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const r = await post(port, headers, body);
        if (r.status !== 200 || r.body.includes('"errors"')) failures++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.round((latencies.length - 1) * p))];
  return {
    query: name,
    requests: latencies.length,
    failures,
    req_per_s: latencies.length / elapsed,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
  };
}

const children = [];
function cleanup() {
  for (const child of children) child.kill("SIGTERM");
  try {
    psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } catch (e) {
    log(`could not drop ${database}: ${e.message}`);
  }
}

async function main() {
  if (!existsSync(hubBin)) throw new Error(`no hub binary at ${hubBin}: cargo build --release`);
  if (!existsSync(path.join(postgraphileDir, "node_modules/.bin/postgraphile"))) {
    log("installing postgraphile@4 into", postgraphileDir);
    run("npm", ["install", "--no-audit", "--no-fund", "--prefix", postgraphileDir, "postgraphile@4"]);
  }
  const postgraphileVersion = JSON.parse(
    readFileSync(path.join(postgraphileDir, "node_modules/postgraphile/package.json"), "utf8"),
  ).version;
  psql(`CREATE DATABASE ${database}`);
  log(`generating ${people} people into ${database}`);
  const generated = run(hubBin, ["--database-url", dbUrl, "bench", "city", "--people", String(people)]);
  log(generated.trim());
  const token = JSON.parse(
    run(hubBin, ["--database-url", dbUrl, "token", "create", "--unit", "fao", "--role", "analyst", "--name", "bench", "--json"]),
  ).token;

  const hub = spawn(hubBin, ["--database-url", dbUrl, "serve", "--bind", `127.0.0.1:${HUB_PORT}`], {
    env: { ...process.env, HUB_HTTP__RATE_LIMIT_PER_MINUTE: "0", RUST_LOG: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(hub);
  const postgraphile = spawn(
    path.join(postgraphileDir, "node_modules/.bin/postgraphile"),
    ["-c", dbUrl, "--host", "127.0.0.1", "--port", String(POSTGRAPHILE_PORT), "--disable-query-log", "--schema", "public"],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  children.push(postgraphile);
  await waitFor(HUB_PORT, "hub serve");
  await waitFor(POSTGRAPHILE_PORT, "PostGraphile");

  const hubHeaders = { "content-type": "application/json", authorization: `Bearer ${token}` };
  const plain = { "content-type": "application/json" };
  const results = [];
  const hubQueries = [
    ["overview", `{ overview(asOf: "${AS_OF}") { knownPeople presentPeople countries managingUnits arrivals departures expiringVisas expiredVisas } }`],
    ["countsBy(NATIONALITY)", `{ countsBy(dimension: NATIONALITY, asOf: "${AS_OF}") { key label count } }`],
    ["presentTrend (30 days)", `{ presentTrend(from: "2020-01-19", to: "2020-02-17") { day present } }`],
    ["people page (100, 2 relations)", `{ people(first: 100, filter: { nationality: ["KOR"] }) { totalCount edges { node { documentNumber name visaStatus present affiliations { role organization { name } } documents { kind validUntil } } } } }`],
  ];
  for (const [name, query] of hubQueries) {
    log(`hub: ${name}`);
    results.push({ server: "hub", ...(await load(name, HUB_PORT, hubHeaders, query)) });
  }
  log("PostGraphile: people page");
  results.push({
    server: `PostGraphile ${postgraphileVersion}`,
    ...(await load(
      "people page (100, 2 relations)",
      POSTGRAPHILE_PORT,
      plain,
      `{ allPeople(first: 100, condition: { nationality: "KOR" }) { totalCount nodes { documentNumber latinName chineseName affiliationsByPersonId { nodes { role organizationByOrganizationId { name } } } identityDocumentsByPersonId { nodes { kind validUntil } } } } }`,
    )),
  });
  const page = (server) => results.find((r) => r.query.startsWith("people page") && r.server.startsWith(server));
  const ratio = page("hub").req_per_s / page("PostGraphile").req_per_s;
  const report = { people, clients, seconds, cpus: (await import("node:os")).cpus().length, results, page_hub_over_postgraphile: ratio };
  if (args.json === "true") {
    console.log(JSON.stringify(report));
  } else {
    console.log(`bench/serve.mjs: ${people} people on PostgreSQL, ${clients} concurrent clients, ${seconds} s per query, ${report.cpus} CPUs`);
    console.log(`${"server".padEnd(20)} ${"query".padEnd(32)} ${"req/s".padStart(9)} ${"p50 ms".padStart(9)} ${"p99 ms".padStart(9)} ${"failed".padStart(7)}`);
    for (const r of results) {
      console.log(
        `${r.server.padEnd(20)} ${r.query.padEnd(32)} ${r.req_per_s.toFixed(0).padStart(9)} ${r.p50_ms.toFixed(2).padStart(9)} ${r.p99_ms.toFixed(2).padStart(9)} ${String(r.failures).padStart(7)}`,
      );
    }
    const cityWide = results.filter((r) => r.server === "hub" && !r.query.startsWith("people page"));
    console.log(`targets: the hub's page ≥ 2× PostGraphile's: ${ratio.toFixed(2)}× ${ratio >= 2 ? "ok" : "MISSED"}`);
    for (const r of cityWide) {
      const over = r.req_per_s / page("PostGraphile").req_per_s;
      console.log(`  ${r.query} ≥ 10× PostGraphile's page: ${over.toFixed(1)}× ${over >= 10 ? "ok" : "MISSED"}`);
    }
  }
}

process.on("SIGINT", () => {
  cleanup();
  process.exit(130);
});
try {
  await main();
  cleanup();
} catch (error) {
  log(error.message);
  cleanup();
  process.exit(1);
}
