// The dashboard page: reads the widget API with the auth cookie and renders the four widgets.
// No framework, no build step, no network beyond this service.
"use strict";

(() => {
  const LIVE_REFRESH_MS = 5000;
  const numberFormat = new Intl.NumberFormat(undefined);
  const moneyFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const percentFormat = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
  let companyId = null;
  let liveTimer = null;
  let hub = null;
  const fetchSeq = {};

  const { el, svg, showError, request } = window.AskPro;

  const card = name => document.querySelector(`[data-widget="${name}"]`);
  const money = cents => moneyFormat.format(cents / 100);
  const seconds = s => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}`;
  const time = iso => new Date(iso).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

  async function getJson(url) {
    const response = await request(url);
    return { body: await response.json(), cache: response.headers.get("X-Cache") };
  }

  function render(name, cache, data, renderer) {
    const section = card(name);
    const badge = section.querySelector(".badge");
    badge.textContent = cache || "?";
    badge.dataset.cache = cache || "";
    badge.title = `Cache: ${cache}`;
    const body = section.querySelector('[data-role="body"]');
    body.replaceChildren(...renderer(data));
    section.dataset.loaded = "true";
  }

  function kpi(metric, label, value, sub) {
    return el("div", { class: "kpi", "data-metric": metric },
      el("span", { class: "kpi-label" }, label),
      el("span", { class: "kpi-value", "data-value": "" }, value),
      sub ? el("span", { class: "kpi-sub" }, sub) : null);
  }

  function delta(comparison, format) {
    const change = comparison.change;
    const sign = change > 0 ? "+" : "";
    const percent = comparison.changePercent === null ? "" : ` (${sign}${comparison.changePercent}%)`;
    const cls = change > 0 ? "delta-up" : change < 0 ? "delta-down" : "";
    return el("span", { class: cls }, `${sign}${format(change)}${percent} vs. yesterday (${format(comparison.yesterday)})`);
  }

  function renderOverview(d) {
    return [
      kpi("calls", "Calls today", numberFormat.format(d.calls.today), delta(d.calls, numberFormat.format)),
      kpi("answered", "Answered", numberFormat.format(d.answered.today), delta(d.answered, numberFormat.format)),
      kpi("appointments", "Appointments", numberFormat.format(d.appointments.today), delta(d.appointments, numberFormat.format)),
      kpi("revenue", "Revenue", money(d.revenueCents.today), delta(d.revenueCents, money)),
      kpi("avg-duration", "Avg. duration", seconds(d.averageDurationSeconds.today), delta(d.averageDurationSeconds, v => `${Math.round(v)} s`)),
    ];
  }

  function trendChart(points) {
    const width = 600, height = 180, padLeft = 32, padBottom = 20, padTop = 8;
    const max = Math.max(1, ...points.map(p => p.calls));
    const step = (width - padLeft) / points.length;
    const y = v => padTop + (height - padTop - padBottom) * (1 - v / max);
    const chart = svg("svg", { class: "chart", id: "trend-chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Calls per day, last 30 days" });
    chart.append(svg("line", { class: "axis", x1: padLeft, x2: width, y1: y(0), y2: y(0) }));
    chart.append(svg("text", { x: 0, y: y(max) + 4 }, numberFormat.format(max)));
    chart.append(svg("text", { x: 0, y: y(0) }, "0"));
    points.forEach((p, i) => {
      const bar = svg("rect", {
        class: "bar", x: padLeft + i * step + 1, y: y(p.calls), width: Math.max(1, step - 2), height: y(0) - y(p.calls),
        "data-date": p.date, "data-calls": p.calls,
      });
      bar.append(svg("title", {}, `${p.date}: ${p.calls} calls, ${p.booked} booked`));
      chart.append(bar);
    });
    const line = points.map((p, i) => `${padLeft + i * step + step / 2},${y(p.booked)}`).join(" ");
    chart.append(svg("polyline", { class: "line", points: line }));
    chart.append(svg("text", { x: padLeft, y: height - 4 }, points[0]?.date ?? ""));
    chart.append(svg("text", { x: width, y: height - 4, "text-anchor": "end" }, points.at(-1)?.date ?? ""));
    return chart;
  }

  function renderStats(d) {
    const kpis = el("div", { class: "kpis" },
      kpi("calls", "Calls", numberFormat.format(d.calls)),
      kpi("answered-rate", "Answered", percentFormat.format(d.answeredRate), `${numberFormat.format(d.answeredCalls)} calls`),
      kpi("appointments", "Appointments booked", numberFormat.format(d.appointmentsBooked)),
      kpi("conversion-rate", "Conversion", percentFormat.format(d.conversionRate), `${numberFormat.format(d.callsWithAppointment)} calls booked`),
      kpi("revenue", "Revenue", money(d.revenueCents)),
      kpi("avg-duration", "Avg. duration", seconds(d.averageDurationSeconds)));
    const branches = el("table", { id: "top-branches" },
      el("thead", {}, el("tr", {}, el("th", {}, "Top branches"), el("th", { class: "num" }, "Calls"), el("th", { class: "num" }, "Conv."))),
      el("tbody", {}, d.topBranches.map(b => el("tr", { "data-branch-id": b.branchId },
        el("td", {}, b.name), el("td", { class: "num" }, numberFormat.format(b.calls)), el("td", { class: "num" }, percentFormat.format(b.conversionRate))))));
    const legend = el("div", { class: "legend" },
      el("span", {}, el("i", { style: "background: var(--accent-soft)" }), "Calls"),
      el("span", {}, el("i", { style: "background: var(--good)" }), "Booked"),
      el("span", {}, `${d.from} – ${d.to} (${d.timeZone})`));
    return [kpis, el("div", { class: "stats-layout" }, el("div", {}, trendChart(d.trend), legend), branches)];
  }

  function renderLive(d) {
    const figures = el("div", { class: "live-figures" },
      kpi("ongoing", "Ongoing now", numberFormat.format(d.ongoing)),
      kpi("last-15", "Last 15 minutes", numberFormat.format(d.callsLast15Minutes)));
    const table = el("table", {},
      el("thead", {}, el("tr", {}, el("th", {}, "Branch"), el("th", { class: "num" }, "Ongoing"), el("th", { class: "num" }, "15 min"))),
      el("tbody", {}, d.branches.map(b => el("tr", { "data-branch-id": b.branchId },
        el("td", {}, b.name), el("td", { class: "num" }, b.ongoing), el("td", { class: "num" }, b.callsLast15Minutes)))));
    return [figures, table];
  }

  function renderRecent(d) {
    if (d.calls.length === 0) return [el("p", { class: "muted" }, "No calls yet.")];
    return [el("table", { id: "recent-calls-table" },
      el("thead", {}, el("tr", {}, el("th", {}, "Time"), el("th", {}, "Customer"), el("th", {}, "Branch"), el("th", { class: "num" }, "Duration"), el("th", {}, "Outcome"))),
      el("tbody", {}, d.calls.map(c => el("tr", { "data-call-id": c.id },
        el("td", {}, time(c.startedAt)),
        el("td", {}, c.customerName ?? "Unknown caller"),
        el("td", {}, c.branchName),
        el("td", { class: "num" }, seconds(c.durationSeconds)),
        el("td", {}, el("span", { class: `pill ${c.outcome}` }, c.outcome.replace("_", " ")))))))];
  }

  const renderers = {
    stats_overview: renderOverview,
    dashboard_stats: renderStats,
    live_calls: renderLive,
    recent_calls: renderRecent,
  };

  async function loadDashboard() {
    const { body } = await getJson(`/api/companies/${companyId}/dashboard`);
    for (const [name, entry] of Object.entries(body.widgets)) {
      if (renderers[name]) render(name, entry.cache, entry.data, renderers[name]);
    }
    stampLive();
    document.getElementById("dashboard").dataset.companyId = String(companyId);
  }

  function stampLive() {
    card("live_calls").querySelector('[data-role="updated"]').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  }

  async function refreshLive() {
    try {
      const { body, cache } = await getJson(`/api/companies/${companyId}/widgets/live_calls`);
      render("live_calls", cache, body, renderLive);
      stampLive();
    } catch (error) {
      showError(`Live calls: ${error.message}`);
    }
  }

  // Live push: the server sends widgetsChanged {companyId, widgets} after an invalidation; only those widgets are fetched again.
  async function refreshWidget(name) {
    const renderer = renderers[name];
    if (!renderer) return;
    const seq = (fetchSeq[name] = (fetchSeq[name] || 0) + 1);
    const forCompany = companyId;
    try {
      const { body, cache } = await getJson(`/api/companies/${forCompany}/widgets/${name}`);
      if (seq !== fetchSeq[name] || forCompany !== companyId) return; // a newer fetch or another company won
      render(name, cache, body, renderer);
      if (name === "live_calls") stampLive();
    } catch (error) {
      showError(`${name}: ${error.message}`);
    }
  }

  async function watchCompany() {
    if (!hub || hub.state !== signalR.HubConnectionState.Connected || companyId === null) return;
    try {
      await hub.invoke("Watch", companyId);
      document.getElementById("dashboard").dataset.live = "on";
    } catch (error) {
      showError(`Live updates: ${error.message}`);
    }
  }

  function startLivePush() {
    if (!window.signalR) return;
    // WebSockets only, without the negotiate request: behind a round-robin balancer the negotiated connection id would
    // reach another instance than the one that issued it (see deploy/nginx/askpro.conf).
    hub = new signalR.HubConnectionBuilder()
      .withUrl("/hubs/dashboard", { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
      .withAutomaticReconnect()
      .build();
    hub.on("widgetsChanged", async message => {
      if (message.companyId !== companyId) return;
      // The live widget first and alone: the heavier recomputations (a 30-day aggregate) would otherwise share the
      // server's cores with it and delay the number the user is watching.
      if (message.widgets.includes("live_calls")) await refreshWidget("live_calls");
      for (const name of message.widgets) if (name !== "live_calls") refreshWidget(name);
    });
    hub.onreconnecting(() => { document.getElementById("dashboard").dataset.live = "off"; });
    hub.onreconnected(async () => {
      await watchCompany();
      loadDashboard().catch(error => showError(error.message)); // pushes sent while disconnected are lost
    });
    hub.start().then(watchCompany).catch(error => showError(`Live updates: ${error.message}`));
  }

  async function selectCompany(id, name) {
    companyId = id;
    document.getElementById("company-name").textContent = name;
    showError("");
    clearInterval(liveTimer);
    try {
      await loadDashboard();
    } catch (error) {
      showError(error.message);
    }
    liveTimer = setInterval(refreshLive, LIVE_REFRESH_MS);
    await watchCompany();
  }

  async function start() {
    let list;
    try {
      list = (await getJson("/api/companies")).body;
    } catch (error) {
      showError(error.message);
      return;
    }
    const companies = list.companies;
    if (companies.length === 0) {
      showError("Your account has no company.");
      return;
    }
    const select = document.getElementById("company-select");
    select.replaceChildren(...companies.map(c => el("option", { value: c.id }, `${c.name} (#${c.id})`)));
    const stored = Number(sessionStorage.getItem("askpro.company"));
    const initial = companies.find(c => c.id === stored) ?? companies.find(c => c.id === list.ownCompanyId) ?? companies[0];
    select.value = String(initial.id);
    document.getElementById("company-picker").hidden = companies.length < 2;
    select.addEventListener("change", () => {
      const chosen = companies.find(c => String(c.id) === select.value);
      sessionStorage.setItem("askpro.company", chosen.id);
      selectCompany(chosen.id, chosen.name);
    });
    await selectCompany(initial.id, initial.name);
    startLivePush();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
