// casecheck's web page: upload a case file, follow its progress, read the findings.
// Plain JavaScript, no external resources: the page must work on a closed network.
"use strict";

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
};

const STATUS = { queued: "排队中", running: "正在审查", done: "审查完成", failed: "未能审查" };
const FIELD_LABELS = [
  ["case_number", "立案号"], ["filing_date", "立案时间"], ["party", "当事人"], ["cause", "案由"],
  ["case_type", "案卷类型"], ["notice_number", "告知书文号"], ["notice_date", "告知书下达时间"],
  ["decision_number", "决定书文号"], ["decision_date", "决定书下达时间"], ["officers", "承办人员"],
  ["agency", "执法机关"],
];
const POLL_MS = 700;

let meta = null;
let token = localStorage.getItem("casecheck-token") || "";
let current = null; // {id, job, report, sizes, review}
let me = null; // {name, role, may_review, is_admin}
let pollTimer = null;
const imageCache = new Map();

// -- the API ------------------------------------------------------------------------------------
async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  if (token) headers.set("Authorization", `Bearer ${token}`);
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) {
    await askToken();
    return api(path, options);
  }
  return response;
}

async function json(path) {
  const response = await api(path);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || `${response.status}`);
  return body;
}

function askToken() {
  return new Promise((resolve) => {
    const dialog = $("#token-dialog");
    $("#token-form").onsubmit = () => {
      token = $("#token").value.trim();
      localStorage.setItem("casecheck-token", token);
      imageCache.clear();
      resolve();
      loadMe();
    };
    if (!dialog.open) dialog.showModal();
  });
}

// Pages as pictures: with a token the image must be fetched with its header.
async function pageImage(id, page, width) {
  const url = `/api/cases/${id}/pages/${page}.png?width=${width}`;
  if (!token) return url;
  if (!imageCache.has(url)) {
    imageCache.set(url, api(url).then((r) => r.blob()).then((b) => URL.createObjectURL(b)));
  }
  return imageCache.get(url);
}

// -- uploading ----------------------------------------------------------------------------------
// Several files dropped at once go up one after another; the last one is shown.
async function uploadAll(files) {
  for (const file of files) await upload(file);
}

function upload(file) {
  return new Promise((resolve) => uploadOne(file, resolve));
}

function uploadOne(file, done) {
  const error = $("#upload-error");
  error.hidden = true;
  if (!/\.pdf$/i.test(file.name) && file.type !== "application/pdf") {
    showUploadError(`${file.name}：不是 PDF 文件`);
    done();
    return;
  }
  if (meta && file.size > meta.max_upload_mb * 1024 * 1024) {
    showUploadError(`${file.name}：超过 ${meta.max_upload_mb} MB 上限`);
    done();
    return;
  }
  const form = new FormData();
  form.append("file", file);
  const request = new XMLHttpRequest();
  request.open("POST", "/api/cases");
  if (token) request.setRequestHeader("Authorization", `Bearer ${token}`);
  request.upload.onprogress = (event) => {
    if (event.lengthComputable) showProgress(`正在上传 ${Math.round((100 * event.loaded) / event.total)}%`,
      event.loaded / event.total);
  };
  request.onload = async () => {
    let body = {};
    try { body = JSON.parse(request.responseText); } catch { /* not JSON: a proxy's page */ }
    if (request.status === 401) { await askToken(); uploadOne(file, done); return; }
    done();
    if (request.status !== 202) {
      showUploadError(body.error || `上传失败（${request.status}）`);
      return;
    }
    const target = `#/cases/${body.id}`;
    if (location.hash === target) follow(body.id); // the same file again: no hashchange
    else location.hash = target;
    refreshRecent();
  };
  request.onerror = () => { showUploadError("上传失败：无法连接服务"); done(); };
  $("#job").hidden = false;
  $("#job-name").textContent = file.name;
  $("#result").hidden = true;
  $("#downloads").hidden = true;
  request.send(form);
}

function showUploadError(message) {
  const error = $("#upload-error");
  error.textContent = message;
  error.hidden = false;
  $("#job").hidden = true;
}

function showProgress(text, fraction) {
  $("#job-status").textContent = text;
  $("#progress").hidden = fraction == null;
  $("#bar").style.width = `${Math.round(100 * (fraction || 0))}%`;
}

