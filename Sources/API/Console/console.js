// gorb-reconcile's web console: reads GET /events (server-sent events) and acts through the REST
// API. No framework, no build step, nothing from another origin (the page's CSP forbids it).
//
// The stream is read with fetch(), not EventSource, because EventSource cannot send the bearer
// token; reconnecting (with Last-Event-ID and the server's retry:) is done here instead.
"use strict";

const TOKEN_KEY = "gorb-token";
const SPARK_POINTS = 90;          // 3 minutes of 2 s samples
const WATCHDOG_MS = 10000;        // no byte for this long (stats come every 2 s): reconnect

const state = {
  services: new Map(),            // id -> {json, data, body, search, spark: []}
  order: [],
  globals: {},
  stats: null,
  lastId: null,
  retry: 2000,
  auth: "none",
  readOnly: false,
  controller: null,
  renders: 0,                     // services rendered: the test and the benchmark read it
  timings: {},                    // event name -> {at, bytes, parse, apply} (ms) of the last one
};

const $ = (id) => document.getElementById(id);
const token = () => sessionStorage.getItem(TOKEN_KEY);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("data-") || key.startsWith("aria-") || key === "scope" || key === "title" || key === "type" || key === "role" || key === "colspan") node.setAttribute(key, value === true ? "" : value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// ---------- the stream ----------

async function connect() {
  if (state.controller) state.controller.abort();
  const controller = new AbortController();
  state.controller = controller;
  const headers = { Accept: "text/event-stream" };
  if (token()) headers.Authorization = "Bearer " + token();
  if (state.lastId) headers["Last-Event-ID"] = state.lastId;
  let watchdog = null;
  const arm = () => { clearTimeout(watchdog); watchdog = setTimeout(() => controller.abort(), WATCHDOG_MS); };
  try {
    setConnection("connecting…", "pending");
    const response = await fetch("/events", { headers, signal: controller.signal, cache: "no-store" });
    if (response.status === 401) {
      const body = await response.json().catch(() => ({}));
      setConnection("the API refused the token", "down");
      askToken(body.error || "this API needs a token");
      return;
    }
    if (!response.ok) throw new Error(await apiError(response));
    setConnection("live", "up");
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    arm();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      arm();
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
    throw new Error("the stream ended");
  } catch (error) {
    if (controller !== state.controller) return;   // replaced by a newer connection
    setConnection(`disconnected (${error.message || error}); reconnecting in ${state.retry / 1000} s`, "down");
    setTimeout(connect, state.retry);
  } finally {
    clearTimeout(watchdog);
  }
}

function dispatch(block) {
  let event = "message", data = "", id = null;
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data += (data ? "\n" : "") + value;
    else if (field === "id") id = value;
    else if (field === "retry" && /^\d+$/.test(value)) state.retry = Number(value);
  }
  if (id !== null) state.lastId = id;
  if (!data) return;
  const start = performance.now();
  const payload = JSON.parse(data);
  const parsed = performance.now();
  if (event === "snapshot") applySnapshot(payload);
  else if (event === "change") applyChange(payload);
  else if (event === "stats") applyStats(payload);
  // The cost of each kind of event, for scripts/bench-ui.
  state.timings[event] = { at: start, bytes: data.length, parse: parsed - start, apply: performance.now() - parsed };
  document.body.dataset.version = state.lastId || "";
}

function setConnection(text, kind) {
  const node = $("connection");
  node.textContent = text;
  node.dataset.state = kind;
}

// ---------- applying events: only what changed is rendered ----------

function applySnapshot(payload) {
  const seen = new Set();
  for (const service of payload.services) { upsert(service); seen.add(service.id); }
  for (const id of [...state.services.keys()]) if (!seen.has(id)) removeService(id);
  reorder(payload.services.map((s) => s.id));
  applyGlobals(payload);
}

function applyChange(payload) {
  for (const service of payload.services || []) upsert(service);
  if (payload.order) {
    const keep = new Set(payload.order);
    for (const id of [...state.services.keys()]) if (!keep.has(id)) removeService(id);
    reorder(payload.order);
  }
  if (payload.status) applyGlobals(payload);
}

