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

  const HEADERS = { "X-Studykit": "1", "X-Studykit-Lang": document.documentElement.lang };
  const OFFLINE = "无法连接 studykit：它可能已经关闭。请在启动它的电脑上重新运行 studykit serve，然后再试。";

  // Messages go where the user is looking: step 1's box for adding articles, the line
  // beside the build button for building; both are announced (role="alert").
  function showError(message) {
    const box = $("#error");
    box.textContent = message ? "出错了：" + message : "";
    box.hidden = !message;
  }

  function buildMessage(message, kind = "bad") {
    const box = $("#build-msg");
    box.textContent = message || "";
    box.className = "build-msg " + kind;
    box.hidden = !message;
  }

  async function send(url, options = {}) {
    let response;
    try {
      response = await fetch(url, Object.assign({ headers: HEADERS }, options));
    } catch (err) {
      throw new Error(OFFLINE);
    }
    let data = null;
    try { data = await response.json(); } catch (err) { data = null; }
    if (response.status === 401) {
      const error = new Error("需要重新输入访问码：请刷新本页（文章和选项会保留）。");
      error.status = 401;
      throw error;
    }
    if (!response.ok) {
      const error = new Error(data && data.error ? data.error : `服务器出错（${response.status}），请稍后再试。`);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function post(url, form) { return send(url, { method: "POST", body: form }); }

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
        showError(`一次最多 ${MAX_FILES} 篇文章，其余的没有加入。请分成几次生成。`);
        break;
      }
      checkFile(file);
    }
    persist();
  }

  async function checkFile(file, kept = null) {
    const item = { id: nextId++, file, state: "checking", check: null, error: "", open: !kept,
                   corr: kept || {}, hash: "", seq: 0, note: "" };
    if (!kept) for (const other of items) other.open = false;
    items.push(item);
    render();
    if (file.size > MAX_BYTES) {
      return fail(item, `${file.name}：文件太大（${Math.floor(file.size / MIB)} MB，上限 ` +
                        `${MAX_BYTES / MIB} MB）。请删去图片后另存，或分成几个文件。`);
    }
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      item.hash = fnv1a(bytes);
      if (isBlank(file, bytes)) {
        item.state = "empty";
        return render();
      }
      // In a workspace the server applies what studykit.toml holds for this file name;
      // otherwise what this tab kept for the same file, if anything.
      if (!WORKSPACE && !kept) {
        const saved = loadKept(item);
        if (saved) item.corr = saved;
      }
      item.check = await requestCheck(item, WORKSPACE ? null : item.corr);
      if (WORKSPACE) item.corr = item.check.corrections || {};
      item.state = item.check.lines.length || item.check.outline.length ? "ok" : "empty";
    } catch (err) {
      return fail(item, err.message);
    }
    render();
  }

  // A text file of nothing but spaces (any kind: 全角空格 included) and line breaks.
  function isBlank(file, bytes) {
    if (!/\.(txt|text|md|markdown)$/i.test(file.name) || bytes.length > 4 * MIB) return false;
    let text = "";
    try { text = new TextDecoder("utf-8", { fatal: true }).decode(bytes); } catch (err) { return false; }
    return text.replace(/[\s\u3000\ufeff\u200b]/g, "") === "";
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
        method: "POST", headers: Object.assign({ "Content-Type": "application/json" }, HEADERS),
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
    persist();
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
    render();
  }

  function move(item, step) {
    const i = items.indexOf(item);
    const j = i + step;
    if (i < 0 || j < 0 || j >= items.length) return;
    [items[i], items[j]] = [items[j], items[i]];
    markStale();
    persist();
    render();  // the focus stays on the button pressed, now in the moved row (data-focus)
    announce(`“${itemName(item)}”已移到第 ${j + 1} 篇`);
  }

  function remove(item) {
    const i = items.indexOf(item);
    items = items.filter((other) => other !== item);
    markStale();
    persist();
    render();
    // The focus goes to the row that took its place, else back to adding articles.
    const next = items[Math.min(i, items.length - 1)];
    const target = next ? document.querySelector(`[data-focus="rm-${next.id}"]`) : $("#drop");
    if (target) target.focus();
    announce(`已移除“${itemName(item)}”`);
  }

  function announce(text) {
    const box = $("#announce");
    box.textContent = "";
    setTimeout(() => { box.textContent = text; }, 50);
  }

  function itemName(item) {
    return (item.check && item.check.title) || item.file.name;
  }

  // Problems that keep an article out of a build: unreadable, empty, a duplicate.
  function problem(item) {
    if (item.state === "bad") return "无法读取：" + item.error;
    if (item.state === "empty") return "没有正文（文件里只有空白）。请检查是否选错了文件，或者把文章重新复制粘贴一次。";
    const first = items.find((other) => other !== item && other.hash && other.hash === item.hash);
    if (first && items.indexOf(first) < items.indexOf(item)) {
      return `与第 ${items.indexOf(first) + 1} 篇内容完全相同（重复添加）。不需要的话请移除这一篇。`;
    }
    return "";
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

  const ENCODINGS = { "utf-8": "UTF-8 编码", "utf-8-sig": "UTF-8 编码", "gb18030": "GBK（国标）编码",
                      "gbk": "GBK（国标）编码", "gb2312": "GBK（国标）编码", "utf-16": "UTF-16 编码",
                      "utf-16-le": "UTF-16 编码", "utf-16-be": "UTF-16 编码", "big5": "繁体 Big5 编码" };

  // "Word 文档", "网页：人民网", "纯文本，GBK（国标）编码": how the file was read, in words.
  function howRead(check) {
    let how = check.read_as || "";
    if (check.format === "html" && check.meta.source) how += "：" + check.meta.source;
    const enc = (check.encoding || "").toLowerCase();
    if (enc && ["text", "markdown", "html"].includes(check.format)) how += "，" + (ENCODINGS[enc] || enc + " 编码");
    return how;
  }

  // The outline as a plain tree, in the document's own words (一、（一）1.).
  function plainTree(check) {
    const root = el("ul", { class: "plain-tree" });
    const stack = [[0, root]];
    for (const row of check.outline) {
      if (row.level < 1) continue;
      while (stack.length > 1 && stack[stack.length - 1][0] >= row.level) stack.pop();
      const li = el("li", { text: row.text });
      stack[stack.length - 1][1].append(li);
      const sub = el("ul");
      li.append(sub);
      stack.push([row.level, sub]);
    }
    for (const ul of root.querySelectorAll("ul:empty")) ul.remove();
    if (!root.children.length) root.append(el("li", { class: "empty", text: "没有识别出小标题（全文作为正文）。" }));
    return root;
  }

  function summaryView(item) {
    const check = item.check;
    const meta = check.meta;
    const box = el("div", { class: "summary" });
    // Warnings first, in orange: what to look at before building.
    if (check.issues.length) {
      box.append(el("p", { class: "summary-warn", text: `请核对：有 ${check.issues.length} 处可能识别错了（见下面橙色的提示，可以直接改正）。` }));
      box.append(issueList(check.issues));
    }
    const dl = el("dl", { class: "facts" });
    const facts = [["标题", meta.title], ["作者", meta.authors], ["日期", dateWords(meta.date)],
                   ["来源", meta.source], ["读取方式", howRead(check)]];
    for (const [label, value] of facts) {
      dl.append(el("dt", { text: label }), el("dd", { class: value ? "" : "missing", text: value || "（没有找到）" }));
    }
    box.append(dl);
    box.append(el("h4", { text: "文章结构" }), plainTree(check));
    return box;
  }

  function dateWords(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : (iso || "");
  }

  function sourceView(item, index) {
    const check = item.check;
    const name = itemName(item);
    const title = check ? (check.title || "（没有找到标题）") : "";
    const head = el("div", { class: "head" },
      el("span", { class: "idx", text: String(index + 1), "aria-hidden": "true" }),
      el("div", { class: "what" },
        el("div", { class: "title", text: check ? title : item.file.name }),
        check ? el("span", { class: "name", text: item.file.name + (check.read_as ? " · " + howRead(check) : "") }) : null),
      el("div", { class: "tools" },
        el("button", { type: "button", class: "icon", title: "上移", "aria-label": `上移：${name}`,
                       "data-focus": `up-${item.id}`, text: "↑", onclick: () => move(item, -1) }),
        el("button", { type: "button", class: "icon", title: "下移", "aria-label": `下移：${name}`,
                       "data-focus": `down-${item.id}`, text: "↓", onclick: () => move(item, 1) }),
        el("button", { type: "button", class: "icon", title: "移除", "aria-label": `移除：${name}`,
                       "data-focus": `rm-${item.id}`, text: "×", onclick: () => remove(item) })));
    const why = item.state === "checking" ? "" : problem(item);
    const li = el("li", { class: `source ${item.state}` + (why ? " flagged" : ""), "data-id": String(item.id) }, head);
    if (item.state === "checking") {
      li.append(el("p", { class: "note", text: "正在读取……" }));
      return li;
    }
    if (why) li.append(el("p", { class: "note bad-note", role: "alert", text: why }));
    if (item.state !== "ok") return li;
    const summary = `${check.headings.length} 个一级标题` +
                    (check.warnings ? ` · ⚠ ${check.warnings} 处需要核对` : " · 没有发现问题") +
                    (check.discarded ? ` · 略去 ${check.discarded} 行非正文（可在下面恢复）` : "");
    const review = el("details", { class: "review-box" + (check.warnings ? " has-issues" : "") },
      el("summary", { text: "核对与改正：" + summary }), summaryView(item), reviewView(item));
    review.open = item.open;
    review.addEventListener("toggle", () => { item.open = review.open; });
    const details = el("details", { class: "outline" },
      el("summary", { text: "完整识别报告（studykit check 的输出，供核对细节）" }), treeView(check.report));
    details.open = Boolean(item.reportOpen);
    details.addEventListener("toggle", () => { item.reportOpen = details.open; });
    review.append(details);
    li.append(review);
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
    $("#clear-all").hidden = items.length === 0;
    const ready = items.filter((i) => i.state === "ok").length;
    $("#compile-box").hidden = ready < 2;
    $("#build").disabled = building || items.length === 0 || items.some((i) => i.state === "checking");
    $("#cancel").hidden = !building;
  }

  // --- kept in the browser: articles, corrections, choices, the last build ---------

  const DB = "studykit";
  let dbPromise = null;

  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const open = indexedDB.open(DB, 1);
        open.onupgradeneeded = () => open.result.createObjectStore("articles", { keyPath: "order" });
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      }).catch(() => null);
    }
    return dbPromise;
  }

  let persistTimer = null;
  function persist() {
    clearTimeout(persistTimer);
    persistTimer = setTimeout(async () => {
      const handle = await db();
      if (!handle) return;
      const tx = handle.transaction("articles", "readwrite");
      const store = tx.objectStore("articles");
      store.clear();
      items.forEach((item, order) => store.put({ order, name: item.file.name, type: item.file.type,
                                                  blob: item.file, corr: item.corr }));
    }, 100);
  }

  async function restoreArticles() {
    const handle = await db();
    if (!handle) return;
    const records = await new Promise((resolve) => {
      const req = handle.transaction("articles").objectStore("articles").getAll();
      req.onsuccess = () => resolve(req.result || []);
      req.onerror = () => resolve([]);
    });
    records.sort((a, b) => a.order - b.order);
    for (const rec of records) {
      const file = new File([rec.blob], rec.name, { type: rec.type || "" });
      checkFile(file, WORKSPACE ? null : (rec.corr || {}));
    }
    if (records.length) announce(`已恢复上次的 ${records.length} 篇文章`);
  }

  const SETTINGS = "studykit-settings";
  const REMEMBERED = ["outputs", "variant", "aids", "paper", "print_sheet", "org"];

  function saveSettings() {
    const kept = {};
    for (const name of REMEMBERED) {
      const fields = $$(`[name=${name}]`);
      if (fields[0].type === "checkbox") kept[name] = fields.filter((f) => f.checked).map((f) => f.value);
      else if (fields[0].type === "radio") kept[name] = (fields.find((f) => f.checked) || {}).value;
      else kept[name] = fields[0].value;
    }
    try { localStorage.setItem(SETTINGS, JSON.stringify(kept)); } catch (err) { /* storage off */ }
  }

  function restoreSettings() {
    let kept = null;
    try { kept = JSON.parse(localStorage.getItem(SETTINGS) || "null"); } catch (err) { kept = null; }
    if (!kept || typeof kept !== "object") return;
    for (const name of REMEMBERED) {
      if (!(name in kept)) continue;
      const fields = $$(`[name=${name}]`);
      const value = kept[name];
      if (fields[0].type === "checkbox") for (const f of fields) f.checked = Array.isArray(value) && value.includes(f.value);
      else if (fields[0].type === "radio") for (const f of fields) f.checked = f.value === value;
      else if (typeof value === "string" && (fields[0].tagName !== "SELECT" || [...fields[0].options].some((o) => o.value === value))) fields[0].value = value;
    }
  }

  const LAST = "studykit-last";  // {job, token}: the build running or the last one made
  function remember(value) {
    try {
      if (value) localStorage.setItem(LAST, JSON.stringify(value));
      else localStorage.removeItem(LAST);
    } catch (err) { /* storage off */ }
  }

  async function restoreBuild() {
    let last = null;
    try { last = JSON.parse(localStorage.getItem(LAST) || "null"); } catch (err) { last = null; }
    if (!last) return;
    if (last.job) return follow(last.job, performance.now());
    if (!last.token) return;
    try {
      const data = await send(`/api/builds/${encodeURIComponent(last.token)}`);
      showResults(data);
      const status = $("#status");
      status.className = "done";
      status.textContent = `上次生成的 ${data.files.length} 个文件还可以下载（保存一小时）`;
    } catch (err) {
      if (err.status === 404) {
        remember(null);
        buildMessage("上次生成的文件已经过期删除；需要的话请点“生成”重新生成。", "info");
      }
    }
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

  const STAGE_LABELS = { parse: "解析", docx: "讲义", pdf: "手册", compile: "学习汇编", slides: "幻灯片" };

  // Before building: articles that cannot go in are named, and left out only with consent.
  function build() {
    buildMessage("");
    $("#consent").hidden = true;
    const outputs = $$("input[name=outputs]:checked").map((c) => c.value);
    if (!outputs.length) return buildMessage("请在第 2 步至少勾选一种要生成的材料。");
    const flagged = items.filter((item) => problem(item));
    const usable = items.filter((item) => item.state === "ok" && !problem(item));
    if (!usable.length) {
      return buildMessage(items.length
        ? "没有可以生成的文章：每一篇都有问题（见上面各篇的红色说明）。请改正或换一个文件。"
        : "请先在第 1 步添加文章。");
    }
    if (flagged.length) return askConsent(flagged, usable, outputs);
    start(usable, outputs);
  }

  function askConsent(flagged, usable, outputs) {
    const box = $("#consent");
    box.replaceChildren(
      el("p", { class: "consent-head", id: "consent-title", text: `有 ${flagged.length} 篇文章不能生成：` }),
      el("ul", {}, ...flagged.map((item) => el("li", {},
        el("b", { text: `第 ${items.indexOf(item) + 1} 篇 ${item.file.name}：` }),
        el("span", { text: problem(item) })))),
      el("p", { class: "consent-tools" },
        el("button", { type: "button", class: "primary", id: "consent-yes",
                       text: `不含这 ${flagged.length} 篇，生成其余 ${usable.length} 篇`,
                       onclick: () => { box.hidden = true; start(usable, outputs); } }),
        el("button", { type: "button", id: "consent-no", text: "先不生成，回去修改",
                       onclick: () => { box.hidden = true; focusRow(flagged[0]); } })));
    box.hidden = false;
    $("#consent-yes").focus();
  }

  function focusRow(item) {
    const target = document.querySelector(`[data-focus="rm-${item.id}"]`);
    if (target) { target.scrollIntoView({ block: "center" }); target.focus(); }
  }

  async function start(ready, outputs) {
    $("#stages").hidden = true;  // until this build's stages are known
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
    saveSettings();
    building = true;
    render();
    const status = $("#status");
    status.className = "busy";
    status.textContent = "正在提交……";
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const job = await post("/api/jobs", form);
        return await follow(job.id, started, job);
      } catch (err) {
        // "Busy": too many uploads arriving at once; send it again shortly, for a while.
        if (err.status !== 503 || attempt >= 60) return failed(err.message);
        status.textContent = "服务器正忙，正在重新提交……";
        await new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 1000));
      }
    }
  }

  let currentJob = null;

  // Follow a queued build to its end: the place in the queue, then the stages.
  async function follow(id, started, first = null) {
    currentJob = id;
    building = true;
    remember({ job: id });
    render();
    let data = first;
    let misses = 0;
    while (true) {
      if (data) {
        misses = 0;
        showProgress(data, started);
        if (data.state === "done") return finished(data.result);
        if (data.state === "failed") return failed(data.error || "生成失败。");
        if (data.state === "cancelled") return cancelled();
      }
      await new Promise((resolve) => setTimeout(resolve, data && data.state === "queued" ? 1000 : 500));
      try {
        data = await send(`/api/jobs/${encodeURIComponent(id)}`);
      } catch (err) {
        if (err.status === 404 || err.status === 401 || ++misses >= 5) return failed(err.message);
        data = null;
      }
    }
  }

  function showProgress(data, started) {
    const status = $("#status");
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    const steps = $("#stages");
    steps.replaceChildren(...data.stages.map((stage) => {
      const done = data.done.includes(stage);
      const now = data.state === "running" && data.stage === stage && !done;
      return el("li", { class: done ? "done" : now ? "now" : "todo",
                        "aria-current": now ? "step" : "false",
                        text: STAGE_LABELS[stage] + (done ? " ✓" : now ? " …" : "") });
    }));
    steps.hidden = false;
    status.className = "busy";
    if (data.state === "queued") {
      status.textContent = data.ahead > 0
        ? `排队中，前面还有 ${data.ahead} 个（已等 ${seconds} 秒）`
        : `排队中，马上开始（已等 ${seconds} 秒）`;
    } else if (data.state === "running") {
      status.textContent = `正在生成：${STAGE_LABELS[data.stage] || ""}（已用 ${seconds} 秒）`;
    }
  }

  function endBuild() {
    currentJob = null;
    building = false;
    render();
  }

  function finished(data) {
    endBuild();
    remember({ token: data.token });
    showResults(data);
    const status = $("#status");
    status.className = "done";
    status.textContent = `已生成 ${data.files.length} 个文件，用时 ${data.seconds.toFixed(2)} 秒` +
                         (data.cached ? "（内容未变，直接使用了上次的结果）" : "");
    $("#results-title").focus();
  }

  function failed(message) {
    endBuild();
    remember(null);
    const status = $("#status");
    status.className = "failed";
    status.textContent = "生成失败";
    buildMessage(message);
    markStale();
    $("#build").focus();
  }

  function cancelled() {
    endBuild();
    remember(null);
    const status = $("#status");
    status.className = "";
    status.textContent = "已取消生成";
    markStale();
    $("#build").focus();
  }

  async function cancel() {
    if (!currentJob) return;
    $("#status").textContent = "正在取消……";
    try {
      await send(`/api/jobs/${encodeURIComponent(currentJob)}/cancel`, { method: "POST" });
    } catch (err) {
      buildMessage(err.message);
    }
  }

  function showResults(data) {
    const list = $("#downloads");
    list.replaceChildren(...data.files.map((f) => {
      const li = el("li", {},
        el("a", { href: f.url, download: f.name, class: "download", "data-kind": f.kind },
          el("span", { class: "label", text: f.label }),
          el("span", { class: "file", text: f.name })),
        el("span", { class: "size", text: formatSize(f.size) }));
      if (f.name.endsWith(".pdf")) {
        li.append(el("a", { href: f.url + "?inline=1", target: "_blank", rel: "noopener", class: "open-pdf",
                            "aria-label": `在新标签页打开并打印：${f.label}`, text: "打开打印" }));
      }
      if (f.kind === "print") {
        li.append(el("p", { class: "print-howto", text:
          "印刷说明：用打印机的“双面打印”，选“短边翻转”；纸张选上面写的大纸（如 A4）。" +
          "打印后整叠对折，在折线上用骑马钉订两钉，就是一本小册子。" }));
      }
      return li;
    }));
    const warnings = data.warnings || [];
    $("#warnings").replaceChildren(...warnings.map((w) => el("li", { text: "注意：" + w })));
    $("#warnings").hidden = warnings.length === 0;
    $("#zip").setAttribute("href", data.zip);
    $("#zip").setAttribute("download", "学习材料.zip");
    const previews = $("#previews");
    previews.replaceChildren(...data.previews.map((url, i) => el("a", { href: url, target: "_blank", rel: "noopener",
                                                                        "aria-label": `阅读版第 ${i + 1} 页（大图）` },
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
    if (!text.replace(/[\s\u3000]/g, "")) return showError("框里没有文字：请先把文章粘贴到框里，再点“加入这段文字”。");
    pasted += 1;
    const first = text.trim().split("\n")[0].replace(/[\\/:*?"<>|\s]+/g, " ").trim().slice(0, 30);
    const name = (first || "粘贴的文字") + (pasted > 1 ? `（${pasted}）` : "") + ".txt";
    addFiles([new File([text], name, { type: "text/plain" })]);
    $("#paste").value = "";
  });

  for (const radio of $$("input[name=variant]")) radio.addEventListener("change", syncAids);
  $("#step-options").addEventListener("input", markStale);
  $("#step-options").addEventListener("change", markStale);
  $("#step-options").addEventListener("change", saveSettings);
  $("input[name=org]").addEventListener("input", saveSettings);
  $("#build").addEventListener("click", build);
  $("#cancel").addEventListener("click", cancel);
  $("#clear-all").addEventListener("click", () => {
    items = [];
    persist();
    markStale();
    render();
    $("#drop").focus();
    announce("已移除全部文章");
  });
  // Leaving (or reloading) mid-build: the build goes on, but say so first.
  window.addEventListener("beforeunload", (e) => {
    if (building) { e.preventDefault(); e.returnValue = ""; }
  });
  if (location.hash === "#step-build") buildMessage("文件已过期：请核对文章和选项，再点“生成”。", "info");
  restoreSettings();
  syncAids();
  render();
  restoreArticles();
  restoreBuild();
})();