// -- following a job ----------------------------------------------------------------------------
async function follow(id) {
  clearTimeout(pollTimer);
  let job;
  try {
    job = await json(`/api/cases/${id}`);
  } catch (err) {
    showUploadError(`无法读取案卷 ${id}：${err.message}`);
    return;
  }
  if (location.hash !== `#/cases/${id}`) return; // the user moved on
  $("#job").hidden = false;
  $("#job-name").textContent = job.name;
  $("#job-status").classList.toggle("error", job.status === "failed");
  const { done, total } = job.progress;
  if (job.status === "queued") showProgress("排队中，等待空闲的审查进程…", 0);
  else if (job.status === "running") {
    showProgress(total ? `正在识读第 ${done} / ${total} 页` : "正在打开文件…", total ? done / total : 0);
  } else if (job.status === "failed") {
    showProgress(`未能审查：${job.error || "原因不明"}`, null);
  }
  if (job.status === "done") {
    await showReport(job);
    refreshRecent();
  } else if (job.status !== "failed") {
    $("#result").hidden = true;
    $("#downloads").hidden = true;
    pollTimer = setTimeout(() => follow(id), POLL_MS);
  } else {
    refreshRecent();
  }
}

async function showReport(job) {
  const report = job.report;
  // Pages answer 410 once retention deleted the upload: the report and the review still show.
  const [sizes, review] = await Promise.all([
    json(`/api/cases/${job.id}/pages`).catch((error) => ({ gone: error.message })),
    json(`/api/cases/${job.id}/review`)]);
  const pagesGone = Array.isArray(sizes) ? null : sizes.gone;
  current = { id: job.id, job, report, sizes: pagesGone ? [] : sizes, pagesGone, review };
  const seconds = job.summary && job.summary.seconds;
  showProgress(`审查完成：共 ${report.pages} 页，${report.documents.length} 份文书` +
    (seconds ? `，用时 ${seconds.toFixed(1)} 秒` : "") + (pagesGone ? `。${pagesGone}` : ""), null);
  for (const link of document.querySelectorAll("[data-download]")) {
    link.onclick = (event) => { event.preventDefault(); download(job, link.dataset.download); };
    link.href = `/api/cases/${job.id}/${link.dataset.download}`;
  }
  $("#downloads").hidden = false;
  $("#delete-case").hidden = !(me && me.is_admin);
  renderAll();
  renderDocuments(report.documents);
  $("#result").hidden = false;
}

function renderAll() {
  const { report } = current;
  renderStation();
  renderChips();
  renderFields(report.case);
  renderCategories();
  renderReview();
  renderHistory();
}

async function download(job, name) {
  const response = await api(`/api/cases/${job.id}/${name}`);
  if (!response.ok) return;
  const blob = await response.blob();
  const stem = job.name.replace(/\.pdf$/i, "");
  const suffix = { "sheet.docx": ".自查单.docx", "annotated.pdf": ".annotated.pdf", "report.json": ".report.json" }[name];
  const link = el("a", { href: URL.createObjectURL(blob), download: stem + suffix });
  document.body.append(link);
  link.click();
  link.remove();
}

// -- the review: what the person decided, over what the machine found ----------------------------
const REVIEW_STATUS = { machine: "机器初查", in_review: "复核中", reviewed: "已复核" };
const DECISION_TEXT = { confirmed: "已确认", dismissed: "已排除", review: "待核实" };

const mayReview = () => Boolean(me && me.may_review);
const decisionOf = (id) => (current.review.decisions[id] || {}).decision;

// The findings as the review leaves them (as the server's apply_review): dismissed ones out,
// confirmed review items and added problems in, findings moved to 待核实 out of the count.
function effective() {
  const { report, review } = current;
  const findings = [];
  const open = [];
  for (const f of report.findings) {
    const d = decisionOf(f.id) || "confirmed";
    if (d === "confirmed") findings.push(f); else if (d === "review") open.push(f);
  }
  for (const f of report.review) {
    const d = decisionOf(f.id) || "review";
    if (d === "confirmed") findings.push(f); else if (d === "review") open.push(f);
  }
  review.added.forEach((a, i) => findings.push(addedFinding(a, i)));
  return { findings, open };
}

function addedFinding(added, index) {
  return { id: `A${index + 1}`, code: "", category: added.category, kind: added.kind, message: added.message,
    suggestion: added.suggestion, evidence: added.pages.map((page) => ({ page })), added: index };
}

