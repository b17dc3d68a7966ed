// The cache analytics page (SuperAdmin): reads the admin API with the auth cookie, draws inline SVG charts.
// No framework, no build step, no network beyond this service.
"use strict";

(() => {
  const REFRESH_MS = 10000;
  const JOB_POLL_MS = 500;
  const API = "/api/admin/cache";
  const numberFormat = new Intl.NumberFormat(undefined);
  const msFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
  const percentFormat = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

  const { el, svg, showError, request } = window.AskPro;

  const bytes = n => n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GiB` : n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
  const time = iso => iso ? new Date(iso).toLocaleString(undefined, { timeZone: "UTC", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "–";
  const companyNames = new Map();
  const companyLabel = id => companyNames.has(id) ? `${companyNames.get(id)} (#${id})` : `#${id}`;

  // An instant in the schedule's own zone, named, so it reads beside its cron ("Mar 2, 03:00 Europe/Berlin").
  function inZone(iso, zone) {
    if (!iso) return "–";
    try {
      return `${new Date(iso).toLocaleString(undefined, { timeZone: zone, month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" })} ${zone}`;
    } catch {
      return `${time(iso)} UTC`;
    }
  }
  const text = (id, value) => { document.getElementById(id).textContent = value; };

  const call = async (url, options = {}) => (await request(url, options)).json();

  // A line chart of values 0..max over the samples; each point is a circle so tests and people can count them.
  function lineChart(id, values, max, width, height, label = v => numberFormat.format(v)) {
    const chart = document.getElementById(id);
    chart.replaceChildren(svg("line", { class: "axis", x1: 0, y1: height - 1, x2: width, y2: height - 1 }));
    const points = values.map((v, i) => [values.length === 1 ? width / 2 : (i / (values.length - 1)) * width, height - 4 - (max > 0 ? (v / max) * (height - 8) : 0)]);
    if (points.length > 1) chart.append(svg("polyline", { class: "series", points: points.map(p => p.join(",")).join(" ") }));
    for (const [x, y] of points) chart.append(svg("circle", { class: "point", cx: x, cy: y, r: 2.5 }));
    chart.dataset.points = String(points.length);
    // The axes in words under the chart (the chart stretches, so SVG text would be distorted): range and time span.
    const minutes = Math.round(values.length * 10 / 60);
    document.getElementById(`${id}-axis`).textContent =
      `0 – ${label(max)} (top of the chart) · ${minutes > 0 ? `last ${minutes} min` : "just started"} → now · latest: ${values.length ? label(values.at(-1) ?? 0) : "–"}`;
  }

  function renderHistory(history) {
    const samples = [...history.samples, history.current];
    lineChart("hit-ratio-chart", samples.map(s => s.hitRatio ?? s.cumulativeHitRatio), 1, 600, 160, v => percentFormat.format(v));
    lineChart("queue-chart", samples.map(s => s.queueDepth), Math.max(1, ...samples.map(s => s.queueDepth)), 300, 80, v => `${numberFormat.format(v)} items`);
    lineChart("entries-chart", samples.map(s => s.entries), Math.max(1, ...samples.map(s => s.entries)), 300, 80, v => `${numberFormat.format(v)} entries`);
    lineChart("memory-chart", samples.map(s => s.workingSetBytes), Math.max(1, ...samples.map(s => s.workingSetBytes)), 300, 80, v => `${bytes(v)} working set`);
  }

  function renderLatency(widgets) {
    const chart = document.getElementById("latency-chart");
    const rowHeight = 28;
    const labelWidth = 130;
    // Drawn at the width it is shown at, so its text stays at 11 px on a phone too.
    const width = Math.max(340, Math.round(chart.parentElement.clientWidth || 600) - 32);
    const height = Math.max(1, widgets.length) * rowHeight + 16;
    chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
    chart.setAttribute("height", String(height));
    chart.replaceChildren();
    const max = Math.max(0.001, ...widgets.map(w => Math.max(w.meanComputeMs, w.cachedMeanMs)));
    widgets.forEach((w, i) => {
      const y = i * rowHeight + 4;
      const scale = ms => Math.max(1, (ms / max) * (width - labelWidth - 90));
      chart.append(
        svg("text", { x: 0, y: y + 14 }, w.widget),
        svg("rect", { class: "bar-computed", x: labelWidth, y, width: scale(w.meanComputeMs), height: 10, "data-widget": w.widget, "data-kind": "computed" }),
        svg("rect", { class: "bar-cached", x: labelWidth, y: y + 12, width: scale(w.cachedMeanMs), height: 10, "data-widget": w.widget, "data-kind": "cached" }),
        svg("text", { x: labelWidth + scale(w.meanComputeMs) + 4, y: y + 9 }, `${msFormat.format(w.meanComputeMs)} ms computed`),
        svg("text", { x: labelWidth + scale(w.cachedMeanMs) + 4, y: y + 21 }, `${msFormat.format(w.cachedMeanMs)} ms cached`));
    });
  }

  function renderStats(stats) {
    text("kpi-hit-ratio", percentFormat.format(stats.hitRatio));
    text("kpi-entries", numberFormat.format(stats.entries));
    text("kpi-companies", numberFormat.format(stats.companies));
    text("kpi-memory", `${bytes(stats.estimatedBytes)} / ${bytes(stats.memory.workingSetBytes)}`);
    text("kpi-applied", numberFormat.format(stats.appliedChanges ?? 0));
    text("kpi-invalidations", numberFormat.format(stats.invalidations));
    text("kpi-queue", `${numberFormat.format(stats.queue.depth)} / ${numberFormat.format(stats.queue.capacity)}`);
    text("kpi-queries", `${numberFormat.format(stats.database.queries)} (${numberFormat.format(stats.database.slowQueries)})`);
    text("kpi-next-warm", `${inZone(stats.schedule.nextWarm, stats.schedule.timeZone)} (cron ${stats.schedule.cron})`);
    text("updated-at", `updated ${new Date().toLocaleTimeString()}`);

    document.querySelector("#widget-table tbody").replaceChildren(...stats.widgets.map(w => el("tr", { "data-widget": w.widget },
      el("td", {}, w.widget), el("td", {}, w.tier), el("td", { "data-col": "mode" }, w.mode === "Optimized" && w.optimizedPercent < 100 ? `Optimized ${w.optimizedPercent}%` : w.mode),
      el("td", { class: "num", "data-col": "hit-ratio" }, percentFormat.format(w.hitRatio)),
      el("td", { class: "num", "data-col": "hits" }, numberFormat.format(w.hits)),
      el("td", { class: "num", "data-col": "l2-hits" }, numberFormat.format(w.l2Hits)),
      el("td", { class: "num", "data-col": "misses" }, numberFormat.format(w.misses)),
      el("td", { class: "num", "data-col": "stale" }, numberFormat.format(w.staleHits)),
      el("td", { class: "num", "data-col": "refreshes" }, numberFormat.format(w.refreshes)),
      el("td", { class: "num", "data-col": "errors" }, numberFormat.format(w.errors)),
      el("td", { class: "num", "data-col": "soft-timeouts" }, numberFormat.format(w.softTimeouts)),
      el("td", { class: "num", "data-col": "hard-timeouts" }, numberFormat.format(w.hardTimeouts)),
      el("td", { class: "num", "data-col": "computed" }, msFormat.format(w.meanComputeMs)),
      el("td", { class: "num", "data-col": "cached" }, msFormat.format(w.cachedMeanMs)))));
    renderLatency(stats.widgets);

    document.querySelector("#slowest-table tbody").replaceChildren(...stats.slowest.map(s => el("tr", { "data-widget": s.widget, "data-company-id": s.companyId },
      el("td", {}, s.widget), el("td", {}, companyLabel(s.companyId)), el("td", { class: "num" }, msFormat.format(s.durationMs)), el("td", {}, time(s.at)))));

    const byCompany = new Map();
    for (const s of stats.slowest) {
      const entry = byCompany.get(s.companyId) ?? { companyId: s.companyId, max: 0, count: 0 };
      entry.max = Math.max(entry.max, s.durationMs);
      entry.count += 1;
      byCompany.set(s.companyId, entry);
    }
    document.querySelector("#slow-companies-table tbody").replaceChildren(...[...byCompany.values()].sort((a, b) => b.max - a.max).map(c =>
      el("tr", { "data-company-id": c.companyId }, el("td", {}, companyLabel(c.companyId)), el("td", { class: "num" }, msFormat.format(c.max)), el("td", { class: "num" }, c.count))));
  }

  async function refresh() {
    try {
      const [stats, history] = await Promise.all([call(`${API}/stats`), call(`${API}/history`)]);
      renderStats(stats);
      renderHistory(history);
      document.getElementById("cache-admin").dataset.loaded = "true";
      showError("");
    } catch (error) {
      showError(`Could not load the cache statistics: ${error.message}`);
    }
  }

  async function loadCompanies() {
    const list = await call("/api/companies");
    for (const c of list.companies) companyNames.set(c.id, c.name);
    document.getElementById("admin-company-select").replaceChildren(...list.companies.map(c => el("option", { value: c.id }, `${c.id} · ${c.name}`)));
  }

  function setStatus(message, state = "", jobId = "") {
    const status = document.getElementById("action-status");
    status.textContent = message;
    status.dataset.state = state;
    status.dataset.jobId = jobId;
  }

  async function pollJob(job) {
    for (;;) {
      const status = await call(job.statusUrl);
      setStatus(`Job ${status.kind}: ${status.state}, ${status.completed}/${status.total} done, ${status.failed} failed`, status.state, status.jobId);
      if (status.state === "completed" || status.state === "failed") return;
      await new Promise(resolve => setTimeout(resolve, JOB_POLL_MS));
    }
  }

  async function act(action) {
    const company = Number(document.getElementById("admin-company-select").value);
    const buttons = document.querySelectorAll("#actions-card button");
    buttons.forEach(b => { b.disabled = true; });
    try {
      const answer = await call(`${API}/${action}`, { method: "POST", body: JSON.stringify({ company }) });
      if (action === "warm") {
        setStatus(`Job queued: ${answer.widgets} widgets of ${answer.companies} company`, "queued", answer.jobId);
        await pollJob(answer);
      } else {
        setStatus(`Cleared: ${answer.scope}`, "completed");
      }
      await refresh();
    } catch (error) {
      setStatus(`${action} failed: ${error.message}`, "failed");
    } finally {
      buttons.forEach(b => { b.disabled = false; });
    }
  }

  document.getElementById("warm-company").addEventListener("click", () => act("warm"));
  document.getElementById("clear-company").addEventListener("click", () => act("clear"));
  loadCompanies().catch(error => showError(`Could not load the companies: ${error.message}`)).finally(refresh);
  setInterval(refresh, REFRESH_MS);
})();