function upsert(service) {
  const json = JSON.stringify(service);
  let entry = state.services.get(service.id);
  if (entry && entry.json === json) return;
  if (!entry) {
    entry = { spark: [], body: el("tbody", { "data-service": service.id }) };
    state.services.set(service.id, entry);
    visibility.observe(entry.body);
  }
  entry.json = json;
  entry.data = service;
  entry.search = [service.id, vip(service.options), ...service.backends.flatMap((b) => [b.id, `${b.options.host}:${b.options.port}`])].join(" ").toLowerCase();
  renderService(entry);
  applyFilterTo(entry);
  state.renders += 1;
}

function removeService(id) {
  const entry = state.services.get(id);
  if (entry) { visibility.unobserve(entry.body); onScreen.delete(entry); entry.body.remove(); }
  state.services.delete(id);
}

function reorder(order) {
  state.order = order;
  const table = $("services");
  const bodies = table.tBodies;
  let same = bodies.length === order.length;
  for (let i = 0; same && i < order.length; i++) same = bodies[i].dataset.service === order[i];
  if (!same) for (const id of order) { const entry = state.services.get(id); if (entry) table.append(entry.body); }
  $("service-count").textContent = `(${order.length})`;
}

function applyGlobals(globals) {
  state.globals = globals;
  state.auth = globals.auth || "none";
  renderStatus(globals.status);
  renderPlan(globals.plan);
  renderOverrides(globals.overrides || []);
  renderSections(globals.sections || {});
  if (state.auth !== "none" && !token() && !state.readOnly) askToken("Changes need the API's token.");
}

// ---------- services ----------

function vip(options) {
  if (options.protocol === "fwmark") return `fwmark ${options.fwmark} (${options.family})`;
  const host = options.host || `(${options.interface})`;
  const address = host.includes(":") ? `[${host}]` : host;
  return `${address}:${options.port}/${options.protocol}`;
}

function persistence(options) {
  if (options.persistent === false) return "none";
  let text = `${options.persistent} s`;
  if (options.netmask !== undefined && options.netmask !== null) text += ` /${options.netmask}`;
  if (options["persistence-engine"]) text += ` (${options["persistence-engine"]})`;
  return text;
}

function renderService(entry) {
  const s = entry.data;
  const o = s.options;
  const quorum = s.quorum;
  const row = el("tr", { class: "service" + (s.up ? "" : " down") },
    el("th", { scope: "rowgroup" }, s.id, s["in-kernel"] ? null : el("span", { class: "badge warn", text: "not in kernel" })),
    el("td", { class: "vip" }, vip(o), bgpMark(s)),
    el("td", {}, o.method, o.flags.length ? el("span", { class: "muted", text: ` ${o.flags.join(", ")}` }) : null, o["one-packet"] ? el("span", { class: "muted", text: " one-packet" }) : null),
    el("td", {}, persistence(o)),
    el("td", { class: quorum.met ? "ok" : "bad" }, `${quorum.healthy}/${quorum.required}`, el("span", { class: "muted", text: quorum.met ? " met" : s.backends.some((b) => b.options.fallback) ? " not met: the fallback serves" : " not met" })),
    el("td", {}, s.overrides.length ? overrideMarks(s.overrides) : ""),
    el("td", {}, statusBadge(s.up ? "up" : "down")),
    el("td", { class: "rates" }, el("span", { class: "rate-text" }), sparkline()),
    el("td", { class: "actions" }, s.overrides.length ? actionButton("Remove overrides…", () => removeOverride(s.id, null), { "data-action": "remove-override", "data-service": s.id }) : null));
  const rows = [row];
  if (entry.seen) for (const b of s.backends) rows.push(renderBackend(s, b));
  else {
    // Until it comes near the screen: a placeholder about as tall as its backends' rows.
    const cell = el("td", { colspan: 9, class: "muted", text: `${s.backends.length} backends` });
    cell.style.height = `${s.backends.length * 2.6}rem`;
    rows.push(el("tr", { class: "pending" }, cell));
  }
  entry.body.replaceChildren(...rows);
  entry.rateText = row.querySelector(".rate-text");
  entry.sparkNode = row.querySelector("svg");
  entry.backendRows = new Map(entry.seen ? rows.slice(1).map((r) => [r.dataset.backend, r]) : []);
  drawSpark(entry);
  if (state.stats) applyStatsTo(entry, state.stats);
}