// Every change is stored at once: the service records who did what and renders the sheet again.
// Changes go one after another, each applied to the review the last one stored (a quick click
// after a typed 整改 must not send a review without it).
let saving = Promise.resolve(true);

function saveReview(change) {
  saving = saving.then(() => storeChange(change), () => storeChange(change));
  return saving;
}

async function storeChange(change) {
  if (!current) return false;
  const draft = structuredClone(current.review);
  change(draft);
  if (draft.status === "machine") draft.status = "in_review";
  const error = $("#station-error");
  error.hidden = true;
  const response = await api(`/api/cases/${current.id}/review`, {
    method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(draft),
  });
  let body = {};
  try { body = await response.json(); } catch { /* not JSON */ }
  if (response.status === 409 && /changed by/.test(body.error || "")) {
    // Someone else saved since this page read the review: show theirs, let the person redo theirs.
    current.review = await json(`/api/cases/${current.id}/review`);
    renderAll();
    error.textContent = `复核内容已由${current.review.reviewer || "他人"}更新，已重新载入，请再操作一次`;
    error.hidden = false;
    return false;
  }
  if (!response.ok) {
    error.textContent = response.status === 403 ? `无权修改复核：${body.error || ""}`
      : response.status === 409 ? "案卷尚未审查完成，暂不能复核" : `保存失败：${body.error || response.status}`;
    error.hidden = false;
    return false;
  }
  current.review = body;
  renderAll();
  refreshRecent();
  return true;
}

function renderStation() {
  const { review } = current;
  const badge = $("#review-status");
  badge.textContent = REVIEW_STATUS[review.status];
  badge.className = `badge ${review.status}`;
  const who = review.reviewer ? `最后修改：${review.reviewer}${review.updated ? "，" + review.updated.replace("T", " ").slice(0, 16) : ""}` : "";
  const unchecked = meta ? meta.categories.filter((c) => !meta.checked.includes(c)) : [];
  $("#review-note").textContent = review.status === "reviewed" ? who
    : `是否合格待复核${unchecked.length ? "；" + unchecked.join("、") + "未自动审查，须人工审查" : ""}${who ? "。" + who : ""}`;
  const editable = mayReview();
  const reviewed = review.status === "reviewed";
  $("#self-checker").value = review.self_checker || "";
  $("#reported-on").value = review.reported_on || "";
  for (const id of ["#self-checker", "#reported-on"]) $(id).disabled = !editable || reviewed;
  $("#sign-off").hidden = !editable || reviewed;
  $("#reopen").hidden = !editable || !reviewed;
  $("#regenerate").hidden = !editable;
  $("#signoff").classList.toggle("readonly", !editable);
}

function renderChips() {
  const { findings, open } = effective();
  const legality = findings.filter((f) => f.kind === "合法性").length;
  const standard = findings.length - legality;
  const reviewed = current.review.status === "reviewed";
  const passed = reviewed ? (findings.length ? "否" : "是") : "待复核";
  $("#chips").replaceChildren(
    el("span", { class: `chip ${legality ? "legality" : "ok"}`, text: `合法性问题 ${legality}` }),
    el("span", { class: `chip ${standard ? "standard" : "ok"}`, text: `规范性问题 ${standard}` }),
    el("span", { class: `chip ${open.length ? "review" : "ok"}`, text: `待人工核实 ${open.length}` }),
    el("span", { class: `chip plain ${reviewed ? "" : "pending"}`, text: `是否合格：${passed}` }),
  );
}

function renderFields(fields) {
  const list = $("#fields");
  list.replaceChildren();
  const corrected = current.review.fields || {};
  for (const [key, label] of FIELD_LABELS) {
    const machine = Array.isArray(fields[key]) ? fields[key].join("、") : fields[key];
    const has = Object.prototype.hasOwnProperty.call(corrected, key);
    const value = has ? (Array.isArray(corrected[key]) ? corrected[key].join("、") : corrected[key]) : machine;
    const dt = el("dt", { text: label });
    const dd = el("dd", { class: value ? (has ? "corrected" : "") : "muted", text: value || "未识读到" });
    if (has) dd.append(el("small", { class: "machine", text: `（机器识读：${machine || "未识读到"}）` }));
    if (mayReview() && current.review.status !== "reviewed") {
      dt.append(el("button", { type: "button", class: "edit", "aria-label": `更正${label}`, title: `更正${label}`, text: "更正",
        onclick: () => editField(dd, key, label, value || "", machine || "") }));
    }
    list.append(dt, dd);
  }
}

