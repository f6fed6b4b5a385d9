// The HTML report's fixed stylesheet and script, inlined in every page so the file works
// offline, from an e-mail attachment or a CI artifact: no fonts, no CDN, no framework. The
// page's Content-Security-Policy allows exactly these two texts (by their SHA-256), so nothing
// else can run or load even if a cluster's string slipped past escaping.
//
// The script reads only the page: sort keys from each cell's data-v (numbers) or its text, the
// filter from each topic's data-name and data-action. Each topic is one <tbody> (its row and its
// hidden chart row), so sorting moves whole topics and a chart stays under its row. Laying out
// a 10,000-row table takes a browser seconds, so the page holds one page of topics in the table
// and the rest in a <template> (parsed, never laid out); sorting and filtering work on all of
// them detached and attach the first page of the result, with buttons for more. A chart is a
// <template> too until its topic is first opened.

import { createHash } from "node:crypto";

export const STYLE = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;
--blue:#0969da;--green:#1a7f37;--orange:#9a6700;--red:#cf222e;--grey:#6e7781}
*{box-sizing:border-box}
body{margin:0 auto;padding:20px 24px 40px;max-width:1480px;color:var(--fg);background:#fff;
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","DejaVu Sans",sans-serif}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.95em}
h1{font-size:22px;margin:0 0 4px;word-break:break-all}
h2{font-size:16px;margin:20px 0 8px}
.meta{color:var(--muted);margin:0 0 16px}
.alert{border:1px solid var(--red);background:#ffebe9;border-radius:6px;padding:8px 12px;margin:0 0 12px}
.note{border:1px solid var(--line);background:var(--soft);border-radius:6px;padding:8px 12px;margin:0 0 12px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:12px;margin:0 0 8px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.card h2{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:0 0 6px}
.big{font-size:30px;font-weight:600;line-height:1.1}
.sub{color:var(--muted);font-size:13px}
.card ul{list-style:none;margin:0;padding:0}
.card li{display:flex;justify-content:space-between;gap:8px;padding:1px 0}
.card li b{font-variant-numeric:tabular-nums}
.card button{all:unset;cursor:pointer;border-radius:4px}
.card button:hover,.card button:focus-visible{text-decoration:underline}
.controls{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;margin:8px 0}
.controls input{width:300px;max-width:100%;padding:5px 8px;border:1px solid var(--line);border-radius:6px;font:inherit}
.controls select{padding:4px 6px;border:1px solid var(--line);border-radius:6px;font:inherit}
#shown{color:var(--muted)}
.legend{color:var(--muted);font-size:12px;display:flex;flex-wrap:wrap;gap:4px 14px}
.k{display:inline-block;width:20px;border-top:2px solid;vertical-align:middle;margin-right:4px}
.k-s{border-color:var(--blue)}.k-cur{border-color:var(--grey)}
.k-rec{border-top-style:dashed;border-color:var(--green)}.k-req{border-top-style:dotted;border-color:var(--red)}
.k-pk{width:8px;height:8px;border:0;border-radius:50%;background:var(--blue)}
.k-pm{width:7px;height:7px;border:0;background:#bf3989;transform:rotate(45deg)}
table.topics{border-collapse:collapse;width:100%}
.topics th{position:sticky;top:0;z-index:1;background:var(--soft);border-bottom:1px solid var(--line);
text-align:left;padding:0;vertical-align:bottom}
.topics th.num{text-align:right}
.topics th button{all:unset;box-sizing:border-box;display:block;width:100%;padding:6px 8px;cursor:pointer;font-weight:600}
.topics th button:focus-visible{outline:2px solid var(--blue)}
.topics th[aria-sort=ascending] button::after{content:" \\25B2";font-size:10px}
.topics th[aria-sort=descending] button::after{content:" \\25BC";font-size:10px}
.topics td{padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
.topics tbody:hover td{background:#fbfcfd}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.na{color:#8c959f}
.topics td:first-child{min-width:13em;max-width:30em}
.topics td:last-child{min-width:11em}
button.t{all:unset;cursor:pointer;color:var(--blue);overflow-wrap:anywhere;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:13px}
button.t::before{content:"\\25B8\\00a0";color:var(--muted)}
button.t[aria-expanded=true]::before{content:"\\25BE\\00a0"}
button.t:hover,button.t:focus-visible{text-decoration:underline}
.act{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;border:1px solid;white-space:nowrap}
.a-increase{color:var(--orange);background:#fff8c5}
.a-keep{color:var(--green);background:#dafbe1}
.a-over_partitioned{color:var(--blue);background:#ddf4ff}
.a-empty{color:var(--muted);background:var(--soft)}
.a-error{color:var(--red);background:#ffebe9}
.more{margin:10px 0;display:flex;gap:8px}
.more button{font:inherit;padding:4px 10px;border:1px solid var(--line);border-radius:6px;background:var(--soft);cursor:pointer}
.w{display:inline-block;font-size:12px;padding:0 5px;margin:0 3px 2px 0;border-radius:4px;background:var(--soft);border:1px solid var(--line)}
.err{color:var(--red);overflow-wrap:anywhere}
tr.chart>td{background:#fafbfc;padding:8px 14px 14px 28px}
.facts{color:var(--muted);margin:0 0 6px;font-size:13px}
svg.chart{display:block;width:100%;max-width:960px;height:auto}
svg.chart text{font-size:10px;fill:var(--muted)}
svg.chart .pt{font-weight:600;fill:var(--fg)}
.yl,.end{text-anchor:end}.xl,.mid{text-anchor:middle}
.key{text-anchor:end}
svg.chart .t-cur{fill:#57606a}svg.chart .t-rec{fill:var(--green)}svg.chart .t-req{fill:var(--red)}
.grid{fill:none;stroke:#e4e8ec}.axis{stroke:#8c959f}
.sv{overflow:visible}
.s{fill:none;stroke:var(--blue);stroke-width:1.5px;stroke-linejoin:round;stroke-linecap:round;vector-effect:non-scaling-stroke}
.cur{stroke:var(--grey);stroke-width:1.5px}
.rec{stroke:var(--green);stroke-width:1.5px;stroke-dasharray:6 3}
.req{stroke:var(--red);stroke-width:1.5px;stroke-dasharray:2 3}
.pk{fill:var(--blue);stroke:#fff}.pm{fill:#bf3989;stroke:#fff}
details.params{margin-top:20px}
details.apply{margin-top:20px}
details.apply pre{white-space:pre-wrap;background:#f6f8fa;padding:12px;border-radius:6px;font-size:12px}
details.params table{border-collapse:collapse}
details.params td{padding:2px 10px;border-bottom:1px solid #eaeef2}
footer{margin-top:20px;color:var(--muted);font-size:12px}
`;

export const SCRIPT = `
"use strict";
(() => {
  const table = document.getElementById("topics");
  if (!table) return;
  const heads = [...table.tHead.rows[0].cells];
  const rest = document.getElementById("more-topics");
  // Every topic, attached or not, in the current sort order; the first page is in the table.
  const all = [...table.tBodies, ...(rest ? [...rest.content.children] : [])];
  const page = Number(table.dataset.page) || 500;
  const nameOrder = new Map(all.map((b, i) => [b, i]));
  const lowerNames = new Map(all.map((b) => [b, (b.dataset.name || "").toLowerCase()]));
  const box = document.getElementById("filter");
  const select = document.getElementById("action");
  const shown = document.getElementById("shown");
  const moreButton = document.getElementById("show-more");
  const allButton = document.getElementById("show-all");
  let matching = all;
  let limit = page;
  let sorted = { col: -1, dir: 1 };

  // Only the first \`limit\` matching topics are in the document: a 10,000-topic table is
  // sorted and filtered as detached rows, and the browser lays out one page at a time.
  const render = () => {
    const fragment = document.createDocumentFragment();
    for (const b of matching.slice(0, limit)) fragment.appendChild(b);
    for (const b of [...table.tBodies]) b.remove();
    table.appendChild(fragment);
    const n = matching.length;
    shown.textContent = (n === all.length ? n + " topics" : n + " of " + all.length + " topics match") +
      (limit < n ? ", the first " + limit + " shown" : "");
    moreButton.hidden = allButton.hidden = limit >= n;
  };
  moreButton.addEventListener("click", () => { limit += page; render(); });
  allButton.addEventListener("click", () => { limit = Infinity; render(); });

  // Numbers from data-v (empty: unknown, always last); text from data-v or the cell's text.
  const keyOf = (body, col, numeric) => {
    const cell = body.rows[0].cells[col];
    const raw = cell.dataset.v !== undefined ? cell.dataset.v : cell.textContent;
    if (!numeric) return raw.toLowerCase();
    const n = raw === "" ? NaN : Number(raw);
    return Number.isNaN(n) ? null : n;
  };
  const sortBy = (col) => {
    const numeric = heads[col].dataset.type === "num";
    const dir = sorted.col === col ? -sorted.dir : 1;
    sorted = { col, dir };
    const keyed = all.map((b) => [keyOf(b, col, numeric), nameOrder.get(b), b]);
    keyed.sort((x, y) => {
      if (x[0] === null || y[0] === null) {
        return x[0] === y[0] ? x[1] - y[1] : x[0] === null ? 1 : -1;
      }
      const c = x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0;
      return c * dir || x[1] - y[1];
    });
    keyed.forEach((k, i) => { all[i] = k[2]; });
    heads.forEach((th, i) => {
      th.setAttribute("aria-sort", i !== col ? "none" : dir > 0 ? "ascending" : "descending");
    });
    applyFilter();
  };
  heads.forEach((th, col) => {
    const button = th.querySelector("button");
    if (button) button.addEventListener("click", () => sortBy(col));
  });

  const applyFilter = () => {
    const q = box.value.trim().toLowerCase();
    const action = select.value;
    matching = q === "" && action === "" ? all : all.filter((b) =>
      (q === "" || lowerNames.get(b).includes(q)) && (action === "" || b.dataset.action === action)
    );
    limit = page;
    render();
  };
  let timer = 0;
  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(applyFilter, all.length > 3000 ? 100 : 0);
  });
  select.addEventListener("change", applyFilter);
  for (const button of document.querySelectorAll("button[data-show]")) {
    button.addEventListener("click", () => {
      select.value = button.dataset.show;
      applyFilter();
      table.scrollIntoView({ block: "start" });
    });
  }

  // A chart row is filled from its template the first time it opens.
  const toggle = (button, open) => {
    const row = button.closest("tbody").querySelector("tr.chart");
    const show = open === undefined ? row.hidden : open;
    if (show) {
      const template = row.querySelector("template");
      if (template) template.replaceWith(template.content.cloneNode(true));
    }
    row.hidden = !show;
    button.setAttribute("aria-expanded", String(show));
  };
  table.addEventListener("click", (event) => {
    const button = event.target.closest("button.t");
    if (button) toggle(button);
  });
  // #t12 opens topic 12 (in name order) wherever it is: filters cleared, its page shown.
  const openFromHash = () => {
    const body = all.find((b) => "#" + b.id === location.hash);
    if (!body) return;
    box.value = "";
    select.value = "";
    matching = all;
    limit = Math.max(page, all.indexOf(body) + 1);
    render();
    toggle(body.querySelector("button.t"), true);
    body.scrollIntoView({ block: "start" });
  };
  addEventListener("hashchange", openFromHash);
  render();
  openFromHash();
})();
`;

/** The Content-Security-Policy: nothing but this style and this script, no network at all. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src '${sha256(STYLE)}'`,
  `script-src '${sha256(SCRIPT)}'`,
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

function sha256(text: string): string {
  return `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;
}
