// studykit serve: the page's behaviour.  Everything from the server or the user is
// put on the page with textContent or as an attribute value, never as HTML.
"use strict";

(() => {
  const $ = (sel) => document.querySelector(sel);
  const $$ = (sel) => Array.from(document.querySelectorAll(sel));
  const MAX_BYTES = Number(document.body.dataset.maxBytes);
  const MAX_FILES = Number(document.body.dataset.maxFiles);
  const MIB = 1024 * 1024;

  let items = []; // {id, file, state: "checking" | "ok" | "bad", check, error, open}
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
      response = await fetch(url, { method: "POST", body: form, headers: { "X-Studykit": "1" } });
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
    const item = { id: nextId++, file, state: "checking", check: null, error: "", open: true };
    for (const other of items) other.open = false;
    items.push(item);
    render();
    if (file.size > MAX_BYTES) {
      return fail(item, `${file.name}: file too large (${Math.floor(file.size / MIB)} MiB; ` +
                        `the limit is ${MAX_BYTES / MIB} MiB)`);
    }
    const form = new FormData();
    form.append("file", file, file.name);
    try {
      item.check = await post("/api/check", form);
      item.state = "ok";
    } catch (err) {
      return fail(item, err.message);
    }
    render();
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
      const summary = `${check.headings.length} 个一级标题 · 警告 ${check.warnings} 条 · ` +
                      `已删除 ${check.discarded} 行`;
      const details = el("details", { class: "outline" },
        el("summary", { text: "识别结果：" + summary }), treeView(check.report));
      details.open = item.open;
      details.addEventListener("toggle", () => { item.open = details.open; });
      li.append(details);
    }
    return li;
  }

  function render() {
    const list = $("#sources");
    list.replaceChildren(...items.map(sourceView));
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
    for (const value of outputs) form.append("outputs", value);
    form.append("variant", $("input[name=variant]:checked").value);
    for (const box of $$("input[name=aids]:checked")) form.append("aids", box.value);
    form.append("org", $("input[name=org]").value);
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