function editField(dd, key, label, value, machine) {
  const input = el("input", { type: "text", value, "aria-label": `${label}（更正）` });
  const save = async () => {
    const text = input.value.trim();
    await saveReview((draft) => {
      if (!text || text === machine) delete draft.fields[key];
      else draft.fields[key] = key === "officers" ? text.split(/[、,，\s]+/).filter(Boolean) : text;
    });
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); save(); }
    if (event.key === "Escape") { event.preventDefault(); renderFields(current.report.case); }
  });
  dd.replaceChildren(input,
    el("button", { type: "button", class: "button small", text: "保存", onclick: save }),
    el("button", { type: "button", class: "button small secondary", text: "取消", onclick: () => renderFields(current.report.case) }),
    el("small", { class: "machine", text: `机器识读：${machine || "未识读到"}` }));
  input.focus();
  input.select();
}

const openRows = new Set();

function renderCategories() {
  const { report, review } = current;
  const box = $("#categories");
  box.replaceChildren();
  const categories = meta ? meta.categories : [...new Set(report.findings.map((f) => f.category))];
  const checked = new Set(meta ? meta.checked : categories);
  const { findings: counted, open } = effective();
  for (const category of categories) {
    // The machine's findings of this row whatever was decided (a dismissed one shown struck
    // through), the review items confirmed into it, the problems a person added to it.
    const shown = [
      ...report.findings.filter((f) => f.category === category),
      ...report.review.filter((f) => f.category === category && decisionOf(f.id) === "confirmed"),
      ...review.added.map((a, i) => addedFinding(a, i)).filter((f) => f.category === category),
    ];
    const count = counted.filter((f) => f.category === category).length;
    const reviews = open.filter((f) => f.category === category).length;
    const section = el("details", { class: `category ${count ? "has" : "none"}`, "data-category": category });
    // A row the person opened stays open when the station is drawn again after a change.
    if (shown.length || openRows.has(category)) section.open = true;
    section.addEventListener("toggle", () => { if (section.open) openRows.add(category); else openRows.delete(category); });
    const excluded = shown.filter((f) => decisionOf(f.id) === "dismissed").length;
    const note = (count ? `${count} 项问题` : checked.has(category) ? "未发现问题" : "本项未自动审查，请人工审查") +
      (excluded ? `（已排除 ${excluded} 项）` : "");
    section.append(el("summary", {},
      el("span", { class: "category-name", text: category }),
      el("span", { class: `count ${count ? "bad" : checked.has(category) ? "good" : "unchecked"}`, text: note }),
      reviews ? el("span", { class: "count review", text: `另有 ${reviews} 项待核实` }) : null));
    for (const finding of shown) section.append(findingCard(finding, report.review.includes(finding)));
    const tools = el("div", { class: "row-tools" });
    if (count) tools.append(remedyEditor(category));
    if (mayReview() && review.status !== "reviewed") {
      tools.append(el("button", { type: "button", class: "button small secondary", text: "＋ 添加问题",
        "aria-label": `在「${category}」添加问题`, onclick: () => addProblem(category) }));
    }
    if (tools.childElementCount) section.append(tools);
    box.append(section);
  }
}

function remedyEditor(category) {
  const remedy = current.review.remedy[category] || { done: "", complete: false };
  const editable = mayReview();
  const done = el("input", { type: "text", value: remedy.done, placeholder: "整改情况", "aria-label": `${category}整改情况` });
  const complete = el("input", { type: "checkbox", "aria-label": `${category}已完成整改` });
  complete.checked = remedy.complete;
  done.disabled = complete.disabled = !editable;
  const save = () => saveReview((draft) => {
    if (!done.value.trim() && !complete.checked) delete draft.remedy[category];
    else draft.remedy[category] = { done: done.value.trim(), complete: complete.checked };
  });
  done.addEventListener("change", save);
  done.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); done.blur(); } });
  complete.addEventListener("change", save);
  return el("div", { class: "remedy" }, el("label", {}, "整改情况 ", done), el("label", { class: "check" }, complete, " 已完成整改"));
}

