// sohoa web pages (docs/WEB.md): one page, views chosen by the URL's #.
// Rules: every value from the server goes in with textContent or
// createElement (never innerHTML); the CSRF token from login travels as
// X-CSRF-Token on every change; a 401 returns to login with what was typed
// kept in sessionStorage; UI strings are English msgids translated through
// window.SOHOA_VI (/i18n.js, made from po/vi.po by web/embed.cmake: the
// msgids of po/vi.po that appear as string literals in web/assets/; t("...")
// and N_("...") are what po/update.sh's xgettext extracts into po/sohoa.pot).
"use strict";
(function () {
  const VI = window.SOHOA_VI || {};
  const S = window.sessionStorage;
  let lang = pickLang();
  let me = null; // {user, role}
  let procedures = null; // {kinds: {...}, procedures: [...]}

  // ---- language ------------------------------------------------------------------
  function pickLang() {
    let saved = null;
    try { saved = window.localStorage.getItem("sohoa.lang"); } catch (e) { saved = null; }
    if (saved === "vi" || saved === "en") return saved;
    const ls = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "vi"];
    for (const l of ls) {
      const p = String(l).toLowerCase().slice(0, 2);
      if (p === "vi") return "vi";
      if (p === "en") return "en";
    }
    return "vi";
  }
  // a msgid translated later, with t(variable): marked for xgettext
  function N_(msg) { return msg; }
  // messages of the server that the page shows translated (errorText)
  const SERVER_MESSAGES = [N_("wrong user name or password"), N_("missing or wrong X-CSRF-Token header")];
  void SERVER_MESSAGES;
  function t(msg) {
    let s = lang === "vi" && Object.prototype.hasOwnProperty.call(VI, msg) ? VI[msg] : msg;
    for (let i = 1; i < arguments.length; i++) s = s.split("{" + (i - 1) + "}").join(String(arguments[i]));
    return s;
  }

  // ---- DOM helpers ---------------------------------------------------------------
  function h(tag, attrs) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const k of Object.keys(attrs)) {
        const v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === "class") e.className = v;
        else if (k === "text") e.textContent = v;
        else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (let i = 2; i < arguments.length; i++) add(e, arguments[i]);
    return e;
  }
  function add(e) {
    for (let i = 1; i < arguments.length; i++) {
      const c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) c.forEach((x) => add(e, x));
      else e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }
  const $ = (id) => document.getElementById(id);
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
  function field(label, input, hint) {
    return h("div", { class: "field" }, h("label", { for: input.id, text: label }), input, hint || null);
  }
  function table(headers, rows, id) {
    return h("table", { id: id || null },
      h("thead", null, h("tr", null, headers.map((x) => h("th", { scope: "col", text: x })))),
      h("tbody", null, rows));
  }
  function td(v) { return h("td", null, v === null || v === undefined ? "" : v); }
  function setMsg(el, text, kind) {
    el.textContent = text || "";
    el.className = "msg" + (kind ? " " + kind : "");
  }
  function status(text) { $("status").textContent = text || ""; }

  // Folded text for matching: "Nguyễn Văn Á" -> "nguyen van a".
  function fold(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  // Form state lives in sessionStorage while typing: a reload or an expired
  // session does not lose it. Passwords are never kept.
  function keep(input, key) {
    const k = "sohoa.form." + key;
    const v = S.getItem(k);
    if (v !== null) input.value = v;
    input.addEventListener("input", () => S.setItem(k, input.value));
    input.addEventListener("change", () => S.setItem(k, input.value));
    return input;
  }
  function forget(keys) { keys.forEach((k) => S.removeItem("sohoa.form." + k)); }

  // ---- the API -------------------------------------------------------------------
  class ApiError extends Error {
    constructor(st, msg) { super(msg); this.status = st; }
  }
  function errorText(st, msg) {
    if (msg && Object.prototype.hasOwnProperty.call(VI, msg) && lang === "vi") return VI[msg];
    const head = st === 403 ? t("Not allowed for your account.")
      : st === 404 ? t("Not found.")
      : st === 413 ? t("The files are too large for the server.")
      : st === 429 ? t("Too many attempts: wait a moment.")
      : st === 503 ? t("The server cannot do this now.")
      : st >= 500 ? t("The server failed.")
      : t("The server refused the request.");
    return msg ? head + " (" + msg + ")" : head;
  }
  async function api(method, path, body, opts) {
    opts = opts || {};
    const headers = Object.assign({ Accept: "application/json" }, opts.headers || {});
    if (method !== "GET") headers["X-CSRF-Token"] = S.getItem("sohoa.csrf") || "";
    let b = body;
    if (body !== undefined && body !== null && !(body instanceof FormData)) {
      headers["Content-Type"] = "application/json";
      b = JSON.stringify(body);
    }
    let r;
    try {
      r = await fetch(path, { method: method, headers: headers, body: b, credentials: "same-origin", cache: "no-store" });
    } catch (e) {
      throw new ApiError(0, t("The server cannot be reached: check the network and try again."));
    }
    let data = null;
    if ((r.headers.get("Content-Type") || "").indexOf("application/json") === 0) {
      try { data = await r.json(); } catch (e) { data = null; }
    }
    if (r.status === 401 && !opts.login) {
      S.removeItem("sohoa.csrf");
      if (location.hash.indexOf("#/login") !== 0) S.setItem("sohoa.after", location.hash);
      me = null;
      S.setItem("sohoa.expired", "1");
      location.hash = "#/login";
      throw new ApiError(401, t("Your session has ended: log in again."));
    }
    if (!r.ok) {
      const e = new ApiError(r.status, errorText(r.status, data && data.error));
      e.raw = data && data.error;
      e.retry = r.headers.get("Retry-After");
      throw e;
    }
    return data;
  }
  const enc = encodeURIComponent;

  // ---- owner ids (the rules of common/ids.c, sh_id_owner_check) ----------------
  function taxOk(d) {
    const w = [31, 29, 23, 19, 17, 13, 7, 5, 3];
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += (d.charCodeAt(i) - 48) * w[i];
    const r = sum % 11;
    if (r === 0) return false;
    const check = 10 - r;
    if (check === 10) return false;
    return d.charCodeAt(9) - 48 === check;
  }
  // {ok, text}: the reason when wrong, what it is when right.
  function ownerCheck(id) {
    const digits = /^[0-9]+$/;
    if (!id) return { ok: false, text: t("Give a 12-digit personal id or a 10 or 13-digit tax code.") };
    if (/[^\x00-\x7f]/.test(id)) return { ok: false, text: t("Use the digits 0-9 only: a character that looks like a digit was typed.") };
    if (id.length === 12 && digits.test(id)) return { ok: true, text: t("Personal id (12 digits).") };
    if (id.length === 10 && digits.test(id))
      return taxOk(id) ? { ok: true, text: t("Tax code: the check digit is right.") }
        : { ok: false, text: t("Tax code {0}: the check digit (10th digit) is wrong; check the number.", id) };
    const m = /^([0-9]{10})-?([0-9]{3})$/.exec(id);
    if (m) {
      if (!taxOk(m[1])) return { ok: false, text: t("Branch tax code {0}: the check digit (10th digit) is wrong; check the number.", id) };
      if (m[2] === "000") return { ok: false, text: t("Branch suffix 000 is not a branch: give the 10-digit tax code.") };
      return { ok: true, text: t("Branch tax code: the check digit is right.") };
    }
    if (digits.test(id)) return { ok: false, text: t("{0} digits: a personal id has 12, a tax code 10, a branch code 13.", id.length) };
    return { ok: false, text: t("Not a number: a personal id has 12 digits, a tax code 10, a branch code 13 (NNNNNNNNNN-NNN).") };
  }

  // ---- shared pieces ---------------------------------------------------------------
  const ROLE_NAMES = { desk: N_("Reception desk"), clerk: N_("Clerk"), archivist: N_("Archivist"), admin: N_("Administrator"), head: N_("Head of office") };
  const PAGES = {
    desk: [N_("Receiving"), "#/desk"], search: [N_("Search"), "#/search"], verify: [N_("Verify"), "#/verify"],
    audit: [N_("Audit trail"), "#/audit"], report: [N_("Report"), "#/report"], admin: [N_("Administration"), "#/admin"],
  };
  const NAV = { desk: ["desk"], clerk: ["search", "report"], archivist: ["verify", "audit", "report"], admin: ["admin", "audit", "report"], head: ["report"] };
  function home() {
    const first = me && NAV[me.role] ? NAV[me.role][0] : null;
    return first ? PAGES[first][1] : "#/login";
  }
  function validityText(v) {
    if (!v) return "";
    const name = v.status === "valid" ? t("valid") : v.status === "expired" ? t("expired") : v.status === "revoked" ? t("revoked") : v.status;
    let s = name;
    if (v.status === "revoked" && v.reason) s += " — " + t("reason: {0}", v.reason);
    if (v.valid_until) s += " (" + t("until {0}", v.valid_until) + ")";
    return s;
  }
  function validityBadge(v) {
    return h("span", { class: "badge " + (v ? v.status : ""), text: validityText(v) });
  }
  function kindName(k) {
    if (procedures && procedures.kinds && procedures.kinds[k]) return k + " — " + procedures.kinds[k].name;
    return k || "";
  }
  async function loadProcedures() {
    if (procedures) return procedures;
    procedures = await api("GET", "/api/v1/procedures");
    return procedures;
  }
  function codeLink(kind, code) {
    return h("a", { href: "#/" + kind + "/" + enc(code), class: "code", text: code });
  }
  function forbidden(main, e) {
    clear(main);
    add(main, h("h1", { text: t("Not allowed") }),
      h("p", { id: "forbidden", class: "msg bad", role: "alert", text: t("Your account may not open this page.") }),
      e && e.raw ? h("p", { class: "small", text: e.raw }) : null);
  }
  function pageImg(code, n, w) {
    return h("img", { src: "/api/v1/papers/" + enc(code) + "/pages/" + n + "?w=" + w, alt: t("Page {0} of {1}", n, code), class: "thumb", loading: "lazy" });
  }

  // ---- login -----------------------------------------------------------------------
  function viewLogin(main) {
    const user = keep(h("input", { id: "user", name: "user", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false" }), "login.user");
    const pw = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
    const msg = h("p", { id: "login-error", class: "msg", role: "alert" });
    const form = h("form", { id: "login-form", class: "card narrow" },
      h("h1", { text: t("Log in") }),
      field(t("User name"), user), field(t("Password"), pw),
      h("button", { type: "submit", id: "login-submit", text: t("Log in") }), msg);
    if (S.getItem("sohoa.expired")) setMsg(msg, t("Your session has ended: log in again. What you typed is kept."), "warn");
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      setMsg(msg, t("Checking…"));
      try {
        const r = await api("POST", "/api/v1/login", { user: user.value.trim(), password: pw.value }, { login: true });
        pw.value = "";
        S.setItem("sohoa.csrf", r.csrf);
        S.removeItem("sohoa.expired");
        me = { user: r.user, role: r.role, today: r.today };
        const after = S.getItem("sohoa.after");
        S.removeItem("sohoa.after");
        location.hash = after && after.indexOf("#/login") !== 0 ? after : home();
      } catch (e) {
        pw.value = "";
        pw.focus();
        if (e.status === 401) setMsg(msg, t("Wrong user name or password."), "bad");
        else if (e.status === 429) setMsg(msg, t("Too many wrong passwords: wait {0} seconds and try again.", e.retry || "?"), "bad");
        else setMsg(msg, e.message, "bad");
      }
    });
    add(main, form);
    (user.value ? pw : user).focus();
  }

  // ---- desk: receiving a dossier ----------------------------------------------------
  // The pages live in a batch on the server (POST /api/v1/batches): each file
  // is uploaded and read (OCR) on its own, so progress is per file; review
  // (rotate, move, split, delete, kind) changes the batch; commit stores it.
  // The batch's name is in the URL (#/desk/B...) and in sessionStorage, so a
  // reload or a new login comes back to it.
  async function viewDesk(main, batchName) {
    await loadProcedures();
    if (!batchName && S.getItem("sohoa.batch")) {
      history.replaceState(null, "", "#/desk/" + enc(S.getItem("sohoa.batch")));
      batchName = S.getItem("sohoa.batch");
    }
    let batch = null;
    const owner = keep(h("input", { id: "owner", name: "owner", inputmode: "numeric", autocomplete: "off", maxlength: "14", required: true, "aria-describedby": "owner-msg" }), "desk.owner");
    const ownerMsg = h("p", { id: "owner-msg", class: "msg", "aria-live": "polite" });
    const filter = keep(h("input", { id: "proc-filter", type: "search", autocomplete: "off", placeholder: t("Type to filter: code or name") }), "desk.procfilter");
    const sel = h("select", { id: "procedure", name: "procedure", size: "5", required: true });
    const reuse = h("section", { id: "reuse", class: "card", "aria-live": "polite" });
    const fileInput = h("input", { id: "files", type: "file", multiple: true, accept: "image/png,image/jpeg,image/tiff,application/pdf" });
    const drop = h("div", { id: "drop", class: "drop", tabindex: "0", role: "button", "aria-describedby": "drop-hint" },
      h("p", { id: "drop-hint", text: t("Drop the scans here (PDF or images, several at once), or press Enter to choose files.") }));
    const progress = h("ol", { id: "progress", class: "files", "aria-live": "polite" });
    const review = h("div", { id: "review" });
    const batchInfo = h("p", { id: "batch-info", class: "small" });
    const staged = h("section", { id: "staged", class: "card" });
    const commit = h("button", { type: "submit", id: "commit", text: t("Receive the dossier") });
    const msg = h("p", { id: "desk-msg", class: "msg", role: "alert" });
    // a share code the citizen made (docs/CITIZEN.md): exactly the shared papers,
    // attached to the dossier when it is received
    const share = keep(h("input", { id: "share", autocomplete: "off", maxlength: "12", placeholder: "XXXX-XXXX", "aria-describedby": "share-msg" }), "desk.share");
    const shareShow = h("button", { type: "button", id: "share-show", text: t("Show the shared papers") });
    const shareMsg = h("p", { id: "share-msg", class: "msg", "aria-live": "polite" });
    const shareOut = h("div", { id: "share-out" });
    let shared = null; // {code, owner, procedure, papers}

    const procs = procedures.procedures || [];
    function fillProcs() {
      const f = fold(filter.value.trim());
      const keepSel = S.getItem("sohoa.form.desk.procedure") || sel.value;
      clear(sel);
      procs.filter((p) => !f || fold(p.code + " " + p.name).indexOf(f) >= 0).forEach((p) => {
        add(sel, h("option", { value: p.code, text: p.code + " — " + p.name }));
      });
      if (keepSel) sel.value = keepSel;
      if (sel.selectedIndex < 0 && sel.options.length === 1) sel.selectedIndex = 0;
    }
    filter.addEventListener("input", () => { fillProcs(); showReuse(); });
    filter.addEventListener("keydown", (ev) => {
      if (ev.key === "ArrowDown" && sel.options.length) { ev.preventDefault(); sel.focus(); if (sel.selectedIndex < 0) sel.selectedIndex = 0; showReuse(); }
    });
    sel.addEventListener("change", () => { S.setItem("sohoa.form.desk.procedure", sel.value); showReuse(); });

    function checkOwner() {
      const v = owner.value.trim();
      if (!v) { setMsg(ownerMsg, t("Give a 12-digit personal id or a 10 or 13-digit tax code.")); owner.removeAttribute("aria-invalid"); return false; }
      const c = ownerCheck(v);
      setMsg(ownerMsg, c.text, c.ok ? "ok" : "bad");
      if (c.ok) owner.removeAttribute("aria-invalid"); else owner.setAttribute("aria-invalid", "true");
      return c.ok;
    }
    owner.addEventListener("input", () => { checkOwner(); showReuse(); });

    async function showShare() {
      const code = share.value.trim().toUpperCase();
      shared = null;
      clear(shareOut);
      if (!code) { setMsg(shareMsg, ""); return; }
      setMsg(shareMsg, t("Looking…"), "busy");
      try {
        const r = await api("GET", "/api/v1/shares/" + enc(code));
        shared = { code: code, owner: r.owner, procedure: r.procedure, papers: r.papers || [] };
        setMsg(shareMsg, t("Shared by {0} for the procedure {1}, valid until {2}: these papers are attached when the dossier is received.", r.owner, r.procedure, r.expires), "ok");
        if (!owner.value.trim()) { owner.value = r.owner; S.setItem("sohoa.form.desk.owner", r.owner); checkOwner(); }
        if (!sel.value && procs.some((p) => p.code === r.procedure)) { sel.value = r.procedure; S.setItem("sohoa.form.desk.procedure", r.procedure); }
        if (owner.value.trim() !== r.owner) setMsg(shareMsg, t("This share code is from the owner {0}, not the owner of this dossier.", r.owner), "bad");
        add(shareOut, table([t("Paper code"), t("Kind")], shared.papers.map((p) => h("tr", { "data-code": p.code },
          td(h("span", { class: "code", text: p.code })), td(p.kind_name || p.kind))), "share-papers"));
        showReuse();
      } catch (e) {
        if (e.status === 401) return;
        setMsg(shareMsg, e.status === 404 || e.status === 400
          ? t("This share code is wrong, has expired or was revoked: ask the citizen to check it or to make a new one.") : e.message, "bad");
      }
    }
    shareShow.addEventListener("click", showShare);
    share.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); showShare(); } });
    share.addEventListener("input", () => { if (shared) { shared = null; clear(shareOut); setMsg(shareMsg, ""); } });

    let reuseSeq = 0;
    let reused = [];
    async function showReuse() {
      const seq = ++reuseSeq;
      clear(reuse);
      reused = [];
      const o = owner.value.trim();
      if (!ownerCheck(o).ok || !sel.value) {
        add(reuse, h("h2", { text: t("What this owner already has") }), h("p", { class: "small", text: t("Give the owner id and the procedure to see the papers already in the warehouse.") }));
        return;
      }
      add(reuse, h("h2", { text: t("What this owner already has") }), h("p", { class: "small", text: t("Looking…") }));
      try {
        const r = await api("GET", "/api/v1/reuse?owner=" + enc(o) + "&procedure=" + enc(sel.value));
        if (seq !== reuseSeq) return;
        clear(reuse);
        add(reuse, h("h2", { text: t("What this owner already has") }), h("p", { class: "small", text: r.name || "" }));
        const rows = (r.kinds || []).map((k) => {
          const have = (k.papers || []).filter((p) => p.validity && p.validity.status === "valid");
          have.forEach((p) => reused.push(p));
          return h("tr", { class: k.missing ? "missing" : "have" },
            td(k.name || k.kind),
            td(k.missing ? h("strong", { text: t("missing: ask the citizen") })
              : (k.papers || []).map((p) => h("div", null, h("span", { class: "code", text: p.code }), " ", validityBadge(p.validity)))));
        });
        add(reuse, table([t("Paper needed"), t("In the warehouse")], rows, "reuse-table"));
      } catch (e) {
        if (seq !== reuseSeq) return;
        clear(reuse);
        add(reuse, h("h2", { text: t("What this owner already has") }), h("p", { class: "msg warn", text: e.message }));
      }
    }

    // -- the batch on the server
    function setBatch(b) {
      batch = b;
      if (b) {
        S.setItem("sohoa.batch", b.batch);
        if (location.hash !== "#/desk/" + b.batch) history.replaceState(null, "", "#/desk/" + enc(b.batch));
        owner.value = b.owner; S.setItem("sohoa.form.desk.owner", b.owner);
        S.setItem("sohoa.form.desk.procedure", b.procedure);
        if (!procs.some((p) => p.code === b.procedure)) add(sel, h("option", { value: b.procedure, text: b.procedure }));
        sel.value = b.procedure;
        owner.readOnly = true;
        batchInfo.textContent = t("Batch {0} on the server: {1} page(s). A reload or a new login comes back to it.", b.batch, (b.pages || []).length);
      } else {
        S.removeItem("sohoa.batch");
        owner.readOnly = false;
        batchInfo.textContent = "";
      }
      renderReview();
    }
    async function ensureBatch() {
      if (batch) return batch;
      if (!checkOwner()) { owner.focus(); throw new Error(t("Check the owner id.")); }
      if (!sel.value) { filter.focus(); throw new Error(t("Choose the procedure.")); }
      const r = await api("POST", "/api/v1/batches", { owner: owner.value.trim(), procedure: sel.value });
      setBatch(await api("GET", "/api/v1/batches/" + enc(r.batch)));
      return batch;
    }
    // One change at a time: the review's controls wait while the server works.
    async function change(op, body) {
      review.querySelectorAll("button, select").forEach((x) => { x.disabled = true; });
      review.setAttribute("aria-busy", "true");
      setMsg(msg, op === "kind" ? t("Saving…") : t("Saving and reading the pages again (OCR)…"), "busy");
      try {
        setBatch(await api("POST", "/api/v1/batches/" + enc(batch.batch) + "/" + op, body));
        setMsg(msg, "");
      } catch (e) {
        setMsg(msg, e.message, "bad");
        renderReview();
      } finally { review.removeAttribute("aria-busy"); }
    }

    // -- uploads: one request per file, each shown with its own progress
    let queue = Promise.resolve();
    function addFiles(fl) {
      const items = Array.from(fl).map((file) => {
        const li = h("li", { class: "pending" }, h("span", { class: "fname", text: file.name }),
          h("span", { class: "small state", text: t("waiting") }));
        add(progress, li);
        return { file: file, li: li };
      });
      items.forEach((it) => {
        queue = queue.then(async () => {
          const state = it.li.querySelector(".state");
          let b;
          try { b = await ensureBatch(); } catch (e) { state.textContent = e.message; it.li.className = "bad"; setMsg(msg, e.message, "bad"); return; }
          const started = Date.now();
          const tick = () => { state.textContent = t("reading (OCR)… {0} s", Math.round((Date.now() - started) / 1000)); };
          tick();
          const timer = setInterval(tick, 1000);
          it.li.className = "busy";
          const fd = new FormData();
          fd.append("file", it.file, it.file.name);
          try {
            const before = (batch.pages || []).length;
            setBatch(await api("POST", "/api/v1/batches/" + enc(b.batch) + "/pages", fd));
            state.textContent = t("read: {0} page(s)", (batch.pages || []).length - before);
            it.li.className = "done";
          } catch (e) {
            state.textContent = e.message;
            it.li.className = "bad";
          } finally { clearInterval(timer); }
        });
      });
    }
    fileInput.addEventListener("change", () => { addFiles(fileInput.files); fileInput.value = ""; });
    drop.addEventListener("click", () => fileInput.click());
    drop.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); fileInput.click(); } });
    drop.addEventListener("dragover", (ev) => { ev.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (ev) => { ev.preventDefault(); drop.classList.remove("over"); if (ev.dataTransfer) addFiles(ev.dataTransfer.files); });

    // -- review: papers with their pages
    const FLAG_TEXT = { blank: "blank page", rescan: "rescan suggested", rotated: "turned upright", deskewed: "straightened", seal: "seal found", lowres: "low resolution", border: "border removed", photo: "photo", split: "cut from one scan" };
    function kindOptions(current) {
      const kinds = Object.assign({}, procedures.kinds || {});
      if (current && !kinds[current]) kinds[current] = { name: current };
      const opts = Object.keys(kinds).sort().map((k) => h("option", { value: k, text: k === kinds[k].name || !kinds[k].name ? k : k + " — " + kinds[k].name, selected: k === current }));
      if (!current) opts.unshift(h("option", { value: "", text: t("(recognised when stored)"), selected: true, disabled: true }));
      return opts;
    }
    // a paper's facts for review: a corrected value shows what OCR read, a
    // handwritten one is named and left for the desk to type
    function factList(pp, facts) {
      const asRead = pp.as_read && typeof pp.as_read === "object" ? pp.as_read : {};
      const hand = Array.isArray(pp.handwritten) ? pp.handwritten.filter((k) => typeof k === "string" && facts.indexOf(k) < 0) : [];
      if (!facts.length && !hand.length) return null;
      return h("dl", { class: "facts" },
        facts.map((k) => [h("dt", { text: k }), h("dd", null, String(pp.facts[k]),
          typeof asRead[k] === "string" ? h("span", { class: "small as-read", text: " " + t("(read as {0})", asRead[k]) }) : null)]),
        hand.map((k) => [h("dt", { text: k }), h("dd", null, h("span", { class: "badge expired flag-hand", text: t("handwritten, not read") }))]));
    }

    function renderReview() {
      clear(review);
      if (!batch || !(batch.pages || []).length) return;
      const byId = {};
      batch.pages.forEach((p) => { byId[p.id] = p; });
      const starts = (batch.papers || []).map((pp) => byId[pp.pages[0]] ? byId[pp.pages[0]].position : 0);
      (batch.papers || []).forEach((pp, pi) => {
        const ks = h("select", { id: "kind-" + pi, class: "kind", "aria-label": t("Kind of paper {0}", pi + 1) }, kindOptions(pp.kind || pp.read_kind));
        ks.addEventListener("change", () => { if (ks.value) change("kind", { paper: pi, kind: ks.value }); });
        const flags = [];
        if (pp.other_owner) flags.push(h("span", { class: "badge revoked flag-other", text: t("names another owner") }));
        if (pp.review) flags.push(h("span", { class: "badge expired", text: t("to review") }));
        const facts = pp.facts && typeof pp.facts === "object" ? Object.keys(pp.facts) : [];
        const conf = typeof pp.confidence === "number" ? Math.round(pp.confidence * (pp.confidence <= 1 ? 100 : 1)) + "%" : "—";
        const pages = pp.pages.map((id) => {
          const p = byId[id];
          if (!p) return null;
          const pos = p.position, last = batch.pages.length - 1;
          const btn = (label, aria, fn, dis) => { const b = h("button", { type: "button", class: "small", text: label, "aria-label": aria, disabled: !!dis }); b.addEventListener("click", fn); return b; };
          const isStart = starts.indexOf(pos) >= 0;
          const split = pos === 0 ? null : isStart
            ? btn(t("Join"), t("Join page {0} to the paper before", pos + 1), () => change("split", { positions: starts.filter((x) => x !== pos) }))
            : btn(t("Split"), t("A new paper starts at page {0}", pos + 1), () => change("split", { positions: starts.concat([pos]).sort((a, b) => a - b) }));
          return h("figure", { class: "bpage", id: "page-" + p.id },
            h("img", { src: p.thumbnail + "&r=" + p.rotation, alt: t("Page {0}", pos + 1), class: "bthumb" }),
            h("figcaption", null, h("span", { text: t("Page {0}", pos + 1) }), " ",
              (p.flags || []).filter((f) => FLAG_TEXT[f]).map((f) => h("span", { class: "badge " + (f === "blank" || f === "rescan" ? "expired flag-" + f : ""), text: t(FLAG_TEXT[f]) }))),
            h("div", { class: "tools" },
              btn("⟲", t("Turn page {0} left", pos + 1), () => change("rotate", { page: p.id, degrees: -90 })),
              btn("⟳", t("Turn page {0} right", pos + 1), () => change("rotate", { page: p.id, degrees: 90 })),
              btn("↑", t("Move page {0} up", pos + 1), () => change("move", { page: p.id, position: pos - 1 }), pos === 0),
              btn("↓", t("Move page {0} down", pos + 1), () => change("move", { page: p.id, position: pos + 1 }), pos === last),
              split,
              btn(t("Delete"), t("Delete page {0}", pos + 1), () => change("delete", { page: p.id }))));
        });
        add(review, h("article", { class: "card bpaper", id: "bpaper-" + pi },
          h("div", { class: "bhead" },
            h("h3", { text: t("Paper {0}", pi + 1) }), field(t("Kind"), ks),
            h("span", { class: "small", text: t("read as {0}, confidence {1}", pp.read_kind || "—", conf) }), flags),
          factList(pp, facts),
          h("div", { class: "bpages" }, pages)));
      });
    }

    // -- staged batches (this account's, and capture stations')
    async function showStaged() {
      clear(staged);
      let list = [];
      try { list = (await api("GET", "/api/v1/batches")).batches || []; } catch (e) { return; }
      list = list.filter((b) => !batch || b.batch !== batch.batch);
      if (!list.length) { staged.hidden = true; return; }
      staged.hidden = false;
      add(staged, h("h2", { text: t("Staged batches") }),
        table([t("Batch"), t("Owner"), t("Procedure"), t("Pages"), t("From"), ""], list.map((b) => {
          const open = h("button", { type: "button", class: "small", text: b.station ? t("Take") : t("Continue") });
          open.addEventListener("click", async () => {
            try {
              setBatch(await api(b.station ? "POST" : "GET", "/api/v1/batches/" + enc(b.batch) + (b.station ? "/take" : ""), b.station ? {} : undefined));
              showReuse(); showStaged();
            } catch (e) { setMsg(msg, e.message, "bad"); }
          });
          return h("tr", null, td(h("span", { class: "code", text: b.batch })), td(b.owner), td(b.procedure), td(String(b.pages)),
            td(b.station ? t("capture station {0}", b.station) : t("this desk")), td(open));
        }), "staged-table"));
    }

    const newBatch = h("button", { type: "button", id: "new-batch", class: "small", text: t("Start another dossier") });
    newBatch.addEventListener("click", () => {
      S.removeItem("sohoa.batch");
      forget(["desk.owner", "desk.procfilter", "desk.procedure", "desk.share"]);
      history.replaceState(null, "", "#/desk");
      render();
    });
    const form = h("form", { id: "desk-form", class: "card", novalidate: true },
      h("h1", { text: t("Receiving a dossier") }),
      h("div", { class: "cols" },
        h("div", null, field(t("Owner id (personal id or tax code)"), owner, ownerMsg),
          field(t("Procedure"), filter), sel,
          field(t("Share code from the citizen (optional)"), share, h("span", null, " ", shareShow)), shareMsg, shareOut),
        reuse),
      h("h2", { text: t("Pages") }), drop, fileInput, progress, batchInfo, review,
      h("p", null, commit, " ", newBatch), msg);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!batch) {
        if (!checkOwner()) { owner.focus(); setMsg(msg, t("Check the owner id."), "bad"); return; }
        if (!sel.value) { filter.focus(); setMsg(msg, t("Choose the procedure."), "bad"); return; }
      }
      await queue; // uploads still being read finish first
      if (!batch || !(batch.pages || []).length) { drop.focus(); setMsg(msg, t("Add the scanned pages first."), "bad"); return; }
      commit.disabled = true;
      setMsg(msg, t("Signing and storing the dossier…"), "busy");
      try {
        const r = await api("POST", "/api/v1/batches/" + enc(batch.batch) + "/commit", {});
        setMsg(msg, "");
        // the papers the citizen shared go into the new dossier (signed reuse events)
        const all = reused.slice(), failed = [];
        for (const p of shared ? shared.papers : []) {
          try {
            await api("POST", "/api/v1/shares/" + enc(shared.code) + "/attach", { dossier: r.dossier, paper: p.code });
            if (!all.some((x) => x.code === p.code)) all.push(p);
          } catch (e) { failed.push(p.code + ": " + e.message); }
        }
        const proc = procs.find((p) => p.code === batch.procedure);
        S.removeItem("sohoa.batch");
        forget(["desk.owner", "desk.procfilter", "desk.procedure", "desk.share"]);
        history.replaceState(null, "", "#/desk");
        showReceipt(main, r, batch.owner, proc || { code: batch.procedure, name: "" }, all);
        if (failed.length) add($("receipt"), h("p", { id: "share-failed", class: "msg bad", role: "alert", text: t("Not attached from the share code: {0}", failed.join("; ")) }));
      } catch (e) {
        setMsg(msg, e.message, "bad");
      } finally {
        commit.disabled = false;
      }
    });
    add(main, form, staged);
    fillProcs();
    if (batchName) {
      try { setBatch(await api("GET", "/api/v1/batches/" + enc(batchName))); } catch (e) {
        if (e.status === 401) return;
        S.removeItem("sohoa.batch");
        history.replaceState(null, "", "#/desk");
        setMsg(msg, e.message, "bad");
      }
    }
    checkOwner();
    showReuse();
    showStaged();
    (batch ? drop : owner).focus();
  }

  // "2026-12-07T03:50:12+0700" (the office's clock and zone, as the server sends it) → "07/12/2026 03:50:12"
  function officeTime(s) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})/.exec(s || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] + " " + m[4] : "";
  }
  function showReceipt(main, r, owner, proc, reused) {
    clear(main);
    const now = new Date();
    const rows = (r.components || []).map((c, i) => h("tr", null, td(String(i + 1)), td(c.file), td(h("span", { class: "code paper-code", text: c.code })), td(String(c.pages))));
    const print = h("button", { type: "button", id: "print", text: t("Print the receipt") });
    const again = h("button", { type: "button", id: "again", text: t("Receive another dossier") });
    print.addEventListener("click", () => window.print());
    again.addEventListener("click", () => { location.hash = "#/desk"; render(); });
    add(main, h("section", { id: "receipt", class: "card receipt" },
      h("p", { class: "small", text: t("Receipt of a dossier") }),
      h("h1", { text: t("Dossier received") }),
      h("div", { class: "rhead" },
        h("img", { id: "qr", class: "qr", src: "/api/v1/dossiers/" + enc(r.dossier) + "/qr.svg", alt: t("QR code of the dossier {0}", r.dossier) }),
        h("div", null,
          h("p", null, t("Dossier code:"), " ", h("strong", { id: "dossier-code", class: "code big", text: r.dossier })),
          h("dl", null,
            h("dt", { text: t("Owner") }), h("dd", { text: owner }),
            h("dt", { text: t("Procedure") }), h("dd", { text: proc.code + (proc.name ? " — " + proc.name : "") }),
            h("dt", { text: t("Date") }), h("dd", { id: "receipt-date", text: officeTime(r.received) || now.toLocaleString(lang === "vi" ? "vi-VN" : "en-GB") }),
            h("dt", { text: t("Received by") }), h("dd", { text: me ? me.user : "" })))),
      h("h2", { text: t("Papers received") }),
      table(["#", t("File"), t("Paper code"), t("Pages")], rows, "papers-received"),
      h("h2", { text: t("Papers reused (not asked again)") }),
      reused.length ? h("ul", { id: "papers-reused" }, reused.map((p) => h("li", null, h("span", { class: "code", text: p.code }), " ", kindName(p.kind))))
        : h("p", { id: "papers-reused", class: "small", text: t("none") }),
      h("p", { class: "noprint" }, print, " ", again, " ", codeLink("dossier", r.dossier))));
    print.focus();
  }

  // ---- dossier ----------------------------------------------------------------------
  async function viewDossier(main, code) {
    let d;
    try { d = await api("GET", "/api/v1/dossiers/" + enc(code)); } catch (e) {
      if (e.status === 403) return forbidden(main, e);
      add(main, h("h1", { text: t("Dossier {0}", code) }), h("p", { class: "msg bad", role: "alert", text: e.message }));
      return;
    }
    const msg = h("p", { id: "dossier-msg", class: "msg", role: "alert" });
    add(main, h("section", { class: "card", id: "dossier" },
      h("h1", null, t("Dossier"), " ", h("span", { class: "code", text: d.code })),
      h("dl", null,
        h("dt", { text: t("Owner") }), h("dd", null, me && me.role === "clerk" ? codeLink("owner", d.owner) : d.owner),
        h("dt", { text: t("Procedure") }), h("dd", { text: d.procedure }),
        h("dt", { text: t("Agency") }), h("dd", { text: d.agency }),
        h("dt", { text: t("Received by") }), h("dd", { text: d.operator }),
        h("dt", { text: t("Received") }), h("dd", { text: d.received })),
      h("h2", { text: t("Papers") }),
      table([t("Paper code"), t("Kind"), t("File"), t("Pages")], (d.papers || []).map((p) =>
        h("tr", null, td(h("span", { class: "code", text: p.code })), td(kindName(p.kind)), td(p.file), td(p.pages === undefined ? "" : String(p.pages)))), "dossier-papers"),
      h("h2", { text: t("Papers attached from other dossiers") }),
      h("ul", { id: "dossier-attached" }, (d.attached || []).map((c) => h("li", { class: "code", text: c }))),
      h("h2", { text: t("Results") }),
      h("ul", { id: "dossier-results" }, (d.results || []).map((c) => h("li", { class: "code", text: c })))));
    if (me && me.role === "desk") {
      const fi = h("input", { id: "result-files", type: "file", multiple: true, accept: "image/png,image/jpeg,image/tiff,application/pdf", required: true });
      const f = h("form", { id: "result-form", class: "card" }, h("h2", { text: t("Add a result (KQ)") }), field(t("Scans of the result"), fi), h("button", { type: "submit", text: t("Add the result") }), msg);
      f.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        if (!fi.files.length) { setMsg(msg, t("Add the scanned pages first."), "bad"); return; }
        const fd = new FormData();
        Array.from(fi.files).forEach((x) => fd.append("file", x, x.name));
        setMsg(msg, t("Reading the pages (OCR)…"), "busy");
        try {
          const r = await api("POST", "/api/v1/dossiers/" + enc(d.code) + "/results", fd);
          setMsg(msg, t("Result stored: {0}", (r.results || []).map((x) => x.code).join(", ")), "ok");
        } catch (e) { setMsg(msg, e.message, "bad"); }
      });
      add(main, f);
    }
  }

  // ---- clerk: search ---------------------------------------------------------------
  async function viewSearch(main) {
    await loadProcedures();
    const q = keep(h("input", { id: "q", type: "search", autocomplete: "off", placeholder: t("Name, number, words of the paper…"), "aria-describedby": "search-msg" }), "search.q");
    const kind = keep(h("select", { id: "kind" }, h("option", { value: "", text: t("All kinds") }),
      Object.keys(procedures.kinds || {}).map((k) => h("option", { value: k, text: kindName(k) }))), "search.kind");
    const from = keep(h("input", { id: "from", type: "date" }), "search.from");
    const to = keep(h("input", { id: "to", type: "date" }), "search.to");
    const owner = keep(h("input", { id: "fowner", inputmode: "numeric", autocomplete: "off", maxlength: "14" }), "search.owner");
    const msg = h("p", { id: "search-msg", class: "msg", "aria-live": "polite" });
    const out = h("div", { id: "results" });
    const form = h("form", { id: "search-form", class: "card", role: "search" },
      h("h1", { text: t("Find papers") }),
      field(t("Search"), q),
      h("div", { class: "filters" }, field(t("Kind"), kind), field(t("From"), from), field(t("To"), to), field(t("Owner id"), owner)),
      msg);
    let seq = 0, timer = null;
    async function run() {
      const my = ++seq;
      const words = q.value.trim();
      if (!words) { clear(out); setMsg(msg, t("Type a name, a number or words of the paper.")); return; }
      const o = owner.value.trim();
      if (o && !ownerCheck(o).ok) { setMsg(msg, ownerCheck(o).text, "bad"); return; }
      let url = "/api/v1/search?q=" + enc(words);
      if (kind.value) url += "&kind=" + enc(kind.value);
      if (from.value) url += "&from=" + enc(from.value);
      if (to.value) url += "&to=" + enc(to.value);
      if (o) url += "&owner=" + enc(o);
      setMsg(msg, t("Searching…"), "busy");
      try {
        const r = await api("GET", url);
        if (my !== seq) return;
        const papers = r.papers || [];
        setMsg(msg, papers.length ? t("{0} paper(s) found.", papers.length) : t("Nothing found."));
        clear(out);
        if (papers.length)
          add(out, table([t("Paper code"), t("Kind"), t("Owner"), t("First line"), t("Received"), t("Dossier")], papers.map((p) =>
            h("tr", null, td(h("span", { class: "code", text: p.code })), td(kindName(p.kind)), td(codeLink("owner", p.owner)),
              td(p.first_line), td(p.received), td(codeLink("dossier", p.dossier)))), "results-table"));
      } catch (e) {
        if (my === seq) { clear(out); setMsg(msg, e.message, "bad"); }
      }
    }
    const later = () => { clearTimeout(timer); timer = setTimeout(run, 250); };
    [q, owner].forEach((x) => x.addEventListener("input", later));
    [kind, from, to].forEach((x) => x.addEventListener("change", run));
    form.addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
    add(main, form, out);
    q.focus();
    if (q.value) run();
  }

  // ---- clerk: an owner's papers ---------------------------------------------------------
  async function viewOwner(main, id) {
    await loadProcedures();
    let r;
    try { r = await api("GET", "/api/v1/owners/" + enc(id)); } catch (e) {
      if (e.status === 403) return forbidden(main, e);
      add(main, h("h1", { text: t("Owner {0}", id) }), h("p", { class: "msg bad", role: "alert", text: e.message }));
      return;
    }
    add(main, h("h1", null, t("Papers of owner"), " ", h("span", { class: "code", text: r.owner })));
    const papers = r.papers || [];
    if (!papers.length) add(main, h("p", { text: t("This owner has no paper in the warehouse.") }));
    papers.forEach((p, i) => {
      const msg = h("p", { class: "msg", role: "alert" });
      const dossier = keep(h("input", { id: "attach-" + i, class: "dossier-input", autocomplete: "off", placeholder: t("Dossier code") }), "owner.attach." + p.code);
      const att = h("form", { class: "inline attach-form" }, field(t("Attach to dossier"), dossier), h("button", { type: "submit", text: t("Attach") }));
      att.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        const dc = dossier.value.trim();
        if (!dc) { setMsg(msg, t("Give the code of the dossier."), "bad"); dossier.focus(); return; }
        try {
          const a = await api("POST", "/api/v1/dossiers/" + enc(dc) + "/attach", { paper: p.code });
          setMsg(msg, t("Attached to dossier {0} (log entry {1}).", a.dossier, a.log_index), "ok");
          forget(["owner.attach." + p.code]);
        } catch (e) { setMsg(msg, e.message, "bad"); }
      });
      const reason = keep(h("input", { id: "revoke-" + i, autocomplete: "off" }), "owner.revoke." + p.code);
      const rev = h("form", { class: "inline revoke-form" }, field(t("Revoke: reason"), reason), h("button", { type: "submit", class: "danger", text: t("Revoke") }));
      rev.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        if (!reason.value.trim()) { setMsg(msg, t("Give the reason for revoking."), "bad"); reason.focus(); return; }
        if (!window.confirm(t("Revoke paper {0}? This is signed and cannot be undone.", p.code))) return;
        try {
          await api("POST", "/api/v1/papers/" + enc(p.code) + "/revoke", { reason: reason.value.trim() });
          forget(["owner.revoke." + p.code]);
          render();
        } catch (e) { setMsg(msg, e.message, "bad"); }
      });
      const facts = Object.keys(p.facts || {}).map((k) => h("div", null, h("span", { class: "small", text: k + ": " }), String(p.facts[k])));
      add(main, h("article", { class: "card paper", "data-code": p.code },
        pageImg(p.code, 1, 200),
        h("div", null,
          h("h2", null, h("span", { class: "code", text: p.code }), " ", kindName(p.kind)),
          h("p", null, validityBadge(p.validity)),
          h("p", { class: "small" }, t("Received {0} in dossier", p.received), " ", codeLink("dossier", p.dossier),
            p.reused ? " · " + t("reused {0} time(s)", p.reused) : ""),
          facts, att, p.validity && p.validity.status !== "revoked" ? rev : null, msg)));
    });
  }

  // ---- archivist: verify -------------------------------------------------------------------
  async function viewVerify(main, code) {
    const input = keep(h("input", { id: "vcode", autocomplete: "off", required: true }), "verify.code");
    if (code) input.value = code;
    const msg = h("p", { id: "verify-msg", class: "msg", role: "alert" });
    const out = h("div", { id: "verify-out" });
    const form = h("form", { id: "verify-form", class: "card" }, h("h1", { text: t("Verify a paper") }),
      field(t("Paper code"), input), h("button", { type: "submit", text: t("Verify") }), msg);
    const TYPES = { component: "paper received", result: "result issued", reuse: "reused in a dossier", revocation: "revocation", change: "change", correction: "correction", rotation: "key rotation" };
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const c = input.value.trim();
      if (!c) { setMsg(msg, t("Give the code of the paper."), "bad"); return; }
      clear(out);
      setMsg(msg, t("Checking the signatures and the log…"), "busy");
      try {
        const v = await api("GET", "/api/v1/papers/" + enc(c) + "/verify");
        let p = null;
        try { p = await api("GET", "/api/v1/papers/" + enc(c)); } catch (e) { p = null; }
        if (v.ok) setMsg(msg, t("Verified: the paper, its signature and its place in the log are intact."), "ok");
        else setMsg(msg, t("Verification FAILED: {0} problem(s).", (v.problems || []).length), "bad");
        if (!v.ok) add(out, h("ul", { id: "problems" }, (v.problems || []).map((x) => h("li", null, h("span", { class: "code", text: x.code }), ": ", x.problem))));
        const dl = h("dl", { id: "verify-details" });
        if (p) add(dl, h("dt", { text: t("Kind") }), h("dd", { text: kindName(p.kind) }),
          h("dt", { text: t("Owner") }), h("dd", { text: p.owner }),
          h("dt", { text: t("Dossier") }), h("dd", { class: "code", text: p.dossier }),
          h("dt", { text: t("Signature") }), h("dd", { text: p.validity && p.validity.signature === "signed" ? t("signed") : t("unsigned") }),
          h("dt", { text: t("Validity") }), h("dd", null, validityBadge(p.validity)));
        const signedRows = (v.signed || []).map((e) => h("tr", null,
          td(t(TYPES[e.type] || e.type)), td(String(e.time || "").replace("T", " ")),
          td([e.signer || "", e.title ? " (" + e.title + ")" : ""].join("")),
          td(h("span", { class: "code", text: String(e.key_id || "").slice(0, 16) + "…", title: e.key_id })),
          td(e.operator || "—"),
          h("td", { class: "num", text: String(e.log_index) }),
          h("td", { class: "num", text: e.checkpoint_size === undefined ? "—" : String(e.checkpoint_size) })));
        const base = "/api/v1/papers/" + enc(c);
        add(out, h("section", { class: "card" }, h("h2", null, h("span", { class: "code", text: c })), dl,
          h("h3", { text: t("What was signed") }),
          table([t("Signed"), t("When"), t("Signer"), t("Key"), t("Received by"), t("Log index"), t("In checkpoint of size")], signedRows, "signed-table"),
          v.log_size !== undefined ? h("p", { class: "small", id: "log-size", text: t("The log holds {0} entries; each entry above was checked against the latest signed checkpoint.", v.log_size) }) : null,
          h("p", null, h("a", { id: "proof-link", class: "button", href: base + "/proof", download: c + "-proof.tar", text: t("Download the proof bundle") })),
          p ? h("p", null, (p.pages || []).map((g) => [h("a", { class: "page-link", href: base + "/pages/" + g.n, download: c + "-" + g.n, text: t("Page {0}: master image ({1})", g.n, g.mime) }), " ",
            g.original ? [h("a", { class: "page-link", href: base + "/pages/" + g.n + "?original=1", download: c + "-" + g.n + "-original", text: t("Page {0}: the photo as received ({1})", g.n, g.original.mime) }), " "] : null])) : null));
      } catch (e) {
        if (e.status === 403) return forbidden(main, e);
        setMsg(msg, e.message, "bad");
      }
    });
    // the whole warehouse, in the background on the server, polled
    const allBtn = h("button", { type: "button", id: "verify-all", text: t("Verify the whole warehouse") });
    const bar = h("progress", { id: "verify-progress", max: "1", value: "0", hidden: true });
    const allMsg = h("p", { id: "verify-all-msg", class: "msg", "aria-live": "polite" });
    const allOut = h("div", { id: "verify-all-out" });
    let poll = null;
    async function follow() {
      let s;
      try { s = await api("GET", "/api/v1/verify"); } catch (e) { clearInterval(poll); poll = null; setMsg(allMsg, e.message, "bad"); return; }
      if (!document.body.contains(allMsg)) { clearInterval(poll); poll = null; return; }
      if (s.state === "none") return;
      bar.hidden = false;
      bar.max = Math.max(1, s.papers_total || 0);
      bar.value = s.papers_done || 0;
      clear(allOut);
      if (s.state === "running") {
        setMsg(allMsg, s.phase === "log" ? t("Checking the log and its checkpoints…") : t("Verifying papers: {0} of {1}…", s.papers_done, s.papers_total), "busy");
        allBtn.disabled = true;
        return;
      }
      clearInterval(poll); poll = null;
      allBtn.disabled = false;
      if (s.state === "failed") setMsg(allMsg, t("The verification stopped: {0}", s.error || ""), "bad");
      else if (s.ok) setMsg(allMsg, t("The whole warehouse is intact: {0} papers, {1} log entries.", s.papers_total, s.log_entries), "ok");
      else setMsg(allMsg, t("Verification FAILED: {0} problem(s).", s.problems_count), "bad");
      if ((s.problems || []).length) add(allOut, h("ul", { id: "all-problems" }, s.problems.map((x) => h("li", null, h("span", { class: "code", text: x.code }), ": ", x.problem))));
    }
    allBtn.addEventListener("click", async () => {
      try { await api("POST", "/api/v1/verify", {}); } catch (e) { if (e.status !== 409) { setMsg(allMsg, e.message, "bad"); return; } }
      setMsg(allMsg, t("Started…"), "busy");
      if (!poll) poll = setInterval(follow, 700);
      follow();
    });
    add(main, form, out, h("section", { class: "card", id: "verify-all-card" }, h("h2", { text: t("The whole warehouse") }),
      h("p", { class: "small", text: t("Every paper against what was signed, then the log and its checkpoints. It runs on the server: you may leave this page.") }),
      allBtn, bar, allMsg, allOut));
    input.focus();
    follow().then(() => { if (allBtn.disabled && !poll) poll = setInterval(follow, 700); });
    if (code) form.requestSubmit();
  }

  // ---- archivist: audit trail -------------------------------------------------------------
  async function viewAudit(main) {
    const user = keep(h("input", { id: "auser", autocomplete: "off" }), "audit.user");
    const code = keep(h("input", { id: "acode", autocomplete: "off" }), "audit.code");
    const cmd = keep(h("input", { id: "acmd", type: "search", autocomplete: "off" }), "audit.cmd");
    const msg = h("p", { id: "audit-msg", class: "msg", role: "alert" });
    const out = h("div", { id: "audit-out" });
    let entries = [];
    function show() {
      const f = fold(cmd.value.trim());
      const rows = entries.filter((e) => !f || fold(e.command || "").indexOf(f) >= 0).slice(-500).reverse().map((e) =>
        h("tr", null, td(String(e.seq)), td(e.when), td(e.user), td(e.command), td(e.code), td(e.dossier)));
      clear(out);
      add(out, table(["#", t("When"), t("User"), t("Action"), t("Code"), t("Dossier")], rows, "audit-table"));
      setMsg(msg, t("{0} entries.", rows.length));
    }
    async function run() {
      let url = "/api/v1/audit";
      const qs = [];
      if (user.value.trim()) qs.push("user=" + enc(user.value.trim()));
      if (code.value.trim()) qs.push("code=" + enc(code.value.trim()));
      if (qs.length) url += "?" + qs.join("&");
      try { entries = (await api("GET", url)).entries || []; show(); } catch (e) {
        if (e.status === 403) return forbidden(main, e);
        setMsg(msg, e.message, "bad");
      }
    }
    const form = h("form", { id: "audit-form", class: "card" }, h("h1", { text: t("Audit trail") }),
      h("div", { class: "filters" }, field(t("User"), user), field(t("Code"), code), field(t("Action"), cmd)),
      h("button", { type: "submit", text: t("Show") }), msg);
    form.addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
    cmd.addEventListener("input", show);
    add(main, form, out);
    user.focus();
    run();
  }

  // ---- head of office: report -------------------------------------------------------------
  function ymd(d) { return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0"); }
  async function viewReport(main) {
    // the office's date, not the PC's: a desk clock on another zone would end the range a day early
    const today = (me && /^\d{4}-\d{2}-\d{2}$/.test(me.today || "")) ? me.today : ymd(new Date());
    const from = keep(h("input", { id: "rfrom", type: "date", required: true }), "report.from");
    const to = keep(h("input", { id: "rto", type: "date", required: true }), "report.to");
    if (!from.value) from.value = today.slice(0, 4) + "-01-01";
    if (!to.value) to.value = today;
    const by = keep(h("select", { id: "rby" },
      h("option", { value: "month", text: t("by month") }), h("option", { value: "procedure", text: t("by procedure") }),
      h("option", { value: "agency", text: t("by agency") }), h("option", { value: "total", text: t("total only") })), "report.by");
    const msg = h("p", { id: "report-msg", class: "msg", role: "alert" });
    const out = h("div", { id: "report-out" });
    const COLS = [["dossiers", N_("Dossiers received")], ["papers", N_("Papers")], ["share_fully_digitised", N_("Fully digitised (%)")],
      ["results_electronic", N_("Results issued electronically")], ["share_dossiers_reusing", N_("Dossiers reusing (%)")],
      ["papers_reused", N_("Papers reused")], ["owners_not_asked", N_("Owners not asked again")]];
    async function run() {
      setMsg(msg, t("Counting…"), "busy");
      clear(out);
      let rows = [];
      try {
        if (by.value === "month") {
          const a = new Date(from.value + "T00:00:00"), b = new Date(to.value + "T00:00:00");
          let y = a.getFullYear(), m = a.getMonth(), n = 0;
          while ((y < b.getFullYear() || (y === b.getFullYear() && m <= b.getMonth())) && n < 36) {
            const first = new Date(y, m, 1), last = new Date(y, m + 1, 0);
            const f = first < a ? a : first, l = last > b ? b : last;
            const r = await api("GET", "/api/v1/report?from=" + ymd(f) + "&to=" + ymd(l) + "&by=total");
            const row = Object.assign({}, (r.rows || [])[0] || {}, { group: y + "-" + String(m + 1).padStart(2, "0") });
            rows.push(row);
            m++; if (m === 12) { m = 0; y++; }
            n++;
          }
        } else {
          const r = await api("GET", "/api/v1/report?from=" + enc(from.value) + "&to=" + enc(to.value) + "&by=" + enc(by.value));
          rows = r.rows || [];
        }
      } catch (e) {
        if (e.status === 403) return forbidden(main, e);
        setMsg(msg, e.message, "bad");
        return;
      }
      setMsg(msg, "");
      const fmt = (k, v) => v === undefined || v === null ? "0" : k.indexOf("share_") === 0 ? Number(v).toFixed(1) : String(v);
      const label = (g) => g === "total" ? t("All") : g;
      add(out, h("h2", { text: t("Indicators from {0} to {1}", from.value, to.value) }),
        table([t("Group")].concat(COLS.map((c) => t(c[1]))), rows.map((r) =>
          h("tr", null, td(label(r.group)), COLS.map((c) => h("td", { class: "num", text: fmt(c[0], r[c[0]]) })))), "report-table"),
        chart(rows.filter((r) => by.value === "month" || by.value === "total" || r.group !== "total"), label));
      const csv = [["group"].concat(COLS.map((c) => c[0]))].concat(rows.map((r) => [r.group].concat(COLS.map((c) => fmt(c[0], r[c[0]])))))
        .map((line) => line.map((x) => /[",\n]/.test(String(x)) ? '"' + String(x).replace(/"/g, '""') + '"' : String(x)).join(",")).join("\r\n") + "\r\n";
      const blob = new Blob(["\ufeff" + csv], { type: "text/csv;charset=utf-8" });
      add(out, h("p", null, h("a", { id: "csv", class: "button", href: URL.createObjectURL(blob), download: "sohoa-report-" + from.value + "-" + to.value + ".csv", text: t("Download CSV") })));
    }
    // Bars of dossiers received per group, as inline SVG made here (no library).
    function chart(rows, label) {
      const NS = "http://www.w3.org/2000/svg";
      const s = (tag, attrs, text) => {
        const e = document.createElementNS(NS, tag);
        Object.keys(attrs).forEach((k) => e.setAttribute(k, String(attrs[k])));
        if (text !== undefined) e.textContent = text;
        return e;
      };
      const W = 900, bh = 22, gap = 6, left = 220, H = Math.max(1, rows.length) * (bh + gap) + 30;
      const max = Math.max(1, ...rows.map((r) => r.dossiers || 0));
      const svg = s("svg", { id: "report-chart", viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", "aria-label": t("Dossiers received") });
      svg.append(s("title", {}, t("Dossiers received")));
      rows.forEach((r, i) => {
        const y = 10 + i * (bh + gap), w = Math.round(((r.dossiers || 0) / max) * (W - left - 80));
        svg.append(s("text", { x: left - 8, y: y + bh * 0.7, "text-anchor": "end", class: "lbl" }, String(label(r.group)).slice(0, 32)));
        svg.append(s("rect", { x: left, y: y, width: Math.max(w, 1), height: bh, class: "bar" }));
        svg.append(s("text", { x: left + w + 6, y: y + bh * 0.7, class: "val" }, String(r.dossiers || 0)));
      });
      return h("figure", { class: "chart" }, svg, h("figcaption", { text: t("Dossiers received") }));
    }
    const form = h("form", { id: "report-form", class: "card" }, h("h1", { text: t("Report") }),
      h("div", { class: "filters" }, field(t("From"), from), field(t("To"), to), field(t("Group"), by)),
      h("button", { type: "submit", text: t("Show") }), msg);
    form.addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
    add(main, form, out);
    run();
  }

  // ---- admin ------------------------------------------------------------------------------
  async function viewAdmin(main) {
    let users, keys;
    try {
      users = (await api("GET", "/api/v1/users")).users || [];
      keys = (await api("GET", "/api/v1/keys")).keys || [];
    } catch (e) {
      if (e.status === 403) return forbidden(main, e);
      add(main, h("p", { class: "msg bad", role: "alert", text: e.message }));
      return;
    }
    const msg = h("p", { id: "admin-msg", class: "msg", role: "alert" });
    add(main, h("h1", { text: t("Administration") }), msg);
    add(main, h("section", { class: "card" }, h("h2", { text: t("Users and roles") }),
      table([t("User"), t("Role"), t("State"), t("Password"), ""], users.map((u) => {
        const b = u.disabled ? "" : h("button", { type: "button", class: "danger small", text: t("Disable") });
        if (b) b.addEventListener("click", async () => {
          if (!window.confirm(t("Disable the account {0}? Its sessions end now.", u.name))) return;
          try { await api("POST", "/api/v1/users/" + enc(u.name) + "/disable", {}); render(); } catch (e) { setMsg(msg, e.message, "bad"); }
        });
        return h("tr", null, td(u.name), td(t(ROLE_NAMES[u.role] || u.role)), td(u.disabled ? t("disabled") : t("active")),
          td(u.password ? t("set") : t("not set")), td(b));
      }), "users-table")));
    const name = keep(h("input", { id: "nuser", autocomplete: "off", required: true, pattern: "[a-z0-9._-]{1,32}" }), "admin.name");
    const role = keep(h("select", { id: "nrole" }, Object.keys(ROLE_NAMES).map((r) => h("option", { value: r, text: t(ROLE_NAMES[r]) }))), "admin.role");
    const pw = h("input", { id: "npw", type: "password", autocomplete: "new-password", required: true, minlength: "8" });
    const f = h("form", { id: "user-form", class: "card" }, h("h2", { text: t("Add a user") }),
      h("div", { class: "filters" }, field(t("User name (a-z 0-9 . _ -)"), name), field(t("Role"), role), field(t("Password"), pw)),
      h("button", { type: "submit", text: t("Add") }));
    f.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await api("POST", "/api/v1/users", { name: name.value.trim(), role: role.value, password: pw.value });
        pw.value = "";
        forget(["admin.name"]);
        render();
      } catch (e) { setMsg(msg, e.message, "bad"); }
    });
    add(main, f);
    // signing keys: list, revoke with a reason; rotation is the command line's
    // (the server signs with the key unlocked at its start: docs/SERVER.md)
    add(main, h("section", { class: "card", id: "keys" }, h("h2", { text: t("Signing keys") }),
      table([t("Key"), t("Signer"), t("Title"), t("Agency"), t("Valid from"), t("Valid until"), t("Revoked"), ""], keys.map((k, i) => {
        let act = null;
        if (k.server) act = h("span", { class: "badge valid key-server", text: t("the server signs with it") });
        else if (!k.revoked) {
          const reason = keep(h("input", { id: "key-reason-" + i, autocomplete: "off", class: "key-reason" }), "admin.keyrevoke." + k.key_id);
          act = h("form", { class: "inline key-revoke" }, field(t("Revoke: reason"), reason), h("button", { type: "submit", class: "danger", text: t("Revoke") }));
          act.addEventListener("submit", async (ev) => {
            ev.preventDefault();
            if (!reason.value.trim()) { setMsg(msg, t("Give the reason for revoking."), "bad"); reason.focus(); return; }
            if (!window.confirm(t("Revoke the key {0}? Signatures it makes from now on are rejected; earlier ones stay valid.", k.key_id.slice(0, 16)))) return;
            try {
              await api("POST", "/api/v1/keys/" + enc(k.key_id) + "/revoke", { reason: reason.value.trim() });
              forget(["admin.keyrevoke." + k.key_id]);
              render();
            } catch (e) { setMsg(msg, e.message, "bad"); }
          });
        }
        return h("tr", { "data-key": k.key_id, class: k.revoked ? "revoked" : null },
          td(h("span", { class: "code", title: k.key_id, text: k.key_id.slice(0, 16) + "…" })), td(k.name), td(k.title), td(k.agency), td(k.valid_from),
          td(k.valid_until || "—"),
          td(k.revoked ? h("span", { class: "badge revoked key-revoked", text: t("revoked") + " " + k.revoked + (k.reason ? " — " + t("reason: {0}", k.reason) : "") }) : "—"),
          td(act));
      }), "keys-table"),
      h("p", { class: "small", id: "keys-rotate", text: t("To rotate the server's key: run `sohoa keys rotate` on the server, then restart `sohoa serve` and type the new key's passphrase. A running server keeps signing with the key unlocked at its start, so the page does not rotate it.") })));
  }

  // ---- routing ------------------------------------------------------------------------------
  function header() {
    const nav = clear($("nav"));
    $("lang").textContent = lang === "vi" ? "English" : "Tiếng Việt";
    $("lang").setAttribute("lang", lang === "vi" ? "en" : "vi");
    $("logout").textContent = t("Log out");
    $("logout").hidden = !me;
    $("who").textContent = me ? me.user + " · " + t(ROLE_NAMES[me.role] || me.role) : "";
    if (!me) return;
    (NAV[me.role] || []).forEach((p) => {
      const a = h("a", { href: PAGES[p][1], text: t(PAGES[p][0]) });
      if (location.hash.indexOf(PAGES[p][1]) === 0) a.setAttribute("aria-current", "page");
      add(nav, a);
    });
  }
  async function whoami() {
    if (me) return me;
    try {
      const r = await api("GET", "/api/v1/me", null, { login: true });
      S.setItem("sohoa.csrf", r.csrf);
      me = { user: r.user, role: r.role, today: r.today };
    } catch (e) { me = null; }
    return me;
  }
  async function render() {
    document.documentElement.lang = lang;
    const main = clear($("main"));
    status("");
    const parts = location.hash.replace(/^#\/?/, "").split("/").map((x) => { try { return decodeURIComponent(x); } catch (e) { return ""; } });
    const page = parts[0] || "";
    if (page !== "login") await whoami();
    if (page === "login" || !me) {
      if (page !== "login") { S.setItem("sohoa.after", location.hash); location.hash = "#/login"; return; }
      header();
      document.title = t("Log in") + " — sohoa";
      viewLogin(main);
      return;
    }
    header();
    const views = { desk: viewDesk, search: viewSearch, owner: viewOwner, dossier: viewDossier, verify: viewVerify, audit: viewAudit, report: viewReport, admin: viewAdmin };
    const v = views[page];
    if (!v) { location.replace(home()); return; }
    document.title = t((PAGES[page] || [page])[0]) + " — sohoa";
    try { await v(main, parts[1]); } catch (e) {
      if (e.status !== 401) add(main, h("p", { class: "msg bad", role: "alert", text: e.message }));
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("lang").addEventListener("click", () => {
      lang = lang === "vi" ? "en" : "vi";
      try { window.localStorage.setItem("sohoa.lang", lang); } catch (e) { /* private mode */ }
      render();
    });
    $("logout").addEventListener("click", async () => {
      try { await api("POST", "/api/v1/logout", {}); } catch (e) { /* gone already */ }
      me = null;
      S.clear();
      location.hash = "#/login";
    });
    window.addEventListener("hashchange", render);
    render();
  });
})();
