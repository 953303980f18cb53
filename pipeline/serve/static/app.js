// studykit serve: the page's behaviour.  Everything from the server or the user is
// put on the page with textContent or as an attribute value, never as HTML.
"use strict";

(() => {
  const $ = (sel) => document.querySelector(sel);
  const $$ = (sel) => Array.from(document.querySelectorAll(sel));
  const MAX_BYTES = Number(document.body.dataset.maxBytes);
  const MAX_FILES = Number(document.body.dataset.maxFiles);
  const MIB = 1024 * 1024;
  const WORKSPACE = document.body.dataset.workspace === "1";

  // {id, file, state: "checking" | "ok" | "bad", check, error, open,
  //  corr: the user's corrections (the keys of [articles."NAME"] in studykit.toml),
  //  hash: of the file's bytes (corrections kept in this tab are found by name and hash),
  //  seq: the latest check asked for, note: a correction's error or "saved"}
  let items = [];
  let nextId = 1;
  let building = false;

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child !== null) node.append(child);
    return node;
  }

  function showError(message) {
    const box = $("#error");
    box.textContent = message ? "出错了：" + message : "";
    box.hidden = !message;
  }

  async function post(url, form) {
    let response;
    try {
      response = await fetch(url, { method: "POST", body: form, headers: { "X-Studykit": "1", "X-Studykit-Lang": document.documentElement.lang } });
    } catch (err) {
      throw new Error("无法连接 studykit（服务是否已关闭？）");
    }
    let data = null;
    try { data = await response.json(); } catch (err) { data = null; }
    if (!response.ok) {
      throw new Error(data && data.error ? data.error : `服务器返回 ${response.status}`);
    }
    return data;
  }

  // --- sources ----------------------------------------------------------------

  // After a build, any change to the articles or the choices makes its files out of date.
  function markStale() {
    if ($("#results").hidden) return;
    $("#results").classList.add("stale");
    $("#stale-note").hidden = false;
  }

  function addFiles(files) {
    showError("");
    markStale();
    for (const file of files) {
      if (items.length >= MAX_FILES) {
        showError(`too many files (the limit is ${MAX_FILES})`);
        break;
      }
      checkFile(file);
    }
  }

  async function checkFile(file) {
    const item = { id: nextId++, file, state: "checking", check: null, error: "", open: true,
                   corr: {}, hash: "", seq: 0, note: "" };
    for (const other of items) other.open = false;
    items.push(item);
    render();
    if (file.size > MAX_BYTES) {
      return fail(item, `${file.name}: file too large (${Math.floor(file.size / MIB)} MiB; ` +
                        `the limit is ${MAX_BYTES / MIB} MiB)`);
    }
    try {
      item.hash = fnv1a(new Uint8Array(await file.arrayBuffer()));
      // In a workspace the server applies what studykit.toml holds for this file name;
      // otherwise what this tab kept for the same file, if anything.
      const kept = WORKSPACE ? null : loadKept(item);
      if (kept) item.corr = kept;
      item.check = await requestCheck(item, WORKSPACE ? null : item.corr);
      if (WORKSPACE) item.corr = item.check.corrections || {};
      item.state = "ok";
    } catch (err) {
      return fail(item, err.message);
    }
    render();
  }

  function requestCheck(item, corr) {
    const form = new FormData();
    form.append("file", item.file, item.file.name);
    if (corr !== null) form.append("corrections", JSON.stringify(corr));
    return post("/api/check", form);
  }

  // --- corrections ------------------------------------------------------------

  function fnv1a(bytes) {
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, "0") + "-" + bytes.length;
  }

  function keptKey(item) { return `studykit-corrections:${item.file.name}:${item.hash}`; }

  function loadKept(item) {
    try {
      const value = JSON.parse(sessionStorage.getItem(keptKey(item)) || "null");
      return value && typeof value === "object" ? value : null;
    } catch (err) { return null; }
  }

  function isEmpty(corr) { return Object.keys(corr).length === 0; }

  // Kept in the workspace's studykit.toml, or with this tab (it survives a reload).
  async function keep(item) {
    if (!WORKSPACE) {
      try {
        if (isEmpty(item.corr)) sessionStorage.removeItem(keptKey(item));
        else sessionStorage.setItem(keptKey(item), JSON.stringify(item.corr));
      } catch (err) { /* storage full or off: the corrections still apply to this build */ }
      return;
    }
    let response;
    try {
      response = await fetch("/api/corrections", {
        method: "POST", headers: { "X-Studykit": "1", "X-Studykit-Lang": document.documentElement.lang, "Content-Type": "application/json" },
        body: JSON.stringify({ name: item.file.name, corrections: item.corr }) });
    } catch (err) {
      item.note = "无法保存改正（服务是否已关闭？）";
      return render();
    }
    const data = await response.json().catch(() => null);
    item.note = response.ok ? "已保存到 studykit.toml" : "没有保存：" + (data && data.error || response.status);
    render();
  }

  // After a change: the outline and warnings are asked for again at once (typing waits
  // a moment), the corrections are kept, and an earlier build is out of date.
  function corrected(item, typing = false) {
    markStale();
    clearTimeout(item.timer);
    item.timer = setTimeout(() => { recheck(item); keep(item); }, typing ? 350 : 0);
  }

  async function recheck(item) {
    const seq = ++item.seq;
    try {
      const data = await requestCheck(item, item.corr);
      if (seq !== item.seq) return;
      item.check = data;
      item.note = item.note.startsWith("已保存") ? item.note : "";
    } catch (err) {
      if (seq !== item.seq) return;
      item.note = err.message;
    }
    render();
  }

  const HEADING_MAX = 40; // characters: longer lines are offered no "设为标题"
  const FIELDS = [["title", "标题"], ["subtitle", "副标题"], ["authors", "作者"],
                  ["date", "日期"], ["source", "来源"]];

  function fieldValue(item, name) {
    if (name in item.corr) {
      const value = item.corr[name];
      return Array.isArray(value) ? value.join("；") : value;
    }
    return item.check.meta[name] || "";
  }

  function setField(item, name, value) {
    const parsed = item.check.parsed[name] || "";
    if (value.trim() === parsed.trim()) delete item.corr[name];
    else item.corr[name] = name === "authors" ? (value.trim() ? [value.trim()] : []) : value;
    corrected(item, true);
  }

  function resetField(item, name) {
    delete item.corr[name];
    corrected(item);
  }

  function setLevel(item, row, level) {
    const levels = Object.assign({}, item.corr.levels || {});
    if (level === row.original) delete levels[row.key];
    else levels[row.key] = level;
    if (Object.keys(levels).length) item.corr.levels = levels;
    else delete item.corr.levels;
    corrected(item);
  }

  function toggleLine(item, list, text, on) {
    const other = list === "drop" ? "keep" : "drop";
    const have = (item.corr[list] || []).filter((t) => t !== text);
    if (on) have.push(text);
    if (have.length) item.corr[list] = have; else delete item.corr[list];
    const rest = (item.corr[other] || []).filter((t) => t !== text);
    if (rest.length) item.corr[other] = rest; else delete item.corr[other];
    corrected(item);
  }

  function issueList(issues, cls = "issues") {
    return el("ul", { class: cls }, ...issues.map((w) => el("li", { class: "issue", text: w.message })));
  }

  function fieldsView(item) {
    const check = item.check;
    const grid = el("div", { class: "meta-fields" });
    for (const [name, label] of FIELDS) {
      const id = `f-${item.id}-${name}`;
      const input = el("input", { id, type: name === "date" ? "date" : "text", "data-field": name,
                                  "data-focus": id, "aria-label": `${label}（${item.file.name}）` });
      input.value = fieldValue(item, name);
      if (name === "authors") input.placeholder = "多位作者用“；”分开，职务写在括号里：张三（某某县委书记）";
      input.addEventListener("input", () => setField(item, name, input.value));
      const issues = check.issues.filter((w) => w.field === name);
      const row = el("div", { class: "meta-row" + (issues.length ? " flagged" : "") },
        el("label", { for: id, text: label }), input);
      if (name in item.corr) {
        const was = check.parsed[name] || "（空）";
        row.append(el("div", { class: "was" },
          el("span", { class: "badge", text: "已改正" }),
          el("span", { text: "原为：" + was }),
          el("button", { type: "button", class: "link", text: "还原",
                         "aria-label": `还原${label}`, onclick: () => resetField(item, name) })));
      }
      if (issues.length) row.append(issueList(issues, "issues field-issues"));
      grid.append(row);
    }
    return grid;
  }

  function outlineView(item) {
    const rows = item.check.outline;
    const list = el("ol", { class: "outline-edit" });
    if (!rows.length) list.append(el("li", { class: "empty", text: "没有识别出小标题。" }));
    for (const row of rows) {
      const level = row.level;
      const article = row.kind === "article";
      const changed = level !== row.original;
      const li = el("li", { class: `orow lvl-${Math.min(Math.max(level, 1), 6)}` +
                                   (level === 0 ? " unheaded" : "") + (changed ? " changed" : "") },
        el("span", { class: "olevel", text: level === 0 ? "正文" : `${level} 级` }),
        el("span", { class: "otext", text: row.text, title: row.text }));
      const tools = el("span", { class: "otools" });
      if (level > 0 && !article) {
        tools.append(
          el("button", { type: "button", class: "small", text: "升级", title: "提高一级",
                         "aria-label": `升级：${row.text}`, ...(level <= 1 ? { disabled: "" } : {}),
                         onclick: () => setLevel(item, row, level - 1) }),
          el("button", { type: "button", class: "small", text: "降级", title: "降低一级",
                         "aria-label": `降级：${row.text}`, ...(level >= 6 ? { disabled: "" } : {}),
                         onclick: () => setLevel(item, row, level + 1) }),
          el("button", { type: "button", class: "small", text: "改为正文",
                         "aria-label": `改为正文：${row.text}`, onclick: () => setLevel(item, row, 0) }));
      } else if (level === 0) {
        tools.append(el("button", { type: "button", class: "small", text: "恢复为标题",
                                    "aria-label": `恢复为标题：${row.text}`,
                                    onclick: () => setLevel(item, row, row.original || 1) }));
      }
      li.append(tools);
      list.append(li);
    }
    return list;
  }

  function linesView(item) {
    const check = item.check;
    const kept = item.corr.keep || [];
    const dropped = el("ul", { class: "lines" }, ...check.dropped.map((d) => el("li", {},
      el("span", { class: "reason", text: d.by_user ? "已删除（改正）" : d.reason }),
      el("span", { class: "ltext", text: d.text, title: d.text }),
      d.by_user
        ? el("button", { type: "button", class: "small", text: "撤销删除",
                         onclick: () => toggleLine(item, "drop", d.text, false) })
        : el("button", { type: "button", class: "small", text: "恢复到正文",
                         onclick: () => toggleLine(item, "keep", d.text, true) }))));
    // A short line may be a heading the parser missed: it can be made one (and back,
    // in the outline above).
    const lines = el("ul", { class: "lines" }, ...check.lines.map((line) => el("li",
      { class: kept.includes(line.text) ? "restored" : "" },
      el("span", { class: "ltext", text: line.text, title: line.text }),
      line.text.length <= HEADING_MAX
        ? el("button", { type: "button", class: "small", text: "设为标题",
                         "aria-label": `设为标题：${line.text}`,
                         onclick: () => setLevel(item, { key: line.text, original: 0 }, 1) })
        : null,
      kept.includes(line.text)
        ? el("button", { type: "button", class: "small", text: "撤销恢复",
                         onclick: () => toggleLine(item, "keep", line.text, false) })
        : el("button", { type: "button", class: "small", text: "删除",
                         "aria-label": `删除：${line.text}`,
                         onclick: () => toggleLine(item, "drop", line.text, true) }))));
    const box = el("div", { class: "line-boxes" });
    const d1 = el("details", { class: "dropped" },
      el("summary", { text: `已删除的行（${check.dropped.length}）：可以恢复到正文` }), dropped);
    const d2 = el("details", { class: "text-lines" },
      el("summary", { text: `正文各段（${check.lines.length}）：可以删除不属于文章的行` }), lines);
    for (const [box_, key] of [[d1, "dropOpen"], [d2, "linesOpen"]]) {
      box_.open = Boolean(item[key]);
      box_.addEventListener("toggle", () => { item[key] = box_.open; });
    }
    box.append(d1, d2);
    return box;
  }

  function reviewView(item) {
    const check = item.check;
    const fieldNames = FIELDS.map(([name]) => name);
    const general = check.issues.filter((w) => !fieldNames.includes(w.field));
    const panel = el("div", { class: "review" });
    if (general.length) panel.append(issueList(general));
    panel.append(fieldsView(item));
    panel.append(el("h4", { text: "大纲（可以调整标题级别，或把标题改为正文）" }), outlineView(item));
    panel.append(linesView(item));
    const count = Object.keys(item.corr).length;
    const where = WORKSPACE ? "保存在工作区的 studykit.toml 中" : "保存在本页（刷新后重新添加同一文件仍有效）";
    panel.append(el("p", { class: "corr-note" + (item.note && !item.note.startsWith("已保存") ? " bad-note" : "") },
      el("span", { text: count ? `已改正 ${count} 项，生成时使用改正后的内容；${where}。` : "识别结果如有错误，直接在上面改正。" }),
      item.note ? el("span", { class: "saved", text: " " + item.note }) : null));
    return panel;
  }

  function fail(item, message) {
    item.state = "bad";
    item.error = message;
    showError(message);
    render();
  }

  function move(item, step) {
    const i = items.indexOf(item);
    const j = i + step;
    if (i < 0 || j < 0 || j >= items.length) return;
    [items[i], items[j]] = [items[j], items[i]];
    markStale();
    render();
  }

  function remove(item) {
    items = items.filter((other) => other !== item);
    markStale();
    render();
  }

  function treeView(report) {
    const pre = el("pre", { class: "tree" });
    for (const line of report.replace(/\n$/, "").split("\n")) {
      let cls = "";
      if (/^\s*├─/.test(line)) cls = /\sL1\s/.test(line) ? "h1" : "h";
      else if (/^\s+! /.test(line)) cls = "warn";
      else if (/^\s+- 第\d+行/.test(line)) cls = "gone";
      else if (/^(警告|已删除的行|结构)/.test(line)) cls = "label";
      pre.append(el("span", { class: cls, text: line + "\n" }));
    }
    return pre;
  }

  function sourceView(item, index) {
    const check = item.check;
    const title = check ? (check.title || "（没有找到标题）") : "";
    const name = el("span", { class: "name", text: item.file.name });
    const head = el("div", { class: "head" },
      el("span", { class: "idx", text: String(index + 1) }),
      el("div", { class: "what" },
        el("div", { class: "title", text: item.state === "ok" ? title : item.file.name }),
        item.state === "ok" ? name : null),
      el("div", { class: "tools" },
        el("button", { type: "button", class: "icon", title: "上移", "aria-label": "上移",
                       text: "↑", onclick: () => move(item, -1) }),
        el("button", { type: "button", class: "icon", title: "下移", "aria-label": "下移",
                       text: "↓", onclick: () => move(item, 1) }),
        el("button", { type: "button", class: "icon", title: "移除", "aria-label": "移除",
                       text: "×", onclick: () => remove(item) })));
    const li = el("li", { class: `source ${item.state}`, "data-id": String(item.id) }, head);
    if (item.state === "checking") {
      li.append(el("p", { class: "note", text: "正在读取……" }));
    } else if (item.state === "bad") {
      li.append(el("p", { class: "note bad-note", text: item.error }));
    } else {
      const summary = (check.read_as ? `${check.read_as} · ` : "") +
                      `${check.headings.length} 个一级标题 · 警告 ${check.warnings} 条 · ` +
                      `已删除 ${check.discarded} 行`;
      const review = el("details", { class: "review-box" + (check.warnings ? " has-issues" : "") },
        el("summary", { text: "核对与改正：" + summary }), reviewView(item));
      review.open = item.open;
      review.addEventListener("toggle", () => { item.open = review.open; });
      const details = el("details", { class: "outline" },
        el("summary", { text: "完整识别报告" }), treeView(check.report));
      details.open = Boolean(item.reportOpen);
      details.addEventListener("toggle", () => { item.reportOpen = details.open; });
      review.append(details);
      li.append(review);
    }
    return li;
  }

  function render() {
    // Keep the focus (and the caret) in the field being typed in across a re-render.
    const active = document.activeElement;
    const focus = active && active.dataset ? active.dataset.focus : null;
    const caret = focus && active.selectionStart !== undefined
      ? [active.selectionStart, active.selectionEnd] : null;
    const list = $("#sources");
    list.replaceChildren(...items.map(sourceView));
    if (focus) {
      const again = document.querySelector(`[data-focus="${CSS.escape(focus)}"]`);
      if (again) {
        again.focus();
        if (caret && again.type === "text") again.setSelectionRange(caret[0], caret[1]);
      }
    }
    $("#sources-empty").hidden = items.length > 0;
    const ready = items.filter((i) => i.state === "ok").length;
    $("#compile-box").hidden = ready < 2;
    $("#build").disabled = building || ready === 0 || items.some((i) => i.state === "checking");
  }

  // --- options ----------------------------------------------------------------

  function syncAids() {
    const plain = $("input[name=variant]:checked").value === "plain";
    $("#aids").disabled = plain;
  }

  // --- build ------------------------------------------------------------------

  function formatSize(bytes) {
    if (bytes >= MIB) return (bytes / MIB).toFixed(1) + " MB";
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  async function build() {
    showError("");
    const ready = items.filter((i) => i.state === "ok");
    const outputs = $$("input[name=outputs]:checked").map((c) => c.value);
    if (!outputs.length) return showError("请至少选择一种输出文件");
    const form = new FormData();
    for (const item of ready) form.append("files", item.file, item.file.name);
    form.append("corrections", JSON.stringify(ready.map((item) => item.corr)));
    for (const value of outputs) form.append("outputs", value);
    form.append("variant", $("input[name=variant]:checked").value);
    for (const box of $$("input[name=aids]:checked")) form.append("aids", box.value);
    form.append("org", $("input[name=org]").value);
    form.append("paper", $("select[name=paper]").value);
    form.append("print_sheet", $("select[name=print_sheet]").value);
    form.append("session_date", $("input[name=session_date]").value);
    if (ready.length > 1 && $("input[name=compile]").checked) {
      form.append("compile", "1");
      form.append("title", $("input[name=title]").value);
    }
    building = true;
    render();
    const started = performance.now();
    const status = $("#status");
    status.className = "busy";
    status.textContent = "正在生成……";
    const timer = setInterval(() => {
      status.textContent = `正在生成……（${((performance.now() - started) / 1000).toFixed(0)} 秒）`;
    }, 1000);
    try {
      const data = await post("/api/build", form);
      showResults(data);
      status.className = "done";
      status.textContent = `已生成 ${data.files.length} 个文件，用时 ${data.seconds.toFixed(2)} 秒` +
                           (data.cached ? "（内容未变，直接使用了上次的结果）" : "");
    } catch (err) {
      status.className = "";
      status.textContent = "";
      showError(err.message);
    } finally {
      clearInterval(timer);
      building = false;
      render();
    }
  }

  function showResults(data) {
    const list = $("#downloads");
    list.replaceChildren(...data.files.map((f) => el("li", {},
      el("a", { href: f.url, download: f.name, class: "download", "data-kind": f.kind },
        el("span", { class: "label", text: f.label }),
        el("span", { class: "file", text: f.name })),
      el("span", { class: "size", text: formatSize(f.size) }))));
    const warnings = data.warnings || [];
    $("#warnings").replaceChildren(...warnings.map((w) => el("li", { text: "注意：" + w })));
    $("#warnings").hidden = warnings.length === 0;
    $("#zip").setAttribute("href", data.zip);
    $("#zip").setAttribute("download", "学习材料.zip");
    const previews = $("#previews");
    previews.replaceChildren(...data.previews.map((url, i) => el("a", { href: url, target: "_blank", rel: "noopener" },
      el("img", { src: url, alt: `阅读版第 ${i + 1} 页`, loading: "lazy" }))));
    $("#preview-box").hidden = data.previews.length === 0;
    $("#results").classList.remove("stale");
    $("#stale-note").hidden = true;
    $("#results").hidden = false;
  }

  // --- wiring -----------------------------------------------------------------

  const drop = $("#drop");
  const input = $("#file-input");
  input.addEventListener("change", () => {
    addFiles(Array.from(input.files));
    input.value = "";
  });
  drop.addEventListener("click", (e) => { if (e.target === drop) input.click(); });
  drop.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); }
  });
  for (const type of ["dragenter", "dragover"]) {
    drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("over"); });
  }
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    addFiles(Array.from(e.dataTransfer.files));
  });
  // A file dropped beside the box must not make the browser leave the page.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());

  let pasted = 0;
  $("#paste-add").addEventListener("click", () => {
    const text = $("#paste").value;
    if (!text.trim()) return showError("请先把文字粘贴到框里");
    pasted += 1;
    const first = text.trim().split("\n")[0].replace(/[\\/:*?"<>|\s]+/g, " ").trim().slice(0, 30);
    const name = (first || "粘贴的文字") + (pasted > 1 ? `（${pasted}）` : "") + ".txt";
    addFiles([new File([text], name, { type: "text/plain" })]);
    $("#paste").value = "";
  });

  for (const radio of $$("input[name=variant]")) radio.addEventListener("change", syncAids);
  $("#step-options").addEventListener("input", markStale);
  $("#step-options").addEventListener("change", markStale);
  $("#build").addEventListener("click", build);
  syncAids();
  render();
})();