function renderReview() {
  const { report } = current;
  const items = report.review.filter((f) => decisionOf(f.id) !== "confirmed");
  const moved = report.findings.filter((f) => decisionOf(f.id) === "review");
  $("#review-block").hidden = !items.length && !moved.length;
  $("#review").replaceChildren(...items.map((item) => findingCard(item, true)),
    ...moved.map((f) => el("p", { class: "muted", text: `${f.id} 已改为待核实（见「${f.category}」）` })));
}

// A finding code in Chinese (文号格式不规范), from /api/meta; the code itself goes in the tooltip.
function codeTitle(code) {
  return (meta && meta.codes && meta.codes[code]) || code;
}

function findingCard(finding, isReview = false) {
  const decision = finding.added != null ? null : decisionOf(finding.id);
  const dismissed = decision === "dismissed";
  const pending = isReview ? decision !== "confirmed" : decision === "review";
  const kindClass = pending ? "review" : finding.kind === "合法性" ? "legality" : "standard";
  const pages = [...new Set(finding.evidence.map((e) => e.page))].sort((a, b) => a - b);
  const card = el("article", { class: `finding ${kindClass}${dismissed ? " dismissed" : ""}`, "data-id": finding.id },
    el("div", { class: "finding-head" },
      el("span", { class: "label", text: finding.id }),
      el("span", { class: `kind ${kindClass}`, text: pending ? "待核实" : finding.kind }),
      isReview ? el("span", { class: "muted", text: finding.category }) : null,
      decision ? el("span", { class: `decision ${decision}`, text: DECISION_TEXT[decision] }) : null,
      finding.added != null ? el("span", { class: "decision added", text: "人工添加" }) : null,
      el("span", { class: "code", text: codeTitle(finding.code), title: finding.code })),
    el("p", { class: "message", text: messageOf(finding) }),
    finding.suggestion ? el("p", { class: "suggestion" }, el("b", { text: "整改建议：" }), finding.suggestion) : null,
    dismissed ? el("p", { class: "reason" }, el("b", { text: "排除理由：" }), current.review.decisions[finding.id].reason) : null,
  );
  if (pages.length) {
    const thumbs = el("div", { class: "thumbs" });
    for (const page of pages.slice(0, 6)) {
      const boxes = finding.evidence.filter((e) => e.page === page && e.bbox).map((e) => ({ bbox: e.bbox, kind: kindClass }));
      thumbs.append(pageFigure(page, 180, boxes, () => openViewer(page)));
    }
    if (pages.length > 6) thumbs.append(el("span", { class: "muted", text: `另 ${pages.length - 6} 页` }));
    card.append(thumbs);
  }
  if (mayReview() && current.review.status !== "reviewed") card.append(decisionButtons(finding, isReview));
  return card;
}

function decisionButtons(finding, isReview) {
  const bar = el("div", { class: "actions" });
  const decide = (decision, reason = "") => saveReview((draft) => {
    draft.decisions[finding.id] = { decision, reason };
  });
  const undo = () => saveReview((draft) => { delete draft.decisions[finding.id]; });
  const button = (text, onclick, cls = "secondary") =>
    el("button", { type: "button", class: `button small ${cls}`, text, onclick });
  if (finding.added != null) {
    bar.append(button("删除", () => saveReview((draft) => { draft.added.splice(finding.added, 1); })));
    return bar;
  }
  const decision = decisionOf(finding.id);
  if (decision !== "confirmed") bar.append(button(isReview ? "确认为问题" : "确认", () => decide("confirmed"), ""));
  if (decision !== "dismissed") {
    bar.append(button("排除", async () => {
      const reason = await askReason(finding);
      if (reason) decide("dismissed", reason);
    }));
  }
  if (!isReview && decision !== "review") bar.append(button("改为待核实", () => decide("review")));
  if (decision) bar.append(button("撤销", undo, "plain"));
  return bar;
}

// -- dialogs: Enter confirms, Escape cancels (the browser's own for <dialog>) ---------------------
function askReason(finding) {
  return new Promise((resolve) => {
    const dialog = $("#dismiss-dialog");
    const reason = $("#dismiss-reason");
    $("#dismiss-title").textContent = `排除 ${finding.id}`;
    $("#dismiss-message").textContent = finding.message;
    reason.value = "";
    let answered = false;
    const finish = (value) => { if (!answered) { answered = true; resolve(value); } };
    $("#dismiss-form").onsubmit = () => finish(reason.value.trim() || null);
    $("#dismiss-cancel").onclick = () => { dialog.close(); finish(null); };
    reason.onkeydown = (event) => {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); $("#dismiss-form").requestSubmit(); }
    };
    dialog.onclose = () => finish(null);
    dialog.showModal();
    reason.focus();
  });
}

