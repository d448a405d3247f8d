/*
 * Storefront dashboard: plain JavaScript over the HTTP API, no build step.
 *   /cluster (members, every 2 s), /stats (request counters, every second: rates by node over the last ~3 s),
 *   /jobs and /jobs/events (server-sent events: every job's progress), /jobs/sources and POST /jobs (the form),
 *   /jobs/{id}/result (top words), /bench/reports (bench runs' reports).
 * Charts: uPlot (vendor/uplot, MIT).
 */
(function () {
  "use strict";

  const COLORS = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#db2777", "#65a30d"];
  const WINDOW_SECONDS = 120;
  const RATE_SPAN_MS = 3000;
  const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("data-")) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  };

  async function api(path, options) {
    const response = await fetch(path, Object.assign({ headers: { accept: "application/json" } }, options));
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (!response.ok) {
      const message = body && body.message ? body.message : response.status + " " + response.statusText;
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function formatDuration(seconds) {
    if (seconds === undefined || seconds === null || isNaN(seconds)) return "–";
    seconds = Math.max(0, Math.floor(seconds));
    const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600),
      m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    if (d > 0) return d + "d " + h + "h";
    if (h > 0) return h + "h " + String(m).padStart(2, "0") + "m";
    if (m > 0) return m + "m " + String(s).padStart(2, "0") + "s";
    return s + "s";
  }
  const formatInt = (n) => (n === undefined || n === null) ? "–" : Number(n).toLocaleString("en-US");
  function formatRate(r) {
    if (r === undefined || r === null || isNaN(r)) return "–";
    return r >= 100 ? Math.round(r).toLocaleString("en-US") : r.toFixed(1);
  }
  function formatBytes(n) {
    if (n < 0 || n === undefined) return "";
    const units = ["B", "KB", "MB", "GB", "TB"];
    let i = 0;
    while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
    return (i === 0 ? n : n.toFixed(n >= 100 ? 0 : 1)) + " " + units[i];
  }
  function clock(seconds) {
    const d = new Date(seconds * 1000);
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map((x) => String(x).padStart(2, "0")).join(":");
  }
  function formatWhen(ms) {
    if (!ms) return "";
    const d = new Date(ms);
    const pad = (x) => String(x).padStart(2, "0");
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  /* ---------------------------------------------------------------- connection status */

  const health = { poll: false, events: false };
  function showHealth() {
    const box = $("connection");
    const live = health.poll && health.events;
    box.className = "status " + (live ? "live" : health.poll ? "" : "down");
    box.querySelector(".label").textContent = live ? "live" : health.poll ? "reconnecting events" : "unreachable";
  }

  /* ---------------------------------------------------------------- members and request rates */

  const members = new Map();   // name -> card
  const nodeNames = new Map(); // cluster node id -> name
  const colorOf = new Map();   // name -> color
  const samples = new Map();   // name -> [{t, count}]
  const rates = new Map();     // name -> latest rate
  const totals = new Map();    // name -> latest count
  const series = { t: [], byNode: new Map() };
  let chart = null;
  let chartNodes = [];

  function color(name) {
    if (!colorOf.has(name)) colorOf.set(name, COLORS[colorOf.size % COLORS.length]);
    return colorOf.get(name);
  }

  async function pollCluster() {
    try {
      const cluster = await api("/cluster");
      members.clear();
      for (const m of cluster.members) {
        members.set(m.name, m);
        if (m.nodeId) nodeNames.set(m.nodeId, m.name);
      }
      $("cluster-size").textContent = cluster.size + (cluster.size === 1 ? " member" : " members");
      $("answered-by").textContent = "answered by " + cluster.answeredBy;
      health.poll = true;
      renderMembers();
      renderJobs();
    } catch (e) {
      health.poll = false;
    }
    showHealth();
  }

  function renderMembers() {
    const body = $("members").tBodies[0];
    body.replaceChildren();
    if (members.size === 0) {
      body.append(el("tr", { class: "empty" }, el("td", { colSpan: 9, text: "no members" })));
      return;
    }
    for (const [name, m] of [...members.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      const metrics = m.managementUrl ? el("a", { href: m.managementUrl + "/metrics", target: "_blank", rel: "noopener", text: "/metrics" }) : "–";
      body.append(el("tr", { "data-node": name },
        el("td", {}, el("span", { class: "node-name" }, el("span", { class: "swatch", style: "background:" + color(name) }), name)),
        el("td", { text: m.pid === undefined ? "–" : String(m.pid) }),
        el("td", { text: m.host === undefined ? "–" : m.host + ":" + m.httpPort }),
        el("td", { class: "num", text: formatDuration(m.uptimeSeconds) }),
        el("td", { class: "num", text: m.eventLoops === undefined ? "–" : String(m.eventLoops) }),
        el("td", { text: m.transport || "–" }),
        el("td", { class: "num", text: formatInt(totals.get(name)) }),
        el("td", { class: "num rate", text: formatRate(rates.get(name)) }),
        el("td", {}, metrics)));
    }
  }

  async function pollStats() {
    let stats;
    try {
      stats = await api("/stats");
    } catch (e) {
      return;
    }
    const now = Date.now();
    let total = 0;
    for (const [name, count] of Object.entries(stats.nodes || {})) {
      totals.set(name, count);
      const list = samples.get(name) || [];
      list.push({ t: now, count: count });
      while (list.length > 2 && now - list[1].t >= RATE_SPAN_MS) list.shift();
      samples.set(name, list);
      const first = list[0];
      const rate = now > first.t ? Math.max(0, (count - first.count) * 1000 / (now - first.t)) : undefined; // one sample: no rate yet
      rates.set(name, rate);
      if (members.has(name) && rate !== undefined) total += rate;
    }
    $("total-rate").textContent = formatRate(total) + " req/s";
    for (const row of $("members").tBodies[0].rows) {
      const name = row.dataset.node;
      if (!name) continue;
      row.cells[6].textContent = formatInt(totals.get(name));
      row.cells[7].textContent = formatRate(rates.get(name));
    }
    recordRates(now / 1000);
  }

  function recordRates(t) {
    const names = [...members.keys()].sort();
    series.t.push(t);
    for (const name of names) {
      if (!series.byNode.has(name)) series.byNode.set(name, series.t.map(() => null));
    }
    for (const [name, values] of series.byNode) {
      const rate = rates.get(name);
      values.push(members.has(name) && rate !== undefined ? rate : null);
    }
    while (series.t.length > 0 && t - series.t[0] > WINDOW_SECONDS) {
      series.t.shift();
      for (const values of series.byNode.values()) values.shift();
    }
    const shown = [...series.byNode.keys()].filter((n) => series.byNode.get(n).some((v) => v !== null)).sort();
    if (!chart || shown.join("\n") !== chartNodes.join("\n")) {
      buildChart(shown);
    }
    chart.setData([series.t, ...chartNodes.map((n) => series.byNode.get(n))]);
  }

  function chartSize() {
    const box = $("rate-chart");
    return { width: Math.max(300, box.clientWidth), height: 220 };
  }

  function buildChart(names) {
    if (chart) chart.destroy();
    chartNodes = names;
    const opts = Object.assign(chartSize(), {
      padding: [8, 8, 0, 0],
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
      scales: {
        // the last 2 minutes; while the page is younger, from its first sample (at least 30 s)
        x: { time: true, range: (u, min, max) => [Math.max(max - WINDOW_SECONDS, Math.min(min, max - 30)), max] },
        y: { range: (u, min, max) => [0, Math.max(5, max * 1.15)] },
      },
      axes: [
        { stroke: "#6b7685", grid: { stroke: "#eef1f5" }, ticks: { stroke: "#e3e7ee" }, space: 70,
          values: (u, vals) => vals.map((v) => clock(v)) },
        { stroke: "#6b7685", grid: { stroke: "#eef1f5" }, ticks: { stroke: "#e3e7ee" }, size: 56,
          values: (u, vals) => vals.map((v) => formatRate(v)) },
      ],
      series: [{ label: "time" }].concat(names.map((n) => ({
        label: n, stroke: color(n), width: 2, fill: color(n) + "14", points: { show: false },
        value: (u, v) => v === null ? "–" : formatRate(v) + " req/s",
      }))),
    });
    chart = new uPlot(opts, [series.t, ...names.map((n) => series.byNode.get(n))], $("rate-chart"));
  }

  window.addEventListener("resize", () => { if (chart) chart.setSize(chartSize()); });

  /* ---------------------------------------------------------------- jobs */

  const jobs = new Map(); // id -> state
  let followed = null;    // the job whose top words are shown
  let shownTop = null;

  function sourceLabel(s) {
    if (!s || !s.source) return "–";
    if (s.source.type === "feedback") return s.source.productId ? "feedback of product " + s.source.productId : "all customer feedback";
    const path = s.source.path || "";
    return path.split("/").pop();
  }

  function percent(s) {
    if (s.state === "succeeded") return 100;
    const total = s.total || 0;
    return total > 0 ? Math.min(100, Math.floor((s.done || 0) * 100 / total)) : 0;
  }

  function merge(state) {
    const old = jobs.get(state.id) || {};
    const next = Object.assign({}, old, state);
    if (!TERMINAL.has(state.state) && old.done !== undefined && state.done !== undefined && state.done < old.done) {
      next.done = old.done; // events may cross: progress never goes back
    }
    if (state.elapsedSeconds !== undefined) next.seenElapsedAt = Date.now();
    else if (old.elapsedSeconds !== undefined && !TERMINAL.has(next.state)) {
      next.elapsedSeconds = old.elapsedSeconds + (Date.now() - old.seenElapsedAt) / 1000;
      next.seenElapsedAt = Date.now();
    }
    jobs.set(state.id, next);
    return next;
  }

  function renderJobs() {
    const body = $("jobs").tBodies[0];
    const ids = [...jobs.keys()].sort((a, b) => b - a).slice(0, 20);
    body.replaceChildren();
    if (ids.length === 0) {
      body.append(el("tr", { class: "empty" }, el("td", { colSpan: 6, text: "no jobs yet: start one with the form" })));
      return;
    }
    for (const id of ids) {
      const s = jobs.get(id);
      const pct = percent(s);
      const elapsed = s.elapsedSeconds === undefined ? undefined
        : TERMINAL.has(s.state) ? s.elapsedSeconds : s.elapsedSeconds + (Date.now() - s.seenElapsedAt) / 1000;
      const bar = el("span", { class: "bar " + s.state, role: "progressbar" }, el("span", { style: "width:" + pct + "%" }));
      bar.setAttribute("aria-valuenow", String(pct));
      bar.setAttribute("aria-valuemin", "0");
      bar.setAttribute("aria-valuemax", "100");
      const row = el("tr", { class: "job" + (followed === id ? " selected" : ""), "data-job": String(id), "data-state": s.state },
        el("td", { class: "num", text: String(id) }),
        el("td", { text: sourceLabel(s), title: s.source && s.source.path ? s.source.path : "" }),
        el("td", {}, el("span", { class: "state " + s.state, text: s.state, title: s.error || "" })),
        el("td", {}, el("div", { class: "progress" }, bar,
          el("span", { class: "pct", text: pct + "%" }),
          el("span", { class: "hint", text: s.total ? (s.state === "succeeded" ? s.total : (s.done || 0)) + "/" + s.total : "" }))),
        el("td", { class: "num", text: elapsed === undefined ? "–" : elapsed < 10 ? elapsed.toFixed(2) + " s" : formatDuration(elapsed) }),
        el("td", { text: nodeNames.get(s.coordinator) || (s.coordinator ? s.coordinator.slice(0, 8) : "–") }));
      row.addEventListener("click", () => { followed = id; renderJobs(); showTop(id); });
      body.append(row);
    }
  }

  async function loadJobs() {
    try {
      const answer = await api("/jobs?limit=20");
      for (const s of answer.jobs) merge(s);
      renderJobs();
    } catch (e) { /* shown by the connection status */ }
  }

  async function onJobEvent(state) {
    const known = jobs.has(state.id) && jobs.get(state.id).source;
    merge(state);
    if (!known) {
      try { merge(await api("/jobs/" + state.id)); } catch (e) { /* it may be gone */ }
    }
    renderJobs();
    if (TERMINAL.has(state.state) && followed === state.id) showTop(state.id);
  }

  function followEvents() {
    const source = new EventSource("/jobs/events");
    source.addEventListener("open", () => { health.events = true; showHealth(); loadJobs(); });
    source.addEventListener("progress", (e) => { onJobEvent(JSON.parse(e.data)); });
    source.onerror = () => { health.events = false; showHealth(); };
  }

  async function showTop(id) {
    const s = jobs.get(id);
    const box = $("top-words");
    if (!s) return;
    box.hidden = false;
    const list = $("top-list");
    if (s.state !== "succeeded") {
      $("top-title").textContent = "Job " + id + ": " + s.state;
      list.replaceChildren(el("li", { class: "hint", text: s.state === "failed" ? (s.error || "failed") : "waiting for the job to finish…" }));
      return;
    }
    if (shownTop === id && list.children.length > 1) return;
    try {
      const result = await api("/jobs/" + id + "/result?top=10");
      const top = result.top || [];
      const max = top.length ? top[0][1] : 1;
      $("top-title").textContent = "Top words of job " + id + " · " + formatInt(result.distinctWords) + " distinct, "
        + formatInt(result.totalCount) + " counted";
      list.replaceChildren(...top.map(([word, count]) => el("li", { "data-word": word },
        el("span", { class: "word", text: word }, el("i", { style: "width:" + Math.max(2, Math.round(count * 100 / max)) + "%" })),
        el("span", { class: "count", text: formatInt(count) }))));
      shownTop = id;
    } catch (e) {
      $("top-title").textContent = "Job " + id;
      list.replaceChildren(el("li", { class: "hint", text: "result unavailable: " + e.message }));
    }
  }

  /* ---------------------------------------------------------------- the form */

  async function loadSources() {
    const select = $("job-file");
    try {
      const sources = await api("/jobs/sources");
      $("data-dir").textContent = "in " + sources.dataDir;
      select.replaceChildren(...sources.files.map((f) => el("option", { value: f.path, text: f.path + "  (" + formatBytes(f.bytes) + ")" })));
      if (sources.files.length === 0) {
        select.append(el("option", { value: "", text: "no files in " + sources.dataDir, disabled: true, selected: true }));
      }
      const feedback = document.querySelector("input[name=type][value=feedback]");
      feedback.disabled = !sources.feedback;
      feedback.parentElement.title = sources.feedback ? "" : "this node has no database";
    } catch (e) {
      select.replaceChildren(el("option", { value: "", text: "cannot list the data directory: " + e.message, disabled: true, selected: true }));
    }
  }

  function chosenType() {
    return document.querySelector("input[name=type]:checked").value;
  }

  function onTypeChange() {
    const feedback = chosenType() === "feedback";
    $("file-field").hidden = feedback;
    $("product-field").hidden = !feedback;
  }

  async function submitJob(event) {
    event.preventDefault();
    const message = $("job-message");
    const button = $("job-start");
    const source = { type: chosenType() };
    if (source.type === "ngrams") {
      source.path = $("job-file").value;
      if (!source.path) { message.className = "form-message error"; message.textContent = "choose a file"; return; }
    } else {
      const product = $("job-product").value.trim();
      if (product) {
        if (!/^[1-9][0-9]{0,9}$/.test(product)) { message.className = "form-message error"; message.textContent = "a product id is a positive integer"; return; }
        source.productId = Number(product);
      }
    }
    button.disabled = true;
    message.className = "form-message";
    message.textContent = "starting…";
    try {
      const answer = await api("/jobs", { method: "POST", headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ source: source }) });
      followed = answer.id;
      shownTop = null;
      message.textContent = "job " + answer.id + " started";
      if (!jobs.has(answer.id)) {
        try { merge(await api("/jobs/" + answer.id)); } catch (e) { merge({ id: answer.id, state: answer.state }); }
      }
      renderJobs();
      showTop(answer.id);
    } catch (e) {
      message.className = "form-message error";
      message.textContent = e.message;
    } finally {
      button.disabled = false;
    }
  }

  /* ---------------------------------------------------------------- bench reports */

  const reportUrl = (path) => "/bench/reports/" + path.split("/").map(encodeURIComponent).join("/");

  async function loadReports() {
    const list = $("reports");
    try {
      const answer = await api("/bench/reports");
      $("bench-dir").textContent = "in " + answer.dir;
      if (answer.reports.length === 0) {
        list.replaceChildren(el("li", { class: "empty", text: "no reports yet: run a bench command" }));
        return;
      }
      list.replaceChildren(...answer.reports.map((r) => {
        const link = el("a", { href: reportUrl(r.path), text: r.path, title: r.path });
        link.addEventListener("click", (e) => { e.preventDefault(); openReport(r.path); });
        return el("li", { "data-report": r.path }, link, el("span", { class: "when", text: formatWhen(r.modifiedAt) }));
      }));
    } catch (e) {
      list.replaceChildren(el("li", { class: "empty", text: "cannot list reports: " + e.message }));
    }
  }

  function openReport(path) {
    $("report-view").hidden = false;
    $("report-title").textContent = path;
    $("report-open").href = reportUrl(path);
    $("report-frame").src = reportUrl(path);
    $("report-view").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  /* ---------------------------------------------------------------- start */

  document.querySelectorAll("input[name=type]").forEach((r) => r.addEventListener("change", onTypeChange));
  $("job-form").addEventListener("submit", submitJob);
  $("report-close").addEventListener("click", () => { $("report-view").hidden = true; $("report-frame").src = "about:blank"; });

  pollCluster().then(pollStats);
  setInterval(pollCluster, 2000);
  setInterval(pollStats, 1000);
  setInterval(renderJobs, 1000); // elapsed time of running jobs
  setInterval(loadReports, 30000);
  loadJobs();
  loadSources();
  loadReports();
  followEvents();
})();