function renderBackend(service, b) {
  const o = b.options;
  const draining = b["desired-weight"] === 0 && b.overrides.length > 0;
  const kernelMismatch = b["kernel-weight"] !== undefined && b["kernel-weight"] !== b.weight;
  const chain = el("span", { class: "chain" },
    el("span", { title: "the file's weight", text: b["file-weight"] ?? "API" }),
    b["file-weight"] !== b["desired-weight"] ? el("span", { class: "override", title: "an override", text: ` → ${b["desired-weight"]}` }) : null,
    el("span", { class: "factor", title: "the health factor", text: ` × ${b["health-factor"]}` }),
    el("span", { title: "the weight in force", text: " = " }),
    el("strong", { class: "weight", text: b.weight }),
    el("span", { class: "kernel-weight" + (kernelMismatch ? " bad" : ""), "data-kernel-weight": b["kernel-weight"] ?? "", title: "what the kernel held after the last pass", text: ` (kernel ${b["kernel-weight"] ?? "–"})` }),
    b.overrides.length ? overrideMarks(b.overrides) : null);
  return el("tr", { class: "backend state-" + b.state, "data-backend": b.id },
    el("th", { scope: "row" }, b.id, o.fallback ? el("span", { class: "badge", text: "fallback" }) : null),
    el("td", {}, `${o.host.includes(":") ? `[${o.host}]` : o.host}:${o.port}`),
    el("td", {}, o.method),
    el("td", { class: "muted" }, `drain ${o.drain}`),
    el("td", { class: "muted" }, o.pulse.type),
    el("td", {}, chain),
    el("td", { class: "health" }, statusBadge(b.state), el("span", { class: "check" })),
    el("td", { class: "rates" }, el("span", { class: "rate-text" })),
    el("td", { class: "actions" },
      draining
        ? actionButton("Undrain…", () => undrain(service.id, b.id), { "data-action": "undrain", "data-service": service.id, "data-backend": b.id })
        : actionButton("Drain…", () => drain(service.id, b.id), { "data-action": "drain", "data-service": service.id, "data-backend": b.id }),
      actionButton("Weight…", () => setWeight(service.id, b), { "data-action": "weight", "data-service": service.id, "data-backend": b.id }),
      b.overrides.length ? actionButton("Remove override…", () => removeOverride(service.id, b.id), { "data-action": "remove-override", "data-service": service.id, "data-backend": b.id }) : null));
}

function statusBadge(status) {
  return el("span", { class: `badge status-${status}`, text: status });
}

function overrideMarks(marks) {
  return el("span", { class: "marks" }, ...marks.map((m) => el("span", { class: "badge override" + (m["in-force"] ? "" : " warn"), title: `${m.action} ${(m.fields || []).join(", ")}` },
    `override${m["in-force"] ? "" : " (not in force)"}`, m.expires ? el("span", { class: "countdown", "data-expires": m.expires }) : " until removed")));
}

function actionButton(label, run, attrs) {
  const button = el("button", Object.assign({ type: "button" }, attrs), label);
  button.addEventListener("click", run);
  return button;
}

// Optional sections that other consumers publish (named hooks: the lead fills in renderers).
const sectionRenderers = {
  // bgp: (value) => …, maintenance: (value) => …, consul: (value) => …
};

function bgpMark(service) {
  const vips = state.globals.sections && state.globals.sections.bgp && state.globals.sections.bgp.vips;
  const announced = vips && vips[service.options.host];
  if (!announced) return null;
  return el("span", { class: "badge " + (announced.announced ? "status-up" : "status-down"), text: announced.announced ? "announced" : "withdrawn" });
}

function renderSections(sections) {
  const box = $("sections");
  const json = JSON.stringify(sections);
  if (box.dataset.json === json) return;
  box.dataset.json = json;
  box.replaceChildren(...Object.entries(sections).map(([name, value]) => {
    const render = sectionRenderers[name] || genericSection;
    return el("section", { class: "optional", "data-section": name }, el("h2", { text: name }), render(value));
  }));
}

function genericSection(value) {
  if (value === null || typeof value !== "object") return el("p", { text: String(value) });
  return el("table", { class: "fields" }, el("tbody", {}, ...Object.entries(value).map(([key, item]) =>
    el("tr", {}, el("th", { scope: "row", text: key }), el("td", { text: typeof item === "object" ? JSON.stringify(item) : String(item) })))));
}

// ---------- status, plan, overrides ----------