function parsePages(text) {
  const pages = new Set();
  for (const part of text.split(/[,，、\s]+/).filter(Boolean)) {
    const range = part.match(/^(\d+)\s*[-–~]\s*(\d+)$/);
    if (range) for (let p = +range[1]; p <= +range[2]; p += 1) pages.add(p);
    else if (/^\d+$/.test(part)) pages.add(+part);
    else return null;
  }
  return [...pages].sort((a, b) => a - b);
}

function addProblem(category) {
  const dialog = $("#add-dialog");
  const select = $("#add-category");
  select.replaceChildren(...(meta ? meta.categories : [category]).map((c) => el("option", { value: c, text: c })));
  select.value = category;
  for (const id of ["#add-message", "#add-suggestion", "#add-pages"]) $(id).value = "";
  $("#add-kind").value = "合法性";
  $("#add-error").hidden = true;
  $("#add-cancel").onclick = () => dialog.close();
  $("#add-form").onsubmit = (event) => {
    const pages = parsePages($("#add-pages").value);
    const message = $("#add-message").value.trim();
    const pageCount = current.report.pages;
    if (pages === null || pages.some((p) => p < 1 || p > pageCount) || !message) {
      event.preventDefault();
      $("#add-error").textContent = !message ? "请填写问题描述" : `页码应为 1 至 ${pageCount} 之间的数字，如 3, 5-7`;
      $("#add-error").hidden = false;
      return;
    }
    const added = { category: select.value, kind: $("#add-kind").value, message,
      suggestion: $("#add-suggestion").value.trim(), pages };
    saveReview((draft) => { draft.added.push(added); });
  };
  dialog.showModal();
  $("#add-kind").focus();
}

function renderHistory() {
  const history = current.review.history || [];
  $("#history-count").textContent = history.length ? `（${history.length} 条）` : "（暂无）";
  $("#history").replaceChildren(...history.slice().reverse().map((h) => el("li", {},
    el("span", { class: "when", text: h.at.replace("T", " ").slice(0, 19) }),
    el("b", { text: h.by }), el("span", { text: h.what }))));
}

// A page as a reader of the paper file finds it (卷内第4页（PDF第6页）), as the 自查单 names it.
function pageLabel(page) {
  const labels = (current && current.job.page_labels) || [];
  return labels[page - 1] || `第 ${page} 页`;
}

// A finding's message with its page references given the same way (a finding added here: as typed).
function messageOf(finding) {
  const messages = (current && current.job.messages) || {};
  return (finding.id && messages[finding.id]) || finding.message;
}

// A page picture with its evidence boxes laid over it, in percent of the displayed page.
function pageFigure(page, width, boxes, onclick) {
  const [pw, ph] = current.sizes[page - 1] || [595, 842];
  const frame = el("div", { class: "page-frame", style: `aspect-ratio: ${pw} / ${ph}` });
  if (current.pagesGone) {
    frame.append(el("p", { class: "page-gone", text: "原件已删除" }));
  } else {
    const img = el("img", { alt: pageLabel(page), loading: "lazy" });
    pageImage(current.id, page, width * 2).then((src) => { img.src = src; });
    frame.append(img);
  }
  for (const { bbox, kind } of boxes) {
    const [x0, y0, x1, y1] = bbox;
    frame.append(el("div", {
      class: `box ${kind}`,
      style: `left:${(100 * x0) / pw}%;top:${(100 * y0) / ph}%;width:${(100 * (x1 - x0)) / pw}%;height:${(100 * (y1 - y0)) / ph}%`,
    }));
  }
  const type = current.report.page_types[page - 1];
  const caption = pageLabel(page) + (meta && meta.type_names[type] ? ` · ${meta.type_names[type]}` : "");
  const figure = el("figure", { class: "thumb", style: `width:${width}px`, tabindex: "0", role: "button",
    "aria-label": `查看${caption}` }, frame, el("figcaption", { text: caption }));
  if (onclick) {
    figure.addEventListener("click", onclick);
    figure.addEventListener("keydown", (event) => { if (event.key === "Enter") onclick(); });
  }
  return figure;
}

