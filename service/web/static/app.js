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
let current = null; // {id, report, sizes}
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
      resolve();
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
function upload(file) {
  const error = $("#upload-error");
  error.hidden = true;
  if (!/\.pdf$/i.test(file.name) && file.type !== "application/pdf") {
    showUploadError(`${file.name}：不是 PDF 文件`);
    return;
  }
  if (meta && file.size > meta.max_upload_mb * 1024 * 1024) {
    showUploadError(`${file.name}：超过 ${meta.max_upload_mb} MB 上限`);
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
    if (request.status === 401) { await askToken(); upload(file); return; }
    if (request.status !== 202) {
      showUploadError(body.error || `上传失败（${request.status}）`);
      return;
    }
    const target = `#/cases/${body.id}`;
    if (location.hash === target) follow(body.id); // the same file again: no hashchange
    else location.hash = target;
    refreshRecent();
  };
  request.onerror = () => showUploadError("上传失败：无法连接服务");
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
  const sizes = await json(`/api/cases/${job.id}/pages`);
  current = { id: job.id, report, sizes };
  const seconds = job.summary && job.summary.seconds;
  showProgress(`审查完成：共 ${report.pages} 页，${report.documents.length} 份文书` +
    (seconds ? `，用时 ${seconds.toFixed(1)} 秒` : ""), null);
  for (const link of document.querySelectorAll("[data-download]")) {
    link.onclick = (event) => { event.preventDefault(); download(job, link.dataset.download); };
    link.href = `/api/cases/${job.id}/${link.dataset.download}`;
  }
  $("#downloads").hidden = false;
  renderChips(report);
  renderFields(report.case);
  renderCategories(report);
  renderReview(report.review);
  renderDocuments(report.documents);
  $("#result").hidden = false;
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

// -- the result ---------------------------------------------------------------------------------
function renderChips(report) {
  const legality = report.findings.filter((f) => f.kind === "合法性").length;
  const standard = report.findings.length - legality;
  const chips = $("#chips");
  chips.replaceChildren(
    el("span", { class: `chip ${legality ? "legality" : "ok"}`, text: `合法性问题 ${legality}` }),
    el("span", { class: `chip ${standard ? "standard" : "ok"}`, text: `规范性问题 ${standard}` }),
    el("span", { class: `chip ${report.review.length ? "review" : "ok"}`, text: `待人工核实 ${report.review.length}` }),
    el("span", { class: "chip plain", text: `是否合格：${report.findings.length ? "否" : "是"}` }),
  );
}

function renderFields(fields) {
  const list = $("#fields");
  list.replaceChildren();
  for (const [key, label] of FIELD_LABELS) {
    let value = fields[key];
    if (Array.isArray(value)) value = value.join("、");
    list.append(el("dt", { text: label }), el("dd", { class: value ? "" : "muted", text: value || "未识读到" }));
  }
}

function renderCategories(report) {
  const box = $("#categories");
  box.replaceChildren();
  const categories = meta ? meta.categories : [...new Set(report.findings.map((f) => f.category))];
  const checked = new Set(meta ? meta.checked : categories);
  let number = 0;
  for (const category of categories) {
    const findings = report.findings.filter((f) => f.category === category);
    const reviews = report.review.filter((f) => f.category === category).length;
    const section = el("details", { class: `category ${findings.length ? "has" : "none"}` });
    if (findings.length) section.open = true;
    const note = findings.length ? `${findings.length} 项问题`
      : checked.has(category) ? "未发现问题" : "本项未自动审查，请人工审查";
    section.append(el("summary", {},
      el("span", { class: "category-name", text: category }),
      el("span", { class: `count ${findings.length ? "bad" : checked.has(category) ? "good" : "unchecked"}`, text: note }),
      reviews ? el("span", { class: "count review", text: `另有 ${reviews} 项待核实` }) : null));
    for (const finding of findings) section.append(findingCard(finding, `F${++number}`));
    box.append(section);
  }
}

function renderReview(review) {
  $("#review-block").hidden = !review.length;
  const box = $("#review");
  box.replaceChildren(...review.map((item, i) => findingCard(item, `R${i + 1}`, true)));
}

function findingCard(finding, label, isReview = false) {
  const kindClass = isReview ? "review" : finding.kind === "合法性" ? "legality" : "standard";
  const pages = [...new Set(finding.evidence.map((e) => e.page))].sort((a, b) => a - b);
  const card = el("article", { class: `finding ${kindClass}` },
    el("div", { class: "finding-head" },
      el("span", { class: "label", text: label }),
      el("span", { class: `kind ${kindClass}`, text: isReview ? "待核实" : finding.kind }),
      isReview ? el("span", { class: "muted", text: finding.category }) : null,
      el("span", { class: "code", text: finding.code })),
    el("p", { class: "message", text: finding.message }),
    finding.suggestion ? el("p", { class: "suggestion" }, el("b", { text: "整改建议：" }), finding.suggestion) : null,
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
  return card;
}

// A page picture with its evidence boxes laid over it, in percent of the displayed page.
function pageFigure(page, width, boxes, onclick) {
  const [pw, ph] = current.sizes[page - 1] || [595, 842];
  const frame = el("div", { class: "page-frame", style: `aspect-ratio: ${pw} / ${ph}` });
  const img = el("img", { alt: `第 ${page} 页`, loading: "lazy" });
  pageImage(current.id, page, width * 2).then((src) => { img.src = src; });
  frame.append(img);
  for (const { bbox, kind } of boxes) {
    const [x0, y0, x1, y1] = bbox;
    frame.append(el("div", {
      class: `box ${kind}`,
      style: `left:${(100 * x0) / pw}%;top:${(100 * y0) / ph}%;width:${(100 * (x1 - x0)) / pw}%;height:${(100 * (y1 - y0)) / ph}%`,
    }));
  }
  const type = current.report.page_types[page - 1];
  const caption = `第 ${page} 页` + (meta && meta.type_names[type] ? ` · ${meta.type_names[type]}` : "");
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
  $("#viewer-title").textContent = `第 ${viewerPage} / ${report.pages} 页` +
    (meta && meta.type_names[type] ? ` · ${meta.type_names[type]}` : "");
  $("#prev").disabled = viewerPage <= 1;
  $("#next").disabled = viewerPage >= report.pages;
}

// -- recent cases -------------------------------------------------------------------------------
async function refreshRecent() {
  let jobs;
  try { jobs = await json("/api/cases?limit=30"); } catch { return; }
  const list = $("#recent");
  if (!jobs.length) { list.replaceChildren(el("li", { class: "muted", text: "暂无" })); return; }
  list.replaceChildren(...jobs.map((job) => {
    const s = job.summary || {};
    const detail = job.status === "done" ? `合法性 ${s.legality ?? 0} · 规范性 ${s.standard ?? 0} · 核实 ${s.review ?? 0}`
      : job.status === "running" ? `${job.progress.done}/${job.progress.total} 页` : STATUS[job.status];
    return el("li", { class: job.status },
      el("a", { href: `#/cases/${job.id}`, text: job.name }),
      el("span", { class: "muted", text: detail }));
  }));
  if (jobs.some((j) => j.status === "queued" || j.status === "running")) setTimeout(refreshRecent, 3000);
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
  input.addEventListener("change", () => { if (input.files[0]) upload(input.files[0]); input.value = ""; });
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    const file = event.dataTransfer.files[0];
    if (file) upload(file);
  });
  $("#close").addEventListener("click", () => $("#viewer").close());
  $("#prev").addEventListener("click", () => { viewerPage -= 1; drawViewer(); });
  $("#next").addEventListener("click", () => { viewerPage += 1; drawViewer(); });
  document.addEventListener("keydown", (event) => {
    if (!$("#viewer").open) return;
    if (event.key === "ArrowLeft" && viewerPage > 1) { viewerPage -= 1; drawViewer(); }
    if (event.key === "ArrowRight" && current && viewerPage < current.report.pages) { viewerPage += 1; drawViewer(); }
  });
  window.addEventListener("hashchange", route);
  try {
    meta = await json("/api/meta");
    $("#limits").textContent = `仅限 PDF 文件，单个不超过 ${meta.max_upload_mb} MB、${meta.max_pages} 页 · 审查标准：${meta.rule_pack_title || meta.rule_pack}`;
  } catch { /* the page still works without it */ }
  refreshRecent();
  route();
}

document.addEventListener("DOMContentLoaded", init);
