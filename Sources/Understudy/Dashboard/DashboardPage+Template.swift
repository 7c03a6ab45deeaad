extension DashboardPage {
    /// The whole page. Plain DOM code: every value reaches the page through `textContent` or an
    /// attribute, never through `innerHTML`, so journal content always renders as text.
    /// The journal list is virtualised (only the rows in view exist), so 10 000 entries stay cheap.
    static let template = #"""
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>understudy</title>
<style>
:root{--bg:#f6f7f9;--fg:#1d2330;--mut:#6b7280;--line:#dde1e7;--card:#fff;--acc:#2f5bd3;--ok:#177a3c;--warn:#b45309;--bad:#b91c1c;--sel:#e8eefc}
*{box-sizing:border-box}body{margin:0;font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
header{display:flex;gap:12px;align-items:center;padding:8px 14px;background:#1d2330;color:#fff}
header h1{font-size:15px;margin:0;font-weight:600}header .st{color:#aab3c5;font-size:12px}
header .sp{flex:1}#live{width:9px;height:9px;border-radius:50%;background:#777;display:inline-block}#live.on{background:#3ddc84}
button{font:inherit;border:1px solid var(--line);background:#fff;border-radius:4px;padding:3px 9px;cursor:pointer}button:hover{border-color:var(--acc)}
button.on{background:var(--acc);color:#fff;border-color:var(--acc)}
input,select{font:inherit;border:1px solid var(--line);border-radius:4px;padding:3px 6px;background:#fff}
main{display:grid;grid-template-columns:minmax(0,1fr) 400px;gap:10px;padding:10px;height:calc(100vh - 41px)}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;display:flex;flex-direction:column;min-height:0}
.card h2 .mut,.card h2 .mono{text-transform:none;letter-spacing:0}.card h2{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--mut);margin:0;padding:8px 10px;border-bottom:1px solid var(--line);display:flex;gap:8px;align-items:center}
.bar{display:flex;flex-wrap:wrap;gap:6px;align-items:center;padding:8px 10px;border-bottom:1px solid var(--line)}
.chips{display:flex;flex-wrap:wrap;gap:4px;padding:6px 10px;border-bottom:1px solid var(--line)}
.chip{font-size:12px;padding:1px 8px;border-radius:10px;border:1px solid var(--line);background:#fff;cursor:pointer}.chip b{font-weight:600;margin-left:4px}
.chip.on{background:var(--sel);border-color:var(--acc)}
#left{display:flex;flex-direction:column;min-height:0;gap:10px}#journal{flex:1}
.thead,.row{display:grid;grid-template-columns:92px 84px 90px 62px minmax(120px,1fr) 52px 66px 110px;gap:6px;padding:0 10px;align-items:center;white-space:nowrap}
.thead{font-size:11px;color:var(--mut);text-transform:uppercase;height:24px;border-bottom:1px solid var(--line)}
.row{height:24px;font:12px/24px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;border-bottom:1px solid #f0f2f5;cursor:pointer;position:absolute;left:0;right:0}
.row:hover{background:#f3f6fd}.row.sel{background:var(--sel)}.row span{overflow:hidden;text-overflow:ellipsis}
#scroll{flex:1;overflow:auto;position:relative;min-height:120px}#spacer{position:relative}
.s2{color:var(--ok)}.s3{color:var(--acc)}.s4{color:var(--warn)}.s5,.s0{color:var(--bad)}.flt{color:var(--bad)}
#detail{max-height:46%;overflow:auto}#detail.hide{display:none}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;padding:6px 10px;font:12px ui-monospace,Menlo,Consolas,monospace}.kv span:nth-child(odd){color:var(--mut)}.kv span{word-break:break-all}
pre{margin:0;padding:8px 10px;font:12px/1.45 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all;background:#fafbfc;border-top:1px solid #f0f2f5;border-bottom:1px solid #f0f2f5}
h3{font-size:12px;margin:8px 10px 2px;color:var(--mut);font-weight:600}
#side{display:flex;flex-direction:column;gap:10px;min-height:0;overflow:auto}
table{border-collapse:collapse;width:100%;font-size:12px}td,th{text-align:left;padding:3px 6px;overflow-wrap:anywhere;border-bottom:1px solid #f0f2f5;vertical-align:top}th{color:var(--mut);font-weight:500}
.mono{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}.mut{color:var(--mut)}.empty{padding:10px;color:var(--mut)}
details{border-bottom:1px solid var(--line)}summary{padding:6px 10px;cursor:pointer;font-weight:600}summary .mut{font-weight:400}
#banner{padding:6px 14px;background:#fff7e0;border-bottom:1px solid #f1d48b;display:none}#banner.show{display:block}
#tokenform{display:none;gap:6px;align-items:center}#tokenform.show{display:flex}
</style></head>
<body>
<header><h1>understudy</h1><span id="live" title="event stream"></span><span class="st" id="status">connecting…</span><span class="sp"></span>
<form id="tokenform"><input id="tokeninput" type="password" placeholder="admin token" autocomplete="off"><button type="submit">Use token</button></form>
<button id="pause" title="stop adding new requests to the list">Pause</button><button id="clearview" title="hide what is listed now">Clear view</button></header>
<div id="banner"></div>
<main>
<div id="left">
<section class="card" id="journal">
<h2>Requests <span class="mut" id="shown"></span></h2>
<div class="bar">
<select id="fvendor" aria-label="vendor"><option value="">all vendors</option></select>
<select id="fstatus" aria-label="status class"><option value="">any status</option><option value="2">2xx</option><option value="3">3xx</option><option value="4">4xx</option><option value="5">5xx</option></select>
<select id="fsession" aria-label="session"><option value="">all sessions</option></select>
<input id="fpath" placeholder="path contains…" size="22" aria-label="path text">
</div>
<div class="chips" id="counts"></div>
<div class="thead"><span>time</span><span>session</span><span>vendor</span><span>method</span><span>path</span><span>status</span><span>ms</span><span>fault</span></div>
<div id="scroll"><div id="spacer"></div></div>
</section>
<section class="card hide" id="detail"></section>
</div>
<div id="side">
<section class="card" id="faults"><h2>Armed faults <span class="mut" id="faultcount"></span></h2><div id="faultlist"></div></section>
<section class="card" id="vendors"><h2>Vendors</h2><div id="vendorlist"></div></section>
</div>
</main>
<script type="application/json" id="data">__UNDERSTUDY_DATA__</script>
<script>
"use strict";
const D = JSON.parse(document.getElementById("data").textContent);
const SNAP = D.snapshot || null;
const ROW = 24, MAXROWS = 100000;
const $ = id => document.getElementById(id);
function el(tag, props, ...kids) {
  const n = document.createElement(tag);
  if (props) for (const k in props) {
    if (k === "text") n.textContent = props[k];
    else if (k === "cls") n.className = props[k];
    else if (k.startsWith("on")) n.addEventListener(k.slice(2), props[k]);
    else n.setAttribute(k, props[k]);
  }
  for (const kid of kids) if (kid != null) n.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  return n;
}
// The admin token: from ?token= once (then dropped from the address bar), kept for this tab only.
(function () {
  const q = new URLSearchParams(location.search);
  if (q.get("token")) {
    sessionStorage.setItem("understudyToken", q.get("token"));
    q.delete("token");
    const rest = q.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  }
})();
const token = () => sessionStorage.getItem("understudyToken") || "";
async function api(method, path, session) {
  const headers = {};
  if (token()) headers.Authorization = "Bearer " + token();
  if (session && session !== "default") headers["X-Understudy-Session"] = session;
  const r = await fetch(path, { method, headers, cache: "no-store" });
  if (r.status === 401) { needToken(); throw new Error("401"); }
  if (!r.ok) throw new Error(method + " " + path + ": " + r.status);
  return r.status === 204 ? null : r.json();
}
function needToken() {
  $("tokenform").classList.add("show");
  setStatus(false, "admin token required");
}
$("tokenform").addEventListener("submit", e => {
  e.preventDefault();
  sessionStorage.setItem("understudyToken", $("tokeninput").value);
  location.reload();
});
function setStatus(on, text) { $("live").className = on ? "on" : ""; $("status").textContent = text; }

// ---- journal -------------------------------------------------------------------------------
const all = [];            // every entry, oldest first
const seen = new Set();    // session + id, so replay and stream never show one twice
let view = [];             // filtered, newest first
let paused = false, held = [], hiddenBefore = 0, selected = null, dirty = false;
const filters = { vendor: "", status: "", session: "", path: "" };
const known = { vendor: new Set(), session: new Set() };
const statusClass = s => (s >= 100 && s < 600) ? Math.floor(s / 100) : 0;

function add(entries) {
  for (const e of entries) {
    const key = (e.session || "default") + " " + e.id;
    if (seen.has(key)) continue;
    seen.add(key);
    all.push(e);
    for (const f of ["vendor", "session"]) {
      const v = e[f];
      if (v && !known[f].has(v)) {
        known[f].add(v);
        $("f" + f).append(el("option", { value: v, text: v }));
      }
    }
  }
  if (all.length > MAXROWS) { const cut = all.length - MAXROWS; all.splice(0, cut); hiddenBefore = Math.max(0, hiddenBefore - cut); }
  schedule();
}
function schedule() { if (!dirty) { dirty = true; requestAnimationFrame(refilter); } }
function matches(e) {
  if (filters.vendor && e.vendor !== filters.vendor) return false;
  if (filters.session && (e.session || "default") !== filters.session) return false;
  if (filters.status && String(statusClass(e.status)) !== filters.status) return false;
  if (filters.path) {
    const q = e.query ? queryString(e.query) : "";
    if (!((e.path || "") + q).toLowerCase().includes(filters.path)) return false;
  }
  return true;
}
function refilter() {
  dirty = false;
  const next = [];
  const byVendor = new Map(), byClass = new Map();
  for (let i = all.length - 1; i >= hiddenBefore; i--) {
    const e = all[i];
    const v = e.vendor || "(none)", c = statusClass(e.status) + "xx";
    byVendor.set(v, (byVendor.get(v) || 0) + 1);
    byClass.set(c, (byClass.get(c) || 0) + 1);
    if (matches(e)) next.push(e);
  }
  view = next;
  renderCounts(byVendor, byClass);
  $("shown").textContent = view.length + " shown of " + (all.length - hiddenBefore) + (held.length ? " · " + held.length + " held while paused" : "");
  $("spacer").style.height = view.length * ROW + "px";
  renderRows(true);
}
function renderCounts(byVendor, byClass) {
  const box = $("counts");
  box.replaceChildren();
  const chip = (label, n, on, click) => el("span", { cls: "chip" + (on ? " on" : ""), onclick: click, "data-count": label }, label, el("b", { text: n }));
  for (const [v, n] of [...byVendor].sort()) box.append(chip(v, n, filters.vendor === v, () => setFilter("vendor", filters.vendor === v ? "" : v)));
  for (const [c, n] of [...byClass].sort()) {
    const d = c[0];
    box.append(chip(c, n, filters.status === d, () => setFilter("status", filters.status === d ? "" : d)));
  }
}
function setFilter(name, value) {
  filters[name] = value;
  const input = $("f" + name);
  if (input && input.value !== value) input.value = value;
  schedule();
}
let lastFirst = -1, lastLast = -1;
function renderRows(force) {
  const sc = $("scroll"), sp = $("spacer");
  const first = Math.max(0, Math.floor(sc.scrollTop / ROW) - 10);
  const last = Math.min(view.length, Math.ceil((sc.scrollTop + sc.clientHeight) / ROW) + 10);
  if (!force && first === lastFirst && last === lastLast) return;
  lastFirst = first; lastLast = last;
  const rows = [];
  for (let i = first; i < last; i++) {
    const e = view[i];
    const s = e.status, sc2 = "s" + statusClass(s);
    const row = el("div", { cls: "row" + (selected === e ? " sel" : ""), "data-id": e.id },
      el("span", { text: (e.time || "").slice(11, 23) }),
      el("span", { text: e.session || "default" }),
      el("span", { text: e.vendor || "" }),
      el("span", { text: e.method || "" }),
      el("span", { text: (e.path || "(undecodable)") + queryString(e.query), title: (e.path || "") + queryString(e.query) }),
      el("span", { cls: sc2, text: s }),
      el("span", { text: e.durationMs }),
      el("span", { cls: "flt", text: e.fault || "" }));
    row.style.top = i * ROW + "px";
    row.addEventListener("click", () => select(e));
    rows.push(row);
  }
  sp.replaceChildren(...rows);
}
$("scroll").addEventListener("scroll", () => requestAnimationFrame(() => renderRows(false)));
window.addEventListener("resize", () => renderRows(true));
for (const name of ["vendor", "status", "session"]) $("f" + name).addEventListener("change", e => { filters[name] = e.target.value; schedule(); if (name === "session") refreshSide(); });
$("fpath").addEventListener("input", e => { filters.path = e.target.value.trim().toLowerCase(); schedule(); });
$("pause").addEventListener("click", () => {
  paused = !paused;
  $("pause").textContent = paused ? "Resume" : "Pause";
  $("pause").classList.toggle("on", paused);
  if (!paused) { const h = held; held = []; add(h); }
  schedule();
});
$("clearview").addEventListener("click", () => { hiddenBefore = all.length; selected = null; $("detail").classList.add("hide"); schedule(); });

// ---- detail --------------------------------------------------------------------------------
function queryString(query) {
  if (!query) return "";
  const parts = [];
  for (const k in query) for (const v of [].concat(query[k])) parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(v));
  return parts.length ? "?" + parts.join("&") : "";
}
function pretty(text) {
  if (!text) return "";
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (_) { return text; }
}
const shq = s => "'" + String(s).replace(/'/g, "'\\''") + "'";
function curlOf(e) {
  const origin = SNAP ? (D.origin || "http://127.0.0.1:8080") : location.origin;
  const parts = ["curl", "-X", e.method, shq(origin + e.path + queryString(e.query))];
  for (const k in e.headers || {}) {
    const lk = k.toLowerCase();
    if (lk === "host" || lk === "content-length" || lk === "connection") continue;
    parts.push("-H", shq(k + ": " + e.headers[k]));
  }
  if (e.body) parts.push("--data-raw", shq(e.body));
  return parts.join(" ");
}
function headerTable(h) {
  const box = el("div", { cls: "kv" });
  const keys = Object.keys(h || {});
  if (!keys.length) box.append(el("span", { text: "(none)" }), el("span"));
  for (const k of keys) box.append(el("span", { text: k }), el("span", { text: h[k] }));
  return box;
}
function select(e) {
  selected = e;
  renderRows(true);
  const d = $("detail");
  d.classList.remove("hide");
  const curl = curlOf(e);
  const curlBox = el("pre", { id: "curltext", cls: "hide" });
  const copy = el("button", { id: "copycurl", onclick: () => {
    curlBox.textContent = curl;
    const done = () => { copy.textContent = "Copied"; setTimeout(() => copy.textContent = "Copy as curl", 1200); };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(curl).then(done, done);
    else {
      const t = el("textarea"); t.value = curl; document.body.append(t); t.select();
      try { document.execCommand("copy"); } catch (_) {}
      t.remove(); done();
    }
  } }, "Copy as curl");
  d.replaceChildren(
    el("h2", null, el("span", { cls: "mono", text: e.method + " " + e.path + queryString(e.query) }), el("span", { style: "flex:1" }), copy,
      el("button", { onclick: () => { selected = null; d.classList.add("hide"); renderRows(true); } }, "Close")),
    el("div", { cls: "kv" },
      el("span", { text: "id" }), el("span", { text: e.id }),
      el("span", { text: "time" }), el("span", { text: e.time }),
      el("span", { text: "session" }), el("span", { text: e.session }),
      el("span", { text: "vendor" }), el("span", { text: e.vendor || "" }),
      el("span", { text: "status" }), el("span", { cls: "s" + statusClass(e.status), text: e.status }),
      el("span", { text: "duration" }), el("span", { text: e.durationMs + " ms" }),
      el("span", { text: "fault" }), el("span", { cls: e.fault ? "flt" : "mut", text: e.fault || "none" })),
    curlBox,
    el("h3", { text: "Request headers (Authorization masked)" }), headerTable(e.headers),
    el("h3", { text: "Request body" }), el("pre", { id: "reqbody", text: pretty(e.body) || "(empty)" }),
    el("h3", { text: "Response headers" }), headerTable(e.responseHeaders),
    el("h3", { text: "Response body" + (e.truncated ? " (truncated at 64 KiB)" : "") }),
    el("pre", { id: "respbody", text: pretty(e.responseBody) || "(empty)" }));
  curlBox.textContent = curl;
}

// ---- faults and vendors ---------------------------------------------------------------------
const scope = () => filters.session || "default";
function renderFaults(list) {
  const faults = (list && list.faults) || [];
  $("faultcount").textContent = faults.length ? String(faults.length) : "";
  const box = $("faultlist");
  if (!faults.length) { box.replaceChildren(el("div", { cls: "empty", text: "No faults armed in session " + scope() + "." })); return; }
  const t = el("table", null, el("tr", null, ...["id", "match", "effect", "matched", "fired", ""].map(h => el("th", { text: h }))));
  for (const f of faults) {
    const match = [f.method, f.vendor, f.path].filter(Boolean).join(" ") || "every request";
    const effect = [f.status, f.fault, f.delayMs ? f.delayMs + "ms" : null, f.times != null ? "×" + f.times : null, f.after ? "after " + f.after : null].filter(x => x != null && x !== "").join(" ");
    const rm = SNAP ? el("span") : el("button", { "data-fault": f.id, onclick: async () => {
      try { await api("DELETE", "/__admin/faults/" + encodeURIComponent(f.id), scope()); } catch (_) {}
      refreshSide();
    } }, "Remove");
    t.append(el("tr", { "data-fault-row": f.id }, el("td", { cls: "mono", style: "white-space:nowrap", text: f.id }), el("td", { cls: "mono", text: match }),
      el("td", { text: effect }), el("td", { cls: "matched", text: f.matched }), el("td", { cls: "fired", text: f.fired }), el("td", null, rm)));
  }
  box.replaceChildren(t);
}
function renderVendors(list) {
  const box = $("vendorlist");
  const vendors = (list && list.vendors) || [];
  const open = new Set([...box.querySelectorAll("details[open]")].map(d => d.dataset.vendor));
  box.replaceChildren();
  for (const v of vendors) {
    const rate = (D.rateLimits || {})[v.id];
    const d = el("details", { "data-vendor": v.id },
      el("summary", null, v.name + " ", el("span", { cls: "mut", text: v.id + " · " + v.userCount + " users" + (rate ? " · " + rate.limit + " per " + rate.windowMs + " ms" : "") })));
    if (open.has(v.id)) d.open = true;
    d.append(el("h3", { text: "Credentials (documented test keys)" }));
    const c = el("table");
    for (const k of v.credentials || []) c.append(el("tr", null, el("td", { text: k.role }), el("td", { cls: "mono", text: k.authorization })));
    for (const m of v.magicCredentials || []) c.append(el("tr", null, el("td", { text: "magic " + (m.effect || "") }), el("td", { cls: "mono", text: m.authorization || "" })));
    d.append(c, el("h3", { text: "Versions" }), el("div", { cls: "kv" }, ...(v.versions || []).flatMap(x => [el("span", { text: x.id + (x.default ? " (default)" : "") }), el("span", { text: x.selector })])));
    d.append(el("h3", { text: "Operations" }));
    const o = el("table");
    for (const op of v.operations || []) o.append(el("tr", null, el("td", { cls: "mono", text: op.method }), el("td", { cls: "mono", text: op.path }), el("td", { text: op.name }), el("td", { cls: "mut", text: op.version })));
    d.append(o);
    d.append(el("h3", { text: "Rate limit" }), el("div", { cls: "kv" }, el("span", { text: "limit" }), el("span", { text: rate ? rate.limit + " requests per " + rate.windowMs + " ms" : "none (serve --rate-limits)" })));
    box.append(d);
  }
  if (!vendors.length) box.append(el("div", { cls: "empty", text: "No vendor data." }));
}
let sideBusy = false;
async function refreshSide() {
  if (SNAP || sideBusy) return;
  sideBusy = true;
  try {
    const [f, v, s] = await Promise.all([api("GET", "/__admin/faults", scope()), api("GET", "/__admin/vendors", scope()), api("GET", "/__admin/sessions")]);
    renderFaults(f); renderVendors(v);
    for (const x of (s && s.sessions) || []) if (!known.session.has(x.name)) { known.session.add(x.name); $("fsession").append(el("option", { value: x.name, text: x.name })); }
  } catch (_) {} finally { sideBusy = false; }
}

// ---- start ---------------------------------------------------------------------------------
function connect() {
  const url = "/__admin/events?session=*" + (token() ? "&token=" + encodeURIComponent(token()) : "");
  const es = new EventSource(url);
  let opened = false;
  // After a reconnect (server restart, or a burst this tab read too slowly), catch up from the journal.
  es.onopen = () => { setStatus(true, "live"); if (opened) loadJournal(); opened = true; };
  es.onerror = () => setStatus(false, "reconnecting…");
  es.onmessage = m => {
    let e; try { e = JSON.parse(m.data); } catch (_) { return; }
    if (paused) { held.push(e); schedule(); } else add([e]);
  };
  return es;
}
async function loadJournal() {
  try {
    const entries = (await api("GET", "/__admin/requests?session=*")).requests || [];
    if (paused) held.push(...entries); else add(entries);
    if (entries.length) all.sort((a, b) => a.time < b.time ? -1 : a.time > b.time ? 1 : 0);
    schedule();
  } catch (_) {}
}
async function start() {
  if (SNAP) {
    $("banner").textContent = "Static report generated " + SNAP.generatedAt + " — " + ((SNAP.requests && SNAP.requests.requests) || []).length + " journal entries; no server is contacted.";
    $("banner").classList.add("show");
    setStatus(false, "snapshot");
    $("pause").disabled = true;
    for (const x of (SNAP.sessions && SNAP.sessions.sessions) || []) { known.session.add(x.name); $("fsession").append(el("option", { value: x.name, text: x.name })); }
    add((SNAP.requests && SNAP.requests.requests) || []);
    renderFaults(SNAP.faults); renderVendors(SNAP.vendors);
    return;
  }
  connect();  // first, so nothing recorded while the journal loads is missed (duplicates are dropped)
  await loadJournal();
  refreshSide();
  setInterval(refreshSide, 1000);
}
start();
</script>
</body></html>
"""#
}