function renderDocuments(documents) {
  const body = $("#documents tbody");
  body.replaceChildren(...documents.map((doc) => {
    const [first, last] = doc.pages;
    // null: the rules do not ask for a seal or signature on this document.
    const mark = (value) => (value === true ? "有" : value === false ? "无" : "不适用");
    const cnDate = (iso) => (/^\d{4}-\d{2}-\d{2}$/.test(iso || "")
      ? `${+iso.slice(0, 4)}年${+iso.slice(5, 7)}月${+iso.slice(8, 10)}日` : iso || "");
    const pagesCell = el("td", {}, el("a", { href: "#", text: first === last ? `${first}` : `${first}–${last}`,
      onclick: (event) => { event.preventDefault(); openViewer(first); } }));
    return el("tr", {}, pagesCell,
      el("td", { text: doc.title || (meta && meta.type_names[doc.type]) || doc.type }),
      el("td", { text: doc.number || "" }), el("td", { text: cnDate(doc.date) }),
      el("td", { class: doc.sealed === false ? "bad" : "", text: mark(doc.sealed) }),
      el("td", { class: doc.signed === false ? "bad" : "", text: mark(doc.signed) }));
  }));
}

// -- the page viewer ----------------------------------------------------------------------------
let viewerPage = 1;

function openViewer(page) {
  viewerPage = page;
  drawViewer();
  const dialog = $("#viewer");
  if (!dialog.open) dialog.showModal();
}

function drawViewer() {
  const { report } = current;
  const boxes = [];
  report.findings.forEach((f) => f.evidence.forEach((e) => {
    if (e.page === viewerPage && e.bbox) boxes.push({ bbox: e.bbox, kind: f.kind === "合法性" ? "legality" : "standard" });
  }));
  report.review.forEach((f) => f.evidence.forEach((e) => {
    if (e.page === viewerPage && e.bbox) boxes.push({ bbox: e.bbox, kind: "review" });
  }));
  const figure = pageFigure(viewerPage, Math.min(900, window.innerWidth - 80), boxes, null);
  $("#viewer-frame").replaceWith(Object.assign(figure, { id: "viewer-frame" }));
  const type = report.page_types[viewerPage - 1];
  $("#viewer-title").textContent = `${pageLabel(viewerPage)} · 共 ${report.pages} 页` +
    (meta && meta.type_names[type] ? ` · ${meta.type_names[type]}` : "");
  $("#prev").disabled = viewerPage <= 1;
  $("#next").disabled = viewerPage >= report.pages;
}

// -- the case list ------------------------------------------------------------------------------
function listQuery() {
  const params = new URLSearchParams();
  const q = $("#q").value.trim();
  if (q) params.set("q", q);
  if ($("#f-month").value) params.set("month", $("#f-month").value);
  if ($("#f-passed").value) params.set("passed", $("#f-passed").value);
  if ($("#f-review").value) params.set("review", $("#f-review").value);
  return params;
}

let recentTimer = null;

async function refreshRecent() {
  clearTimeout(recentTimer);
  const params = listQuery();
  params.set("limit", "50");
  let jobs;
  try { jobs = await json(`/api/cases?${params}`); } catch { return; }
  const list = $("#recent");
  if (!jobs.length) {
    list.replaceChildren(el("li", { class: "muted", text: [...listQuery()].length ? "没有符合条件的案卷" : "暂无" }));
    return;
  }
  list.replaceChildren(...jobs.map((job) => {
    const s = job.summary || {};
    const detail = job.status === "done" ? `合法性 ${s.legality ?? 0} · 规范性 ${s.standard ?? 0} · 核实 ${s.review ?? 0}`
      : job.status === "running" ? `${job.progress.done}/${job.progress.total} 页` : STATUS[job.status];
    const c = job.case || {};
    const line = [c.decision_number, c.party].filter(Boolean).join(" · ");
    return el("li", { class: job.status },
      el("a", { href: `#/cases/${job.id}`, text: job.name }),
      line ? el("span", { class: "muted", text: line }) : null,
      el("span", { class: "muted" }, detail,
        job.review_status ? el("span", { class: `badge small ${job.review_status}`, text: job.review_status_name }) : null,
        job.passed ? el("span", { class: "passed", text: ` 合格：${job.passed}` }) : null));
  }));
  if (jobs.some((j) => j.status === "queued" || j.status === "running")) recentTimer = setTimeout(refreshRecent, 3000);
}

