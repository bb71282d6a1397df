
// huashu's HTML report: renders the JSON blocks of this page (see src/report/html.rs for their
// fields). Text only ever goes into the page through textContent, so a phrase stays text whatever
// it holds. Findings are shown a page at a time, so a library with tens of thousands of findings
// opens and filters at once.
(function () {
  'use strict';

  const SEV = ['错误', '警告', '提示'];
  const SCENES = {
    greeting: '欢迎问候', product: '商品咨询', bargaining: '议价优惠', payment: '付款',
    'urge-payment': '催付', logistics: '物流', 'after-sales': '售后', closing: '结束语', common: '通用'
  };
  const NO_GROUP = '未分组';
  const PAGE_SIZES = [50, 100, 200, 500];
  const PRINT_ALL = 3000;

  const $ = (id) => document.getElementById(id);
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent, ...children) {
    for (const c of children) {
      parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return parent;
  }
  const parse = (node) => JSON.parse(node.textContent);
  const chars = (s) => Array.from(s || '');
  const num = (n) => Number(n).toLocaleString('zh-CN');

  // ---- the data ----------------------------------------------------------------------------
  const meta = parse($('hs-meta'));
  const end = parse($('hs-end'));
  const files = [], groups = [], rules = [], phrases = [], findings = [];
  for (const node of document.querySelectorAll('script.hs-chunk')) {
    const d = parse(node);
    for (const x of d.files) files.push(x);
    for (const x of d.groups) groups.push(x);
    for (const x of d.rules) rules.push(x);
    for (const x of d.phrases) phrases.push(x);
    for (const x of d.findings) findings.push(x);
  }

  const F = { PHRASE: 0, RULE: 1, SEV: 2, LINE: 3, COL: 4, START: 5, END: 6, EXTRA: 7 };
  const extra = (f) => f[F.EXTRA] || {};
  const fileOf = (f) => phrases[f[F.PHRASE]][0];
  const groupOf = (f) => phrases[f[F.PHRASE]][1];

  // Groups are filtered by name: the same group in several files is one choice.
  const groupNames = [], groupKeyOf = new Map();
  function groupKey(g) {
    const name = g < 0 ? NO_GROUP : groups[g][0];
    if (!groupKeyOf.has(name)) {
      groupKeyOf.set(name, groupNames.length);
      groupNames.push(name);
    }
    return groupKeyOf.get(name);
  }
  const fGroup = new Int32Array(findings.length);
  const fFile = new Int32Array(findings.length);
  findings.forEach((f, i) => { fFile[i] = fileOf(f); fGroup[i] = groupKey(groupOf(f)); });

  // Shown by file, then by group in the order the file first has it, then in file order.
  const rank = new Map();
  const fRank = new Int32Array(findings.length);
  findings.forEach((f, i) => {
    const key = fFile[i] + '|' + groupOf(f);
    if (!rank.has(key)) rank.set(key, rank.size);
    fRank[i] = rank.get(key);
  });
  const order = findings.map((_, i) => i);
  order.sort((a, b) => (fFile[a] - fFile[b]) || (fRank[a] - fRank[b]) || (a - b));

  // ---- the head of the page ----------------------------------------------------------------
  function when(iso) {
    const d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    const p = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' +
      p(d.getHours()) + ':' + p(d.getMinutes());
  }
  $('meta').textContent = '生成于 ' + when(meta.generated) + '（本机时间）· huashu ' + meta.version +
    ' · 规则包：' + (meta.packs.length ? meta.packs.join('、') : '无');

  const s = end.summary;
  function card(n, label, cls) {
    return add(el('div', 'card' + (cls ? ' ' + cls : '')), el('span', 'n', num(n)), el('span', 'l', label));
  }
  add($('cards'),
    card(s.files, '个文件已检查'),
    card(s.phrases, '条话术'),
    card(s.errors, '个错误（必须改）', 'sev-0'),
    card(s.warnings, '个警告（建议改）', 'sev-1'),
    card(s.infos, '条提示（可以更好）', 'sev-2'));
  if (s.failed > 0) $('cards').appendChild(card(s.failed, '个文件无法检查', 'sev-0'));

  // The rules that fire most.
  const byRule = new Array(rules.length).fill(0);
  for (const f of findings) byRule[f[F.RULE]]++;
  const topRules = rules.map((r, i) => i).filter((i) => byRule[i] > 0)
    .sort((a, b) => byRule[b] - byRule[a] || (rules[a].id < rules[b].id ? -1 : 1));
  if (topRules.length === 0) {
    $('top-rules-panel').hidden = true;
  }
  if (topRules.length > 1) $('top-rules-panel').appendChild(el('p', 'hint', '点一项，下面只列出这类问题。'));
  for (const i of topRules.slice(0, 5)) {
    const b = el('button', 'link', rules[i].message);
    b.type = 'button';
    b.addEventListener('click', () => { state.rule = i; $('f-rule').value = String(i); apply(); toFindings(); });
    add($('top-rules'), add(el('li'), add(el('span'), el('span', 'count', num(byRule[i]) + ' 处'), b)));
  }

  // Problems per group, as bars of errors, warnings and notes.
  function chart() {
    const per = groupNames.map(() => [0, 0, 0]);
    for (let i = 0; i < findings.length; i++) per[fGroup[i]][findings[i][F.SEV]]++;
    const rows = per.map((c, k) => ({ k, c, n: c[0] + c[1] + c[2] })).filter((r) => r.n > 0)
      .sort((a, b) => b.n - a.n).slice(0, 10);
    if (rows.length === 0) { $('groups-panel').hidden = true; return; }
    const NS = 'http://www.w3.org/2000/svg';
    const W = 560, ROW = 22, LABEL = 150, COUNT = 60;
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + (rows.length * ROW + 4));
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', '各分组的问题数');
    const max = rows[0].n;
    const colors = ['#b42318', '#9a4a00', '#175cd3'];
    rows.forEach((r, j) => {
      const g = document.createElementNS(NS, 'g');
      g.setAttribute('class', 'bar');
      const title = document.createElementNS(NS, 'title');
      title.textContent = groupNames[r.k] + '：' + r.c[0] + ' 个错误，' + r.c[1] + ' 个警告，' + r.c[2] + ' 条提示';
      g.appendChild(title);
      const y = j * ROW + 4;
      const label = document.createElementNS(NS, 'text');
      label.setAttribute('x', LABEL - 8);
      label.setAttribute('y', y + 13);
      label.setAttribute('text-anchor', 'end');
      const name = chars(groupNames[r.k]);
      label.textContent = name.length > 9 ? name.slice(0, 8).join('') + '…' : name.join('');
      g.appendChild(label);
      let x = LABEL;
      r.c.forEach((n, sev) => {
        if (!n) return;
        const w = Math.max(2, (W - LABEL - COUNT) * n / max);
        const rect = document.createElementNS(NS, 'rect');
        rect.setAttribute('x', x);
        rect.setAttribute('y', y + 1);
        rect.setAttribute('width', w);
        rect.setAttribute('height', ROW - 6);
        rect.setAttribute('fill', colors[sev]);
        g.appendChild(rect);
        x += w;
      });
      const count = document.createElementNS(NS, 'text');
      count.setAttribute('x', x + 6);
      count.setAttribute('y', y + 13);
      count.textContent = num(r.n);
      g.appendChild(count);
      g.addEventListener('click', () => { state.group = r.k; $('f-group').value = String(r.k); apply(); toFindings(); });
      svg.appendChild(g);
    });
    $('group-chart').appendChild(svg);
    const legend = el('div', 'legend');
    SEV.forEach((name, sev) => add(legend, add(el('span'), el('i', 'sev-' + sev), name)));
    $('group-chart').appendChild(legend);
    if (per.filter((c) => c[0] + c[1] + c[2] > 0).length > rows.length) {
      $('group-chart').appendChild(el('p', 'hint', '只显示问题最多的 10 个分组。'));
    }
  }
  chart();

  // Files that could not be checked, skipped, or empty.
  if (end.failures.length) {
    $('failures-panel').hidden = false;
    for (const f of end.failures) {
      let place = f.path || '';
      if (f.path && f.line) place += ' 第 ' + f.line + ' 行' + (f.column ? '第 ' + f.column + ' 列' : '');
      add($('failures'), add(el('li'), el('span', 'place', place), place ? '：' : '', f.message));
    }
  }
  function noteList(summary, items) {
    const d = el('details');
    add(d, el('summary', null, summary));
    const ul = el('ul');
    for (const text of items.slice(0, 500)) ul.appendChild(el('li', null, text));
    if (items.length > 500) ul.appendChild(el('li', null, '……另有 ' + num(items.length - 500) + ' 个'));
    d.appendChild(ul);
    $('notes').appendChild(d);
  }
  if (end.skipped.length) {
    noteList('跳过了 ' + num(end.skipped.length) + ' 个不是话术库的文件',
      end.skipped.map((k) => k.path + '（' + k.reason + '）'));
  }
  if (end.empty.length) noteList(num(end.empty.length) + ' 个文件里没有话术', end.empty);

  // The library overview, when the run made one.
  function place(p) {
    if (typeof p === 'string') return p;
    if (!p || typeof p !== 'object') return '';
    if (p.cell) return (p.path || '') + ' ' + p.cell;
    return (p.path || '') + (p.line ? ' 第 ' + p.line + ' 行' : '');
  }
  function library(lib) {
    if (!lib || typeof lib !== 'object') return;
    const body = $('library-body');
    if (Array.isArray(lib.groups) && lib.groups.length) {
      const table = el('table');
      add(table, add(el('tr'), el('th', null, '分组'), el('th', null, '场景'), el('th', null, '话术数')));
      for (const g of lib.groups) {
        add(table, add(el('tr'), el('td', null, g.name || NO_GROUP), el('td', null, SCENES[g.scene] || g.scene || ''),
          el('td', 'num', num(g.phrases || 0))));
      }
      add(body, el('h3', null, '每个分组的话术'), table);
    }
    if (Array.isArray(lib.missing_scenes) && lib.missing_scenes.length) {
      const p = el('p');
      for (const sc of lib.missing_scenes) p.appendChild(el('span', 'tag', SCENES[sc] || sc));
      add(body, el('h3', null, '缺少的场景'), p);
    }
    const listed = (title, items, text) => {
      if (!Array.isArray(items) || !items.length) return;
      const ul = el('ul');
      for (const it of items.slice(0, 200)) {
        const places = Array.isArray(it.places) ? it.places.map(place).join('；') : '';
        ul.appendChild(add(el('li'), el('b', null, text(it)), places ? '：' + places : ''));
      }
      add(body, el('h3', null, title + '（' + num(items.length) + '）'), ul);
    };
    listed('重复的话术', lib.duplicates, (it) => it.text || '');
    listed('前后说法不一致的承诺', lib.inconsistent, (it) => it.message || it.text || '');
    $('library').hidden = body.childNodes.length === 0;
  }
  library(end.library);

  // ---- filters -----------------------------------------------------------------------------
  const state = { sev: [true, true, true], rule: -1, group: -1, file: -1, q: '', page: 0, size: 100 };
  let shown = [];
  // Findings shown per file and per group of a file (by rank), for the headings.
  let shownPerFile = new Int32Array(files.length), shownPerRank = new Int32Array(rank.size);
  let hay = null;
  function haystack(i) {
    if (!hay) {
      hay = findings.map((f, k) => {
        const r = rules[f[F.RULE]], x = extra(f), ph = phrases[f[F.PHRASE]];
        return [ph[2], x.t || '', x.m || r.message, r.id, (x.s || r.suggest || []).join(' '),
          files[ph[0]], groupNames[fGroup[k]], ph[3] || ''].join('\n').toLowerCase();
      });
    }
    return hay[i];
  }

  function options(select, all, labels) {
    select.textContent = '';
    for (const [value, label, id] of [[-1, all]].concat(labels)) {
      const o = el('option', null, label);
      o.value = String(value);
      o.dataset.label = label;
      if (id) o.dataset.id = id;
      select.appendChild(o);
    }
  }
  const ruleChoices = topRules.concat(rules.map((r, i) => i).filter((i) => byRule[i] === 0));
  options($('f-rule'), '全部规则', ruleChoices.map((i) => [i, rules[i].message, rules[i].id]));
  options($('f-group'), '全部分组', groupNames.map((n, k) => [k, n]));
  options($('f-file'), '全部文件', files.map((n, k) => [k, n]));

  function apply() {
    const q = state.q.trim().toLowerCase();
    const sevN = [0, 0, 0];
    const ruleN = new Int32Array(rules.length), groupN = new Int32Array(groupNames.length), fileN = new Int32Array(files.length);
    shown = [];
    for (const i of order) {
      const f = findings[i];
      const sev = state.sev[f[F.SEV]];
      const rule = state.rule < 0 || f[F.RULE] === state.rule;
      const group = state.group < 0 || fGroup[i] === state.group;
      const file = state.file < 0 || fFile[i] === state.file;
      const text = !q || haystack(i).indexOf(q) >= 0;
      // Each choice counts what the other filters let through.
      if (rule && group && file && text) sevN[f[F.SEV]]++;
      if (sev && group && file && text) ruleN[f[F.RULE]]++;
      if (sev && rule && file && text) groupN[fGroup[i]]++;
      if (sev && rule && group && text) fileN[fFile[i]]++;
      if (sev && rule && group && file && text) shown.push(i);
    }
    shownPerFile = new Int32Array(files.length);
    shownPerRank = new Int32Array(rank.size);
    for (const i of shown) { shownPerFile[fFile[i]]++; shownPerRank[fRank[i]]++; }
    for (const b of document.querySelectorAll('[data-sev-count]')) b.textContent = num(sevN[+b.dataset.sevCount]);
    const counted = (select, counts) => {
      const total = counts.reduce((a, b) => a + b, 0);
      for (const o of select.options) {
        const v = +o.value;
        o.textContent = o.dataset.label + '（' + num(v < 0 ? total : counts[v]) + '）';
      }
    };
    counted($('f-rule'), ruleN);
    counted($('f-group'), groupN);
    counted($('f-file'), fileN);
    const filtered = shown.length !== findings.length;
    const line = $('shown');
    line.dataset.count = shown.length;
    line.textContent = findings.length === 0 ? '' :
      filtered ? '筛选出 ' + num(shown.length) + ' 条问题（共 ' + num(findings.length) + ' 条）'
        : '共 ' + num(findings.length) + ' 条问题';
    state.page = 0;
    render();
  }

  // ---- one finding -------------------------------------------------------------------------
  function copy(text, button) {
    const label = button.textContent;
    const done = (ok) => {
      button.textContent = ok ? '已复制' : '复制失败，请手动选中复制';
      button.classList.toggle('done', ok);
      setTimeout(() => { button.textContent = label; button.classList.remove('done'); }, 1800);
    };
    const fallback = () => {
      const area = el('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      let ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      area.remove();
      done(ok);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(() => done(true), fallback);
    } else {
      fallback();
    }
  }
  function copyButton(text, label) {
    const b = el('button', null, label);
    b.type = 'button';
    b.addEventListener('click', () => copy(text, b));
    return b;
  }

  // Where a finding is: the line and column, or the workbook cell and the character in it.
  function where(f) {
    const x = extra(f);
    return x.c ? x.c + '（第 ' + f[F.COL] + ' 个字）' : '第 ' + f[F.LINE] + ' 行第 ' + f[F.COL] + ' 列';
  }

  function why(rule) {
    const d = el('details', 'f-why');
    d.appendChild(el('summary', null, '为什么？依据和例子'));
    d.addEventListener('toggle', () => {
      if (!d.open || d.dataset.filled) return;
      d.dataset.filled = '1';
      const body = el('div', 'body');
      if (rule.explain) body.appendChild(el('p', 'explain', rule.explain));
      if (rule.source) body.appendChild(el('p', 'src', '依据：' + rule.source));
      const examples = (title, list, mark) => {
        if (!list || !list.length) return;
        body.appendChild(el('div', null, title));
        const ul = el('ul');
        for (const t of list) ul.appendChild(el('li', null, mark + ' ' + t));
        body.appendChild(ul);
      };
      examples('会被报告的写法：', rule.bad, '✗');
      examples('没问题的写法：', rule.good, '✓');
      if (!rule.explain && !rule.source) body.appendChild(el('p', null, rule.message));
      body.appendChild(el('p', 'src', '规则 ' + rule.id + '；命令行里可用 huashu explain ' + rule.id + ' 查看。'));
      d.appendChild(body);
    });
    return d;
  }

  // The matched characters of a finding in its phrase's characters, or null.
  function span(f, text) {
    const start = f[F.START], stop = f[F.END];
    return start >= 0 && stop <= text.length && start < stop ? [start, stop] : null;
  }

  // One problem of a phrase: what is wrong, what to write instead, where, why.
  function finding(i, text) {
    const f = findings[i], rule = rules[f[F.RULE]], x = extra(f), sev = f[F.SEV];
    const at = span(f, text);
    const before = at ? text.slice(0, at[0]).join('') : '';
    const match = at ? text.slice(at[0], at[1]).join('') : (x.t || '');
    const after = at ? text.slice(at[1]).join('') : '';

    const art = el('article', 'finding sev-' + sev);
    art.dataset.rule = rule.id;
    art.dataset.severity = ['error', 'warning', 'info'][sev];
    const head = add(el('div', 'f-head'), el('span', 'badge sev-' + sev, SEV[sev]), el('span', 'f-msg', x.m || rule.message));
    if (match) head.appendChild(el('span', 'f-match', '“' + match + '”'));
    add(head, el('span', 'f-rule', rule.id));
    art.appendChild(head);

    const suggestions = x.s || rule.suggest || [];
    const fix = el('div', 'f-fix');
    if (at && rule.fix === 'remove') {
      add(fix, add(el('div', 'fix-row'), el('span', 'what', '删掉“' + match + '”：'),
        add(el('span', 'text'), before, el('del', null, match), after), copyButton(before + after, '复制改好的话术')));
    } else if (at && (rule.fix === 'safe' || rule.fix === 'suggest') && suggestions.length) {
      for (const sug of suggestions) {
        add(fix, add(el('div', 'fix-row'), el('span', 'what', '改为“' + sug + '”：'),
          add(el('span', 'text'), before, el('ins', null, sug), after), copyButton(before + sug + after, '复制改好的话术')));
      }
    } else {
      for (const sug of suggestions) {
        add(fix, add(el('div', 'fix-row'), el('span', 'what', '建议：'), el('span', 'text', sug), copyButton(sug, '复制')));
      }
    }
    if (fix.childNodes.length) art.appendChild(fix);

    const foot = el('div', 'f-where', '位置：' + where(f));
    art.appendChild(foot);
    if (Array.isArray(x.r) && x.r.length) {
      const ul = el('ul', 'f-related');
      for (const r of x.r) {
        const place = files[r[0]] + ' ' + (r[3] ? r[3] : '第 ' + r[1] + ' 行第 ' + r[2] + ' 列');
        ul.appendChild(el('li', null, (r[4] ? r[4] + '：' : '另见：') + place));
      }
      art.appendChild(ul);
    }
    art.appendChild(why(rule));
    return art;
  }

  // A phrase and the problems found in it that pass the filters: the phrase once, every match
  // marked in it, then each problem.
  function phraseCard(ids) {
    const first = findings[ids[0]], ph = phrases[first[F.PHRASE]];
    const text = chars(ph[2]);
    const worst = Math.min(...ids.map((i) => findings[i][F.SEV]));
    const card = el('section', 'phrase-card sev-' + worst);
    // Each character knows the worst problem marked on it; runs of equal characters are one node.
    const level = new Array(text.length).fill(3);
    for (const i of ids) {
      const at = span(findings[i], text);
      if (!at) continue;
      for (let c = at[0]; c < at[1]; c++) level[c] = Math.min(level[c], findings[i][F.SEV]);
    }
    const quote = el('div', 'f-phrase');
    if (!text.length) {
      quote.appendChild(el('span', 'none', '（这条问题不在某条话术里，而在它所在的位置）'));
    }
    for (let c = 0; c < text.length;) {
      let e = c + 1;
      while (e < text.length && level[e] === level[c]) e++;
      const piece = text.slice(c, e).join('');
      quote.appendChild(level[c] < 3 ? el('mark', 'sev-' + level[c], piece) : document.createTextNode(piece));
      c = e;
    }
    const fx = extra(first);
    const label = el('div', 'p-where', (fx.c ? fx.c : '第 ' + first[F.LINE] + ' 行') + (ph[3] ? ' · 快捷编码 ' + ph[3] : ''));
    add(card, quote, label);
    for (const i of ids) card.appendChild(finding(i, text));
    return card;
  }

  // ---- the list, a page at a time ----------------------------------------------------------
  function heads(list, from, to) {
    let file = -1, group = -1;
    for (let n = from; n < to;) {
      const i = shown[n];
      if (fFile[i] !== file) {
        file = fFile[i];
        group = -1;
        list.appendChild(add(el('h3', 'file-head'), files[file], el('span', 'count', num(shownPerFile[file]) + ' 个问题')));
      }
      if (fRank[i] !== group) {
        group = fRank[i];
        const g = groupOf(findings[i]);
        const h = el('h4', 'group-head');
        const name = g < 0 ? NO_GROUP : groups[g][0];
        add(h, '分组：', el('b', null, name));
        const scene = g >= 0 ? SCENES[groups[g][1]] : '';
        if (scene && scene !== name) add(h, ' · 场景：' + scene);
        add(h, el('span', 'count', num(shownPerRank[fRank[i]]) + ' 个问题'));
        list.appendChild(h);
      }
      const ids = [i];
      while (n + ids.length < to && findings[shown[n + ids.length]][F.PHRASE] === findings[i][F.PHRASE]) {
        ids.push(shown[n + ids.length]);
      }
      list.appendChild(phraseCard(ids));
      n += ids.length;
    }
  }

  function render(all) {
    const list = $('list');
    list.textContent = '';
    const pager = $('pager');
    pager.textContent = '';
    if (findings.length === 0) {
      list.appendChild(el('div', 'all-clear', s.files > 0 ? '没有发现问题，话术都符合规则。' : '没有检查到话术文件。'));
      return;
    }
    if (shown.length === 0) {
      list.appendChild(el('div', 'empty-list', '没有符合筛选条件的问题。'));
      return;
    }
    const size = all ? shown.length : state.size;
    const pages = Math.ceil(shown.length / size);
    state.page = Math.min(state.page, pages - 1);
    const from = state.page * size, to = Math.min(shown.length, from + size);
    heads(list, from, to);
    if (all) return;
    const go = (p) => { state.page = p; render(); toFindings(); };
    const button = (label, p, off) => {
      const b = el('button', null, label);
      b.type = 'button';
      b.disabled = off;
      b.addEventListener('click', () => go(p));
      return b;
    };
    add(pager,
      button('« 第一页', 0, state.page === 0),
      button('‹ 上一页', state.page - 1, state.page === 0),
      el('span', 'info', '第 ' + num(state.page + 1) + ' / ' + num(pages) + ' 页（第 ' + num(from + 1) + '–' + num(to) + ' 条）'),
      button('下一页 ›', state.page + 1, state.page >= pages - 1),
      button('最后一页 »', pages - 1, state.page >= pages - 1));
    const per = el('select');
    per.setAttribute('aria-label', '每页条数');
    for (const n of PAGE_SIZES) {
      const o = el('option', null, '每页 ' + n + ' 条');
      o.value = String(n);
      o.selected = n === state.size;
      per.appendChild(o);
    }
    per.addEventListener('change', () => { state.size = +per.value; state.page = 0; render(); });
    pager.appendChild(per);
  }

  function toFindings() {
    const top = $('findings').getBoundingClientRect().top + window.scrollY;
    if (window.scrollY > top || window.scrollY + window.innerHeight < top + 80) window.scrollTo(0, top);
  }

  // ---- wiring ------------------------------------------------------------------------------
  for (const box of document.querySelectorAll('[data-sev]')) {
    box.addEventListener('change', () => { state.sev[+box.dataset.sev] = box.checked; apply(); });
  }
  for (const [id, key] of [['f-rule', 'rule'], ['f-group', 'group'], ['f-file', 'file']]) {
    $(id).addEventListener('change', () => { state[key] = +$(id).value; apply(); });
  }
  let typing = 0;
  $('f-search').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.q = $('f-search').value; apply(); }, 150);
  });
  $('f-reset').addEventListener('click', () => {
    Object.assign(state, { sev: [true, true, true], rule: -1, group: -1, file: -1, q: '' });
    for (const box of document.querySelectorAll('[data-sev]')) box.checked = true;
    for (const id of ['f-rule', 'f-group', 'f-file']) $(id).value = '-1';
    $('f-search').value = '';
    apply();
  });
  if (findings.length === 0) $('toolbar').hidden = true;
  // Printing shows every finding that passes the filters (up to a few thousand), not one page.
  window.addEventListener('beforeprint', () => { if (shown.length <= PRINT_ALL) render(true); });
  window.addEventListener('afterprint', () => render());

  // Hooks for people and tests: what the page holds and shows.
  window.huashuReport = { total: findings.length, shown: () => shown.length };
  apply();
  $('app').hidden = false;
  document.documentElement.dataset.ready = '1';
  // The search text of every finding, made while the reader looks at the first page.
  if (findings.length > 5000) setTimeout(() => haystack(0), 300);
})();
