// Write -> visible through the balancer, broken down per event: the webhook's acknowledgement, the push's arrival,
// the live widget's fetch (with its Server-Timing), visible. Not part of the test suite; a measuring aid (ADR 0021).
//   npm install playwright-core   (in any folder on NODE_PATH)   then   node bench/browser-breakdown.js http://127.0.0.1:5490 60
// Needs a deployment from scripts/scale-out.sh (Development demo data: manager1@askpro.test) and /usr/bin/chromium.
const { chromium } = require('playwright-core');
const crypto = require('crypto');
const base = process.argv[2] || 'http://127.0.0.1:5490';
const n = parseInt(process.argv[3] || '30');
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript(() => {
    window.__log = [];
    const OrigWS = window.WebSocket;
    window.WebSocket = function (...a) { const ws = new OrigWS(...a); ws.addEventListener('message', e => { const d = String(e.data); if (d.includes('widgetsChanged')) window.__log.push(['push', performance.now(), (d.match(/"live":\{"widget":"[a-z_]+","cache":"([A-Z-]+)"/) || [null, 'no value'])[1]]); }); return ws; };
    window.WebSocket.prototype = OrigWS.prototype; Object.assign(window.WebSocket, OrigWS);
    const origFetch = window.fetch;
    window.fetch = async (url, ...r) => { const s = performance.now(); const res = await origFetch(url, ...r); const e = performance.now(); window.__log.push(['fetch', String(url), s, e, res.headers.get('x-cache'), res.headers.get('server-timing')]); return res; };
  });
  await page.goto(base + '/login');
  await page.fill('#email', 'manager1@askpro.test');
  await page.fill('#password', 'demo-password');
  await page.click('#login-submit');
  await page.waitForSelector("[data-widget='live_calls'][data-loaded='true']", { timeout: 60000 });
  await page.waitForSelector("#dashboard[data-live='on']", { timeout: 60000 });
  let ongoing = parseInt((await page.innerText("[data-widget='live_calls'] [data-metric='ongoing'] .kpi-value")).replace(/[^0-9]/g, ''));
  const rows = [];
  for (let i = 0; i < n + 3; i++) {
    const id = `br-${Date.now()}-${i}`;
    const body = JSON.stringify({ eventId: id, type: 'call_started', companyId: 1, externalCallId: id, branchId: 1 });
    const ts = Math.floor(Date.now() / 1000).toString();
    const sig = 'sha256=' + crypto.createHmac('sha256', 'dev-telephony-webhook-secret').update(`${ts}.${body}`).digest('hex');
    ongoing++;
    const r = await page.evaluate(async ({ body, ts, sig, expected }) => {
      window.__log = [];
      const widget = document.querySelector("[data-widget='live_calls']");
      const value = () => widget.querySelector("[data-metric='ongoing'] .kpi-value")?.textContent.trim().replace(/[^0-9]/g, '');
      const visible = new Promise(resolve => { const o = new MutationObserver(() => { if (value() === expected) { o.disconnect(); resolve(performance.now()); } }); o.observe(widget, { subtree: true, childList: true, characterData: true }); });
      const sent = performance.now();
      const res = await fetch('/webhooks/telephony', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-AskPro-Timestamp': ts, 'X-AskPro-Signature': sig }, body });
      const ack = performance.now();
      const shown = await Promise.race([visible, new Promise(r => setTimeout(() => r(-1), 10000))]);
      const log = window.__log.map(x => x.map(v => typeof v === 'number' ? Math.round((v - sent) * 10) / 10 : v));
      return { ack: ack - sent, shown: shown - sent, st: res.headers.get('server-timing'), log };
    }, { body, ts, sig, expected: String(ongoing) });
    if (i >= 3) rows.push(r);
    if (process.env.GAP_MS) await new Promise(r => setTimeout(r, parseInt(process.env.GAP_MS)));
  }
  for (const r of rows) console.log(JSON.stringify(r));
  const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; };
  const acks = rows.map(r => r.ack), shown = rows.map(r => r.shown);
  const push = rows.map(r => (r.log.find(x => x[0] === 'push') || [0, -1])[1]);
  const lf = rows.map(r => r.log.find(x => x[0] === 'fetch' && x[1].includes('live_calls'))).filter(Boolean);
  // The webhook's own Server-Timing: the event on the server, and of it the invalidation (absent on releases before it).
  const st = (r, name) => { const m = (r.st || '').match(new RegExp(`${name};dur=([0-9.]+)`)); return m ? parseFloat(m[1]) : NaN; };
  const server = rows.map(r => st(r, 'event')).filter(x => !isNaN(x)), inval = rows.map(r => st(r, 'invalidate')).filter(x => !isNaN(x));
  if (server.length) console.log(`server: event p50 ${pct(server, 50).toFixed(1)} p99 ${pct(server, 99).toFixed(1)}, of it invalidate p50 ${pct(inval, 50).toFixed(1)} p99 ${pct(inval, 99).toFixed(1)}`);
  console.log(`ack p50 ${pct(acks, 50).toFixed(1)} p99 ${pct(acks, 99).toFixed(1)} | push p50 ${pct(push, 50)} p99 ${pct(push, 99)} | live fetches ${lf.length}${lf.length ? ` dur p50 ${pct(lf.map(x => x[3] - x[2]), 50).toFixed(1)} p99 ${pct(lf.map(x => x[3] - x[2]), 99).toFixed(1)}` : ''} | visible p50 ${pct(shown, 50).toFixed(1)} p99 ${pct(shown, 99).toFixed(1)}`);
  await browser.close();
})().catch(e => { console.error(e); process.exit(1); });