async function exportStatistics() {
  const params = listQuery();
  const response = await api(`/api/statistics.xlsx?${params}`);
  if (!response.ok) return;
  const blob = await response.blob();
  const month = $("#f-month").value;
  const link = el("a", { href: URL.createObjectURL(blob), download: `案卷自查情况统计表${month ? "-" + month : ""}.xlsx` });
  document.body.append(link);
  link.click();
  link.remove();
}

async function deleteCase() {
  if (!current) return;
  if (!window.confirm(`删除案卷「${current.job.name}」及其上传文件和全部输出？此操作不可撤销。`)) return;
  const response = await api(`/api/cases/${current.id}`, { method: "DELETE" });
  if (response.status === 204) {
    current = null;
    $("#job").hidden = true;
    location.hash = "";
    refreshRecent();
  }
}

async function loadMe() {
  try { me = await json("/api/me"); } catch { me = null; }
  $("#who").hidden = !me;
  if (me) $("#who-name").textContent = `${me.name}（${me.role}）`;
  if (current) { $("#delete-case").hidden = !(me && me.is_admin); renderAll(); }
}

// -- wiring -------------------------------------------------------------------------------------
function route() {
  const match = location.hash.match(/^#\/cases\/([0-9a-f]+)$/);
  if (match) follow(match[1]);
}

async function init() {
  const drop = $("#drop");
  const input = $("#file");
  $("#choose").addEventListener("click", () => input.click());
  drop.addEventListener("keydown", (event) => { if (event.key === "Enter") input.click(); });
  input.addEventListener("change", () => { const files = [...input.files]; input.value = ""; uploadAll(files); });
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    uploadAll([...event.dataTransfer.files]);
  });
  $("#close").addEventListener("click", () => $("#viewer").close());
  $("#prev").addEventListener("click", () => { viewerPage -= 1; drawViewer(); });
  $("#next").addEventListener("click", () => { viewerPage += 1; drawViewer(); });
  document.addEventListener("keydown", (event) => {
    if (!$("#viewer").open) return;
    if (event.key === "ArrowLeft" && viewerPage > 1) { viewerPage -= 1; drawViewer(); }
    if (event.key === "ArrowRight" && current && viewerPage < current.report.pages) { viewerPage += 1; drawViewer(); }
  });
  // The station.
  $("#sign-off").addEventListener("click", () => saveReview((draft) => {
    draft.status = "reviewed";
    draft.self_checker = $("#self-checker").value.trim() || null;
    draft.reported_on = $("#reported-on").value || null;
  }));
  $("#reopen").addEventListener("click", () => saveReview((draft) => { draft.status = "in_review"; }));
  $("#regenerate").addEventListener("click", async () => {
    if (await saveReview(() => {})) download(current.job, "sheet.docx");
  });
  for (const id of ["#self-checker", "#reported-on"]) {
    $(id).addEventListener("change", () => saveReview((draft) => {
      draft.self_checker = $("#self-checker").value.trim() || null;
      draft.reported_on = $("#reported-on").value || null;
    }));
  }
  $("#delete-case").addEventListener("click", deleteCase);
  $("#switch-user").addEventListener("click", async () => { await askToken(); if (current) follow(current.id); });
  // The list.
  let typing = null;
  $("#q").addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(refreshRecent, 250); });
  for (const id of ["#f-month", "#f-passed", "#f-review"]) $(id).addEventListener("change", refreshRecent);
  $("#filters").addEventListener("submit", (event) => { event.preventDefault(); refreshRecent(); });
  $("#export").addEventListener("click", exportStatistics);
  window.addEventListener("hashchange", route);
  try {
    meta = await json("/api/meta");
    $("#limits").textContent = `仅限 PDF 文件，单个不超过 ${meta.max_upload_mb} MB、${meta.max_pages} 页 · 审查标准：${meta.rule_pack_title || meta.rule_pack}`;
  } catch { /* the page still works without it */ }
  await loadMe();
  refreshRecent();
  route();
}

document.addEventListener("DOMContentLoaded", init);