function renderStatus(status) {
  if (!status) return;
  const config = status.config;
  $("reload-status").textContent = `${config["last-reload-succeeded"] ? "ok" : "FAILED: the last good file stays in force"} · ${config.path} · ${config["last-reload"] || "at start"} · ${config.reloads} reloads, ${config["reload-failures"]} refused`;
  $("reload-status").className = config["last-reload-succeeded"] ? "ok" : "bad";
  list($("config-errors"), config.errors);
  const pass = status["last-pass"];
  $("pass-status").textContent = pass ? `${pass.succeeded ? "ok" : "FAILED"} · ${pass.time || ""} · ${pass.applied} applied, ${pass.failed} failed, ${pass.draining} draining · ${(pass["duration-seconds"] * 1000).toFixed(1)} ms` : "none yet";
  $("pass-status").className = pass && !pass.succeeded ? "bad" : "ok";
  list($("pass-errors"), pass ? pass.errors : []);
  const counts = status.counts;
  $("counts").textContent = `${counts.services} services, ${counts.backends} backends, ${counts.overrides} overrides (${counts["overrides-not-in-force"]} not in force) · ${status.passes} passes, ${status["changes-applied"]} changes, ${status["drift-repaired"]} drift repairs`;
}

function list(node, items) {
  node.replaceChildren(...(items || []).map((text) => el("li", { text })));
}

function renderPlan(plan) {
  $("plan").hidden = !plan || plan["in-sync"];
  if (!plan) return;
  $("plan-steps").replaceChildren(...plan.changes.map((step) => el("li", {}, el("code", { text: step.change }), ` (${step.kind} ${step.subject})`)),
    ...plan.problems.map((text) => el("li", { class: "bad", text })));
}

function renderOverrides(overrides) {
  $("no-overrides").hidden = overrides.length > 0;
  $("overrides").hidden = overrides.length === 0;
  $("override-rows").replaceChildren(...overrides.map((o) => el("tr", {},
    el("th", { scope: "row", text: o.backend ? `${o.service}/${o.backend}` : o.service }),
    el("td", { text: o.action }),
    el("td", { text: o.fields ? o.fields.map((f) => `${f}: ${JSON.stringify(o.options[f])}`).join(", ") : "" }),
    el("td", {}, o.expires ? el("span", { class: "countdown", "data-expires": o.expires }) : "until removed"),
    el("td", { class: o["in-force"] ? "ok" : "bad", text: o["in-force"] ? "yes" : `no: ${o.problem}` }),
    el("td", { class: "actions" }, actionButton("Remove…", () => removeOverride(o.service, o.backend || null), { "data-action": "remove-override" })))));
  tickCountdowns();
}

function tickCountdowns() {
  const now = Date.now();
  for (const node of document.querySelectorAll(".countdown")) {
    const left = Math.max(0, Math.round((Date.parse(node.dataset.expires) - now) / 1000));
    node.textContent = ` expires in ${duration(left)}`;
  }
}

function duration(seconds) {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} m ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} m`;
}

// ---------- stats: rates, sparklines, last checks ----------

// Services on or near the screen (an IntersectionObserver keeps the set): a service's backend rows
// are built the first time it comes near, and every 2 s only these services get the new rates, so
// a 1,000-service table costs the DOM what the few dozen in view do; one scrolled into view is
// brought up to date as it appears.
const onScreen = new Set();
const visibility = new IntersectionObserver((records) => {
  for (const record of records) {
    const entry = state.services.get(record.target.dataset.service);
    if (!entry) continue;
    if (record.isIntersecting) {
      onScreen.add(entry);
      if (!entry.seen) { entry.seen = true; renderService(entry); }
      if (state.stats) { applyStatsTo(entry, state.stats); drawSpark(entry); }
    } else {
      onScreen.delete(entry);
    }
  }
}, { rootMargin: "1500px" });

function applyStats(stats) {
  state.stats = stats;
  for (const entry of state.services.values()) {
    const rates = stats.services[entry.data.id];
    entry.spark.push(rates ? rates[0] : 0);
    if (entry.spark.length > SPARK_POINTS) entry.spark.shift();
  }
  for (const entry of onScreen) { applyStatsTo(entry, stats); drawSpark(entry); }
  $("connection").textContent = stats["kernel-error"] ? `live; the kernel's counters could not be read: ${stats["kernel-error"]}` : "live";
}

function applyStatsTo(entry, stats) {
  const id = entry.data.id;
  entry.rateText.textContent = rateText(stats.services[id]);
  for (const [backendId, row] of entry.backendRows) {
    const key = `${id}/${backendId}`;
    const rates = stats.backends[key];
    row.querySelector(".rate-text").textContent = rateText(rates) + (rates ? ` · ${rates[3]} active` : "");
    const check = stats.checks[key];
    row.querySelector(".check").textContent = check ? ` ${check.ok ? "ok" : check.error || "failed"} ${check.time ? ago(stats.at - check.time) : ""}` : "";
  }
}

