// "Kho của tôi": the citizen's own warehouse (docs/CITIZEN.md). Talks to
// /api/v1/me/... with the citizen's session cookie (set by the login
// callback) and the CSRF token from /api/v1/me/session. No inline script
// (the server's Content-Security-Policy forbids it).
'use strict';
(function () {
  const $ = (s) => document.querySelector(s);
  let csrf = null;
  const STATUS = {valid: 'còn hiệu lực', expired: 'hết hiệu lực', revoked: 'đã thu hồi'};
  const WHO = {owner: 'Bạn', officer: 'Cán bộ', citizen: 'Người khác', office: 'Cơ quan khác'};
  const ACTION = {
    'share-use': 'Dùng mã chia sẻ tại bộ phận một cửa',
    'office-fetch': 'Cơ quan khác lấy để dùng lại', 'refused': 'Bị từ chối', 'show': 'Xem',
    'search': 'Tìm kiếm', 'owner': 'Xem kho', 'reuse': 'Đề xuất dùng lại', 'export-pdf': 'Xuất PDF',
    'export-proof': 'Xuất bằng chứng', 'me-papers': 'Bạn xem danh sách', 'me-paper': 'Bạn xem',
    'me-page': 'Bạn xem trang', 'me-pdf': 'Bạn tải PDF', 'me-proof': 'Bạn tải bằng chứng',
    'attach': 'Đính kèm vào hồ sơ'};
  const CSTATE = {open: 'đang chờ', applied: 'đã đính chính', rejected: 'không chấp nhận'};

  async function api(method, path, body) {
    const h = {};
    if (body !== undefined) h['Content-Type'] = 'application/json';
    if (method !== 'GET' && csrf) h['X-CSRF-Token'] = csrf;
    const r = await fetch(path, {method, headers: h, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)});
    let j = null;
    try { j = await r.json(); } catch (e) { j = null; }
    if (!r.ok) {
      const e = new Error((j && j.error) || ('HTTP ' + r.status));
      e.status = r.status;
      throw e;
    }
    return j;
  }
  function td(tr, text, cls) {
    const c = document.createElement('td');
    if (text instanceof Node) c.appendChild(text); else c.textContent = text == null ? '' : String(text);
    if (cls) c.className = cls;
    tr.appendChild(c);
    return c;
  }
  function day(s) { return s ? s.slice(0, 10) : ''; }
  function msg(sel, text, kind) { const m = $(sel); m.textContent = text; m.className = 'msg ' + (kind || ''); }

  async function papers() {
    const r = await api('GET', '/api/v1/me/papers');
    const tb = $('#papers tbody');
    tb.textContent = '';
    const sel = $('#corr-paper');
    sel.textContent = '';
    for (const p of r.papers) {
      const tr = document.createElement('tr');
      tr.dataset.code = p.code;
      const cb = document.createElement('input');
      cb.type = 'checkbox';
      cb.className = 'pick';
      cb.value = p.code;
      cb.disabled = p.validity.status !== 'valid';
      cb.setAttribute('aria-label', 'Chọn ' + p.code);
      td(tr, cb);
      const img = document.createElement('img');
      img.alt = 'Trang 1 của ' + p.code;
      img.width = 96;
      img.loading = 'lazy';
      img.src = '/api/v1/me/papers/' + encodeURIComponent(p.code) + '/pages/1?w=160';
      td(tr, img);
      td(tr, (p.kind_name || p.kind) + (p.result ? ' (kết quả)' : ''));
      td(tr, p.code, 'code');
      td(tr, day(p.created));
      const b = document.createElement('span');
      b.className = 'badge ' + p.validity.status;
      b.textContent = STATUS[p.validity.status] || p.validity.status;
      if (p.validity.status === 'revoked' && p.validity.reason) b.textContent += ': ' + p.validity.reason;
      else if (p.validity.valid_until) b.textContent += ' đến ' + p.validity.valid_until;
      td(tr, b);
      const links = document.createElement('span');
      const a = document.createElement('a');
      a.href = '/api/v1/me/papers/' + encodeURIComponent(p.code) + '/pdf';
      a.className = 'pdf';
      a.textContent = 'PDF';
      const pr = document.createElement('a');
      pr.href = '/api/v1/me/papers/' + encodeURIComponent(p.code) + '/proof';
      pr.className = 'proof';
      pr.textContent = 'Bằng chứng';
      links.append(a, ' · ', pr);
      td(tr, links);
      tb.appendChild(tr);
      const o = document.createElement('option');
      o.value = p.code;
      o.textContent = (p.kind_name || p.kind) + ' ' + p.code;
      sel.appendChild(o);
    }
    msg('#papers-msg', r.papers.length ? r.papers.length + ' giấy tờ' : 'Chưa có giấy tờ nào.');
  }

  async function shares() {
    const r = await api('GET', '/api/v1/me/shares');
    const tb = $('#shares tbody');
    tb.textContent = '';
    for (const s of r.shares) {
      const tr = document.createElement('tr');
      td(tr, s.code, 'code');
      td(tr, s.procedure);
      td(tr, s.papers.join(', '));
      td(tr, day(s.expires));
      td(tr, s.uses, 'num');
      td(tr, {active: 'đang dùng được', expired: 'hết hạn', revoked: 'đã thu hồi'}[s.state] || s.state);
      const c = td(tr, '');
      if (s.state === 'active') {
        const btn = document.createElement('button');
        btn.type = 'button';
        btn.className = 'small revoke';
        btn.textContent = 'Thu hồi';
        btn.addEventListener('click', async () => {
          try { await api('POST', '/api/v1/me/shares/' + encodeURIComponent(s.code) + '/revoke', {}); await shares(); }
          catch (e) { msg('#share-msg', e.message, 'bad'); }
        });
        c.appendChild(btn);
      }
      tb.appendChild(tr);
    }
  }

  async function reads() {
    const r = await api('GET', '/api/v1/me/reads');
    const tb = $('#reads tbody');
    tb.textContent = '';
    for (const x of r.reads) {
      const tr = document.createElement('tr');
      if (x.refused) tr.className = 'missing';
      td(tr, x.when.replace('T', ' ').slice(0, 16));
      td(tr, x.who === 'officer' ? 'Cán bộ ' + x.user : WHO[x.who] || x.who, 'who');
      td(tr, x.agency || '');
      td(tr, ACTION[x.action] || x.action);
      td(tr, x.paper, 'code');
      td(tr, x.dossier || '', 'code');
      tb.appendChild(tr);
    }
  }

  async function corrections() {
    const r = await api('GET', '/api/v1/me/corrections');
    const tb = $('#corrections tbody');
    tb.textContent = '';
    for (const c of r.corrections) {
      const tr = document.createElement('tr');
      td(tr, c.id, 'num');
      td(tr, c.paper, 'code');
      td(tr, c.fact);
      td(tr, c.value);
      td(tr, CSTATE[c.state] || c.state);
      tb.appendChild(tr);
    }
  }

  async function employees() {
    const r = await api('GET', '/api/v1/me/delegates');
    const ul = $('#employees');
    ul.textContent = '';
    for (const id of r.employees) {
      const li = document.createElement('li');
      li.textContent = id;
      ul.appendChild(li);
    }
  }

  async function start() {
    let s;
    try {
      s = await api('GET', '/api/v1/me/session');
    } catch (e) {
      $('#login').hidden = false;
      if (e.status !== 401) msg('#login-msg', e.message, 'bad');
      return;
    }
    csrf = s.csrf;
    $('#who').textContent = s.personal_id + (s.company ? ' · MST ' + s.company : '');
    $('#logout').hidden = false;
    $('#app').hidden = false;
    $('#cong-ty').hidden = !s.company;
    await papers();
    await shares();
    await reads();
    await corrections();
    if (s.company) await employees();
    document.body.dataset.ready = '1';
  }

  $('#logout').addEventListener('click', async () => {
    try { await api('POST', '/api/v1/me/logout', {}); } catch (e) { /* gone already */ }
    location.reload();
  });
  $('#share-make').addEventListener('click', async () => {
    const picked = [...document.querySelectorAll('#papers input.pick:checked')].map((c) => c.value);
    if (!picked.length) { msg('#share-msg', 'Chọn ít nhất một giấy tờ còn hiệu lực.', 'bad'); return; }
    try {
      const r = await api('POST', '/api/v1/me/shares', {procedure: $('#share-proc').value.trim(),
        papers: picked, days: parseInt($('#share-days').value, 10) || 7});
      $('#share-code').textContent = r.code;
      $('#share-qr').src = '/api/v1/me/shares/' + encodeURIComponent(r.code) + '/qr.svg';
      $('#share-qr').hidden = false;
      msg('#share-msg', 'Đưa mã này cho bộ phận một cửa. Hết hạn ngày ' + day(r.expires) + '.', 'ok');
      await shares();
    } catch (e) { msg('#share-msg', e.message, 'bad'); }
  });
  $('#corr-send').addEventListener('click', async () => {
    try {
      const r = await api('POST', '/api/v1/me/corrections', {paper: $('#corr-paper').value,
        fact: $('#corr-fact').value, value: $('#corr-value').value, note: $('#corr-note').value});
      msg('#corr-msg', 'Đã gửi, số ' + r.id + '.', 'ok');
      await corrections();
    } catch (e) { msg('#corr-msg', e.message, 'bad'); }
  });
  $('#emp-add').addEventListener('click', async () => {
    try {
      await api('POST', '/api/v1/me/delegates', {employee: $('#emp-id').value.trim()});
      msg('#emp-msg', 'Đã cho phép.', 'ok');
      await employees();
    } catch (e) { msg('#emp-msg', e.message, 'bad'); }
  });
  document.querySelectorAll('#nav a').forEach((a) => a.addEventListener('click', () => setTimeout(() => {
    const t = document.querySelector(a.getAttribute('href'));
    if (t) t.scrollIntoView();
  })));
  // refresh "who looked" when the page comes back into view (after the desk used a share)
  document.addEventListener('visibilitychange', () => { if (!document.hidden && csrf) reads().catch(() => {}); });
  start();
})();
