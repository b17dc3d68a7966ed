// The dashboard page: reads the widget API with the auth cookie and renders the four widgets, each on its own (a slow
// widget never holds up the others), in the company's currency, locale and time zone.
// No framework, no build step, no network beyond this service.
"use strict";

(() => {
  const LIVE_REFRESH_MS = 5000;
  // The aggregates after a push: fetched once the pushes have paused this long, and at the latest this long after the
  // first push they wait for. A call center's burst of call events then costs one recomputation of each aggregate per
  // burst (or per PUSH_MAX_WAIT_MS), not one per event per open dashboard, and those recomputations do not share the
  // server's cores with the next event's live number.
  const PUSH_QUIET_MS = 1000;
  const PUSH_MAX_WAIT_MS = 3000;
  const WIDGETS = ["live_calls", "stats_overview", "recent_calls", "dashboard_stats"]; // the live one first
  const QUIET_BRANCHES_SHOWN = 8;

  const { el, svg, showError, request } = window.AskPro;

  let company = null; // { id, name, timeZone, currency, locale }
  let generation = 0; // bumped on every company switch: answers for an older one are dropped
  let liveTimer = null;
  let hub = null;
  const pushed = { names: new Set(), timer: null, since: 0 }; // aggregates named by pushes, not fetched yet
  const fetchSeq = {};
  const updatedAt = {}; // widget -> Date.now() minus the value's age
  const problems = new Map(); // source -> message; the banner shows them until their source recovers
  let fmt = formats({ locale: "en-US", currency: "EUR", timeZone: "UTC" });

  const card = name => document.querySelector(`[data-widget="${name}"]`);
  const dashboard = () => document.getElementById("dashboard");

  // Every formatter of one company: its locale for numbers, its currency for money, its zone for times.
  function formats(c) {
    const locale = c.locale || undefined;
    const safe = (make, fallback) => { try { return make(); } catch { return fallback(); } };
    const number = new Intl.NumberFormat(locale);
    const money = safe(() => new Intl.NumberFormat(locale, { style: "currency", currency: c.currency || "EUR" }),
      () => new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
    const dateTime = safe(() => new Intl.DateTimeFormat(locale, { timeZone: c.timeZone, month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }),
      () => new Intl.DateTimeFormat(locale, { timeZone: "UTC", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }));
    const day = new Intl.DateTimeFormat(locale, { timeZone: "UTC", month: "short", day: "numeric" });
    const collator = new Intl.Collator(locale, { numeric: true, sensitivity: "base" });
    return {
      number: v => number.format(v),
      money: cents => money.format(cents / 100),
      percent: v => percent.format(v),
      time: iso => dateTime.format(new Date(iso)),
      day: isoDate => day.format(new Date(`${isoDate}T00:00:00Z`)),
      compare: (a, b) => collator.compare(a, b),
    };
  }

  // 59.6 s is "1:00", never "0:60": round the whole seconds first, then split.
  function duration(seconds) {
    const total = Math.round(Math.abs(seconds));
    return `${seconds < 0 ? "−" : ""}${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
  }

  function setProblem(source, message) {
    if (message) problems.set(source, message); else problems.delete(source);
    showError([...problems.values()].join(" · "));
  }

  async function getJson(url) {
    const response = await request(url);
    return { body: await response.json(), cache: response.headers.get("X-Cache"), age: Number(response.headers.get("Age") || 0) };
  }

  function render(name, cache, age, data, renderer) {
    const section = card(name);
    const badge = section.querySelector(".badge");
    badge.textContent = cache || "?";
    badge.dataset.cache = cache || "";
    badge.title = `Cache: ${cache}`;
    section.querySelector('[data-role="body"]').replaceChildren(...renderer(data));
    section.dataset.loaded = "true";
    section.removeAttribute("aria-busy");
    updatedAt[name] = Date.now() - age * 1000;
    stampUpdated(name);
    if (WIDGETS.every(w => card(w).dataset.loaded === "true")) dashboard().removeAttribute("aria-busy");
  }

  function stampUpdated(name) {
    const foot = card(name).querySelector('[data-role="updated"]');
    if (updatedAt[name] === undefined) { foot.textContent = ""; return; }
    const seconds = Math.max(0, Math.round((Date.now() - updatedAt[name]) / 1000));
    foot.textContent = seconds < 60 ? `Updated ${seconds} s ago` : `Updated ${Math.floor(seconds / 60)} min ago`;
  }

  // A company switch empties every card at once: nothing of the previous company stays under the new name.
  function clearWidgets() {
    for (const name of WIDGETS) {
      const section = card(name);
      section.dataset.loaded = "false";
      section.setAttribute("aria-busy", "true");
      const badge = section.querySelector(".badge");
      badge.textContent = "…";
      badge.dataset.cache = "";
      section.querySelector('[data-role="body"]').replaceChildren(el("p", { class: "muted loading" }, "Loading…"));
      delete updatedAt[name];
      stampUpdated(name);
    }
    dashboard().setAttribute("aria-busy", "true");
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
    const percent = comparison.changePercent === null || comparison.changePercent === undefined ? "" : ` (${sign}${fmt.number(comparison.changePercent)} %)`;
    const cls = change > 0 ? "delta-up" : change < 0 ? "delta-down" : "";
    return el("span", { class: cls }, `${sign}${format(change)}${percent} vs. yesterday (${format(comparison.yesterday)})`);
  }

  function renderOverview(d) {
    return [el("div", { class: "kpis" },
      kpi("calls", "Calls today", fmt.number(d.calls.today), delta(d.calls, fmt.number)),
      kpi("answered", "Answered", fmt.number(d.answered.today), delta(d.answered, fmt.number)),
      kpi("appointments", "Appointments", fmt.number(d.appointments.today), delta(d.appointments, fmt.number)),
      kpi("revenue", "Revenue", fmt.money(d.revenueCents.today), delta(d.revenueCents, fmt.money)),
      kpi("avg-duration", "Avg. duration", duration(d.averageDurationSeconds.today), delta(d.averageDurationSeconds, duration)))];
  }

  // Bars of calls per day and a line of booked calls, with a y axis, date labels, a legend, and the same numbers as
  // a table for keyboards and screen readers (no value is reachable only by hovering).
  function trendChart(points, width) {
    const height = Math.round(Math.min(220, Math.max(160, width * 0.3)));
    const max = Math.max(1, ...points.map(p => p.calls));
    const ticks = [0, Math.round(max / 2), max];
    // Room for the widest tick label ("1.212" at 12 px is ~32 px), so it is not cut at the left edge.
    const padLeft = 10 + 7 * Math.max(...ticks.map(t => fmt.number(t).length)), padBottom = 22, padTop = 10;
    const step = (width - padLeft) / Math.max(1, points.length);
    const y = v => padTop + (height - padTop - padBottom) * (1 - v / max);
    const chart = svg("svg", { class: "chart", id: "trend-chart", viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": `Calls per day, last ${points.length} days; the same figures are in the table below` });
    for (const tick of ticks) {
      chart.append(svg("line", { class: tick === 0 ? "axis" : "grid-line", x1: padLeft, x2: width, y1: y(tick), y2: y(tick) }));
      chart.append(svg("text", { x: padLeft - 6, y: y(tick) + 4, "text-anchor": "end" }, fmt.number(tick)));
    }
    points.forEach((p, i) => {
      const bar = svg("rect", {
        class: "bar", x: padLeft + i * step + 1, y: y(p.calls), width: Math.max(1, step - 2), height: y(0) - y(p.calls),
        "data-date": p.date, "data-calls": p.calls,
      });
      bar.append(svg("title", {}, `${fmt.day(p.date)}: ${fmt.number(p.calls)} calls, ${fmt.number(p.booked)} booked`));
      chart.append(bar);
    });
    chart.append(svg("polyline", { class: "line", points: points.map((p, i) => `${padLeft + i * step + step / 2},${y(p.booked)}`).join(" ") }));
    const labels = width < 500 ? [0, points.length - 1] : [0, Math.floor(points.length / 2), points.length - 1];
    for (const i of labels) {
      if (!points[i]) continue;
      const anchor = i === 0 ? "start" : i === points.length - 1 ? "end" : "middle";
      const x = i === 0 ? padLeft : i === points.length - 1 ? width : padLeft + i * step + step / 2;
      chart.append(svg("text", { x, y: height - 5, "text-anchor": anchor }, fmt.day(points[i].date)));
    }
    return chart;
  }

  function trendTable(points) {
    return el("details", { class: "chart-table" },
      el("summary", {}, "Show the figures as a table"),
      el("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Calls per day" }, el("table", { id: "trend-table" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Day"), el("th", { scope: "col", class: "num" }, "Calls"), el("th", { scope: "col", class: "num" }, "Booked"))),
        el("tbody", {}, points.map(p => el("tr", {},
          el("th", { scope: "row" }, fmt.day(p.date)), el("td", { class: "num" }, fmt.number(p.calls)), el("td", { class: "num" }, fmt.number(p.booked))))))));
  }

  function renderStats(d) {
    const kpis = el("div", { class: "kpis" },
      kpi("calls", "Calls", fmt.number(d.calls)),
      kpi("answered-rate", "Answered", fmt.percent(d.answeredRate), `${fmt.number(d.answeredCalls)} calls`),
      kpi("appointments", "Appointments booked", fmt.number(d.appointmentsBooked)),
      kpi("conversion-rate", "Conversion", fmt.percent(d.conversionRate), `${fmt.number(d.callsWithAppointment)} calls booked`),
      kpi("revenue", "Revenue", fmt.money(d.revenueCents)),
      kpi("avg-duration", "Avg. duration", duration(d.averageDurationSeconds)));
    if (d.calls === 0) {
      return [kpis, el("p", { class: "empty-state", "data-empty": "dashboard_stats" }, `No calls in the last 30 days (${fmt.day(d.from)} – ${fmt.day(d.to)}). Calls appear here as soon as the phone assistant answers them.`)];
    }
    const body = card("dashboard_stats").querySelector('[data-role="body"]');
    const width = Math.max(300, Math.min(900, Math.round((body.clientWidth || 600) * (window.innerWidth > 900 ? 0.64 : 1)) - 8));
    const legend = el("div", { class: "legend" },
      el("span", {}, el("i", { class: "swatch swatch-calls" }), "Calls"),
      el("span", {}, el("i", { class: "swatch swatch-booked" }), "Booked"),
      el("span", {}, `${fmt.day(d.from)} – ${fmt.day(d.to)} (${d.timeZone})`));
    const branches = d.topBranches.length === 0 ? el("p", { class: "muted" }, "No branch had calls.") : el("table", { id: "top-branches", class: "stack" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Top branches"), el("th", { scope: "col", class: "num" }, "Calls"), el("th", { scope: "col", class: "num" }, "Conv."))),
      el("tbody", {}, d.topBranches.map(b => el("tr", { "data-branch-id": b.branchId },
        el("td", { "data-label": "Branch" }, b.name),
        el("td", { class: "num", "data-label": "Calls" }, fmt.number(b.calls)),
        el("td", { class: "num", "data-label": "Conversion" }, fmt.percent(b.conversionRate))))));
    return [kpis, el("div", { class: "stats-layout" }, el("div", {}, trendChart(d.trend, width), legend, trendTable(d.trend)), branches)];
  }

  function renderLive(d) {
    const figures = el("div", { class: "live-figures", "aria-live": "polite", "aria-atomic": "true" },
      kpi("ongoing", "Ongoing now", fmt.number(d.ongoing)),
      kpi("last-15", "Last 15 minutes", fmt.number(d.callsLast15Minutes)));
    if (d.branches.length === 0) return [figures, el("p", { class: "muted" }, "This company has no branches yet.")];
    const sorted = [...d.branches].sort((a, b) => fmt.compare(a.name, b.name) || a.branchId - b.branchId);
    const active = sorted.filter(b => b.ongoing > 0 || b.callsLast15Minutes > 0);
    const quiet = sorted.filter(b => b.ongoing === 0 && b.callsLast15Minutes === 0);
    // Many quiet branches would bury the active ones: show them all only when there are few.
    const shown = quiet.length <= QUIET_BRANCHES_SHOWN ? sorted : active;
    const row = b => el("tr", { "data-branch-id": b.branchId },
      el("td", { "data-label": "Branch" }, b.name),
      el("td", { class: "num", "data-label": "Ongoing" }, fmt.number(b.ongoing)),
      el("td", { class: "num", "data-label": "15 min" }, fmt.number(b.callsLast15Minutes)));
    const head = () => el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Branch"), el("th", { scope: "col", class: "num" }, "Ongoing"), el("th", { scope: "col", class: "num" }, "15 min")));
    const parts = [figures];
    if (shown.length > 0) parts.push(el("table", { id: "live-branches", class: "stack" }, head(), el("tbody", {}, shown.map(row))));
    if (shown !== sorted) {
      parts.push(el("details", { class: "quiet-branches", "data-quiet": quiet.length },
        el("summary", {}, `${fmt.number(quiet.length)} branches without calls in the last 15 minutes`),
        el("table", { class: "stack" }, head(), el("tbody", {}, quiet.map(row)))));
    }
    return parts;
  }

  function renderRecent(d) {
    if (d.calls.length === 0) return [el("p", { class: "empty-state", "data-empty": "recent_calls" }, "No calls yet.")];
    const outcomes = { appointment_booked: "appointment booked", in_progress: "in progress", no_end_recorded: "no end recorded" };
    return [el("table", { id: "recent-calls-table", class: "stack" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Time"), el("th", { scope: "col" }, "Customer"), el("th", { scope: "col" }, "Branch"), el("th", { scope: "col", class: "num" }, "Duration"), el("th", { scope: "col" }, "Outcome"))),
      el("tbody", {}, d.calls.map(c => el("tr", { "data-call-id": c.id },
        el("td", { "data-label": "Time" }, el("time", { datetime: c.startedAt }, fmt.time(c.startedAt))),
        el("td", { "data-label": "Customer", class: "wrap" }, c.customerName ?? "Unknown caller"),
        el("td", { "data-label": "Branch", class: "wrap" }, c.branchName),
        el("td", { class: "num", "data-label": "Duration" }, c.outcome === "in_progress" ? "in progress" : duration(c.durationSeconds)),
        el("td", { "data-label": "Outcome" }, el("span", { class: `pill ${c.outcome}` }, outcomes[c.outcome] ?? c.outcome.replaceAll("_", " ")))))))];
  }

  const renderers = {
    stats_overview: renderOverview,
    dashboard_stats: renderStats,
    live_calls: renderLive,
    recent_calls: renderRecent,
  };

  // One widget, on its own: a newer fetch of the same widget, or a company switch, makes this answer stale.
  async function refreshWidget(name) {
    const seq = (fetchSeq[name] = (fetchSeq[name] || 0) + 1);
    const forGeneration = generation;
    const forCompany = company.id;
    try {
      const { body, cache, age } = await getJson(`/api/companies/${forCompany}/widgets/${name}`);
      if (seq !== fetchSeq[name] || forGeneration !== generation) return;
      render(name, cache, age, body, renderers[name]);
      card(name).dataset.source = "fetch";
      setProblem(name, null);
    } catch (error) {
      if (forGeneration === generation) setProblem(name, `${card(name).querySelector("h2").textContent}: ${error.message}`);
    }
  }

  // A value that came with a push: newer than any fetch of the same widget still on its way, which is dropped.
  function showPushed(pushedValue) {
    const name = pushedValue.widget;
    fetchSeq[name] = (fetchSeq[name] || 0) + 1;
    render(name, pushedValue.cache, pushedValue.age, pushedValue.value, renderers[name]);
    card(name).dataset.source = "push";
    setProblem(name, null);
  }

  function loadAll() {
    return Promise.all(WIDGETS.map(refreshWidget));
  }

  function setConnection(state, text) {
    const box = document.getElementById("connection");
    box.dataset.state = state;
    document.getElementById("connection-text").textContent = text;
    dashboard().dataset.live = state === "live" ? "on" : "off";
  }

  async function watchCompany() {
    if (!hub || hub.state !== signalR.HubConnectionState.Connected || company === null) return;
    try {
      const answer = await hub.invoke("Watch", company.id);
      if (!answer.watching) throw new Error(answer.refusal);
      setProblem("live", null);
      setConnection("live", "Live");
    } catch (error) {
      setProblem("live", `Live updates: ${error.message}`);
    }
  }

  // Reconnect forever: 1, 2, 4, 8, 16, then every 30 s (with a little jitter so a restarted service is not hit at once).
  const backoff = attempt => Math.min(30000, 1000 * 2 ** Math.min(attempt, 5)) + Math.floor(Math.random() * 500);

  async function connect(attempt = 0) {
    try {
      await hub.start();
      await watchCompany();
      if (attempt > 0) loadAll(); // pushes sent while disconnected are lost
    } catch {
      const wait = backoff(attempt);
      setConnection("offline", `Offline, retrying in ${Math.round(wait / 1000)} s`);
      setTimeout(() => connect(attempt + 1), wait);
    }
  }

  function startLivePush() {
    if (!window.signalR) { setConnection("offline", "Live updates unavailable"); return; }
    // WebSockets only, without the negotiate request: behind a round-robin balancer the negotiated connection id would
    // reach another instance than the one that issued it (see deploy/nginx/askpro.conf).
    hub = new signalR.HubConnectionBuilder()
      .withUrl("/hubs/dashboard", { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: context => backoff(context.previousRetryCount) })
      .build();
    hub.on("widgetsChanged", async message => {
      if (company === null || message.companyId !== company.id) return;
      // The live widget first and alone: the heavier recomputations (a 30-day aggregate) would otherwise share the
      // server's cores with it and delay the number the user is watching.
      // The push carries the live value when the instance could read it (ADR 0026): shown at once, no request.
      if (message.live && renderers[message.live.widget]) showPushed(message.live);
      else if (message.widgets.includes("live_calls")) await refreshWidget("live_calls");
      for (const name of message.widgets) if (name !== "live_calls" && renderers[name]) pushed.names.add(name);
      schedulePushedAggregates();
    });
    hub.onreconnecting(() => setConnection("reconnecting", "Reconnecting…"));
    hub.onreconnected(async () => {
      await watchCompany();
      loadAll();
    });
    // Automatic reconnect gives up only when told to; a close still starts over, so push never stays off.
    hub.onclose(() => { setConnection("offline", "Offline, retrying"); connect(1); });
    connect(0);
  }

  // Fetches the aggregates named by pushes once the pushes pause (PUSH_QUIET_MS), at the latest PUSH_MAX_WAIT_MS after
  // the first of them; a company switch drops what is pending (loadAll fetches everything anyway).
  function schedulePushedAggregates() {
    if (pushed.names.size === 0) return;
    const now = Date.now();
    if (pushed.timer === null) pushed.since = now;
    clearTimeout(pushed.timer);
    const wait = Math.max(0, Math.min(PUSH_QUIET_MS, pushed.since + PUSH_MAX_WAIT_MS - now));
    pushed.timer = setTimeout(() => {
      const names = [...pushed.names];
      pushed.names.clear();
      pushed.timer = null;
      for (const name of names) refreshWidget(name);
    }, wait);
  }

  function dropPushedAggregates() {
    clearTimeout(pushed.timer);
    pushed.timer = null;
    pushed.names.clear();
  }

  async function refreshLive() {
    await refreshWidget("live_calls");
  }

  async function selectCompany(chosen) {
    generation += 1;
    company = chosen;
    fmt = formats(chosen);
    document.getElementById("company-name").textContent = chosen.name;
    dashboard().dataset.companyId = "";
    problems.clear();
    showError("");
    clearWidgets();
    clearInterval(liveTimer);
    dropPushedAggregates();
    const started = generation;
    watchCompany();
    await loadAll();
    if (started === generation) dashboard().dataset.companyId = String(chosen.id);
    liveTimer = setInterval(refreshLive, LIVE_REFRESH_MS);
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
    if (list.isSuperAdmin) {
      document.getElementById("admin-link").hidden = false;
      const toggle = document.getElementById("details-toggle");
      document.getElementById("details-toggle-label").hidden = false;
      toggle.checked = sessionStorage.getItem("askpro.details") === "on";
      document.body.classList.toggle("show-cache", toggle.checked);
      toggle.addEventListener("change", () => {
        document.body.classList.toggle("show-cache", toggle.checked);
        sessionStorage.setItem("askpro.details", toggle.checked ? "on" : "off");
      });
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
      selectCompany(chosen);
    });
    setInterval(() => WIDGETS.forEach(stampUpdated), 1000);
    startLivePush();
    await selectCompany(initial);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