function rateText(rates) {
  if (!rates) return "0 · 0 · 0";
  return `${number(rates[0])} · ${number(rates[1])} · ${bytes(rates[2])}`;
}

function number(value) {
  return value >= 1000 ? `${(value / 1000).toFixed(1)}k` : `${Math.round(value * 10) / 10}`;
}

function bytes(value) {
  const units = ["", "k", "M", "G"];
  let i = 0;
  while (value >= 1000 && i < units.length - 1) { value /= 1000; i++; }
  return `${Math.round(value * 10) / 10}${units[i]}`;
}

function ago(seconds) {
  return `(${duration(Math.max(0, Math.round(seconds)))} ago)`;
}

function sparkline() {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${SPARK_POINTS} 20`);
  svg.setAttribute("class", "spark");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "connections per second, last 3 minutes");
  svg.append(document.createElementNS("http://www.w3.org/2000/svg", "polyline"));
  return svg;
}

function drawSpark(entry) {
  if (!entry.sparkNode) return;
  const values = entry.spark;
  const max = Math.max(1, ...values);
  const offset = SPARK_POINTS - values.length;
  const points = values.map((v, i) => `${offset + i},${(19 - (v / max) * 18).toFixed(1)}`).join(" ");
  entry.sparkNode.firstChild.setAttribute("points", points);
}

// ---------- filter ----------

function applyFilterTo(entry) {
  const query = $("filter").value.trim().toLowerCase();
  entry.body.hidden = query !== "" && !entry.search.includes(query);
}

function applyFilter() {
  for (const entry of state.services.values()) {
    applyFilterTo(entry);
  }
}

// ---------- actions: each says what it will do, then calls the REST API ----------

function path(service, backend) {
  return "/service/" + encodeURIComponent(service) + (backend ? "/" + encodeURIComponent(backend) : "");
}

async function apiError(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    if (Array.isArray(body.errors) && body.errors.length > 1) return body.errors.join("\n");
    if (body.error) return body.error;
  } catch (_) { /* not JSON */ }
  return `${response.status} ${response.statusText}${text ? ": " + text : ""}`;
}

async function call(method, url, body) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token()) headers.Authorization = "Bearer " + token();
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) {
    const message = await apiError(response);
    askToken(message);
    throw new Error(message);
  }
  if (!response.ok) throw new Error(await apiError(response));
  return response;
}

let pending = null;

function confirmAction({ title, text, fields, request, run }) {
  $("confirm-title").textContent = title;
  $("confirm-text").textContent = text;
  $("confirm-fields").replaceChildren(...(fields || []));
  $("confirm-error").replaceChildren();
  const describe = () => { $("confirm-request").textContent = request(); };
  for (const input of $("confirm-fields").querySelectorAll("input")) input.addEventListener("input", describe);
  describe();
  pending = run;
  $("confirm").showModal();
  const first = $("confirm-fields").querySelector("input") || $("confirm-ok");
  first.focus();
}

async function submitConfirm(event) {
  event.preventDefault();
  if (!pending) return;
  $("confirm-ok").disabled = true;
  $("confirm-error").replaceChildren();
  try {
    await pending();
    pending = null;
    $("confirm").close();
  } catch (error) {
    $("confirm-error").replaceChildren(...String(error.message || error).split("\n").map((line) => el("p", { class: "api-error", text: line })));
  } finally {
    $("confirm-ok").disabled = false;
  }
}

function field(label, id, value, hint) {
  return el("label", { class: "field" }, label, el("input", { id, value, type: "text", autocomplete: "off", spellcheck: false }), hint ? el("small", { text: hint }) : null);
}

function ttlQuery(value) {
  return value.trim() ? "?ttl=" + encodeURIComponent(value.trim()) : "";
}

function drain(service, backend) {
  const ttl = field("For (empty: until undrained)", "confirm-ttl", "30m", "a duration such as 30m or 2h");
  confirmAction({
    title: `Drain ${service}/${backend}`,
    text: "Its weight becomes 0: it takes no new connections, existing ones finish. Health checks go on.",
    fields: [ttl],
    request: () => `PATCH ${path(service, backend)}${ttlQuery($("confirm-ttl").value)} {"weight": 0}`,
    run: () => call("PATCH", path(service, backend) + ttlQuery($("confirm-ttl").value), { weight: 0 }),
  });
}

function undrain(service, backend) {
  confirmAction({
    title: `Undrain ${service}/${backend}`,
    text: "Every override of this backend is removed: the file's values (weight included) come back.",
    request: () => `DELETE /overrides${path(service, backend)}`,
    run: () => call("DELETE", "/overrides" + path(service, backend)),
  });
}

function setWeight(service, b) {
  const weight = field("Weight (0 to 2147483647; 0 drains)", "confirm-weight", String(b["desired-weight"]));
  const ttl = field("For (empty: until removed)", "confirm-ttl", "1h", "a duration such as 30m or 2h");
  const value = () => {
    const text = $("confirm-weight").value.trim();
    return /^-?\d+$/.test(text) ? Number(text) : text;
  };
  confirmAction({
    title: `Set the weight of ${service}/${b.id}`,
    text: `The file says ${b["file-weight"] ?? "nothing (an API backend)"}; health checks still scale the weight you set.`,
    fields: [weight, ttl],
    request: () => `PATCH ${path(service, b.id)}${ttlQuery($("confirm-ttl").value)} ${JSON.stringify({ weight: value() })}`,
    run: () => call("PATCH", path(service, b.id) + ttlQuery($("confirm-ttl").value), { weight: value() }),
  });
}

function removeOverride(service, backend) {
  const subject = backend ? `${service}/${backend}` : service;
  confirmAction({
    title: `Remove the overrides of ${subject}`,
    text: backend ? "The file's values for this backend come back." : "Every override of this service and of its backends goes; the file's values come back.",
    request: () => `DELETE /overrides${path(service, backend)}`,
    run: () => call("DELETE", "/overrides" + path(service, backend)),
  });
}

function removeAll() {
  const count = (state.globals.overrides || []).length;
  confirmAction({
    title: "Remove all overrides",
    text: `All ${count} overrides go: the file is in force as written.`,
    request: () => "DELETE /overrides",
    run: () => call("DELETE", "/overrides"),
  });
}

function reloadFile() {
  confirmAction({
    title: "Reload the file",
    text: `Re-read ${state.globals.status ? state.globals.status.config.path : "the config file"} and apply it; an invalid file is refused and the last good one stays.`,
    request: () => "POST /reload",
    run: () => call("POST", "/reload"),
  });
}

// ---------- the token: asked once, kept for the tab ----------

function askToken(why) {
  $("token-why").textContent = why + " It is kept for this tab only (sessionStorage).";
  $("token-error").textContent = token() ? `The token given was refused: ${why}` : "";
  $("token-cancel").hidden = state.auth === "all";
  if (!$("token-dialog").open) $("token-dialog").showModal();
  $("token").focus();
}

function submitToken(event) {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("token").value);
  $("token").value = "";
  $("token-dialog").close();
  state.readOnly = false;
  state.lastId = null;
  connect();
}

// ---------- theme ----------

function applyTheme(theme) {
  if (theme === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  $("theme").textContent = `Theme: ${theme}`;
  $("theme").setAttribute("aria-label", `Theme: ${theme}`);
}

function nextTheme() {
  const themes = ["auto", "light", "dark"];
  const current = localStorage.getItem("gorb-theme") || "auto";
  const next = themes[(themes.indexOf(current) + 1) % themes.length];
  localStorage.setItem("gorb-theme", next);
  applyTheme(next);
}

// ---------- start ----------

document.addEventListener("DOMContentLoaded", () => {
  applyTheme(localStorage.getItem("gorb-theme") || "auto");
  $("filter").addEventListener("input", applyFilter);
  $("reload").addEventListener("click", reloadFile);
  $("remove-all").addEventListener("click", removeAll);
  $("theme").addEventListener("click", nextTheme);
  $("token-button").addEventListener("click", () => askToken("Enter the API's token."));
  $("confirm-form").addEventListener("submit", submitConfirm);
  $("confirm-cancel").addEventListener("click", () => { pending = null; $("confirm").close(); });
  $("token-form").addEventListener("submit", submitToken);
  $("token-cancel").addEventListener("click", () => { state.readOnly = true; $("token-dialog").close(); });
  setInterval(tickCountdowns, 1000);
  window.gorbConsole = state;     // for the browser test and the benchmark
  connect();
});
