// yanbao review page. Every piece of article text or record data reaches the page through textContent or
// DOM APIs only, never parsed as markup, so hostile article text stays inert. Documents are parsed and rendered
// only when opened, so a page with hundreds of documents opens instantly.
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const index = JSON.parse($("yb-index").textContent);
  const STATUS_ORDER = { changed: 0, added: 1, removed: 2, unchanged: 3 };
  const STATUSES = ["added", "removed", "changed", "unchanged"];
  const parsed = new Map();
  const state = {
    doc: null,
    data: null,
    types: new Set(index.default_types),
    statuses: new Set(STATUSES),
    minConf: 0,
    selected: null,
    segments: new Map(),
    lastSegment: null,
    cycle: 0,
  };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function push(map, key, value) {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  }

  function show(value) {
    if (value === "") return '""';
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  function loadDoc(i) {
    if (!parsed.has(i)) parsed.set(i, JSON.parse($("yb-doc-" + i).textContent));
    return parsed.get(i);
  }

  function isVisible(r) {
    return (
      state.types.has(r.type) &&
      (r.conf === null || r.conf === undefined || r.conf >= state.minConf) &&
      (!index.against || state.statuses.has(r.status))
    );
  }

  // Innermost first: the shortest span owns a segment's colour and the first click.
  function innermostFirst(a, b) {
    return a.end - a.start - (b.end - b.start) || index.types.indexOf(a.type) - index.types.indexOf(b.type);
  }

  // ---- filters --------------------------------------------------------------------------------------
  function checkbox(container, value, checked, swatchClass, onChange) {
    const label = el("label");
    const input = el("input");
    input.type = "checkbox";
    input.checked = checked;
    input.value = value;
    input.addEventListener("change", () => onChange(input.checked));
    label.appendChild(input);
    if (swatchClass) label.appendChild(el("span", "swatch " + swatchClass));
    label.appendChild(document.createTextNode(value));
    container.appendChild(label);
  }

  function buildFilters() {
    const types = $("type-filters");
    for (const t of index.types) {
      checkbox(types, t, state.types.has(t), "badge t-" + t, (on) => {
        if (on) state.types.add(t);
        else state.types.delete(t);
        refresh();
      });
    }
    if (index.against) {
      const statuses = $("status-filters");
      statuses.hidden = false;
      for (const s of STATUSES) {
        checkbox(statuses, s, true, "badge s-" + s, (on) => {
          if (on) state.statuses.add(s);
          else state.statuses.delete(s);
          refresh();
        });
      }
    }
    const range = $("min-conf");
    range.addEventListener("input", () => {
      state.minConf = Number(range.value);
      $("min-conf-value").textContent = state.minConf.toFixed(2);
      refresh();
    });
  }

  // ---- document index -------------------------------------------------------------------------------
  function diffCount(d) {
    return d.differences.added + d.differences.removed + d.differences.changed;
  }

  function buildDocList() {
    const list = $("doc-list");
    index.docs.forEach((d, i) => {
      const li = el("li");
      li.dataset.index = String(i);
      if (d.status && d.status !== "unchanged") li.classList.add("doc-" + d.status);
      if (diffCount(d)) li.classList.add("has-diff");
      li.appendChild(el("div", "doc-name", d.doc_id));
      const counts = index.default_types.map((t) => d.counts[t] + " " + t).join(" · ");
      const diff = index.against ? " · ±" + diffCount(d) : "";
      li.appendChild(el("div", "doc-sub", (d.title ? d.title + " — " : "") + counts + diff));
      li.addEventListener("click", () => openDoc(i));
      list.appendChild(li);
    });
    $("doc-search").addEventListener("input", (e) => {
      const needle = e.target.value.toLowerCase();
      for (const li of list.children) {
        const d = index.docs[Number(li.dataset.index)];
        li.hidden = needle !== "" && !(d.doc_id + " " + d.title).toLowerCase().includes(needle);
      }
    });
  }

  function buildOverview() {
    const box = $("overview");
    box.appendChild(el("p", "hint", index.docs.length + " documents. Choose one to read it with its extractions."));
    const table = el("table");
    const head = el("tr");
    const columns = ["document", "chars", ...index.types];
    if (index.against) columns.push("added", "removed", "changed");
    for (const c of columns) head.appendChild(el("th", null, c));
    table.appendChild(el("thead")).appendChild(head);
    const body = table.appendChild(el("tbody"));
    index.docs.forEach((d, i) => {
      const row = el("tr");
      row.appendChild(el("td", null, d.doc_id + (d.status && d.status !== "unchanged" ? " (" + d.status + ")" : "")));
      row.appendChild(el("td", null, d.n_chars));
      for (const t of index.types) row.appendChild(el("td", null, d.counts[t]));
      if (index.against) for (const s of ["added", "removed", "changed"]) row.appendChild(el("td", null, d.differences[s]));
      row.addEventListener("click", () => openDoc(i));
      body.appendChild(row);
    });
    box.appendChild(table);
  }

  // ---- one document ---------------------------------------------------------------------------------
  function openDoc(i) {
    state.doc = i;
    state.data = loadDoc(i);
    state.selected = null;
    const d = index.docs[i];
    for (const li of $("doc-list").children) li.classList.toggle("active", Number(li.dataset.index) === i);
    $("overview").hidden = true;
    $("doc").hidden = false;
    $("doc-title").textContent = d.title || d.doc_id;
    $("doc-meta").textContent = d.doc_id + " · " + d.n_chars + " characters" + (d.status ? " · document " + d.status : "");
    history.replaceState(null, "", "#doc=" + encodeURIComponent(d.doc_id));
    clearPanel();
    refresh();
    $("reader").scrollTop = 0;
  }

  function refresh() {
    if (!state.data) return;
    renderText();
    renderList();
    if (state.selected !== null && state.segments.has(state.selected)) markSelected(state.selected);
  }

  function segment(covering, piece, zero) {
    covering.sort(innermostFirst);
    const top = covering[0];
    const span = el("span", "hl t-" + top.type + (zero ? " zero" : ""), piece);
    const marked = covering.filter((r) => r.status && r.status !== "unchanged").sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
    if (marked.length) span.classList.add("s-" + marked[0].status);
    if (covering.length > 1) span.classList.add("depth" + Math.min(covering.length, 4));
    span.dataset.recs = covering.map((r) => r.i).join(" ");
    for (const r of covering) push(state.segments, r.i, span);
    return span;
  }

  // The text is cut at every span boundary; each piece is wrapped with all records covering it, so nested
  // and overlapping spans need no nesting of elements.
  function renderText() {
    const text = state.data.text;
    const records = state.data.records.filter(isVisible);
    const starts = new Map();
    const ends = new Map();
    const zeros = new Map();
    const bounds = new Set([0, text.length]);
    for (const r of records) {
      bounds.add(r.start);
      bounds.add(r.end);
      if (r.start === r.end) push(zeros, r.start, r);
      else {
        push(starts, r.start, r);
        push(ends, r.end, r);
      }
    }
    const points = Array.from(bounds).sort((a, b) => a - b);
    const active = new Set();
    const fragment = document.createDocumentFragment();
    state.segments = new Map();
    state.lastSegment = null;
    for (let k = 0; k < points.length; k++) {
      const p = points[k];
      for (const r of ends.get(p) || []) active.delete(r);
      for (const r of zeros.get(p) || []) fragment.appendChild(segment([r], "", true));
      for (const r of starts.get(p) || []) active.add(r);
      if (k + 1 === points.length) break;
      const piece = text.slice(p, points[k + 1]);
      fragment.appendChild(active.size ? segment(Array.from(active), piece, false) : document.createTextNode(piece));
    }
    $("text-body").replaceChildren(fragment);
  }

  function renderList() {
    const records = state.data.records.filter(isVisible);
    if (index.against) records.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.start - b.start);
    const list = $("rec-list");
    const fragment = document.createDocumentFragment();
    for (const r of records) {
      const li = el("li");
      li.dataset.i = String(r.i);
      li.appendChild(el("span", "badge t-" + r.type, r.type));
      if (r.status && r.status !== "unchanged") li.appendChild(el("span", "badge s-" + r.status, r.status));
      li.appendChild(el("span", "rec-label", r.label));
      if (r.conf !== null && r.conf !== undefined) li.appendChild(el("span", "rec-conf", r.conf.toFixed(2)));
      li.addEventListener("click", () => select(r.i, true));
      fragment.appendChild(li);
    }
    list.replaceChildren(fragment);
    $("rec-heading").textContent = records.length + " records shown";
  }

  // ---- selection ------------------------------------------------------------------------------------
  function markSelected(i) {
    for (const node of document.querySelectorAll(".selected")) node.classList.remove("selected");
    for (const span of state.segments.get(i) || []) span.classList.add("selected");
    const item = $("rec-list").querySelector('li[data-i="' + i + '"]');
    if (item) item.classList.add("selected");
    return item;
  }

  function select(i, jump) {
    state.selected = i;
    const item = markSelected(i);
    const spans = state.segments.get(i) || [];
    if (jump && spans.length) {
      spans[0].scrollIntoView({ block: "center" });
      for (const span of spans) {
        span.classList.remove("flash");
        void span.offsetWidth; // restart the animation
        span.classList.add("flash");
      }
    }
    if (item) item.scrollIntoView({ block: "nearest" });
    showPanel(state.data.records[i]);
  }

  function clearPanel() {
    $("panel").replaceChildren(el("p", "hint", "Click a highlight or a record to see its fields."));
  }

  function row(dl, name, value, className) {
    dl.appendChild(el("dt", null, name));
    const dd = el("dd", className, value);
    dl.appendChild(dd);
    return dd;
  }

  function showPanel(r) {
    const panel = $("panel");
    const title = el("h3", null, r.type + (r.status ? " · " + r.status : ""));
    const quote = el("p", "quote", state.data.text.slice(r.start, r.end) || "(empty span)");
    const dl = el("dl");
    row(dl, "span", "[" + r.start + ", " + r.end + ")");
    if (r.id) row(dl, "id", r.id);
    for (const [name, value] of Object.entries(r.fields)) row(dl, name, show(value)).dataset.field = name;
    const parts = [title, quote, dl];
    if (r.changes.length) {
      parts.push(el("h3", null, "changes"));
      const changes = el("dl");
      for (const [name, before, after] of r.changes) {
        const dd = row(changes, name, null);
        dd.appendChild(el("span", "change-a", show(before)));
        dd.appendChild(document.createTextNode(" → "));
        dd.appendChild(el("span", "change-b", show(after)));
      }
      parts.push(changes);
    }
    panel.replaceChildren(...parts);
  }

  $("text-body").addEventListener("click", (event) => {
    const span = event.target.closest(".hl");
    if (!span) return;
    const ids = span.dataset.recs.split(" ").map(Number);
    // Clicking the same piece again walks through the records that cover it, innermost first.
    state.cycle = span === state.lastSegment ? (state.cycle + 1) % ids.length : 0;
    state.lastSegment = span;
    select(ids[state.cycle], false);
  });

  // ---- start ----------------------------------------------------------------------------------------
  document.title = "yanbao review: " + index.run + (index.against ? " against " + index.against : "");
  $("page-title").textContent = document.title;
  buildFilters();
  buildDocList();
  buildOverview();
  // Deep links: #doc=DOC_ID opens a document, &rec=RECORD_ID also selects one of its records.
  const params = new URLSearchParams(location.hash.slice(1));
  const start = index.docs.findIndex((d) => d.doc_id === params.get("doc"));
  if (start >= 0) {
    openDoc(start);
    const rec = state.data.records.findIndex((r) => r.id === params.get("rec"));
    if (rec >= 0) select(rec, true);
  }
})();
